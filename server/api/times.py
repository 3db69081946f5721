"""Times in API answers carry their UTC offset.

The database keeps the server's local time without an offset (naive datetimes). Indonesia has
three time zones, and a kiosk's clock may be set to any of them: every time the API sends is
therefore written with the server's offset (RFC 3339, e.g. 2026-11-22T15:46:21+08:00).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator


def with_offset(value: datetime) -> datetime:
    """A naive time is the server's local time: say which offset that is."""
    return value.astimezone() if value.tzinfo is None else value


ServerTime = Annotated[datetime, AfterValidator(with_offset)]
