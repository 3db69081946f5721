"""What citizens tell the office at a kiosk: complaints (pengaduan) and satisfaction surveys (SKM).

Both arrive through the kiosk's durable outbox, so both are stored once per idempotency key
(see replay.py); both refuse bad input before anything is stored.
"""

from __future__ import annotations


class FeedbackRefused(Exception):
    """Nothing was changed; ``reason`` is the stable word the kiosk or console translates."""

    def __init__(self, status: int, reason: str, message: str, **extra: object) -> None:
        super().__init__(message)
        self.status, self.reason, self.message, self.extra = status, reason, message, extra
