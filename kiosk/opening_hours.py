"""When a kiosk location is open, in that location's own time (Indonesia has three time zones).

The server keeps a location's hours as ``{"mon": "08:00-16:00", ...}`` in local time and its
region code (``73.07.05``). The province, the first two digits, gives the zone: a kiosk in
Sinjai (WITA) that lists a location in Palembang (WIB) must say "open" on Palembang's clock,
whatever the kiosk's own clock is set to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, timezone

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HOURS = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class Zone:
    name: str  # WIB, WITA, WIT: what Indonesians write after a time
    offset: timedelta

    @property
    def tzinfo(self) -> timezone:
        return timezone(self.offset, self.name)


WIB = Zone("WIB", timedelta(hours=7))
WITA = Zone("WITA", timedelta(hours=8))
WIT = Zone("WIT", timedelta(hours=9))

# Province codes (kode wilayah, first two digits) by time zone.
_PROVINCES = {
    WIB: (11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 61, 62),
    WITA: (51, 52, 53, 63, 64, 65, 71, 72, 73, 74, 75, 76),
    WIT: (81, 82, 91, 92, 93, 94, 95, 96),
}
_ZONE_OF = {code: zone for zone, codes in _PROVINCES.items() for code in codes}

Span = tuple[time, time]


def zone_of(region_code: str) -> Zone | None:
    """The time zone of a region code's province; None when the code names no province."""
    head = region_code.strip()[:2]
    # isdigit() is true for "²3" too, which int() refuses: only ASCII digits name a province
    return _ZONE_OF.get(int(head)) if head.isascii() and head.isdigit() else None


def parse_hours(raw: object) -> dict[str, Span]:
    """Weekday -> (opens, closes); entries that are no valid span are left out (= closed)."""
    hours: dict[str, Span] = {}
    if not isinstance(raw, dict):
        return hours
    for day, text in raw.items():
        match = _HOURS.match(str(text).strip()) if day in WEEKDAYS else None
        if match is None:
            continue
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        opens, closes = time(h1, m1), time(h2, m2)
        if opens < closes:
            hours[day] = (opens, closes)
    return hours


def day_groups(hours: dict[str, Span]) -> list[tuple[list[str], Span | None]]:
    """Monday to Sunday, consecutive days with the same hours together (None = closed)."""
    groups: list[tuple[list[str], Span | None]] = []
    for day in WEEKDAYS:
        span = hours.get(day)
        if groups and groups[-1][1] == span:
            groups[-1][0].append(day)
        else:
            groups.append(([day], span))
    return groups


def local_time(region_code: str, now: datetime) -> datetime:
    """``now`` (aware) on the location's clock; the kiosk's own zone when the code has none."""
    zone = zone_of(region_code)
    return now.astimezone(zone.tzinfo) if zone is not None else now.astimezone()


@dataclass(frozen=True)
class OpenState:
    """Open now (until ``closes``), or closed (opening again on ``next_day`` at ``next_time``)."""

    open: bool
    closes: time | None = None
    next_day: str | None = None  # a WEEKDAYS name; None = no opening hours at all
    next_time: time | None = None
    next_is_today: bool = False


def open_state(hours: dict[str, Span], local_now: datetime) -> OpenState:
    """Whether a location with these hours is open at ``local_now`` (its own local time)."""
    today = local_now.weekday()
    clock = local_now.time().replace(tzinfo=None)
    span = hours.get(WEEKDAYS[today])
    if span is not None and span[0] <= clock < span[1]:
        return OpenState(True, closes=span[1])
    if span is not None and clock < span[0]:
        return OpenState(False, next_day=WEEKDAYS[today], next_time=span[0], next_is_today=True)
    for ahead in range(1, 8):
        day = WEEKDAYS[(today + ahead) % 7]
        if day in hours:
            return OpenState(False, next_day=day, next_time=hours[day][0])
    return OpenState(False)


def utc_now() -> datetime:
    return datetime.now(UTC)
