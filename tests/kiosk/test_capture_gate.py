"""The capture gate photographs a paper only when it is whole, sharp, lit and held still."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from doc_scenes import docgen as load_docgen

from kiosk.i18n import MESSAGES
from kiosk.vision.capture import REASONS, CaptureGate


@pytest.fixture(scope="module")
def docgen():
    return load_docgen()


# Where the paper lies in the frames below (TL, TR, BR, BL), slightly tilted.
PLACE = np.array([[470.0, 80.0], [860.0, 105.0], [885.0, 650.0], [445.0, 630.0]])


def scene(docgen, category: str, seed: int, kind: str = "a4", corners=None):
    rng = np.random.default_rng(seed)
    return docgen.make_scene(rng, category, kind, corners=corners)


def settle(gate: CaptureGate, frame, seconds: float = 1.0):
    """Feed the same frame twice, ``seconds`` apart: the verdict on a paper held still."""
    gate.feed(frame, 100.0)
    return gate.feed(frame, 100.0 + seconds)


def test_every_reason_has_a_text_in_both_languages():
    for reason in REASONS:
        assert MESSAGES[reason]["id"] and MESSAGES[reason]["en"], reason


@pytest.mark.parametrize("category", ["wood", "cloth", "plain"])
def test_a_sharp_paper_held_still_is_captured_once_after_the_steady_time(docgen, category):
    shot = scene(docgen, category, seed=11, corners=PLACE)
    gate = CaptureGate("a4", steady_seconds=0.6)
    seen = [gate.feed(shot.frame, at) for at in (10.0, 10.2, 10.4)]
    assert [v.ready for v in seen] == [False, False, False]
    assert {v.reason for v in seen} == {"capture.hold_still"}
    assert seen[-1].steady_for == pytest.approx(0.4)
    fired = gate.feed(shot.frame, 10.65)
    assert fired.ready and fired.reason is None
    assert np.abs(fired.corners - PLACE).max() < 3.0  # pixels, on a 1280x720 frame
    assert fired.sharpness > 0.3 and fired.glare < 0.01
    after = gate.feed(shot.frame, 10.8)
    assert not after.ready  # once per hold: the screen takes one picture


def test_a_paper_that_keeps_moving_is_never_captured(docgen):
    gate = CaptureGate("a4", steady_seconds=0.6)
    verdicts = []
    for step in range(8):
        shift = np.array([step * 25.0, step * 6.0])
        shot = scene(docgen, "wood", seed=3, corners=PLACE - (150, 40) + shift)
        verdicts.append(gate.feed(shot.frame, step * 0.2))
    assert not any(v.ready for v in verdicts)
    assert {v.reason for v in verdicts} == {"capture.hold_still"}
    assert all(v.steady_for == 0.0 for v in verdicts)


def test_after_reset_the_same_paper_is_captured_again(docgen):
    shot = scene(docgen, "cloth", seed=5, corners=PLACE)
    gate = CaptureGate("a4", steady_seconds=0.3)
    assert settle(gate, shot.frame).ready
    gate.reset()
    assert settle(gate, shot.frame).ready


@pytest.mark.parametrize(
    ("category", "reason"),
    [
        ("blurred", "capture.blurred"),
        ("glare", "capture.glare"),
        ("cut_off", "capture.cut_off"),
        ("dark", "capture.too_dark"),
    ],
)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_bad_frames_are_refused_with_the_reason(docgen, category, reason, seed):
    shot = scene(docgen, category, seed)
    verdict = settle(CaptureGate("a4"), shot.frame)
    assert not verdict.ready
    assert verdict.reason == reason
    assert verdict.corners is not None  # the preview still shows where the paper is


def test_the_measures_say_why(docgen):
    sharp = settle(CaptureGate("a4"), scene(docgen, "plain", 4, corners=PLACE).frame)
    blurred = settle(CaptureGate("a4"), scene(docgen, "blurred", 4, corners=PLACE).frame)
    glaring = settle(CaptureGate("a4"), scene(docgen, "glare", 4, corners=PLACE).frame)
    assert blurred.sharpness < sharp.sharpness / 2
    assert glaring.glare > 0.03 > sharp.glare


def test_a_paper_far_away_is_refused_as_too_far(docgen):
    small = np.array([[600.0, 300.0], [700.0, 305.0], [698.0, 445.0], [597.0, 440.0]])
    verdict = settle(CaptureGate("a4"), scene(docgen, "wood", 8, corners=small).frame)
    assert verdict.reason == "capture.too_far" and not verdict.ready


def test_an_id_card_is_captured(docgen):
    card = np.array([[400.0, 200.0], [880.0, 215.0], [870.0, 520.0], [395.0, 505.0]])
    shot = scene(docgen, "wood", 9, kind="id_card", corners=card)
    verdict = settle(CaptureGate("id_card"), shot.frame)
    assert verdict.ready, verdict.reason
    assert np.abs(verdict.corners - card).max() < 4.0


def test_an_empty_table_shows_no_paper(docgen):
    for style in ("wood", "cloth", "plain"):
        table = docgen.BACKGROUNDS[style](np.random.default_rng(2))
        frame = np.clip(table, 0, 255).astype(np.uint8)
        verdict = settle(CaptureGate("a4"), frame)
        assert verdict.reason == "capture.no_paper" and verdict.corners is None, style


HUGE = np.broadcast_to(np.uint8(128), (30_000, 30_000, 3))  # 2.7 GB if it were real


@pytest.mark.parametrize(
    "frame",
    [
        np.zeros((0, 0, 3), np.uint8),
        np.zeros((1, 1, 3), np.uint8),
        np.full((720, 1280, 3), 128, np.uint8),
        np.full((720, 1280), 128, np.uint8),
        np.zeros((720, 1280, 3), np.float64),
        np.full((720, 1280, 3), np.nan),
        np.zeros((720, 1280, 3), np.int16),
        np.zeros((720, 1280, 3), bool),
        np.zeros((720, 1280, 7), np.uint8),
        np.array(["paper"] * 4),
        HUGE,
        None,
        "frame.jpg",
    ],
    ids=[
        "empty",
        "1x1",
        "grey",
        "grey-2d",
        "float",
        "nan",
        "int16",
        "bool",
        "7-channel",
        "strings",
        "huge",
        "none",
        "text",
    ],  # fmt: skip
)
def test_hostile_frames_get_a_verdict_not_an_exception(frame):
    verdict = CaptureGate("a4").feed(frame, 1.0)
    assert not verdict.ready
    assert verdict.reason == "capture.no_paper" and verdict.corners is None


def test_a_grey_camera_frame_still_works(docgen):
    shot = scene(docgen, "wood", seed=11, corners=PLACE)
    grey = cv2.cvtColor(shot.frame, cv2.COLOR_BGR2GRAY)
    verdict = settle(CaptureGate("a4"), grey)
    assert verdict.corners is not None and np.abs(verdict.corners - PLACE).max() < 3.0


def test_a_wrong_paper_kind_is_refused():
    with pytest.raises(ValueError, match="paper kind"):
        CaptureGate("letter")  # type: ignore[arg-type]
