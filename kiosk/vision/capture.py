"""Photographing a paper held up to the camera: when to take the picture, and the picture.

:class:`CaptureGate` judges each live frame: is there a paper (its corners, for the preview),
is all of it in view, close enough, lit, free of glare, sharp, and has it stayed put for
``steady_seconds``? The first frame that passes everything is the one to capture
(``ready``); until then ``reason`` names what the citizen should change, as an i18n key of
kiosk/messages/capture.py. :func:`flatten` turns the paper into a flat, upright page at a
resolution the office can read, and :func:`encode_jpeg` packs it into a bounded JPEG.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal

import cv2
import numpy as np
import numpy.typing as npt

from kiosk.vision.corners import Corners, PaperFind, find_paper, quad_area

log = logging.getLogger(__name__)

PaperKind = Literal["a4", "id_card"]

# Output sizes (width, height) in the paper's own landscape/portrait orientation.
A4_PORTRAIT = (1240, 1754)  # 210 x 297 mm at 150 dpi
ID_CARD_LANDSCAPE = (1012, 638)  # 85.6 x 54 mm at 300 dpi

NO_PAPER = "capture.no_paper"
CUT_OFF = "capture.cut_off"
TOO_FAR = "capture.too_far"
BLURRED = "capture.blurred"
GLARE = "capture.glare"
TOO_DARK = "capture.too_dark"
HOLD_STILL = "capture.hold_still"
REASONS = (NO_PAPER, CUT_OFF, TOO_FAR, BLURRED, GLARE, TOO_DARK, HOLD_STILL)

# Smallest share of the frame the paper must cover to be readable once flattened.
MIN_AREA = {"a4": 0.12, "id_card": 0.05}
SHARPNESS_LIMIT = 0.16  # below: blurred (measure_sharpness; Gaussian blur of sigma ~1.5 px)
GLARE_LIMIT = 0.01  # above this share of blown-out paper pixels: glare
BLOWN_OUT = 250  # grey level counted as blown out
DARK_LIMIT = 70.0  # paper's median grey level below this: too dark
STEADY_TOLERANCE = 0.012  # corners may wander this share of the frame diagonal and be "still"
_PRINT_SLOPE = 0.03  # a pixel whose slope exceeds this share of the paper's level is print
_MIN_EDGE_PIXELS = 150  # edge pixels (of the quarter sampled) a direction needs to be judged
MAX_PIXELS = 40_000_000  # larger frames are not a camera's; refused, not processed


@dataclass(frozen=True)
class CaptureVerdict:
    """The gate's judgement of one frame."""

    corners: Corners | None  # 4x2, frame pixels, order TL, TR, BR, BL; None = no paper
    ready: bool  # True on the frame where the gate decides to capture (all passed, steady)
    reason: str | None  # when not ready, an i18n key (see REASONS); None once captured
    sharpness: float  # the measures behind the verdict, for logs/bench/technician
    glare: float  # fraction of the paper area that is blown out
    steady_for: float  # seconds the corners have stayed put


@dataclass(frozen=True)
class PaperMeasures:
    """How the paper inside its corners looks: sharpness, glare and brightness."""

    sharpness: float
    glare: float
    brightness: float


class CaptureGate:
    """Feed it every preview frame; it says when the paper in view is worth photographing.

    ``ready`` is True once per steady hold: after firing, the gate stays quiet (ready False,
    reason None) until :meth:`reset`, or until the paper moves or leaves and is held still
    again.
    """

    def __init__(self, kind: PaperKind = "a4", steady_seconds: float = 0.6) -> None:
        if kind not in MIN_AREA:
            raise ValueError(f"unknown paper kind {kind!r}; expected one of {sorted(MIN_AREA)}")
        if not steady_seconds >= 0:
            raise ValueError(f"steady_seconds must be 0 or more, not {steady_seconds}")
        self.kind: PaperKind = kind
        self.steady_seconds = float(steady_seconds)
        self._anchor: Corners | None = None  # corners when the current still period began
        self._still_since = 0.0
        self._fired = False

    def reset(self) -> None:
        """Forget the paper seen so far, e.g. after a capture the citizen rejected."""
        self._anchor = None
        self._still_since = 0.0
        self._fired = False

    def feed(self, frame: npt.NDArray[np.uint8], at: float) -> CaptureVerdict:
        """Judge one BGR frame seen at monotonic time ``at`` (seconds)."""
        image = _usable_image(frame)
        found = find_paper(image, self.kind) if image is not None else None
        if image is None or found is None:
            self.reset()
            return CaptureVerdict(None, False, NO_PAPER, 0.0, 0.0, 0.0)
        steady_for = self._track(found.corners, image.shape, at)
        if found.touches_border:
            return CaptureVerdict(found.corners, False, CUT_OFF, 0.0, 0.0, steady_for)
        if found.area_fraction < MIN_AREA[self.kind]:
            return CaptureVerdict(found.corners, False, TOO_FAR, 0.0, 0.0, steady_for)
        measures = measure_paper(image, found.corners)
        reason = self._problem(found, measures)
        if reason is None and steady_for < self.steady_seconds:
            reason = HOLD_STILL
        ready = reason is None and not self._fired
        if ready:
            self._fired = True
        return CaptureVerdict(
            corners=found.corners,
            ready=ready,
            reason=reason,
            sharpness=measures.sharpness,
            glare=measures.glare,
            steady_for=steady_for,
        )

    def _problem(self, found: PaperFind, measures: PaperMeasures) -> str | None:
        if measures.brightness < DARK_LIMIT:
            return TOO_DARK
        if measures.glare > GLARE_LIMIT:
            return GLARE
        if measures.sharpness < SHARPNESS_LIMIT:
            return BLURRED
        return None

    def _track(self, corners: Corners, shape: tuple[int, ...], at: float) -> float:
        """Seconds the corners have stayed within the tolerance of where they came to rest."""
        diagonal = float(np.hypot(shape[0], shape[1]))
        anchor = self._anchor
        moved = anchor is None or float(np.max(np.abs(corners - anchor))) > (
            STEADY_TOLERANCE * diagonal
        )
        if moved or at < self._still_since:
            self._anchor = corners
            self._still_since = at
            self._fired = False
            return 0.0
        return at - self._still_since


def measure_paper(image: npt.NDArray[np.uint8], corners: Corners) -> PaperMeasures:
    """Sharpness, glare share and median brightness inside the paper's corners."""
    grey = np.asarray(
        cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image, np.uint8
    )
    centre = corners.mean(axis=0)
    inner = centre + (corners - centre) * 0.92  # keep the paper's own edge out
    x0, y0 = np.floor(inner.min(axis=0)).astype(int)
    x1, y1 = np.ceil(inner.max(axis=0)).astype(int) + 1
    x0, y0 = max(x0, 0), max(y0, 0)
    x1, y1 = min(x1, grey.shape[1]), min(y1, grey.shape[0])
    if x1 - x0 < 8 or y1 - y0 < 8:
        return PaperMeasures(0.0, 0.0, 0.0)
    crop = grey[y0:y1, x0:x1]
    mask = np.zeros(crop.shape, np.uint8)
    polygon = np.round((inner - (x0, y0)) * 16).astype(np.int32)
    cv2.fillConvexPoly(mask, polygon, 255, cv2.LINE_8, 4)
    counts = cv2.calcHist([crop], [0], mask, [256], [0, 256]).ravel()
    total = float(counts.sum())
    if total < 64:
        return PaperMeasures(0.0, 0.0, 0.0)
    cumulative = np.cumsum(counts) / total
    brightness = float(np.searchsorted(cumulative, 0.5))
    glare = float(counts[BLOWN_OUT:].sum() / total)
    return PaperMeasures(
        sharpness=measure_sharpness(crop, mask, brightness),
        glare=glare,
        brightness=brightness,
    )


def measure_sharpness(
    crop: npt.NDArray[np.uint8], mask: npt.NDArray[np.uint8], paper_level: float
) -> float:
    """How steep the ink's edges are, relative to the paper's brightness (0..~1).

    Ink on paper steps from dark to the paper's brightness within a pixel or two when sharp;
    blur of sigma pixels spreads the step (and fades thin strokes), so the slopes fall roughly
    as 1 / sigma. Edges are judged by the direction they face (across, down, two diagonals),
    and the worst direction with enough print to judge counts: a paper moved sideways is
    smeared across the motion only, and its text is as unreadable. 1.0 is a black-to-paper
    step within one pixel.
    """
    if paper_level < 16:
        return 0.0
    dx = cv2.Sobel(crop, cv2.CV_32F, 1, 0, ksize=3)[::2, ::2]
    dy = cv2.Sobel(crop, cv2.CV_32F, 0, 1, ksize=3)[::2, ::2]
    inside = mask[::2, ::2] > 0
    ax, ay = np.abs(dx), np.abs(dy)
    slope = np.maximum(ax, ay) * 0.25  # Sobel's 3x3 gives 4C for a one-pixel step of C
    edge = inside & (slope > _PRINT_SLOPE * paper_level)
    across = ax > 2.4 * ay
    down = ay > 2.4 * ax
    rising = ~across & ~down & (dx * dy > 0)
    falling = ~across & ~down & ~rising
    worst: float | None = None
    for facing in (across, down, rising, falling):
        values = slope[edge & facing]
        if values.size < _MIN_EDGE_PIXELS:
            continue  # no print facing this way to judge by
        steep = float(np.percentile(values, 95))
        worst = steep if worst is None else min(worst, steep)
    return 0.0 if worst is None else worst / paper_level


def flatten(
    frame: npt.NDArray[np.uint8], corners: npt.NDArray[np.floating], kind: PaperKind
) -> npt.NDArray[np.uint8]:
    """Warped, deskewed paper: A4 ~150 dpi (1240x1754 portrait, or landscape if wider), ID card ~300 dpi (1012x638)."""  # noqa: E501
    image = _usable_image(frame)
    if image is None:
        raise ValueError("flatten needs a BGR uint8 frame")
    quad = np.asarray(corners, np.float32)
    if quad.shape != (4, 2) or not np.all(np.isfinite(quad)) or quad_area(quad) < 1:
        raise ValueError("flatten needs 4 finite corners (TL, TR, BR, BL) around an area")
    if kind == "a4":
        portrait = A4_PORTRAIT
    elif kind == "id_card":
        portrait = (ID_CARD_LANDSCAPE[1], ID_CARD_LANDSCAPE[0])
    else:
        raise ValueError(f"unknown paper kind {kind!r}")
    across = (np.linalg.norm(quad[1] - quad[0]) + np.linalg.norm(quad[2] - quad[3])) / 2
    down = (np.linalg.norm(quad[3] - quad[0]) + np.linalg.norm(quad[2] - quad[1])) / 2
    width, height = portrait if down >= across else (portrait[1], portrait[0])
    target = np.array(
        [[-0.5, -0.5], [width - 0.5, -0.5], [width - 0.5, height - 0.5], [-0.5, height - 0.5]],
        np.float32,
    )
    if image.ndim == 2:
        image = np.asarray(cv2.cvtColor(image, cv2.COLOR_GRAY2BGR), np.uint8)
    matrix = cv2.getPerspectiveTransform(quad, target)
    flat = cv2.warpPerspective(
        image, matrix, (width, height), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE
    )
    return np.asarray(flat, np.uint8)


def encode_jpeg(image: npt.NDArray[np.uint8], max_bytes: int = 600_000) -> bytes:
    """JPEG no larger than max_bytes (lower quality, then scale down, until it fits)."""
    picture = _usable_image(image)
    if picture is None:
        raise ValueError("encode_jpeg needs a non-empty BGR or grey uint8 image")
    if max_bytes < 1:
        raise ValueError(f"max_bytes must be positive, not {max_bytes}")
    while True:
        for quality in (92, 85, 75, 65, 55, 45):
            ok, data = cv2.imencode(".jpg", picture, [cv2.IMWRITE_JPEG_QUALITY, quality])
            if ok and data.size <= max_bytes:
                return bytes(data.tobytes())
        height, width = picture.shape[:2]
        if min(height, width) <= 16:
            raise ValueError(f"no JPEG of this picture fits in {max_bytes} bytes")
        size = (max(1, round(width * 0.75)), max(1, round(height * 0.75)))
        picture = np.asarray(cv2.resize(picture, size, interpolation=cv2.INTER_AREA), np.uint8)


def _usable_image(frame: object) -> npt.NDArray[np.uint8] | None:
    """The frame as BGR or grey uint8 the vision code can use, or None for anything else."""
    if not isinstance(frame, np.ndarray) or frame.size == 0 or frame.size > MAX_PIXELS * 4:
        return None
    if frame.ndim == 3 and frame.shape[2] == 4:
        frame = frame[..., :3]
    if frame.ndim == 3 and frame.shape[2] == 1:
        frame = frame[..., 0]
    if not (frame.ndim == 2 or (frame.ndim == 3 and frame.shape[2] == 3)):
        return None
    if frame.shape[0] < 16 or frame.shape[1] < 16 or frame.shape[0] * frame.shape[1] > MAX_PIXELS:
        return None
    if frame.dtype != np.uint8:
        if frame.dtype.kind not in "uif":
            return None
        values = np.nan_to_num(frame.astype(np.float32))
        if frame.dtype.kind == "f" and float(values.max(initial=0.0)) <= 1.0:
            values = values * 255
        frame = np.clip(values, 0, 255).astype(np.uint8)
    return np.ascontiguousarray(frame)
