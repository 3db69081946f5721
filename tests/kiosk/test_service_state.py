"""What the kiosk offers when the server, a printer or the clock says no: the pure decision."""

from __future__ import annotations

from datetime import UTC, datetime

from kiosk.service_state import Facts, decide, notice_text, notices_text, reason_text

SINJAI = {
    "id": 1,
    "name": "Kantor Kecamatan Sinjai Utara",
    "region_code": "73.07.05",  # South Sulawesi: WITA, UTC+8
    "opening_hours": {day: "08:00-16:00" for day in ("mon", "tue", "wed", "thu", "fri")},
}
PLACES = [
    {"id": 1, "name": "Kantor Kecamatan Sinjai Utara", "latitude": -5.12, "longitude": 120.25},
    {
        "id": 2,
        "name": "Kantor Distrik Abepura",
        "address": "Jayapura",
        "latitude": -2.6,
        "longitude": 140.6,
    },
    {
        "id": 3,
        "name": "Kantor Desa Lappa",
        "address": "Jl. Lappa 2",
        "latitude": -5.10,
        "longitude": 120.27,
    },
    {"id": 4, "name": "Balai Desa tanpa koordinat", "address": "?"},
]
TUESDAY_10_WITA = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
FRIDAY_17_WITA = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def facts(**changes) -> Facts:
    base = dict(
        now=TUESDAY_10_WITA,
        location=SINJAI,
        enabled_services=("akta_kelahiran", "kia"),
        config_known=True,
        locations=PLACES,
    )
    return Facts(**(base | changes))


def test_all_is_offered_when_all_is_well():
    state = decide(facts())
    assert state.notices == ()
    for flow in ("print", "apply", "status", "locations", "requirements", "survey", "complaint"):
        assert state.offer(flow).shown and state.offer(flow).enabled, flow
    assert state.location_name == "Kantor Kecamatan Sinjai Utara"


def test_without_the_server_printing_waits_applications_queue_and_lookups_say_why():
    state = decide(facts(server_reachable=False))
    assert state.notices == ("offline",)
    assert not state.offer("print").enabled
    assert reason_text(state, "print", "id") == "Menunggu sambungan ke server."
    assert state.offer("apply").enabled  # the outbox keeps it until the server is back
    for flow in ("status", "locations", "requirements"):  # open: each says it cannot connect
        assert state.offer(flow).shown and state.offer(flow).enabled
    assert "cek status, lokasi dan persyaratan memerlukannya" in notice_text(state, "offline", "id")
    assert state.offer("survey").enabled and state.offer("complaint").enabled
    assert notice_text(state, "offline", "id").startswith("Tidak tersambung ke server")
    assert decide(facts(server_reachable=True)).notices == ()  # back by itself


def test_a_printer_out_of_paper_stops_printing_and_names_the_nearest_other_kiosk():
    state = decide(facts(printer_problems=("a4",)))
    assert state.notices == ("printer",)
    assert not state.offer("print").enabled
    assert state.offer("apply").enabled  # the A4 printer is not needed for an application
    assert state.nearest is not None and state.nearest["name"] == "Kantor Desa Lappa"
    text = notice_text(state, "printer", "id")
    assert "Anjungan terdekat: Kantor Desa Lappa, Jl. Lappa 2." in text, text
    assert "Nearest other kiosk: Kantor Desa Lappa" in notice_text(state, "printer", "en")

    receipt = decide(facts(printer_problems=("receipt",)))
    assert not receipt.offer("apply").enabled  # its receipt with the ticket cannot print


def test_without_known_coordinates_the_citizen_is_sent_to_an_officer():
    state = decide(facts(printer_problems=("receipt",), locations=[]))
    assert state.nearest is None
    assert "tanyakan anjungan lain kepada petugas" in notice_text(state, "printer", "id")


def test_outside_opening_hours_it_says_when_it_opens_and_information_still_works():
    state = decide(facts(now=FRIDAY_17_WITA))
    assert state.notices == ("closed",)
    assert not state.open
    assert not state.offer("print").enabled and not state.offer("apply").enabled
    for flow in ("status", "locations", "requirements", "survey", "complaint"):
        assert state.offer(flow).enabled, flow
    text = notice_text(state, "closed", "id")
    assert "Buka lagi Senin 08.00 WITA" in text, text
    assert "Informasi, cek status" in text
    assert reason_text(state, "print", "en") == "Opens again Monday 08:00 WITA."


def test_before_opening_time_it_opens_again_today():
    early = datetime(2026, 11, 24, 23, 30, tzinfo=UTC)  # Wednesday 07:30 WITA
    state = decide(facts(now=early))
    assert "Buka lagi hari ini pukul 08.00 WITA" in notice_text(state, "closed", "id")


def test_a_kiosk_told_not_to_follow_the_hours_stays_open():
    state = decide(facts(now=FRIDAY_17_WITA, follow_hours=False))
    assert state.open and state.notices == () and state.offer("print").enabled


def test_a_location_without_hours_is_always_open():
    state = decide(facts(location={**SINJAI, "opening_hours": {}}, now=FRIDAY_17_WITA))
    assert state.open and state.offer("print").enabled


def test_the_tiles_follow_the_services_this_location_enables():
    none = decide(facts(enabled_services=()))
    assert not none.offer("apply").shown
    assert not none.offer("requirements").shown
    # before the first configuration the requirements still show the whole catalogue
    unknown = decide(facts(enabled_services=(), config_known=False, location=None))
    assert unknown.offer("requirements").shown and not unknown.offer("apply").shown


def test_the_menu_has_one_line_per_notice():
    state = decide(facts(now=FRIDAY_17_WITA, server_reachable=False, printer_problems=("a4",)))
    lines = notices_text(state, "id", short=True).split("\n")
    assert lines == [
        "Tutup, buka lagi Senin 08.00 WITA. Informasi tetap bisa dilihat.",
        "Printer tidak dapat mencetak. Terdekat: Kantor Desa Lappa, Jl. Lappa 2.",
        "Tidak tersambung ke server: cetak dokumen menunggu, pengajuan tetap bisa.",
    ]
    assert all(len(line) <= 80 for line in lines)  # one line of the menu at 28 sp


def test_several_problems_are_told_most_important_first():
    state = decide(facts(now=FRIDAY_17_WITA, server_reachable=False, printer_problems=("a4",)))
    assert state.notices == ("closed", "printer", "offline")
    assert state.offer("print").reason == "closed"
