"""Kiosk logging: a file technicians can read, with personal data masked before it is written."""

from __future__ import annotations

import logging
import logging.handlers
import re
from collections import deque
from pathlib import Path

# 16-digit runs are NIK or KK numbers; 12-character grouped codes are pickup codes.
_SIXTEEN = re.compile(r"(?<!\d)(\d{4})\d{10}(\d{2})(?!\d)")
_PICKUP = re.compile(r"\b([0-9A-Z]{4})-?[0-9A-Z]{4}-?[0-9A-Z]{4}\b")


def mask_personal(text: str) -> str:
    """7307061405800003 -> 7307**********03; 7KQ2-M9XD-4TRA -> 7KQ2-****-****."""
    text = _SIXTEEN.sub(lambda m: m.group(1) + "*" * 10 + m.group(2), text)
    return _PICKUP.sub(lambda m: m.group(1) + "-****-****", text)


class MaskingFormatter(logging.Formatter):
    """Masks the whole formatted record, traceback included."""

    def format(self, record: logging.LogRecord) -> str:
        return mask_personal(super().format(record))


class RecentProblems(logging.Handler):
    """The newest warnings and errors, masked, for the technician screen (no file to open)."""

    def __init__(self, keep: int = 50) -> None:
        super().__init__(logging.WARNING)
        self._lines: deque[str] = deque(maxlen=keep)
        self.setFormatter(MaskingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            # the first line only: a traceback belongs in the log file, not on the screen
            self._lines.append(self.format(record).splitlines()[0][:300])
        except Exception:  # noqa: BLE001 (logging's own rule: a handler never raises)
            self.handleError(record)

    def lines(self) -> list[str]:
        return list(self._lines)


RECENT_PROBLEMS = RecentProblems()


def setup_logging(log_dir: Path, level: int = logging.INFO, stderr: bool = True) -> Path:
    """Log to ``log_dir/kiosk.log`` (rotated) and, for technicians on a console, to stderr."""
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / "kiosk.log"
    formatter = MaskingFormatter("%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s")
    handlers: list[logging.Handler] = [
        logging.handlers.RotatingFileHandler(path, maxBytes=5_000_000, backupCount=5)
    ]
    if stderr:
        handlers.append(logging.StreamHandler())
    root = logging.getLogger()
    root.setLevel(level)
    if RECENT_PROBLEMS not in root.handlers:
        root.addHandler(RECENT_PROBLEMS)
    for handler in handlers:
        handler.setFormatter(formatter)
        root.addHandler(handler)
    return path
