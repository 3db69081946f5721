"""How the information screens word dates, clock times, weekdays and opening hours.

In the citizen's language: 22 November 2026, pukul 14.05 / 22 November 2026 at 14:05;
Senin\u2013Kamis 08.00\u201316.00 WITA. No Kivy here, so the wording is tested on its own.
"""

from __future__ import annotations

import math
from datetime import datetime, time
from typing import Any

from kiosk.i18n import t
from kiosk.opening_hours import day_groups, local_time, open_state, parse_hours, utc_now, zone_of


def clock_text(value: time, lang: str) -> str:
    """14.05 in Indonesian, 14:05 in English."""
    return t("info.clock", lang, hour=value.hour, minute=value.minute)


def day_name(day: str, lang: str) -> str:
    """``mon`` -> Senin / Monday."""
    return t(f"info.day.{day}", lang)


def parse_time(text: object) -> datetime | None:
    """An RFC 3339 time from the server; None when it is missing or unreadable."""
    if not isinstance(text, str) or not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def date_text(value: datetime, lang: str, with_time: bool = True) -> str:
    """22 November 2026, pukul 14.05 (the time as the server's clock says it)."""
    parts = {
        "day": value.day,
        "month": t(f"info.month.{value.month}", lang),
        "year": value.year,
    }
    if not with_time:
        return t("info.date", lang, **parts)
    return t("info.date_time", lang, clock=clock_text(value.time(), lang), **parts)


def hours_rows(location: dict[str, Any], lang: str) -> list[tuple[str, str]]:
    """(days, hours) rows: Senin–Kamis / 08.00–16.00 WITA; empty when no hours are set."""
    hours = parse_hours(location.get("opening_hours"))
    if not hours:
        return []
    zone = zone_of(str(location.get("region_code", "")))
    rows = []
    for days, span in day_groups(hours):
        if len(days) == 1:
            label = day_name(days[0], lang)
        else:
            first, last = day_name(days[0], lang), day_name(days[-1], lang)
            label = t("locations.days", lang, first=first, last=last)
        if span is None:
            text = t("locations.closed", lang)
        else:
            text = t(
                "locations.hours",
                lang,
                start=clock_text(span[0], lang),
                end=clock_text(span[1], lang),
                zone=zone.name if zone is not None else "",
            ).strip()
        rows.append((label, text))
    return rows


def nearest_first(place: dict[str, Any], here: dict[str, Any] | None) -> tuple:
    """Sort key: this kiosk's place, then the others by distance from it, then by name."""
    name = str(place.get("name", "")).casefold()
    if place.get("_here"):
        return (0, 0.0, name)
    km = distance_km(here, place) if here is not None else None
    return (1, km, name) if km is not None else (2, 0.0, name)


def distance_km(a: dict[str, Any], b: dict[str, Any]) -> float | None:
    """Great-circle distance between two places with coordinates; None when one has none."""
    try:
        lat1, lon1 = float(a["latitude"]), float(a["longitude"])
        lat2, lon2 = float(b["latitude"]), float(b["longitude"])
    except (KeyError, TypeError, ValueError):
        return None
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp_, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp_ / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def state_text(location: dict[str, Any], lang: str) -> tuple[str, bool]:
    """ "Buka sekarang, sampai pukul 16.00" or when it opens again; and whether it is open."""
    hours = parse_hours(location.get("opening_hours"))
    if not hours:
        return t("locations.no_hours", lang), False
    now = local_time(str(location.get("region_code", "")), utc_now())
    state = open_state(hours, now)
    if state.open and state.closes is not None:
        return t("locations.open_now", lang, time=clock_text(state.closes, lang)), True
    if state.next_day is None or state.next_time is None:
        return t("locations.closed_now", lang), False
    at = clock_text(state.next_time, lang)
    if state.next_is_today:
        return t("locations.opens_today", lang, time=at), False
    return t("locations.opens_next", lang, day=day_name(state.next_day, lang), time=at), False


def name_in(item: dict[str, Any], lang: str) -> str:
    """An item's name in the citizen's language (the Indonesian one when English is missing)."""
    name = item.get("name_en") if lang == "en" else None
    return str(name or item.get("name_id") or item.get("code", ""))


def offered_here(services: list[dict[str, Any]], codes: list[str]) -> list[dict[str, Any]]:
    """The services of the catalogue this kiosk offers, in the catalogue's order."""
    valid = [s for s in services if isinstance(s, dict) and s.get("code")]
    if not codes:  # the kiosk has not fetched its configuration yet: show everything
        return valid
    return [s for s in valid if s["code"] in codes]
