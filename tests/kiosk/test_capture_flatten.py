"""The captured paper comes out flat, upright, at the office's resolution, in a bounded JPEG."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from doc_scenes import docgen as load_docgen

from kiosk.vision.capture import CaptureGate, encode_jpeg, flatten

# A4 page drawn at 620x877: a black square near the top left, a grey bar near the bottom right.
PAGE_W, PAGE_H = 620, 877
SQUARE = (60, 60, 160, 160)  # x0, y0, x1, y1 on the page
BAR = (380, 760, 560, 800)


@pytest.fixture(scope="module")
def docgen():
    return load_docgen()


def marked_page() -> np.ndarray:
    page = np.full((PAGE_H, PAGE_W, 3), 238, np.uint8)
    cv2.rectangle(page, SQUARE[:2], (SQUARE[2] - 1, SQUARE[3] - 1), (20, 20, 20), -1)
    cv2.rectangle(page, BAR[:2], (BAR[2] - 1, BAR[3] - 1), (110, 110, 110), -1)
    for y in range(220, 700, 30):  # lines of "text" so the gate has print to judge
        cv2.line(page, (60, y), (560, y), (110, 110, 110), 2)
    return page


def dark_box(image: np.ndarray) -> tuple[float, float, float, float]:
    """Bounding box, as fractions of the image, of its darkest region (the black square)."""
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    ys, xs = np.nonzero(grey < 60)
    h, w = grey.shape
    return xs.min() / w, ys.min() / h, (xs.max() + 1) / w, (ys.max() + 1) / h


@pytest.mark.parametrize(
    "corners",
    [
        [[470.0, 80.0], [860.0, 105.0], [885.0, 650.0], [445.0, 630.0]],  # tilted
        [[520.0, 120.0], [800.0, 140.0], [900.0, 640.0], [420.0, 610.0]],  # strong perspective
    ],
)
def test_a_captured_page_comes_out_flat_and_upright(docgen, corners):
    truth = np.array(corners)
    shot = docgen.make_scene(np.random.default_rng(1), "wood", "a4", truth, page=marked_page())
    gate = CaptureGate("a4", steady_seconds=0.2)
    gate.feed(shot.frame, 0.0)
    verdict = gate.feed(shot.frame, 0.5)
    assert verdict.ready, verdict.reason
    flat = flatten(shot.frame, verdict.corners, "a4")
    assert flat.shape == (1754, 1240, 3) and flat.dtype == np.uint8
    x0, y0, x1, y1 = dark_box(flat)
    expected = (SQUARE[0] / PAGE_W, SQUARE[1] / PAGE_H, SQUARE[2] / PAGE_W, SQUARE[3] / PAGE_H)
    assert np.allclose((x0, y0, x1, y1), expected, atol=0.012), ((x0, y0, x1, y1), expected)
    # the grey bar lands bottom right, where the page has it
    bar = flat[int(BAR[1] / PAGE_H * 1754) + 5 : int(BAR[3] / PAGE_H * 1754) - 5,
               int(BAR[0] / PAGE_W * 1240) + 5 : int(BAR[2] / PAGE_W * 1240) - 5]  # fmt: skip
    assert 80 < float(bar.mean()) < 140
    # and the table around the paper is gone: the page's margins are paper-white
    assert float(flat[:20].mean()) > 170 and float(flat[-20:].mean()) > 170


def test_a_paper_lying_sideways_comes_out_landscape(docgen):
    landscape = np.array([[300.0, 150.0], [1000.0, 170.0], [990.0, 650.0], [310.0, 640.0]])
    flat = flatten(np.full((720, 1280, 3), 200, np.uint8), landscape, "a4")
    assert flat.shape == (1240, 1754, 3)


def test_an_id_card_comes_out_at_300_dpi():
    card = np.array([[400.0, 200.0], [880.0, 215.0], [870.0, 520.0], [395.0, 505.0]])
    assert flatten(np.full((720, 1280, 3), 200, np.uint8), card, "id_card").shape == (638, 1012, 3)
    upright = card[:, ::-1].copy()[[0, 3, 2, 1]]  # the same card stood on its side
    flat = flatten(np.full((1280, 720, 3), 200, np.uint8), upright, "id_card")
    assert flat.shape == (1012, 638, 3)


@pytest.mark.parametrize(
    "corners",
    [np.zeros((3, 2)), np.full((4, 2), np.nan), np.zeros((4, 2)), np.ones((2, 4))],
    ids=["three", "nan", "no-area", "wrong-shape"],
)
def test_flatten_refuses_corners_that_are_not_a_paper(corners):
    with pytest.raises(ValueError, match="corners"):
        flatten(np.full((720, 1280, 3), 200, np.uint8), corners, "a4")


def test_flatten_refuses_an_unknown_kind_and_a_broken_frame():
    corners = np.array([[0.0, 0.0], [100.0, 0.0], [100.0, 100.0], [0.0, 100.0]])
    with pytest.raises(ValueError, match="kind"):
        flatten(np.full((720, 1280, 3), 200, np.uint8), corners, "letter")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="frame"):
        flatten(np.zeros((0, 0, 3), np.uint8), corners, "a4")


@pytest.mark.parametrize("max_bytes", [600_000, 150_000, 20_000])
def test_the_jpeg_fits_its_bound_and_still_shows_the_page(max_bytes):
    rng = np.random.default_rng(0)
    page = rng.integers(0, 256, (1754, 1240, 3), dtype=np.uint8)  # noise: hard to compress
    cv2.rectangle(page, (100, 100), (600, 600), (0, 0, 0), -1)
    data = encode_jpeg(page, max_bytes=max_bytes)
    assert len(data) <= max_bytes
    assert data[:2] == b"\xff\xd8"
    decoded = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    assert decoded is not None
    # same proportions; the black square is still there, scaled with the picture
    assert decoded.shape[1] / decoded.shape[0] == pytest.approx(1240 / 1754, abs=0.01)
    scale = decoded.shape[1] / 1240
    inside = decoded[int(150 * scale) : int(550 * scale), int(150 * scale) : int(550 * scale)]
    assert float(inside.mean()) < 40


def test_a_plain_page_keeps_its_full_size_within_the_default_bound():
    page = np.full((1754, 1240, 3), 235, np.uint8)
    cv2.putText(page, "SURAT KETERANGAN", (100, 200), cv2.FONT_HERSHEY_SIMPLEX, 2, (0, 0, 0), 3)
    decoded = cv2.imdecode(np.frombuffer(encode_jpeg(page), np.uint8), cv2.IMREAD_COLOR)
    assert decoded.shape == (1754, 1240, 3)


def test_an_impossible_bound_is_refused_not_ignored():
    page = np.random.default_rng(1).integers(0, 256, (400, 400, 3), dtype=np.uint8)
    with pytest.raises(ValueError, match="fits"):
        encode_jpeg(page, max_bytes=200)
    with pytest.raises(ValueError):
        encode_jpeg(np.zeros((0, 0, 3), np.uint8))
