"""A pseudo-terminal pair whose slave a driver opens like any serial port."""

from __future__ import annotations

import os
import tty
from pathlib import Path


class PtyLink:
    """Owns the master end; ``path`` is the slave device (or a stable symlink to it)."""

    def __init__(self, link: Path | None = None) -> None:
        self.master, self._slave = os.openpty()
        tty.setraw(self.master)
        tty.setraw(self._slave)
        self.device = os.ttyname(self._slave)
        self.path = self.device
        if link is not None:
            link.parent.mkdir(parents=True, exist_ok=True)
            if link.is_symlink() or link.exists():
                link.unlink()
            link.symlink_to(self.device)
            self.path = str(link)

    def close(self) -> None:
        for fd in (self.master, self._slave):
            try:
                os.close(fd)
            except OSError:
                pass
