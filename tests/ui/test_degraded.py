"""Degraded modes and the office's configuration in the real app, against the real server.

No server, a receipt printer out of paper, outside opening hours: the attract screen and the
menu say so plainly and offer only what works; each recovers by itself. A configuration the
office pushes (the kiosk moved to another location) shows within a heartbeat while the kiosk
is idle, and waits for the end of a citizen's session while one is in progress.
"""

# ruff: noqa: F811 (tests take the imported fixtures as parameters)

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
import requests
from support import STAFF_TOKEN, wait_until
from ui.test_accessibility import launch, start_session
from ui.test_feedback_flows import start_server_again
from ui.test_info_flows import add_location, last_number, newest, tap_text, words_of
from ui.test_kiosk_app import display, tap  # noqa: F401

pytestmark = pytest.mark.ui

STAFF = {"Authorization": f"Bearer {STAFF_TOKEN}"}
HERE = "Kantor Kecamatan Sinjai Utara"  # the demo kiosk's location
KIOSK = "ADM-7307-01"
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
HARI = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")


@pytest.fixture
def app(request, tmp_path, server, sim, display):
    yield from launch(request, tmp_path, server, sim, display, "")


@pytest.fixture
def hours_app(request, tmp_path, server, sim, display):
    """A kiosk that follows its location's opening hours (as the shipped configuration does)."""
    yield from launch(
        request, tmp_path, server, sim, display, "", kiosk_lines="follow_opening_hours = true\n"
    )


def change_location(server, place: str, **changes) -> dict:
    """The office edits a location (its kiosks fetch the change at their next heartbeat)."""
    places = requests.get(server.url + "/api/v1/public/locations", timeout=10).json()
    location = next(p for p in places if p["name"] == place)
    keep = ("name", "address", "region_code", "latitude", "longitude", "opening_hours")
    body = {key: location[key] for key in keep}
    body["enabled_services"] = location["enabled_services"]
    response = requests.put(
        f"{server.url}/api/v1/staff/locations/{location['id']}",
        json=body | changes,
        headers=STAFF,
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


def attract_saying(app, phrase: str, after: int = 0, timeout: float = 30):
    """The newest attract screenshot once it shows ``phrase`` (the screen changes by itself)."""
    shots = app["shots"]

    def found():
        shot = newest(shots, "*-attract*.png", after=after, timeout=timeout)
        return shot if phrase in words_of(shot) else None

    return wait_until(found, timeout, interval=1, what=f"the attract screen to say {phrase!r}")


def nothing_opens(app, seen: int, seconds: float = 3) -> None:
    time.sleep(seconds)
    names = [p.name for p in app["shots"].glob("[0-9]*.png") if int(p.name[:2]) > seen]
    assert all("-menu" in n for n in names), names


# --- no server -----------------------------------------------------------------------------------


def test_without_the_server_it_says_so_keeps_what_works_and_recovers_by_itself(server, app):
    shots, env = app["shots"], app["env"]
    server.proc.terminate()
    server.proc.wait(timeout=10)

    attract = attract_saying(app, "Tidak tersambung ke server")
    words = words_of(attract)
    assert "Pengajuan, survei dan pengaduan tetap bisa" in words, words
    assert "cek status, lokasi dan persyaratan memerlukannya" in words

    menu = start_session(app, "id")
    words = words_of(menu)
    assert "Tidak tersambung ke server: cetak dokumen menunggu" in words, words
    assert "Menunggu sambungan ke" in words  # the print tile says why it waits
    assert "Nilai pelayanan kami" in words  # the survey still works (it queues)
    assert "Sampaikan keluhan" in words  # and so do complaints

    seen = last_number(shots)
    tap_text(env, menu, "Cetak dokumen")  # greyed: nothing opens
    nothing_opens(app, seen)

    again = start_server_again(server)
    try:

        def recovered():
            shot = newest(shots, "*-menu*.png", after=seen, timeout=30)
            return shot if "Dokumen yang sudah jadi" in words_of(shot) else None

        menu = wait_until(recovered, 30, interval=1, what="the menu to offer printing again")
        assert "Tidak tersambung" not in words_of(menu)
        seen = last_number(shots)
        tap_text(env, menu, "Cetak dokumen")
        newest(shots, "*-scan*.png", after=seen)
    finally:
        again.terminate()
        again.wait(timeout=10)


# --- a printer that cannot print -----------------------------------------------------------------


def test_a_receipt_printer_out_of_paper_stops_printing_and_names_the_nearest_kiosk(
    server, sim, app
):
    shots, env = app["shots"], app["env"]
    add_location(
        server,
        name="Kantor Desa Lappa",
        address="Jl. Lappa No. 2, Sinjai Utara",
        latitude=-5.1150,
        longitude=120.2601,  # about 1.3 km away
    )
    add_location(
        server,
        name="Kantor Distrik Abepura",
        address="Jayapura",
        region_code="91.71",
        latitude=-2.6,
        longitude=140.6,
    )
    # the office touches this kiosk's location: the kiosk fetches it, and the list of locations
    wait_until(lambda: "applied: location" in app["log"].read_text(), 30, what="a configuration")
    version = kiosk_view(server)["config_version"]
    change_location(server, HERE)
    wait_until(
        lambda: f"version {version + 1} applied" in app["log"].read_text(), 30, what="new version"
    )

    sim.printer.paper = "empty"
    attract = attract_saying(app, "Printer anjungan ini sedang tidak dapat mencetak")
    words = words_of(attract)
    assert "Anjungan terdekat: Kantor Desa Lappa" in words, words  # OCR: "Jl." may read "JI."
    assert "Lappa No. 2, Sinjai Utara" in words

    menu = start_session(app, "en")
    words = words_of(menu)
    assert "The printer cannot print. Nearest kiosk: Kantor Desa Lappa" in words, words
    assert "The printer cannot print" in words  # on the print tile
    seen = last_number(shots)
    tap_text(env, menu, "Print my documents")
    nothing_opens(app, seen)
    assert sim.printer.receipts == []

    sim.printer.paper = "ok"  # refilled: offered again without a restart

    def refilled():
        shot = newest(shots, "*-menu*.png", after=seen, timeout=30)
        return shot if "Finished documents" in words_of(shot) else None

    wait_until(refilled, 30, interval=1, what="printing to be offered again")


# --- opening hours ---------------------------------------------------------------------------


def test_outside_opening_hours_it_says_when_it_opens_and_information_still_works(server, hours_app):
    app = hours_app
    shots, env = app["shots"], app["env"]
    now_wita = datetime.now(UTC) + timedelta(hours=8)  # Sinjai keeps WITA
    tomorrow = (now_wita.weekday() + 1) % 7
    change_location(server, HERE, opening_hours={DAYS[tomorrow]: "08:00-16:00"})

    attract = attract_saying(app, f"Buka lagi {HARI[tomorrow]} 08.00 WITA")
    words = words_of(attract)
    assert "Anjungan sedang tutup" in words, words
    assert "Informasi, cek status, survei dan pengaduan tetap bisa dipakai" in words

    menu = start_session(app, "id")
    words = words_of(menu)
    assert f"Tutup, buka lagi {HARI[tomorrow]} 08.00 WITA" in words, words  # the notice
    # and the print tile says it too
    assert words.casefold().count(f"buka lagi {HARI[tomorrow]} 08.00".casefold()) >= 2, words
    assert "Lihat sampai di mana" in words  # status still offered
    seen = last_number(shots)
    tap_text(env, menu, "Cetak dokumen")
    nothing_opens(app, seen)
    tap_text(env, menu, "Lihat sampai di mana")
    newest(shots, "*-status*.png", after=seen)


# --- the office moves the kiosk ------------------------------------------------------------------


def kiosk_view(server) -> dict:
    response = requests.get(f"{server.url}/api/v1/staff/kiosks/{KIOSK}", headers=STAFF, timeout=10)
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_moved_to_another_location_the_idle_kiosk_shows_it_and_a_session_is_left_alone(server, app):
    shots, env = app["shots"], app["env"]
    wait_until(lambda: "applied: location" in app["log"].read_text(), 30, what="a configuration")
    village = add_location(
        server, name="Kantor Desa Gantarang", address="Dusun Gantarang", enabled_services=[]
    )
    seen = last_number(shots)
    moved = requests.put(
        f"{server.url}/api/v1/staff/kiosks/{KIOSK}/location",
        json={"location_id": village["id"]},
        headers=STAFF,
        timeout=10,
    )
    assert moved.status_code == 200, moved.text
    version = moved.json()["config_version"]

    # idle: within a heartbeat (1 s here) the attract screen names the new place
    attract_saying(app, "Kantor Desa Gantarang", after=seen, timeout=15)
    wait_until(lambda: kiosk_view(server)["config_version_applied"] == version, 15, what="reported")
    menu = start_session(app, "id")
    words = words_of(menu)
    assert "Lokasi: Kantor Desa Gantarang" in words, words
    assert "Persyaratan" not in words  # this place takes no applications: no requirements tile
    assert "Ajukan" not in words

    # a session is in progress: the office enables a service; nothing changes on screen
    change_location(server, "Kantor Desa Gantarang", enabled_services=["kia"])
    wait_until(
        lambda: "fetched; applied when the session ends" in app["log"].read_text(),
        15,
        what="the new version to be fetched",
    )
    assert kiosk_view(server)["config_version_applied"] == version  # still the one in effect
    seen = last_number(shots)
    tap(env, 1145, 48)  # English, and back: the same menu
    tap(env, 1145, 48)
    time.sleep(1)
    still = newest(shots, "*-menu*.png", after=seen)
    assert "Persyaratan" not in words_of(still) and "Requirements" not in words_of(still)

    # the citizen leaves: it takes effect, and the next citizen sees the service
    seen = last_number(shots)
    tap(env, 1128, 738)  # Home
    newest(shots, "*-attract*.png", after=seen)
    wait_until(
        lambda: kiosk_view(server)["config_version_applied"] == version + 1, 15, what="applied"
    )
    menu = start_session(app, "id")
    assert "Persyaratan" in words_of(menu)
    seen = last_number(shots)
    tap_text(env, menu, "Persyaratan")
    listed = words_of(newest(shots, "*-requirements.png", after=seen))
    assert "Kartu Identitas Anak" in listed, listed
    assert "Akta Kelahiran" not in listed
