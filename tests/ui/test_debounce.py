"""A bouncing touchscreen or a shaky finger presses a button once; a quick "11" is two digits.

The app runs in a real window on a virtual display; xdotool taps it as fast as a bounce does
(two releases 40 ms apart) or as a quick person does (300 ms apart). The screen is read back.
(Through X's pointer Kivy stamps a release when its frame handles it, so a 40 ms gap can look
longer to the app: a bounce on a key is not tested here, its window being the short one.)
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest
from support import wait_until
from ui import test_kiosk_app as kiosk_ui
from ui.test_print_flow import PAD_X, PAD_Y, TYPE_INSTEAD, next_shot, number, open_scan_screen

pytestmark = pytest.mark.ui

# the virtual display and the app in it, as the first UI tests start them
display, app, screen_words = kiosk_ui.display, kiosk_ui.app, kiosk_ui.screen_words

LANGUAGE_SWITCH = (1145, 48)  # the header's language button (an action button)
ENGLISH = "Print your civil registration documents"  # the attract screen in English


def double_tap(env: dict, x: int, y: int, gap_ms: int) -> None:
    """Two taps on one spot, ``gap_ms`` from the first release to the second."""
    command = ["xdotool", "mousemove", str(x), str(y), "click", "--repeat", "2"]
    subprocess.run(command + ["--delay", str(gap_ms), "1"], env=env, check=True)


def settled_screen(shots: Path, before: set[Path]) -> Path:
    """The last screenshot once the app has stopped taking new ones."""
    wait_until(lambda: set(shots.glob("[0-9]*.png")) - before, 10, what="a new screenshot")
    time.sleep(1.5)  # a second switch would have been shot by now (0.5 s after the change)
    return max(shots.glob("[0-9]*.png"), key=number)


def key(digit: str) -> tuple[int, int]:
    d = int(digit)
    return (PAD_X[1], PAD_Y[3]) if d == 0 else (PAD_X[(d - 1) % 3], PAD_Y[(d - 1) // 3])


def test_two_taps_40_ms_apart_on_an_action_button_act_once(app):
    shots = app["shots"]
    before = set(shots.glob("[0-9]*.png"))
    double_tap(app["env"], *LANGUAGE_SWITCH, gap_ms=40)
    words = screen_words(settled_screen(shots, before))
    assert ENGLISH in words, words  # switched once: not switched there and back


@pytest.mark.kiosk_toml("\n[display]\ndebounce_action_ms = 0\n")
def test_with_debounce_off_the_same_two_taps_act_twice(app):
    """The taps above do reach the app twice: it is the debounce that keeps the second out."""
    shots = app["shots"]
    before = set(shots.glob("[0-9]*.png"))
    double_tap(app["env"], *LANGUAGE_SWITCH, gap_ms=40)
    words = screen_words(settled_screen(shots, before))
    assert ENGLISH not in words, words  # there and back again


def type_registration(env: dict, digits: str, first_gap: float) -> None:
    """The number on the keypad: ``first_gap`` s between the first two keys, 0.2 s later."""
    command = ["xdotool"]
    for index, digit in enumerate(digits):
        x, y = key(digit)
        command += ["mousemove", str(x), str(y), "click", "1"]
        command += ["sleep", str(first_gap if index == 0 else 0.2)]
    subprocess.run(command, env=env, check=True)


def test_two_taps_of_one_key_300_ms_apart_type_two_digits(app):
    shots, env = app["shots"], app["env"]
    scan = open_scan_screen(app, "id")
    subprocess.run(["xdotool", "mousemove", *map(str, TYPE_INSTEAD), "click", "1"], env=env)
    entry = next_shot(shots, "*-pickup_pin.png", number(scan))
    # "11" then ten more: only a number of all 12 digits moves the keypad on to the PIN
    type_registration(env, "110123456789", first_gap=0.3)
    on_pin = next_shot(shots, "*-pickup_pin.png", number(entry), timeout=10)
    assert "Sekarang ketik PIN" in screen_words(on_pin), screen_words(on_pin)
