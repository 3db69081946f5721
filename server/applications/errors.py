"""Why an application request was refused: a stable reason for kiosks, a sentence for people."""

from __future__ import annotations

from typing import Any


class ApplicationRefused(Exception):
    """Nothing was changed; ``reason`` is the stable word the kiosk translates."""

    def __init__(self, status: int, reason: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status, self.reason, self.message, self.extra = status, reason, message, extra
