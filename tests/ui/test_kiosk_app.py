"""The touchscreen app in a real window on a virtual display, through a citizen's whole journey."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import cv2
import pytest
from ocr import screen_words, shows
from support import BIN, require_tools, wait_until, write_kiosk_config

KK_NUMBER = "7307051203150001"
ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-screenshots"


@pytest.fixture
def display(tmp_path):
    """A private Xvfb display the size of a kiosk screen."""
    require_tools("Xvfb", "xdotool", "tesseract")
    proc = subprocess.Popen(  # -displayfd: Xvfb picks a free display and tells us which
        ["Xvfb", "-displayfd", "1", "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None
    number = proc.stdout.readline().strip()
    assert number.isdigit(), "Xvfb did not start"
    yield f":{number}"
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture
def app(request, tmp_path, server, sim, display):
    config = write_kiosk_config(tmp_path, server, sim)
    extra = request.node.get_closest_marker("kiosk_toml")  # sections a test adds, e.g. [technician]
    if extra is not None:
        config.write_text(config.read_text() + extra.args[0])
    shots = tmp_path / "shots"
    shots.mkdir()
    env = dict(os.environ, DISPLAY=display, KIVY_NO_ARGS="1")
    proc = subprocess.Popen(
        [BIN / "adm-kiosk", "app", "--config", str(config), "--screenshot-dir", str(shots)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(tmp_path / "app.err", "w"),  # noqa: SIM115
    )
    try:
        wait_until(lambda: list(shots.glob("01-attract*.png")), 60, what="the attract screen")
        # The pointer enters the new window before the first touch: a click arriving together
        # with the pointer's first move into the window is sometimes lost.
        subprocess.run(["xdotool", "mousemove", "640", "450"], env=env, check=True)
        time.sleep(0.3)
        yield {"env": env, "shots": shots, "log": tmp_path / "kiosk" / "logs" / "kiosk.log"}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        keep = ARTIFACTS / request.node.name  # for a person to look at after the run
        shutil.rmtree(keep, ignore_errors=True)
        keep.mkdir(parents=True)
        for png in shots.glob("[0-9]*.png"):
            shutil.copy(png, keep / png.name)


def shot(shots: Path, pattern: str, timeout: float = 60) -> Path:
    return wait_until(
        lambda: sorted(shots.glob(pattern))[-1] if list(shots.glob(pattern)) else None,
        timeout,
        what=f"a screenshot {pattern}",
    )


def tap(env: dict, x: int, y: int) -> None:
    subprocess.run(["xdotool", "mousemove", str(x), str(y), "click", "1"], env=env, check=True)


def test_a_citizen_goes_from_attract_to_scan_to_printing_to_done(server, sim, app):
    shots = app["shots"]
    sim.printer.set_baud(2400)  # a serial receipt printer: the printing screen stays a while
    tap(app["env"], 640, 450)  # touch anywhere to start
    shot(shots, "*-language.png", 20)
    tap(app["env"], 490, 330)  # Bahasa Indonesia
    menu = shot(shots, "*-menu.png", 20)
    assert "Dokumen yang sudah jadi" in screen_words(menu)
    tap(app["env"], 230, 330)  # the print tile, the first of the menu
    shot(shots, "*-scan.png", 20)

    sim.scanner.scan("ADMP:" + server.codes[KK_NUMBER])
    shot(shots, "*-pickup_documents.png", 30)  # what will print, before anything prints
    assert sim.printer.receipts == []
    tap(app["env"], 1042, 385)  # Cetak
    done = shot(shots, "*-done.png", 120)

    names = [p.stem for p in sorted(shots.glob("[0-9]*.png"), key=lambda p: int(p.stem[:2]))]
    screens = [re.sub(r"^\d+-", "", n).split("-")[0] for n in names]
    order = [s for i, s in enumerate(screens) if i == 0 or s != screens[i - 1]]
    assert order[:7] == [
        "attract",
        "language",
        "menu",
        "scan",
        "pickup_documents",
        "printing",
        "done",
    ], names

    transitions = re.findall(r"screen -> (\w+)", app["log"].read_text())
    assert [s for i, s in enumerate(transitions) if i == 0 or s != transitions[i - 1]][:7] == [
        "attract",
        "language",
        "menu",
        "scan",
        "pickup_documents",
        "printing",
        "done",
    ]

    image = cv2.imread(str(done))
    assert image.shape[:2] == (800, 1280)
    words = screen_words(done)
    assert "Terima kasih" in words or "Selesai" in words, words
    receipt = sim.printer.wait_for_receipts(1, timeout=10)[0].qr_codes[0]
    assert shows(words, receipt), words

    # The same code again: the kiosk refuses it on the scan screen and says why, in Indonesian.
    sim.scanner.scan(server.codes[KK_NUMBER])
    refused = shot(shots, "*-scan-refused.png", 30)
    words = screen_words(refused)
    assert "sudah dicetak" in words, words
    assert len(sim.printer.receipts) == 1


def test_the_language_button_switches_every_text_to_english(app):
    shots = app["shots"]
    # numbered screenshots only: the app writes each under a hidden temporary name first
    before = set(shots.glob("[0-9]*.png"))
    tap(app["env"], 1145, 48)  # the language button in the header
    time.sleep(0.3)
    new = wait_until(lambda: set(shots.glob("[0-9]*.png")) - before, 10, what="a new screenshot")
    words = screen_words(sorted(new)[-1])
    assert "Print your civil registration documents" in words, words
    assert "Bahasa Indonesia" in words
