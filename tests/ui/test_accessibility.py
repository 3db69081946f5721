"""High contrast and spoken guidance in the real app: toggled from the screen, for one session.

The kiosk runs in a real window on Xvfb against the real server; what a citizen sees is read
back from screenshots (pixels, OCR), what they hear from the WAV files espeak-ng writes when the
kiosk's [audio] speech_dir is set (this machine has no sound card).
"""

# ruff: noqa: F811 (tests take the imported fixture display as a parameter)

from __future__ import annotations

import os
import shutil
import subprocess
import time
import wave
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from support import BIN, require_tools, wait_until, write_kiosk_config
from ui.test_info_flows import last_number, newest, words_of
from ui.test_kiosk_app import ARTIFACTS, display, tap  # noqa: F401

from kiosk.i18n import t
from kiosk.speech import amplitude

pytestmark = pytest.mark.ui

VOLUME = 60
# The header's buttons, from the right: language, Suara (voice), Kontras (contrast). OCR does not
# read their white-on-navy words reliably; their places are fixed while the language is Indonesian.
CONTRAST = (731, 48)
SPEECH = (931, 48)
# On the attract screen the same buttons drift by up to 36 x 22 px (burn-in): their middle is safe.
ATTRACT_CONTRAST = (717, 68)
ATTRACT_SPEECH = (917, 68)


def launch(
    request, tmp_path: Path, server, sim, display: str, extra_toml: str, kiosk_lines: str = ""
) -> Iterator[dict]:
    """The kiosk app as `adm-kiosk app` runs it, with sections (and [kiosk] lines) added."""
    config = write_kiosk_config(tmp_path, server, sim)
    text = config.read_text().replace("[kiosk]\n", "[kiosk]\n" + kiosk_lines, 1)
    config.write_text(text + extra_toml)
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
        subprocess.run(["xdotool", "mousemove", "640", "450"], env=env, check=True)
        time.sleep(0.3)
        yield {"env": env, "shots": shots, "log": tmp_path / "kiosk" / "logs" / "kiosk.log"}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        keep = ARTIFACTS / request.node.name
        shutil.rmtree(keep, ignore_errors=True)
        keep.mkdir(parents=True)
        for png in shots.glob("[0-9]*.png"):
            shutil.copy(png, keep / png.name)


@pytest.fixture
def speaking_app(request, tmp_path, server, sim, display):
    require_tools("espeak-ng")
    said = tmp_path / "said"
    extra = f'\n[audio]\nvolume = {VOLUME}\nspeech_dir = "{said}"\n'
    for handle in launch(request, tmp_path, server, sim, display, extra):
        handle["said"] = said
        yield handle


@pytest.fixture
def app(request, tmp_path, server, sim, display):
    yield from launch(request, tmp_path, server, sim, display, "")


def pixel(png: Path, x: int, y: int) -> tuple[int, int, int]:
    with Image.open(png) as image:
        return image.convert("RGB").getpixel((x, y))


def glyph_height(png: Path, box: tuple[int, int, int, int], ink: tuple[int, int, int]) -> int:
    """Height in pixels of the first run of rows holding ``ink`` inside ``box`` (a type size)."""
    with Image.open(png) as image:
        area = np.asarray(image.convert("RGB").crop(box), dtype=int)
    rows = (np.abs(area - np.array(ink)).sum(axis=2) < 90).any(axis=1)
    start = int(np.argmax(rows))
    end = start + int(np.argmin(rows[start:])) if not rows[start:].all() else len(rows)
    return end - start


def wavs(said: Path) -> list[Path]:
    return sorted(said.glob("*.wav")) if said.exists() else []


def samples(path: Path) -> np.ndarray:
    with wave.open(str(path)) as wav:
        return np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")


def espeak(tmp_path: Path, text: str, voice: str) -> np.ndarray:
    """What espeak-ng says for ``text`` in ``voice`` at the kiosk's volume (it is deterministic)."""
    out = tmp_path / "reference.wav"
    subprocess.run(
        ["espeak-ng", "-v", voice, "-a", str(amplitude(VOLUME)), "-w", str(out), "--", text],
        check=True,
    )
    return samples(out)


def start_session(app, language: str = "id") -> Path:
    """Touch the attract screen, choose ``language``; the menu's screenshot."""
    shots = app["shots"]
    seen = last_number(shots)
    for attempt in range(3):  # a touch right after start may come before the window takes input
        tap(app["env"], 640, 450)
        try:
            newest(shots, "*-language*.png", after=seen, timeout=10)
            break
        except AssertionError:
            if attempt == 2:
                raise
    tap(app["env"], *((490, 330) if language == "id" else (865, 330)))
    return newest(shots, "*-menu*.png", after=seen)


def fresh_attract(app) -> Path:
    """A screenshot of the attract screen in Indonesian once the window is drawn.

    The first screenshot may be black (taken before the first frame): the language button is
    tapped until the screen has switched to English and back.
    """
    shots = app["shots"]

    def shows(words: str, after: int) -> bool:
        return words in words_of(newest(shots, "*-attract*.png", after=after))

    for want in ("Touch to start", "Sentuh untuk mulai"):
        for attempt in range(3):
            seen = last_number(shots)
            tap(app["env"], 1130, 68)  # the language button (it drifts less than its size)
            try:
                wait_until(lambda w=want, n=seen: shows(w, n), 10, what=want)
                break
            except AssertionError:
                if attempt == 2:
                    raise
    return newest(shots, "*-attract*.png")


# --- high contrast ------------------------------------------------------------------------------


def test_high_contrast_turns_every_screen_yellow_and_white_on_black_until_the_session_ends(app):
    env, shots = app["env"], app["shots"]
    normal_menu = start_session(app, "id")
    assert pixel(normal_menu, 640, 200) != (0, 0, 0)
    title = (40, 110, 112, 270)  # the first word of the menu's title, "Apa"
    normal_height = glyph_height(normal_menu, title, (11, 37, 69))  # navy

    seen = last_number(shots)
    tap(env, *CONTRAST)  # the button in the header of every screen
    menu = newest(shots, "*-menu-hc.png", after=seen)
    assert pixel(menu, 640, 200) == (0, 0, 0)  # the page is black
    assert pixel(menu, 640, 50) == (0, 0, 0)  # and so is the header
    words = words_of(menu)
    assert "Apa yang" in words, words  # OCR mixes the wrapped title with the location line
    assert "Cetak dokumen" in words
    ratio = glyph_height(menu, title, (255, 255, 255)) / normal_height
    assert 1.2 < ratio < 1.45, ratio  # type about 1.3 times larger
    with Image.open(menu) as image:
        colours = {c for _n, c in image.convert("RGB").getcolors(1 << 20)}
    assert (255, 229, 0) in colours and (255, 255, 255) in colours  # yellow and white text

    # it stays on for the citizen's next screens, in both languages
    seen = last_number(shots)
    tap(env, 1145, 48)  # the language button
    english = newest(shots, "*-menu-hc.png", after=seen)
    assert "What would you like" in words_of(english)
    seen = last_number(shots)
    tap(env, 150, 738)  # Back: the language screen, still high contrast
    language = newest(shots, "*-language-hc.png", after=seen)
    assert pixel(language, 640, 600) == (0, 0, 0)

    # Home ends the session: the next citizen gets the normal screen
    seen = last_number(shots)
    tap(env, 1128, 738)
    attract = newest(shots, "*-attract.png", after=seen)
    assert pixel(attract, 5, 790) == (11, 37, 69)  # navy again
    assert "hc" not in attract.name


def test_the_attract_screen_has_the_buttons_too_and_high_contrast_keeps_it_dark(app):
    env, shots = app["env"], app["shots"]
    fresh_attract(app)
    seen = last_number(shots)
    tap(env, *ATTRACT_CONTRAST)
    dark = newest(shots, "*-attract-hc.png", after=seen)
    assert pixel(dark, 5, 790) == (0, 0, 0)
    assert "Anjungan Dukcapil Mandiri" in words_of(dark)


# --- spoken guidance ----------------------------------------------------------------------------


def test_spoken_guidance_reads_each_screen_in_the_chosen_language_and_stops_after(
    speaking_app, tmp_path
):
    app, said = speaking_app, speaking_app["said"]
    env, shots = app["env"], app["shots"]
    fresh_attract(app)

    time.sleep(3)  # three heartbeats: nothing is said while guidance is off
    assert wavs(said) == []

    tap(env, *ATTRACT_SPEECH)  # switched on from the attract screen
    on = wait_until(lambda: wavs(said), 20, what="the kiosk to speak")[0]
    assert on.name.endswith("-id.wav")
    text = t("a11y.speech.on", "id") + " " + t("attract.speech", "id")
    assert np.array_equal(samples(on), espeak(tmp_path, text, "id"))

    # a new screen: its own text, in Indonesian
    tap(env, 640, 450)
    language = wait_until(lambda: wavs(said)[1:], 20, what="the language screen's speech")[0]
    assert np.array_equal(samples(language), espeak(tmp_path, t("language.speech", "id"), "id"))

    # English chosen: the menu speaks English
    tap(env, 865, 330)
    newest(shots, "*-menu.png")
    menu = wait_until(lambda: [w for w in wavs(said) if w.name.endswith("-en.wav")], 20, what="en")
    spoken = samples(menu[-1])
    assert np.abs(spoken).max() > 1000  # not silence
    assert len(spoken) > len(espeak(tmp_path, t("menu.speech", "en"), "en"))  # and the tiles

    # Home ends the session: guidance is off for the next citizen
    seen = last_number(shots)
    tap(env, 1128, 738)
    newest(shots, "*-attract.png", after=seen)
    before = len(wavs(said))
    tap(env, 640, 450)
    newest(shots, "*-language.png", after=seen)
    time.sleep(2)
    assert len(wavs(said)) == before


def test_every_citizen_screen_has_its_spoken_text_in_both_languages(display):
    """A screen without ``<name>.speech`` would make guidance fall back to a generic sentence."""
    listing = subprocess.run(
        [
            BIN / "python",
            "-c",
            "from screens.registry import load_screens; print(' '.join(sorted(load_screens())))",
        ],
        env=dict(os.environ, DISPLAY=display, KIVY_NO_ARGS="1", KIVY_LOG_MODE="PYTHON"),
        capture_output=True,
        text=True,
        check=True,
    )
    names = listing.stdout.split()
    assert {"attract", "language", "menu", "scan", "done"} <= set(names), names
    from kiosk.i18n import MESSAGES

    citizen = [n for n in names if not n.startswith("technician")]  # staff screens: no guidance
    missing = [n for n in citizen if f"{n}.speech" not in MESSAGES]
    assert missing == [], f"no spoken text for {missing}: add '<screen>.speech' to kiosk/messages"
    for name in citizen:
        entry = MESSAGES[f"{name}.speech"]
        assert entry.get("id") and entry.get("en"), name
