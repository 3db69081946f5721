"""The kiosk core's own exceptions."""

from __future__ import annotations


class KioskError(Exception):
    """Base of the kiosk core's errors."""


class ConfigError(KioskError):
    """The configuration file is missing, corrupt or says something impossible."""


class ServerUnavailable(KioskError):
    """The server could not be reached or failed; trying again later may work."""


class ServerRefused(KioskError):
    """The server answered and said no; ``reason`` is its stable machine word."""

    def __init__(self, status: int, reason: str, message: str, extra: dict[str, str]) -> None:
        super().__init__(f"{status} {reason}: {message}")
        self.status, self.reason, self.message, self.extra = status, reason, message, extra
