"""What the information screens work out before they show it: tickets, hours, dates."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta, timezone

import pytest

from kiosk import info_text
from kiosk.info_text import (
    date_text,
    hours_rows,
    name_in,
    nearest_first,
    offered_here,
    parse_time,
    state_text,
)
from kiosk.opening_hours import WIB, WIT, WITA, day_groups, open_state, parse_hours, zone_of
from kiosk.tickets import parse_ticket

DEMO_HOURS = {d: "08:00-16:00" for d in ("mon", "tue", "wed", "thu")} | {"fri": "08:00-11:30"}


# --- tickets ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "ADM-7307-2611-7KQ2",
        "adm-7307-2611-7kq2",
        "ADM 7307 2611 7KQ2",
        " adm73072611 7kq2 ",
        "7307-2611-7KQ2",  # without the ADM
        "730726117KQ2",
        "ADM-73O7-2611-7KQ2",  # O typed for 0
    ],
)
def test_a_ticket_is_read_however_it_is_typed(typed):
    assert parse_ticket(typed) == "ADM-7307-2611-7KQ2"


def test_lookalike_letters_in_the_last_group_become_digits():
    assert parse_ticket("ADM-7307-2611-OIL2") == "ADM-7307-2611-0112"


@pytest.mark.parametrize(
    "typed",
    ["", "ADM", "ADM-7307-2611", "ADM-7307-2611-7KQ", "ADM-7307-2611-7KQ22", "ADM-7307-26A1-7KQ2",
     "ADM-7307-2611-7KU2", "7KQ2-M9XD-4TRA", "x" * 100],
)  # fmt: skip
def test_what_cannot_be_a_ticket_is_not_sent_to_the_server(typed):
    assert parse_ticket(typed) is None


# --- opening hours ------------------------------------------------------------------------------


def test_the_province_gives_the_time_zone():
    assert zone_of("73.07.05") is WITA  # Sinjai, Sulawesi Selatan
    assert zone_of("16.12") is WIB  # PALI, Sumatera Selatan
    assert zone_of("91.71") is WIT  # Jayapura
    assert zone_of("99.01") is None
    assert zone_of("") is None


def test_hours_that_are_no_span_count_as_closed():
    hours = parse_hours({"mon": "08:00-16:00", "tue": "16:00-08:00", "wed": "8-4", "xyz": "1"})
    assert hours == {"mon": (time(8), time(16))}
    assert parse_hours("08:00-16:00") == {}


def test_days_with_the_same_hours_are_grouped_monday_to_sunday():
    groups = day_groups(parse_hours(DEMO_HOURS))
    assert groups == [
        (["mon", "tue", "wed", "thu"], (time(8), time(16))),
        (["fri"], (time(8), time(11, 30))),
        (["sat", "sun"], None),
    ]


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A local time on 2026-11-23 (a Monday) + ``day`` days."""
    return datetime(2026, 11, 23 + day, hour, minute, tzinfo=WITA.tzinfo)


def test_open_and_closed_by_the_clock():
    hours = parse_hours(DEMO_HOURS)
    assert open_state(hours, at(0, 9)).open
    assert open_state(hours, at(0, 9)).closes == time(16)
    assert not open_state(hours, at(0, 16)).open  # closing time is closed
    early = open_state(hours, at(0, 7, 30))
    assert (early.open, early.next_day, early.next_time, early.next_is_today) == (
        False,
        "mon",
        time(8),
        True,
    )
    friday_afternoon = open_state(hours, at(4, 13))
    assert (friday_afternoon.next_day, friday_afternoon.next_is_today) == ("mon", False)
    assert open_state({}, at(0, 9)).next_day is None


# --- what the citizen reads ---------------------------------------------------------------------


def test_hours_are_written_the_indonesian_way_with_the_zone():
    place = {"region_code": "73.07.05", "opening_hours": DEMO_HOURS}
    assert hours_rows(place, "id") == [
        ("Senin\u2013Kamis", "08.00\u201316.00 WITA"),
        ("Jumat", "08.00\u201311.30 WITA"),
        ("Sabtu\u2013Minggu", "Tutup"),
    ]
    assert hours_rows(place, "en")[0] == ("Monday\u2013Thursday", "08:00\u201316:00 WITA")
    assert hours_rows({"opening_hours": {}}, "id") == []


def test_open_now_is_judged_on_the_locations_own_clock(monkeypatch):
    # Monday 01:30 UTC: 08:30 in Palembang (WIB), 09:30 in Sinjai (WITA), 10:30 in Jayapura (WIT)
    monkeypatch.setattr(info_text, "utc_now", lambda: datetime(2026, 11, 23, 1, 30, tzinfo=UTC))
    office = {"mon": "09:00-10:00"}
    assert state_text({"region_code": "16.12", "opening_hours": office}, "id") == (
        "Tutup sekarang. Buka hari ini pukul 09.00",
        False,
    )
    assert state_text({"region_code": "73.07", "opening_hours": office}, "id") == (
        "Buka sekarang, sampai pukul 10.00",
        True,
    )
    assert state_text({"region_code": "91.71", "opening_hours": office}, "en") == (
        "Closed now. Opens again on Monday at 09:00",
        False,
    )
    assert state_text({"region_code": "73.07"}, "id") == ("Jam buka belum ditentukan", False)


def test_other_places_come_nearest_first_after_this_one():
    here = {"name": "Sinjai Utara", "_here": True, "latitude": -5.12, "longitude": 120.25}
    near = {"name": "Sinjai Selatan", "latitude": -5.25, "longitude": 120.17}
    far = {"name": "Abepura", "latitude": -2.6, "longitude": 140.6}
    unknown = {"name": "Bulupoddo"}
    places = [unknown, far, near, here]
    places.sort(key=lambda p: nearest_first(p, here))
    assert [p["name"] for p in places] == ["Sinjai Utara", "Sinjai Selatan", "Abepura", "Bulupoddo"]


def test_dates_from_the_server_are_written_in_words():
    when = parse_time("2026-11-22T14:05:09+08:00")
    assert when == datetime(2026, 11, 22, 14, 5, 9, tzinfo=timezone(timedelta(hours=8)))
    assert date_text(when, "id") == "22 November 2026, pukul 14.05"
    assert date_text(when, "en") == "22 November 2026 at 14:05"
    assert date_text(when, "id", with_time=False) == "22 November 2026"
    assert date_text(datetime(2026, 8, 1, 9, 0), "id", with_time=False) == "1 Agustus 2026"
    assert parse_time("yesterday") is None
    assert parse_time(None) is None


def test_only_the_services_offered_here_are_listed_all_before_the_first_configuration():
    catalogue = [{"code": "akta_kelahiran"}, {"code": "kia"}, {"code": "skpwni"}, {"name_id": "?"}]
    assert [s["code"] for s in offered_here(catalogue, ["skpwni", "kia"])] == ["kia", "skpwni"]
    assert [s["code"] for s in offered_here(catalogue, [])] == ["akta_kelahiran", "kia", "skpwni"]


def test_a_name_missing_in_english_falls_back_to_indonesian():
    assert name_in({"code": "kia", "name_id": "KIA", "name_en": "Child ID"}, "en") == "Child ID"
    assert name_in({"code": "kia", "name_id": "KIA", "name_en": ""}, "en") == "KIA"
    assert name_in({"code": "kia"}, "id") == "kia"
