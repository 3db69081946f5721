"""Spoken guidance: espeak-ng really speaks, in the citizen's language, off the caller's thread."""

from __future__ import annotations

import logging
import subprocess
import time
import wave
from pathlib import Path

import numpy as np
import pytest
from support import require_tools, wait_until

from kiosk.speech import Speaker, amplitude

WELCOME_ID = "Selamat datang. Sentuh layar untuk mulai."
WELCOME_EN = "Welcome. Touch the screen to start."


def samples(path: Path) -> np.ndarray:
    with wave.open(str(path)) as wav:
        assert wav.getsampwidth() == 2
        return np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")


def reference(tmp_path: Path, text: str, voice: str, volume: int) -> np.ndarray:
    """What espeak-ng itself says for ``text`` in ``voice``: the same bytes, it is deterministic."""
    out = tmp_path / f"reference-{voice}-{volume}.wav"
    subprocess.run(
        ["espeak-ng", "-v", voice, "-a", str(amplitude(volume)), "-w", str(out), "--", text],
        check=True,
    )
    return samples(out)


@pytest.fixture(autouse=True)
def _espeak():
    require_tools("espeak-ng")


def test_each_text_is_spoken_in_its_language_with_the_configured_volume(tmp_path):
    speaker = Speaker(volume=80, wav_dir=tmp_path / "said")
    try:
        started = time.monotonic()
        speaker.say(WELCOME_ID, "id")
        assert time.monotonic() - started < 0.05  # the caller (the UI thread) never waits
        first = wait_until(lambda: list((tmp_path / "said").glob("*.wav")), 20, what="a WAV")[0]
        assert first.name == "0001-id.wav"
        spoken = samples(first)
        assert np.abs(spoken).max() > 1000  # not silence
        assert np.array_equal(spoken, reference(tmp_path, WELCOME_ID, "id", 80))

        speaker.say(WELCOME_EN, "en")
        second = wait_until(lambda: list((tmp_path / "said").glob("0002-en.wav")), 20, what="2")
        assert np.array_equal(samples(second[0]), reference(tmp_path, WELCOME_EN, "en", 80))
        # the Indonesian voice says another thing than the English one
        assert not np.array_equal(samples(second[0]), reference(tmp_path, WELCOME_EN, "id", 80))
    finally:
        speaker.close()


def test_a_lower_volume_speaks_softer(tmp_path):
    loud, soft = Speaker(volume=100, wav_dir=tmp_path / "loud"), Speaker(20, tmp_path / "soft")
    try:
        loud.say(WELCOME_ID, "id")
        soft.say(WELCOME_ID, "id")
        a = wait_until(lambda: list((tmp_path / "loud").glob("*.wav")), 20, what="loud")[0]
        b = wait_until(lambda: list((tmp_path / "soft").glob("*.wav")), 20, what="soft")[0]
        assert np.abs(samples(b)).max() < np.abs(samples(a)).max() / 2
    finally:
        loud.close()
        soft.close()
    assert amplitude(0) == 0 and amplitude(100) == 200


def test_a_new_text_interrupts_the_one_being_spoken(tmp_path):
    long_text = " ".join(["Ini adalah kalimat panjang yang dibacakan oleh anjungan."] * 40)
    speaker = Speaker(volume=80, wav_dir=tmp_path / "said")
    try:
        speaker.say(long_text, "id")
        time.sleep(0.05)
        speaker.say(WELCOME_ID, "id")
        done = wait_until(
            lambda: [
                p
                for p in (tmp_path / "said").glob("*.wav")
                if np.array_equal(samples(p), reference(tmp_path, WELCOME_ID, "id", 80))
            ],
            30,
            what="the second text",
        )
        assert done
        time.sleep(0.5)
        # the long text was cut: no file says it (or it finished first, which takes > 20 s)
        others = [p for p in (tmp_path / "said").glob("*.wav") if p not in done]
        assert all(len(samples(p)) < 20 * 22050 for p in others)
        assert not list((tmp_path / "said").glob("*.part"))
    finally:
        speaker.close()


def test_without_a_sound_card_it_says_so_once_and_carries_on(tmp_path, caplog):
    cards = tmp_path / "cards"
    cards.write_text("--- no soundcards ---\n")
    speaker = Speaker(volume=80, sound_cards=cards)
    try:
        with caplog.at_level(logging.WARNING, logger="kiosk.speech"):
            speaker.say(WELCOME_ID, "id")
            speaker.say(WELCOME_EN, "en")
            wait_until(lambda: "no audio output device" in caplog.text, 10, what="the warning")
            time.sleep(0.5)
        assert caplog.text.count("no audio output device") == 1
    finally:
        speaker.close()
