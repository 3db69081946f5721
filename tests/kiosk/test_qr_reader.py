"""The QR reader on camera frames of phones: hard frames read, one read per code, within budget.

Frames come from bench/gen_qr_set.py's generator (the same scenes the bench measures), drawn
here from fixed seeds; zxing-cpp alone is run on each in the test to show it misses them.
"""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import zxingcpp

from kiosk.vision.qr import QrReader
from kiosk.vision.qr_variants import Variant

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("gen_qr_set", ROOT / "bench" / "gen_qr_set.py")
assert _spec is not None and _spec.loader is not None
gen = importlib.util.module_from_spec(_spec)
sys.modules["gen_qr_set"] = gen  # dataclasses look their module up there
_spec.loader.exec_module(gen)

QR_ONLY = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
UNLIMITED = 1e9  # ms: the read-rate tests do not depend on the machine's speed


def zxing_alone(frame: np.ndarray) -> list[str]:
    return [b.text for b in zxingcpp.read_barcodes(frame, formats=QR_ONLY)]


# (category, seed): frames zxing-cpp alone does not read, one per trouble
HARD_FRAMES = [
    ("moire", 100),
    ("low_contrast", 101),
    ("dim_screen", 103),
    ("glare", 107),  # dark mode, reflection over the code
    ("glare", 111),  # dark mode; read by the second-opinion decoder
    ("document_hard", 102),  # the signed document QR, blurred and noisy
]


@pytest.mark.parametrize(("category", "seed"), HARD_FRAMES)
def test_a_hard_frame_zxing_alone_misses_is_read(category, seed):
    scene, frame = gen.frame_for(category, seed)
    assert scene.payload not in zxing_alone(frame)

    result = QrReader(budget_ms=UNLIMITED).read(frame)

    assert result.code is not None
    assert result.code.text == scene.payload
    assert result.fresh
    assert len(result.tried) > 1  # found by a later step of the ladder


def test_an_easy_frame_is_read_by_the_first_step():
    scene, frame = gen.frame_for("clean", 100)
    result = QrReader().read(frame)
    assert result.code is not None and result.code.text == scene.payload
    assert result.tried == ("half",)


def test_a_dark_mode_phone_is_read():
    scene, frame = gen.frame_for("dark_mode", 100)
    assert scene.dark_mode
    assert QrReader().decode(frame) == scene.payload


def test_the_same_code_in_the_next_frames_is_one_read_until_it_was_away_long_enough():
    scene, frame = gen.frame_for("clean", 100)
    _, other = gen.frame_for("clean", 102)
    reader = QrReader(repeat_after=1.0)

    assert reader.decode(frame) == scene.payload
    assert reader.decode(frame) is None  # the phone is still there
    second = reader.read(frame)
    assert second.code is not None and not second.fresh
    assert reader.decode(other) is not None  # another code is another read
    time.sleep(1.1)
    assert reader.decode(frame) == scene.payload  # shown again after a pause


def test_a_code_held_in_front_of_the_camera_stays_one_read():
    scene, frame = gen.frame_for("clean", 100)
    reader = QrReader(repeat_after=0.5)
    reads = []
    for _ in range(12):  # longer than repeat_after in all, but never away that long
        reads.append(reader.decode(frame))
        time.sleep(0.1)
    assert reads.count(scene.payload) == 1


class SteppingClock:
    """Each look at the clock is 10 ms later: the reader's budget decisions become exact."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 0.010
        return self.now


def test_the_reader_stops_climbing_when_the_next_step_would_overrun_the_budget():
    _, frame = gen.frame_for("empty", 100)  # no code: the reader would try every step
    reader = QrReader(budget_ms=75, clock=SteppingClock())

    # Each step takes 10 ms on this clock, and every look at the clock 10 ms more: a step
    # starts 20 ms after the one before it, the first 10 ms after the frame arrived.
    first = reader.read(frame)  # costs unknown yet: a step starts while time is left
    second = reader.read(frame)  # every step now known to take 10 ms

    assert first.tried == ("half", "grey", "clahe_half")  # started at 10, 40, 70 ms
    assert second.tried == ("half", "grey")  # the third would end at 80 ms
    assert first.budget_stopped and second.budget_stopped
    assert second.code is None


def test_with_no_budget_the_cheapest_step_still_runs():
    scene, frame = gen.frame_for("clean", 100)
    result = QrReader(budget_ms=0).read(frame)
    assert result.tried == ("half",)
    assert result.code is not None and result.code.text == scene.payload


def test_with_time_enough_every_step_is_tried_on_a_frame_without_a_code():
    _, frame = gen.frame_for("empty", 100)
    reader = QrReader(budget_ms=UNLIMITED)
    result = reader.read(frame)
    assert result.tried == tuple(v.name for v in reader.ladder)
    assert not result.budget_stopped


def test_the_step_that_read_the_last_code_is_tried_first_on_the_next_frame():
    scene, frame = gen.frame_for("moire", 100)
    reader = QrReader(budget_ms=UNLIMITED)
    first = reader.read(frame)
    assert first.code is not None and first.tried[-1] == "soften"

    again = reader.read(frame)

    assert again.tried == ("soften",)
    assert again.code is not None and again.code.text == scene.payload


def phone_showing(payload: str, seed: int = 100) -> np.ndarray:
    scene = gen.Scene(payload, qr_px=300)
    return gen.render(scene, seed)


def test_a_qr_code_that_is_not_ours_is_not_handed_on_and_the_hint_says_so():
    frame = phone_showing("'; DROP TABLE print_jobs; --")
    reader = QrReader(hint_after=0.0)

    result = reader.read(frame)

    assert result.code is None and reader.decode(frame) is None
    assert result.refusal is not None
    assert result.refusal.reason == "qr.refused.unknown_format"
    assert result.tried == ("half",)  # read exactly once: looking again reads the same text
    assert reader.hint() == "qr.hint.not_ours"


def test_no_hint_while_codes_are_read_or_before_the_wait():
    scene, frame = gen.frame_for("clean", 100)
    _, empty = gen.frame_for("empty", 100)
    reader = QrReader(hint_after=0.3)
    assert reader.decode(frame) == scene.payload
    assert reader.hint() is None
    reader.read(empty)
    assert reader.hint() is None  # searching, but not for long yet


def test_a_reflection_over_the_code_asks_to_tilt_the_phone():
    scene = gen.Scene("ADMP:7KQ2-M9XD-4TRA", qr_px=300, glare=1.0)
    frame = gen.render(scene, 7)  # the light burns out the middle of the code
    reader = QrReader(hint_after=0.0, budget_ms=UNLIMITED)

    assert reader.read(frame).code is None
    assert reader.hint() == "qr.hint.tilt"


def test_an_empty_view_asks_to_show_the_code():
    reader = QrReader(hint_after=0.0)
    reader.read(np.full((720, 1280, 3), 120, np.uint8))
    assert reader.hint() == "qr.hint.show_code"


def test_without_evidence_the_remedies_take_turns():
    _, frame = gen.frame_for("empty", 100)
    reader = QrReader(hint_after=0.0, hint_every=0.15, budget_ms=5)
    reader.read(frame)
    seen = []
    deadline = time.monotonic() + 0.8
    while time.monotonic() < deadline:
        seen.append(reader.hint())
        time.sleep(0.02)
    assert set(seen) == {
        "qr.hint.closer",
        "qr.hint.brightness",
        "qr.hint.hold_still",
        "qr.hint.tilt",
    }
    assert seen[0] == "qr.hint.closer"


@pytest.mark.parametrize(
    "frame",
    [
        np.zeros((0, 0, 3), np.uint8),
        np.zeros((720, 1280, 2), np.uint8),
        np.zeros((720, 1280, 3), np.float32),
        np.zeros((3, 3, 3), np.uint8),
        None,
    ],
    ids=["empty", "two channels", "float", "tiny", "none"],
)
def test_a_broken_frame_gives_no_code_and_no_crash(frame):
    result = QrReader().read(frame)
    assert result.code is None


def test_a_bgra_frame_is_read_like_a_bgr_one():
    import cv2

    scene, frame = gen.frame_for("clean", 100)
    assert QrReader().decode(cv2.cvtColor(frame, cv2.COLOR_BGR2BGRA)) == scene.payload


class ManualClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def timed_step(clock: ManualClock, name: str, *costs_ms: float) -> Variant:
    """A ladder step that reads nothing and takes the given times, the last one from then on."""
    calls = []

    def read(grey):
        clock.now += costs_ms[min(len(calls), len(costs_ms) - 1)] / 1000
        calls.append(1)
        return []

    return Variant(name, read, "test")


BLANK = np.zeros((72, 128), np.uint8)


def test_a_slow_step_is_left_out_but_a_cheaper_one_after_it_still_runs():
    clock = ManualClock()
    ladder = [timed_step(clock, "a", 5), timed_step(clock, "slow", 60), timed_step(clock, "b", 5)]
    reader = QrReader(budget_ms=40, ladder=ladder, clock=clock)
    assert reader.read(BLANK).tried == ("a", "slow")  # 65 ms spent: no time left for b

    again = reader.read(BLANK)

    assert again.tried == ("a", "b")
    assert again.budget_stopped


def test_a_step_that_stalled_once_is_tried_again_a_few_frames_later():
    clock = ManualClock()
    ladder = [timed_step(clock, "a", 5), timed_step(clock, "stalled", 200, 5)]
    reader = QrReader(budget_ms=40, ladder=ladder, clock=clock)
    reader.read(BLANK)  # the machine stalled during the second step: 200 ms

    tried = [reader.read(BLANK).tried for _ in range(12)]

    assert tried[0] == ("a",)
    assert ("a", "stalled") in tried
    assert tried[-1] == ("a", "stalled")  # measured again at 5 ms: part of every frame


def test_while_nobody_is_there_only_the_cheap_steps_run_and_the_whole_ladder_now_and_then():
    _, empty = gen.frame_for("empty", 100)
    scene, phone = gen.frame_for("clean", 100)
    reader = QrReader(budget_ms=UNLIMITED, idle_after=0.2, idle_full_every=3)
    assert len(reader.read(empty).tried) == len(reader.ladder)  # just started searching
    time.sleep(0.25)

    steps = [len(reader.read(empty).tried) for _ in range(6)]

    full = len(reader.ladder)
    assert steps == [2, 2, full, 2, 2, full]
    assert reader.decode(phone) == scene.payload  # an easy phone is read at once
    assert len(reader.read(empty).tried) == full  # someone is there: the whole ladder again
