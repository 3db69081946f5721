"""Technician mode in the real window: the hidden corner, the PIN and its lock, and the checks
a technician runs on the devices the app holds (the simulated printer and scanner, the server)."""

# ruff: noqa: F811 (tests take the imported fixtures app and display as parameters)

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest
from ocr import shows
from support import wait_until
from ui.test_feedback_flows import next_shot, number, taps
from ui.test_kiosk_app import app, display, screen_words, tap  # noqa: F401 (fixtures)

from kiosk.technician_pin import hash_pin

pytestmark = pytest.mark.ui

PIN = "135790"
TECHNICIAN = f'\n[technician]\npin_hash = "{hash_pin(PIN)}"\n'
KEYS = {  # the keypad on the right of the PIN screen (technician_pin.kv)
    "1": (817, 170), "2": (985, 170), "3": (1153, 170),
    "4": (817, 275), "5": (985, 275), "6": (1153, 275),
    "7": (817, 379), "8": (985, 379), "9": (1153, 379),
    "0": (985, 483),
}  # fmt: skip
ENTER = (167, 401)
TEST_RECEIPT, TEST_SCAN, NETWORK = (718, 156), (1146, 156), (504, 246)
CONFIRM_LOCATION, EXIT = (172, 624), (151, 738)


def hold_corner(env: dict, seconds: float = 3.6) -> None:
    subprocess.run(
        ["xdotool", "mousemove", "30", "30", "sleep", "0.3", "mousedown", "1"]
        + ["sleep", str(seconds), "mouseup", "1"],
        env=env,
        check=True,
    )


def newest(shots: Path) -> int:
    return max((number(p) for p in shots.glob("[0-9]*.png")), default=0)


def enter_pin(env: dict, pin: str) -> None:
    taps(env, [KEYS[d] for d in pin] + [ENTER])


def answer_after(shots: Path, before: int) -> str:
    """The words of the first technician screenshot after ``before`` that shows an answer."""
    deadline = time.monotonic() + 40
    while True:
        left = max(1.0, deadline - time.monotonic())
        shot = next_shot(shots, "*-technician*.png", before, timeout=left)
        words = screen_words(shot)
        if "berjalan" not in words and "Pindai satu kode" not in words:
            return words
        before = number(shot)


def after_tap(app, point: tuple[int, int]) -> str:
    before = newest(app["shots"])
    tap(app["env"], *point)
    return answer_after(app["shots"], before)


@pytest.mark.kiosk_toml(TECHNICIAN)
def test_a_technician_opens_the_hidden_mode_and_checks_the_devices_the_app_holds(server, sim, app):
    env, shots = app["env"], app["shots"]
    hold_corner(env)
    next_shot(shots, "*-technician_pin.png", 0)

    enter_pin(env, "111111")
    refused = screen_words(next_shot(shots, "*-technician_pin-refused.png", 0))
    assert "PIN salah" in refused and "Sisa 4" in refused, refused

    enter_pin(env, PIN)
    opened = screen_words(next_shot(shots, "*-technician.png", 0))
    for role in ("scanner", "receipt", "a4"):
        assert role in opened, opened
    assert "siap" in opened and "Kantor Kecamatan" in opened, opened

    words = after_tap(app, TEST_RECEIPT)
    assert "tanda terima uji tercetak" in words, words
    printed = sim.printer.wait_for_receipts(1, timeout=10)
    assert "ADM - TES PRINTER" in printed[0].lines[0] and printed[0].qr_codes == [
        "ADM-TEST-ADM-7307-01"
    ]

    # A test scan reads a pickup code without printing anything: the code is only shown, masked.
    before = newest(shots)
    tap(env, *TEST_SCAN)
    waiting = next_shot(shots, "*-technician.png", before)
    assert "Pindai satu kode" in screen_words(waiting)
    code = server.codes["7307051203150001"]
    sim.scanner.scan("ADMP:" + code)
    words = answer_after(shots, number(waiting))
    # masked as on every technician screen: the first group only; OCR may slip on a glyph of
    # it (0/O, "D41A" read as "D41 A") and read the stars as letters, never as the code's rest
    assert "terbaca" in words and shows(words, "ADMP:" + code[:4], max_edits=1), words
    assert not shows(words, code[5:], max_edits=2), words
    time.sleep(2)
    assert len(sim.printer.receipts) == 1  # still only the test receipt
    log = app["log"].read_text()
    assert code not in log and code.replace("-", "") not in log

    words = after_tap(app, NETWORK)
    assert "terhubung sebagai ADM-7307-01" in words, words

    words = after_tap(app, CONFIRM_LOCATION)
    assert "Dikonfirmasi" in words, words
    confirmed = json.loads((app["log"].parents[1] / "location-confirmed.json").read_text())
    assert confirmed["name"] == "Kantor Kecamatan Sinjai Utara" and confirmed["config_version"] >= 1
    wait_until(lambda: "technician confirmed the location" in app["log"].read_text(), 10)

    before = newest(shots)
    tap(env, *EXIT)
    next_shot(shots, "*-attract*.png", before)


@pytest.mark.kiosk_toml(TECHNICIAN)
def test_five_wrong_pins_lock_the_technician_out_even_with_the_right_one(server, sim, app):
    env, shots = app["env"], app["shots"]
    hold_corner(env)
    next_shot(shots, "*-technician_pin.png", 0)
    for _ in range(5):
        before = newest(shots)
        enter_pin(env, "000000")
        next_shot(shots, "*-technician_pin-refused.png", before)
    before = newest(shots)
    enter_pin(env, PIN)
    words = screen_words(next_shot(shots, "*-technician_pin-refused.png", before))
    assert "Terlalu banyak PIN salah" in words, words
    assert not list(shots.glob("*-technician.png"))
    assert "locked for 300 s" in app["log"].read_text()


def test_no_pin_configured_means_no_technician_mode_and_a_short_tap_starts_a_session(
    server, sim, app
):
    env, shots = app["env"], app["shots"]
    hold_corner(env)  # this kiosk's configuration has no [technician] pin_hash
    words = screen_words(next_shot(shots, "*-technician_pin-not_set.png", 0))
    assert "adm-diag" in words, words
    before = newest(shots)
    tap(env, 151, 738)  # Back
    next_shot(shots, "*-attract*.png", before)
    before = newest(shots)
    tap(env, 30, 30)  # a citizen touching the corner: the session starts as anywhere else
    next_shot(shots, "*-language.png", before)
