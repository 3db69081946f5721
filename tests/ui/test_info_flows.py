"""The information flows in the real app: check status, kiosk locations, service requirements.

Each test walks a flow as a citizen does (taps on the screen, the on-screen keyboard) against
a real server with demo data, and reads the words on the screen back with OCR.
"""

# ruff: noqa: F811 (tests take the imported fixtures app and display as parameters)

from __future__ import annotations

import re
import subprocess
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
from ocr import shows
from PIL import Image
from support import STAFF_TOKEN, wait_until

# the app and display fixtures of the first UI tests, so every UI test starts the app the same way
from ui.test_kiosk_app import app, display, screen_words, tap  # noqa: F401

from kiosk.request_signing import KioskAuth
from proof.sample_bodies import birth_application

pytestmark = pytest.mark.ui

FATHER = "7307051405800003"  # head of the first demo family
STAFF = {"Authorization": f"Bearer {STAFF_TOKEN}"}

# The on-screen keyboard of the status screen (screens/status.kv, screens/keys.py), in pixels
# from the window's top-left: five rows of 72 dp keys, 8 dp apart, between 40 dp margins.
KEY_ROWS = ("1234567890", "QWERTYUIOP", "ASDFGHJKL-", "ZXCVBNM.,/")
KEYS_TOP = 262  # top of the first row
KEY_PITCH_Y = 80
KEYS_LEFT, KEYS_RIGHT, KEY_GAP = 40, 1240, 8
CHECK_BUTTON = (1120, 207)  # "Periksa" beside the typed ticket
TICKET_FIELD = (48, 170, 712, 245)  # inside the frame of the typed ticket
PRINT_BUTTON = (1014, 372)  # beside "documents ready to print" on the status screen


# --- the server side: an application to look up, another location ------------------------------


def apply_for_birth_certificate(server) -> str:
    """A "3 in 1" application sent as the demo kiosk sends it; its ticket."""
    credential = Path(server.credential_file).read_text().strip()
    body = birth_application(applicant_nik=FATHER)
    response = requests.post(
        server.url + "/api/v1/kiosk/applications",
        json=body,
        auth=KioskAuth(credential),
        headers={"Idempotency-Key": "test-" + uuid.uuid4().hex[:12]},
        timeout=30,
    )
    assert response.status_code == 201, response.text
    ticket: str = response.json()["ticket"]
    return ticket


def officer_step(server, ticket: str, step: str, **body) -> None:
    response = requests.post(
        f"{server.url}/api/v1/officer/applications/{ticket}/{step}",
        json=body or None,
        headers=STAFF,
        timeout=60,
    )
    assert response.status_code == 200, response.text


def add_location(server, **changes) -> dict:
    body = {
        "name": "Kantor Desa Contoh",
        "address": "Jl. Contoh No. 1",
        "region_code": "73.07.01",
        "opening_hours": {},
        "enabled_services": [],
        **changes,
    }
    response = requests.post(
        server.url + "/api/v1/staff/locations", json=body, headers=STAFF, timeout=10
    )
    assert response.status_code == 201, response.text
    location: dict = response.json()
    return location


def offer_only(server, place: str, services: list[str]) -> None:
    """The office changes which services a location offers (its kiosks fetch the change)."""
    places = requests.get(server.url + "/api/v1/public/locations", timeout=10).json()
    location = next(p for p in places if p["name"] == place)
    keep = ("name", "address", "region_code", "latitude", "longitude", "opening_hours")
    body = {key: location[key] for key in keep} | {"enabled_services": services}
    response = requests.put(
        f"{server.url}/api/v1/staff/locations/{location['id']}",
        json=body,
        headers=STAFF,
        timeout=10,
    )
    assert response.status_code == 200, response.text


# --- the screen side -----------------------------------------------------------------------------


def ocr_boxes(png: Path) -> list[dict]:
    """Every word tesseract reads on a screenshot, with its box."""
    tsv = subprocess.run(
        ["tesseract", str(png), "-", "--psm", "3", "tsv"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    words = []
    for line in tsv.splitlines()[1:]:
        cells = line.split("\t")
        if len(cells) == 12 and cells[11].strip():
            left, top, width, height = (int(c) for c in cells[6:10])
            key = tuple(int(c) for c in cells[1:5])  # page, block, paragraph, line
            words.append({"text": cells[11], "line": key, "box": (left, top, width, height)})
    return words


def where(png: Path, phrase: str) -> tuple[int, int]:
    """The middle of the first place where the words of ``phrase`` stand in a row."""
    wanted = [w.casefold() for w in phrase.split()]
    words = ocr_boxes(png)
    for i in range(len(words) - len(wanted) + 1):
        run = words[i : i + len(wanted)]
        if all(wanted[j] in run[j]["text"].casefold() for j in range(len(wanted))):
            left = min(w["box"][0] for w in run)
            right = max(w["box"][0] + w["box"][2] for w in run)
            top = min(w["box"][1] for w in run)
            bottom = max(w["box"][1] + w["box"][3] for w in run)
            return (left + right) // 2, (top + bottom) // 2
    raise AssertionError(f"{phrase!r} is not on {png.name}: {' '.join(w['text'] for w in words)}")


def tap_text(env: dict, png: Path, phrase: str) -> None:
    """Tap where ``phrase`` is written (a menu tile by its line of explanation)."""
    tap(env, *where(png, phrase))


def newest(shots: Path, pattern: str, after: int = 0, timeout: float = 30) -> Path:
    """The newest screenshot named like ``pattern`` taken after screenshot number ``after``."""

    def find() -> Path | None:
        found = [p for p in shots.glob(pattern) if int(p.name[:2]) > after]
        return max(found, key=lambda p: int(p.name[:2])) if found else None

    return wait_until(find, timeout, what=f"a screenshot {pattern} after {after:02d}")


def last_number(shots: Path) -> int:
    return max((int(p.name[:2]) for p in shots.glob("[0-9]*.png")), default=0)


def start(app, language: str) -> Path:
    """From the attract screen to the menu in ``language``; the menu's screenshot."""
    shots = app["shots"]
    seen = last_number(shots)
    for attempt in range(3):  # a touch right after start may come before the window takes input
        tap(app["env"], 640, 450)
        try:
            newest(shots, "*-language.png", after=seen, timeout=10)
            break
        except AssertionError:
            if attempt == 2:
                raise
    tap(app["env"], *((490, 330) if language == "id" else (865, 330)))
    return newest(shots, "*-menu.png", after=seen)


def key_centre(symbol: str) -> tuple[int, int]:
    for row, keys in enumerate(KEY_ROWS):
        if symbol in keys:
            width = (KEYS_RIGHT - KEYS_LEFT - 9 * KEY_GAP) / 10
            x = KEYS_LEFT + keys.index(symbol) * (width + KEY_GAP) + width / 2
            return round(x), KEYS_TOP + row * KEY_PITCH_Y + 36
    if symbol == " ":
        return 640, KEYS_TOP + 4 * KEY_PITCH_Y + 36
    raise ValueError(symbol)


def type_on_keyboard(env: dict, text: str) -> None:
    text = text.upper()
    for index, symbol in enumerate(text):
        if index and text[index - 1] == symbol:
            time.sleep(0.3)  # as a person would: a faster second touch of one key is a bounce
        tap(env, *key_centre(symbol))


def typed_in_field(png: Path) -> str:
    """What the ticket field of the status screen shows (OCR misses text in framed boxes)."""
    crop = png.with_name("field-" + png.name)
    Image.open(png).crop(TICKET_FIELD).save(crop)
    try:
        return " ".join(
            subprocess.run(
                ["tesseract", str(crop), "-", "--psm", "7"], capture_output=True, text=True
            ).stdout.split()
        )
    finally:
        crop.unlink()


def words_of(png: Path) -> str:
    """What the citizen reads, on one line (OCR breaks lines where the screen wraps them)."""
    return " ".join(screen_words(png).split())


# --- check status --------------------------------------------------------------------------------


def test_a_citizen_types_a_ticket_and_reads_what_is_missing_in_indonesian(server, app):
    ticket = apply_for_birth_certificate(server)
    officer_step(server, ticket, "verify")
    officer_step(server, ticket, "request-fixes", reason="Foto KTP ibu buram", papers=["ktp_ibu"])
    env, shots = app["env"], app["shots"]

    menu = start(app, "id")
    tap_text(env, menu, "Lihat sampai di mana")
    entry = newest(shots, "*-status.png")
    assert "Ketik nomor tiket" in words_of(entry)

    # typed the way people do: spaces for dashes
    type_on_keyboard(env, ticket.replace("-", " "))
    tap(env, *CHECK_BUTTON)
    result = newest(shots, "*-status-result-needs_fixing.png")
    words = words_of(result)
    assert shows(words, ticket), words
    assert "Akta Kelahiran" in words
    assert "Perlu perbaikan berkas" in words
    assert "KTP-el ibu" in words
    assert "Foto KTP ibu buram" in words
    assert "Diajukan" in words

    # a ticket nobody has: said plainly, and the number can be corrected
    seen = last_number(shots)
    tap(env, 150, 738)  # Back: to the keyboard, emptied for another ticket
    assert "Contoh" in words_of(newest(shots, "*-status.png", after=seen))
    type_on_keyboard(env, ticket[:-4] + "ZZZZ")
    tap(env, *CHECK_BUTTON)
    unknown = newest(shots, "*-status-unknown.png")
    assert "tidak ditemukan" in words_of(unknown)

    # Home: the next citizen finds nothing of this one
    seen = last_number(shots)
    tap(env, 1128, 738)
    newest(shots, "*-attract.png", after=seen)
    menu = start(app, "id")
    seen = last_number(shots)
    tap_text(env, menu, "Lihat sampai di mana")
    again = words_of(newest(shots, "*-status.png", after=seen))
    assert "Contoh: ADM-7307-2611-7KQ2" in again  # the empty field shows the example
    assert ticket[-4:] not in again


def test_documents_ready_to_print_are_told_in_english(server, app):
    ticket = apply_for_birth_certificate(server)
    officer_step(server, ticket, "verify")
    officer_step(server, ticket, "approve")
    officer_step(server, ticket, "issue")
    env, shots = app["env"], app["shots"]

    menu = start(app, "en")
    tap_text(env, menu, "See how far")
    newest(shots, "*-status.png")
    type_on_keyboard(env, ticket.lower())
    tap(env, *CHECK_BUTTON)
    result = newest(shots, "*-status-result-issued.png")
    words = words_of(result)
    assert "Documents ready to print" in words
    assert "Birth certificate" in words
    assert "Print my documents" in words

    seen = last_number(shots)
    tap(env, *PRINT_BUTTON)  # straight on to printing: the citizen has the code at hand
    newest(shots, "*-scan*.png", after=seen)


# --- kiosk locations ---------------------------------------------------------------------------


def test_locations_show_hours_and_whether_each_is_open_now_in_both_languages(server, app):
    now_in_papua = datetime.now(UTC) + timedelta(hours=9)
    if now_in_papua.hour == 23 and now_in_papua.minute == 59:
        time.sleep(61)  # "00:00-23:59" is closed in its last minute
    every_day = {day: "00:00-23:59" for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    add_location(
        server,
        name="Kantor Distrik Abepura",
        address="Jl. Raya Abepura, Jayapura",
        region_code="91.71",
        latitude=-2.6,
        longitude=140.6,  # far, but the only other place whose distance is known: listed next
        opening_hours=every_day,
    )
    add_location(server, name="Kantor Desa Gantarang", address="Dusun Gantarang, Sinjai")  # below
    env, shots = app["env"], app["shots"]

    menu = start(app, "id")
    tap_text(env, menu, "Alamat dan jam buka")
    listed = newest(shots, "*-locations.png")
    words = words_of(listed)
    assert "Anda di sini" in words
    assert "Kantor Kecamatan Sinjai Utara" in words  # this kiosk's own place, first
    assert words.index("Anda di sini") < words.index("Kantor Distrik Abepura")
    assert "Senin" in words and "Jumat" in words
    assert "WITA" in words and "WIT" in words
    assert "Buka sekarang" in words  # Abepura, every day
    assert "Masih ada lagi di bawah" in words  # Gantarang, out of sight: slide up

    seen = last_number(shots)
    tap(env, 1145, 48)  # the language button in the header
    english = newest(shots, "*-locations.png", after=seen)
    words = words_of(english)
    assert "You are here" in words
    assert "Monday" in words and "Friday" in words
    assert "Open now" in words


# --- requirements ------------------------------------------------------------------------------


def test_requirements_of_a_service_offered_here_in_both_languages(server, app):
    offer_only(server, "Kantor Kecamatan Sinjai Utara", ["akta_kelahiran", "akta_kematian", "kia"])
    env, shots = app["env"], app["shots"]

    def shown() -> bool:  # the kiosk fetched the new list of services and shows it
        log = app["log"].read_text()
        applied = log.find("services akta_kelahiran,akta_kematian,kia, hours")
        return applied >= 0 and re.search(r"configuration \d+ shown", log[applied:]) is not None

    wait_until(shown, 30, what="the kiosk to apply its new configuration")
    menu = start(app, "id")
    tap_text(env, menu, "Berkas apa saja")
    listed = newest(shots, "*-requirements.png")
    words = words_of(listed)
    assert "Pilih layanan" in words
    assert "Kartu Identitas Anak" in words
    assert "Akta Kematian" in words
    assert "Perubahan Kartu Keluarga" not in words  # not offered at this kiosk

    tap_text(env, listed, "Kartu Identitas Anak")
    detail = newest(shots, "*-requirements-detail-kia.png")
    words = words_of(detail)
    assert "Berkas yang perlu disiapkan" in words
    assert "Kutipan akta kelahiran anak" in words
    assert "Pas foto anak" in words
    assert "Wajib" in words and "Tidak wajib" in words

    seen = last_number(shots)
    tap(env, 150, 738)  # Back: to the list, not the menu
    assert "Pilih layanan" in words_of(newest(shots, "*-requirements.png", after=seen))

    # the same list and papers in English, from the language button on this screen
    seen = last_number(shots)
    tap(env, 1145, 48)
    english = newest(shots, "*-requirements.png", after=seen)
    words = words_of(english)
    assert "Choose a service" in words, words
    assert "Child identity card" in words and "Death certificate" in words
    assert "Pilih layanan" not in words
    seen = last_number(shots)
    tap_text(env, english, "Child identity card")
    detail = newest(shots, "*-requirements-detail-kia.png", after=seen)
    words = words_of(detail)
    assert "Papers to bring" in words, words
    # (tesseract may write "fi" as one ligature glyph: near matches for the longer names)
    assert shows(words, "The child's birth certificate"), words
    assert shows(words, "ID card of the father or mother"), words
    assert "Berkas" not in words and "anak" not in words  # nothing left in Indonesian


# --- no server -----------------------------------------------------------------------------------


def test_without_the_server_each_flow_says_so_and_offers_a_way_back(server, app):
    env, shots = app["env"], app["shots"]
    server.proc.terminate()
    server.proc.wait(timeout=10)

    menu = start(app, "id")
    tap_text(env, menu, "Alamat dan jam buka")
    words = words_of(newest(shots, "*-locations-unavailable.png"))
    assert "Informasi belum dapat ditampilkan" in words, words
    assert "tidak dapat terhubung" in words, words

    seen = last_number(shots)
    tap(env, 160, 432)  # Try again: asked again, told again, never stuck on "please wait"
    newest(shots, "*-locations-unavailable.png", after=seen)

    seen = last_number(shots)
    tap(env, 150, 738)  # Back to the menu
    menu = newest(shots, "*-menu.png", after=seen)
    tap_text(env, menu, "Berkas apa saja")
    words = words_of(newest(shots, "*-requirements-unavailable.png"))
    assert "tidak dapat terhubung" in words, words

    seen = last_number(shots)
    tap(env, 150, 738)
    menu = newest(shots, "*-menu.png", after=seen)
    tap_text(env, menu, "Lihat sampai di mana")
    newest(shots, "*-status.png")
    type_on_keyboard(env, "ADM 7307 2611 7KQ2")
    tap(env, *CHECK_BUTTON)
    words = words_of(newest(shots, "*-status-unavailable.png"))
    assert "tidak dapat terhubung" in words, words

    seen = last_number(shots)
    tap(env, 172, 488)  # Change the number: back to the keyboard, the ticket still typed
    assert typed_in_field(newest(shots, "*-status.png", after=seen)) == "ADM 7307 2611 7KQ2"
