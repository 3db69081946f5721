"""Kiosk locations as the public page shows them: by region, hours on the place's own clock.

Indonesia has three time zones; a location's hours are kept in its local time, and the province
(the first two digits of its region code) names the zone. The kiosk side has its own copy of this
table (kiosk/opening_hours.py): kiosk and server share no code, only the HTTP API.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from itertools import groupby

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.models import Kiosk, Location

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HOURS = re.compile(r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$")
_ZONES = {
    "WIB": (11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 61, 62),
    "WITA": (51, 52, 53, 63, 64, 65, 71, 72, 73, 74, 75, 76),
    "WIT": (81, 82, 91, 92, 93, 94, 95, 96),
}
_ZONE_OF = {province: zone for zone, provinces in _ZONES.items() for province in provinces}


def zone_of(region_code: str) -> str:
    """WIB, WITA or WIT for the region's province; "" when the code names no province."""
    head = region_code[:2]
    return _ZONE_OF.get(int(head), "") if head.isdigit() else ""


@dataclass(frozen=True)
class HoursRow:
    days: tuple[str, ...]  # consecutive weekdays with the same hours: ("mon", "tue", ...)
    hours: str | None  # "08:00-16:00"; None: closed


@dataclass(frozen=True)
class Place:
    number: int  # its mark on the map
    name: str
    address: str
    region_code: str
    zone: str
    latitude: float | None
    longitude: float | None
    hours: tuple[HoursRow, ...]
    services: tuple[str, ...]
    kiosks: int  # kiosks standing there now (not revoked)


@dataclass(frozen=True)
class Region:
    code: str  # the regency, PP.KK: 73.07
    places: tuple[Place, ...]


def hours_rows(raw: str) -> tuple[HoursRow, ...]:
    """Monday to Sunday, consecutive days with the same hours on one row."""
    try:
        stored = json.loads(raw or "{}")
    except ValueError:
        stored = {}
    if not isinstance(stored, dict):
        stored = {}
    spans = {d: str(stored[d]) for d in WEEKDAYS if _HOURS.match(str(stored.get(d, "")))}
    rows: list[HoursRow] = []
    for hours, days in groupby(WEEKDAYS, key=lambda d: spans.get(d)):
        rows.append(HoursRow(tuple(days), hours))
    return tuple(rows)


def _services(raw: str) -> tuple[str, ...]:
    try:
        codes = json.loads(raw or "[]")
    except ValueError:
        return ()
    return tuple(c for c in codes if isinstance(c, str)) if isinstance(codes, list) else ()


def kiosk_places(session: Session) -> list[Region]:
    """Every location where a kiosk stands now, grouped by regency, each in name order."""
    counts: dict[int, int] = {}
    for location_id in session.scalars(
        select(Kiosk.location_id).where(Kiosk.revoked_at.is_(None), Kiosk.location_id.is_not(None))
    ):
        if location_id is not None:
            counts[location_id] = counts.get(location_id, 0) + 1
    locations = session.scalars(
        select(Location)
        .where(Location.id.in_(list(counts)))
        .order_by(Location.region_code, Location.name, Location.id)
    ).all()
    places = [
        Place(
            number=index,
            name=loc.name,
            address=loc.address,
            region_code=loc.region_code,
            zone=zone_of(loc.region_code),
            latitude=loc.latitude,
            longitude=loc.longitude,
            hours=hours_rows(loc.opening_hours),
            services=_services(loc.enabled_services),
            kiosks=counts[loc.id],
        )
        for index, loc in enumerate(locations, start=1)
    ]
    return [
        Region(code, tuple(group))
        for code, group in groupby(places, key=lambda p: p.region_code[:5])
    ]


@dataclass(frozen=True)
class MapMark:
    number: int
    name: str
    x: float
    y: float


MAP_WIDTH, MAP_HEIGHT, MAP_MARGIN = 640.0, 400.0, 32.0


def map_marks(regions: list[Region]) -> list[MapMark]:
    """Places with coordinates, projected onto a MAP_WIDTH x MAP_HEIGHT drawing (north up)."""
    located = [
        p for r in regions for p in r.places if p.latitude is not None and p.longitude is not None
    ]
    if not located:
        return []
    lats = [p.latitude for p in located if p.latitude is not None]
    lons = [p.longitude for p in located if p.longitude is not None]
    # At least ~0.05 degrees (5 km) across, so one place or two close ones do not fill the map.
    span = max(max(lats) - min(lats), max(lons) - min(lons), 0.05)
    mid_lat, mid_lon = (max(lats) + min(lats)) / 2, (max(lons) + min(lons)) / 2
    scale = min(MAP_WIDTH - 2 * MAP_MARGIN, MAP_HEIGHT - 2 * MAP_MARGIN) / span
    marks = []
    for place in located:
        assert place.latitude is not None and place.longitude is not None
        x = MAP_WIDTH / 2 + (place.longitude - mid_lon) * scale
        y = MAP_HEIGHT / 2 - (place.latitude - mid_lat) * scale
        marks.append(MapMark(place.number, place.name, round(x, 1), round(y, 1)))
    return marks
