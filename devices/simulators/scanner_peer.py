"""A simulated serial scanner: writes codes, noise or half lines into the driver's port."""

from __future__ import annotations

import os
from pathlib import Path

from devices.simulators.pty_link import PtyLink


class ScannerPeer:
    """What a test or a demo "scans" reaches the driver as bytes on a real pty."""

    def __init__(self, link: Path | None = None, terminator: bytes = b"\r") -> None:
        self.pty = PtyLink(link)
        self.terminator = terminator

    @property
    def path(self) -> str:
        return self.pty.path

    def scan(self, code: str) -> None:
        self.send_raw(code.encode() + self.terminator)

    def send_raw(self, data: bytes) -> None:
        os.write(self.pty.master, data)

    def close(self) -> None:
        self.pty.close()
