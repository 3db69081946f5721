"""Reading our QR codes off phone screens in live camera frames, within a time budget per frame.

:class:`QrReader` takes the newest frame and climbs a ladder of ways to look at it
(kiosk/vision/qr_variants.py), cheapest first, and stops at the first code that
kiosk/codes.py accepts. It leaves out every step whose measured time would overrun the frame's
time budget, so the preview stays fluid; the next frame starts again at the bottom, and a step
left out looks a little cheaper each time, so one stall of the machine does not bar it for good.
A step that read a code lately is tried first, since the same phone stays in front of the camera
for many frames.

The same code read again within ``repeat_after`` seconds is one read. When no code has been read
for ``hint_after`` seconds, :meth:`QrReader.hint` names a message key (kiosk/messages/qr_hints.py)
telling the citizen what to change: from what the camera sees where it can tell (a code not
ours, nothing in view, a reflection), otherwise the usual remedies in turn.

Texts that are read but are no code of ours are never handed on (they may be anything: links,
payment codes, hostile strings); the reader keeps their refusal reason for the hint.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

from kiosk.codes import Refusal, ScannedCode, classify
from kiosk.vision.qr_variants import LADDER, Grey, Variant, code_region

log = logging.getLogger(__name__)

DEFAULT_BUDGET_MS = 40.0
RECENT_SUCCESS_S = 10.0  # a step that read a code this recently goes first
IDLE_STEPS = 2  # steps per frame while nobody seems to be at the kiosk (see idle_after)
REFUSAL_SHOWN_S = 5.0  # "this code is not ours" stays up this long after the last such read


@dataclass(frozen=True)
class QrRead:
    """What one frame gave: the code (if any), how it was found and what it cost."""

    code: ScannedCode | None
    fresh: bool  # False when the same code was read less than repeat_after seconds ago
    tried: tuple[str, ...]  # the variants looked at, in order
    budget_stopped: bool  # True when steps were left out to keep within the budget
    elapsed_ms: float
    refusal: Refusal | None = None  # a text was read but is no code of ours


@dataclass
class _Cost:
    """Running estimate of a step's time on this machine, in ms."""

    ms: float | None = None

    def add(self, sample: float) -> None:
        if self.ms is None:
            self.ms = sample
        else:  # one step stalled by the machine does not make it look slow for long
            self.ms = 0.8 * self.ms + 0.2 * min(sample, 3 * self.ms)

    def skipped(self) -> None:
        """Left out for the budget: trust the estimate a little less, so it is tried again."""
        if self.ms is not None:
            self.ms *= 0.8


class QrReader:
    """Frames in, our codes out: cheapest look first, within a time budget, once per code."""

    def __init__(
        self,
        budget_ms: float = DEFAULT_BUDGET_MS,
        repeat_after: float = 3.0,
        hint_after: float = 4.0,
        hint_every: float = 4.0,
        idle_after: float = 30.0,
        idle_full_every: int = 4,
        ladder: Sequence[Variant] = LADDER,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self.budget_ms = budget_ms
        self.repeat_after = repeat_after
        self.hint_after = hint_after
        self.hint_every = hint_every
        self.idle_after = idle_after
        self.idle_full_every = idle_full_every
        self._idle_frames = 0
        self.ladder = tuple(ladder)
        self._clock = clock
        self._cost = {v.name: _Cost() for v in self.ladder}
        self._lock = threading.Lock()
        self._recent: dict[str, float] = {}  # variant name -> when it last read a code
        self._seen: dict[str, float] = {}  # canonical code -> when it was last read
        self._searching_since: float | None = None
        self._last_refusal: tuple[Refusal, float] | None = None
        self._last_grey: Grey | None = None

    # -- reading ---------------------------------------------------------------------------
    def decode(self, frame: Any) -> str | None:
        """For the camera scanner: the canonical text of a fresh code of ours, or None."""
        result = self.read(frame)
        return result.code.text if result.code is not None and result.fresh else None

    def read(self, frame: Any) -> QrRead:
        """Look at one BGR (or grey) frame, cheapest first, until a code or the budget ends."""
        start = self._clock()
        grey = _grey(frame)
        if grey is None:
            return QrRead(None, False, (), False, 0.0)
        tried: list[str] = []
        refusal: Refusal | None = None
        budget_stopped = False
        for variant in self._order(start)[: self._steps_now()]:
            spent = (self._clock() - start) * 1000
            expected = self._cost[variant.name].ms or 0.0
            if tried and spent + expected > self.budget_ms:
                budget_stopped = True  # a cheaper step further up may still fit
                self._cost[variant.name].skipped()
                continue
            step_start = self._clock()
            try:
                texts = variant.read(grey)
            except cv2.error:  # an odd frame size for one step; the others may still read
                log.warning("QR step %s failed on a %s frame", variant.name, grey.shape)
                texts = []
            self._cost[variant.name].add((self._clock() - step_start) * 1000)
            tried.append(variant.name)
            code, refused = self._first_ours(texts)
            if code is not None:
                return self._found(code, variant, tried, start)
            if refused is not None:
                # a code was read, exactly (QR has error correction): looking again at the
                # same code another way reads the same text, so stop here
                refusal = refused
                break
        elapsed = (self._clock() - start) * 1000
        with self._lock:
            now = time.monotonic()
            self._last_grey = grey
            if self._searching_since is None:
                self._searching_since = now
            if refusal is not None:
                self._last_refusal = (refusal, now)
                log.info("QR code refused: %s (%d characters)", refusal.reason, refusal.length)
        return QrRead(None, False, tuple(tried), budget_stopped, elapsed, refusal)

    def _steps_now(self) -> int:
        """How many steps this frame may take: all, or while nobody is there only the cheap ones.

        When no code came for ``idle_after`` seconds, most likely nobody stands at the kiosk:
        then only the first two steps run, and the whole ladder on every ``idle_full_every``-th
        frame, so an idle kiosk does not keep half a core busy. A phone that the cheap steps
        read is read at once; a hard one waits at most a few frames.
        """
        with self._lock:
            since = self._searching_since
            if since is None or time.monotonic() - since < self.idle_after:
                self._idle_frames = 0
                return len(self.ladder)
            self._idle_frames += 1
            full = self._idle_frames % max(self.idle_full_every, 1) == 0
        return len(self.ladder) if full else min(IDLE_STEPS, len(self.ladder))

    def _order(self, now: float) -> list[Variant]:
        """The ladder, with the steps that read a code lately moved to the front."""
        with self._lock:
            recent = {name: at for name, at in self._recent.items() if now - at < RECENT_SUCCESS_S}
        first = sorted((v for v in self.ladder if v.name in recent), key=lambda v: -recent[v.name])
        return first + [v for v in self.ladder if v.name not in recent]

    @staticmethod
    def _first_ours(texts: list[bytes]) -> tuple[ScannedCode | None, Refusal | None]:
        refused = None
        for text in texts:
            verdict = classify(text)
            if isinstance(verdict, ScannedCode):
                return verdict, None
            refused = refused or verdict
        return None, refused

    def _found(self, code: ScannedCode, variant: Variant, tried: list[str], start: float) -> QrRead:
        elapsed = (self._clock() - start) * 1000
        now = time.monotonic()
        with self._lock:
            self._recent[variant.name] = start
            last = self._seen.get(code.text)
            fresh = last is None or now - last >= self.repeat_after
            self._seen = {c: t for c, t in self._seen.items() if now - t < self.repeat_after}
            self._seen[code.text] = now  # still in front of the camera: the window moves on
            self._searching_since = None
            self._last_refusal = None
        if fresh:
            log.info("QR %s code %s read by step %s", code.kind.value, code.masked, variant.name)
        return QrRead(code, fresh, tuple(tried), False, elapsed)

    def forget(self) -> None:
        """A new citizen: the codes read so far may be read again, hints start afresh."""
        with self._lock:
            self._seen.clear()
            self._recent.clear()
            self._searching_since = None
            self._last_refusal = None

    # -- hints -----------------------------------------------------------------------------
    def hint(self) -> str | None:
        """A message key telling the citizen what to change, once no code came for a while.

        Evidence first: a code that is not ours, nothing in view, a reflection burning out the
        code. Otherwise the usual remedies take turns, ``hint_every`` seconds each, since a
        dim, distant or shaking phone cannot be told apart reliably from one frame.
        """
        with self._lock:
            now = time.monotonic()
            since, grey, refusal = self._searching_since, self._last_grey, self._last_refusal
        if refusal is not None and now - refusal[1] < REFUSAL_SHOWN_S:
            return "qr.hint.not_ours"  # said at once: waiting would not change the code
        if since is None or now - since < self.hint_after:
            return None
        seen = what_is_seen(grey) if grey is not None else "nothing"
        if seen == "nothing":
            return "qr.hint.show_code"
        if seen == "glare":
            return "qr.hint.tilt"
        turn = int((now - since - self.hint_after) // self.hint_every)
        return TAKING_TURNS[turn % len(TAKING_TURNS)]


TAKING_TURNS = ("qr.hint.closer", "qr.hint.brightness", "qr.hint.hold_still", "qr.hint.tilt")


def _grey(frame: Any) -> Grey | None:
    """The frame in grey levels, or None for something that is no picture (the camera's fault)."""
    if not isinstance(frame, np.ndarray) or frame.size == 0 or frame.dtype != np.uint8:
        return None
    if frame.ndim == 2:
        return frame
    if frame.ndim == 3 and frame.shape[2] in (3, 4):
        code = cv2.COLOR_BGR2GRAY if frame.shape[2] == 3 else cv2.COLOR_BGRA2GRAY
        return cv2.cvtColor(frame, code)
    return None


def what_is_seen(grey: Grey) -> str:
    """ "nothing" (no patch with detail), "glare" (burnt-out light over it) or "something"."""
    box = code_region(grey)
    if box is None:
        return "nothing"
    x, y, w, h = box
    patch = cv2.GaussianBlur(grey[y : y + h, x : x + w], (0, 0), 2)
    if patch.size and float((patch >= 252).mean()) > 0.05:
        return "glare"
    return "something"


_SHARED = QrReader(repeat_after=0.0)


def decode_frame(frame: Any) -> str | None:
    """The canonical text of the first code of ours in one frame (no de-duplication), or None."""
    result = _SHARED.read(frame)
    return result.code.text if result.code is not None else None
