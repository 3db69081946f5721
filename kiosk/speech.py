"""Spoken guidance: the kiosk reads a screen's instructions aloud with espeak-ng, offline.

:meth:`Speaker.say` returns at once; one background thread runs espeak-ng (and aplay), so the
UI thread never waits on audio. A new text interrupts the one being spoken (a new screen).

Where the sound goes:

- ``wav_dir`` set: each utterance is written as ``NNNN-<voice>.wav`` there (tests, recording);
- otherwise ``espeak-ng --stdout | aplay`` when the machine has an audio device;
- no audio device (or no espeak-ng): said once in the log, and the kiosk carries on silent.

Volume is the config's 0-100, mapped to espeak-ng's amplitude 0-200.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

VOICES = {"id": "id", "en": "en"}  # kiosk language -> espeak-ng voice
ESPEAK = "espeak-ng"
PLAYER = "aplay"


def amplitude(volume: int) -> int:
    """Config volume 0-100 -> espeak-ng -a 0-200."""
    return max(0, min(200, round(volume * 2)))


def has_audio_device(cards: Path = Path("/proc/asound/cards")) -> bool:
    """True when ALSA knows a sound card (the kiosk's speakers)."""
    try:
        text = cards.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return bool(text.strip()) and "no soundcards" not in text


@dataclass(frozen=True)
class Utterance:
    text: str
    voice: str


class Speaker:
    def __init__(
        self,
        volume: int = 80,
        wav_dir: Path | None = None,
        espeak: str = ESPEAK,
        player: str = PLAYER,
        sound_cards: Path = Path("/proc/asound/cards"),
    ) -> None:
        self.volume = volume
        self.wav_dir = wav_dir
        self.espeak = espeak
        self.player = player
        self.sound_cards = sound_cards
        self._cond = threading.Condition()
        self._next: Utterance | None = None
        self._generation = 0  # bumped by say/stop: the utterance being spoken is outdated
        self._closed = False
        self._warned: set[str] = set()
        self._count = 0
        self._thread: threading.Thread | None = None

    # -- the face's side (any thread, returns at once) ----------------------------------------
    def say(self, text: str, language: str) -> None:
        """Speak ``text`` in ``language`` (id/en), interrupting whatever is being said."""
        text = " ".join(text.split())
        if not text:
            return
        voice = VOICES.get(language, VOICES["id"])
        with self._cond:
            if self._closed:
                return
            self._next = Utterance(text, voice)
            self._generation += 1
            self._cond.notify()
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="speech", daemon=True)
                self._thread.start()

    def stop(self) -> None:
        """Silence: forget what was to be said and cut what is being said."""
        with self._cond:
            self._next = None
            self._generation += 1
            self._cond.notify()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._next = None
            self._generation += 1
            self._cond.notify()
        if self._thread is not None:
            self._thread.join(timeout=5)

    # -- the speech thread ---------------------------------------------------------------------
    def _run(self) -> None:
        while True:
            with self._cond:
                while self._next is None and not self._closed:
                    self._cond.wait()
                if self._closed:
                    return
                utterance, self._next = self._next, None
                generation = self._generation
            assert utterance is not None
            try:
                self._speak(utterance, generation)
            except Exception:  # speech is a help, never a reason to stop the kiosk
                log.exception("spoken guidance failed")

    def _outdated(self, generation: int) -> bool:
        with self._cond:
            return generation != self._generation

    def _warn_once(self, what: str, message: str) -> None:
        if what not in self._warned:
            self._warned.add(what)
            log.warning(message)

    def _speak(self, utterance: Utterance, generation: int) -> None:
        if shutil.which(self.espeak) is None:
            self._warn_once("espeak", f"{self.espeak} is not installed: no spoken guidance")
            return
        command = [self.espeak, "-v", utterance.voice, "-a", str(amplitude(self.volume))]
        if self.wav_dir is not None:
            self._count += 1
            self.wav_dir.mkdir(parents=True, exist_ok=True)
            final = self.wav_dir / f"{self._count:04d}-{utterance.voice}.wav"
            tmp = final.with_suffix(".part")
            procs = [subprocess.Popen([*command, "-w", str(tmp), "--", utterance.text])]
            if self._wait(procs, generation):
                os.replace(tmp, final)
                log.info("speech %s written (%s)", final.name, utterance.voice)
            else:
                tmp.unlink(missing_ok=True)
            return
        if not has_audio_device(self.sound_cards) or shutil.which(self.player) is None:
            self._warn_once("device", "no audio output device: spoken guidance is not played")
            return
        synth = subprocess.Popen(
            [*command, "--stdout", "--", utterance.text],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        play = subprocess.Popen(
            [self.player, "-q"], stdin=synth.stdout, stderr=subprocess.PIPE, text=True
        )
        assert synth.stdout is not None
        synth.stdout.close()  # aplay holds the pipe now
        if self._wait([synth, play], generation) and play.returncode != 0:
            error = play.stderr.read().strip() if play.stderr is not None else ""
            self._warn_once("player", f"{self.player} could not play speech: {error[:200]}")
        if play.stderr is not None:
            play.stderr.close()

    def _wait(self, procs: list[subprocess.Popen], generation: int) -> bool:
        """Wait for ``procs``; cut them when a newer text comes. True if they ran to the end."""
        while True:
            if all(p.poll() is not None for p in procs):
                return all(p.returncode == 0 for p in procs[:1])
            if self._outdated(generation):
                for p in procs:
                    if p.poll() is None:
                        p.terminate()
                for p in procs:
                    try:
                        p.wait(timeout=2)
                    except subprocess.TimeoutExpired:
                        p.kill()
                        p.wait()
                return False
            with self._cond:
                self._cond.wait(timeout=0.05)
