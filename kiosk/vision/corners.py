"""Finding the four corners of a paper in a camera frame.

Two stages. Coarse, on a copy about :data:`WORK_WIDTH` pixels wide: the paper is a bright,
colourless region, so a "paperness" image (brightness minus saturation) is thresholded, the
regions are closed over the print, and each large region's convex hull is reduced to a
quadrilateral; candidates are scored by how strongly the frame's gradient runs along their
sides, and the best one wins. Fine, at full resolution: along each side the brightness profile
across the edge is sampled at many points, the step is located to a fraction of a pixel, a
line is fitted through the steps, and the corners are where neighbouring lines meet.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

Corners = npt.NDArray[np.float32]  # 4x2, frame pixels, TL, TR, BR, BL

WORK_WIDTH = 320  # pixels across the coarse copy: 1280 / 4, two fast halvings
MIN_AREA_FRACTION = 0.01  # candidate regions smaller than this share of the frame are ignored
_EDGE_SAMPLES = 32  # points per side where the edge is located at full resolution
_BORDER_MARGIN = 2.0  # a corner this close to the frame edge (full pixels) touches it


@dataclass(frozen=True)
class PaperFind:
    """A paper found in a frame."""

    corners: Corners  # 4x2 float32, order TL, TR, BR, BL (clockwise on screen)
    touches_border: bool  # part of the paper seems to lie outside the frame
    area_fraction: float  # share of the frame the quadrilateral covers
    edge_score: float  # mean gradient across the sides, grey levels per pixel


def find_paper(image: npt.NDArray[np.uint8], kind: str | None = None) -> PaperFind | None:
    """The paper in a BGR (or grey) uint8 frame, or None when there is none to see.

    ``kind`` ("a4" or "id_card") says which proportions to expect; None accepts either.
    """
    if image.ndim == 2:
        grey = image
        bgr = np.asarray(cv2.cvtColor(image, cv2.COLOR_GRAY2BGR), np.uint8)
    else:
        bgr = image
        grey = np.asarray(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), np.uint8)
    height, width = grey.shape
    scale = min(1.0, WORK_WIDTH / width)
    small_size = (max(1, round(width * scale)), max(1, round(height * scale)))
    small = bgr
    while small.shape[1] >= 2 * small_size[0]:  # halving steps: 3x faster than one 4:1 step
        half = (small.shape[1] // 2, small.shape[0] // 2)
        small = np.asarray(cv2.resize(small, half, interpolation=cv2.INTER_AREA), np.uint8)
    if (small.shape[1], small.shape[0]) != small_size:
        small = np.asarray(cv2.resize(small, small_size, interpolation=cv2.INTER_AREA), np.uint8)
    found = _coarse(small, {"a4": A4_ASPECT, "id_card": CARD_ASPECT}.get(kind or ""))
    if found is None:
        return None
    best, score = found
    coarse = (best + 0.5) / scale - 0.5  # small pixel centres -> full pixel centres
    corners = refine_corners(grey, coarse, reach=max(6.0, 2.5 / scale))
    corners = refine_corners(grey, corners, reach=4.0)
    if not np.all(np.isfinite(corners)) or _area(corners) < MIN_AREA_FRACTION * width * height:
        corners = coarse.astype(np.float32)
    corners = order_corners(corners)
    # A region running into the frame's edge is a paper partly out of view, unless the
    # refined corners show the whole paper well inside (the region took in a shadow beside it).
    near = 2.0 / scale if _region_touches_border(best, small_size) else _BORDER_MARGIN
    touches = bool(
        np.any(corners[:, 0] < near)
        or np.any(corners[:, 1] < near)
        or np.any(corners[:, 0] > width - 1 - near)
        or np.any(corners[:, 1] > height - 1 - near)
    )
    return PaperFind(
        corners=corners,
        touches_border=touches,
        area_fraction=float(_area(corners) / (width * height)),
        edge_score=float(score),
    )


# -- coarse ---------------------------------------------------------------------------------
_LEVELS = (50, 70, 85)  # percentiles of brightness the regions are cut at
_MIN_FILL = 0.85  # a paper's region fills its quadrilateral; merged clutter does not
_MAX_AREA_FRACTION = 0.92


@dataclass(frozen=True)
class _Candidate:
    quad: npt.NDArray[np.float64]
    fill: float  # region area / quadrilateral area
    outline: npt.NDArray[np.float64]  # the region's simplified hull, clockwise on screen


def _coarse(
    small: npt.NDArray[np.uint8], aspect: float | None
) -> tuple[npt.NDArray[np.float64], float] | None:
    """The best paper quadrilateral on the small copy and its edge score, or None."""
    hsv = cv2.cvtColor(small, cv2.COLOR_BGR2HSV)
    paperness = cv2.GaussianBlur(cv2.subtract(hsv[..., 2], hsv[..., 1]), (3, 3), 0)
    grey = np.asarray(cv2.cvtColor(small, cv2.COLOR_BGR2GRAY), np.uint8)
    candidates: list[_Candidate] = []
    for channel in (paperness, _unlike_border(small)):
        candidates += _threshold_candidates(np.asarray(channel, np.uint8))
    candidates += _edge_candidates(grey)
    total = small.shape[0] * small.shape[1]
    scored: list[_Scored] = []
    judged: list[npt.NDArray[np.float64]] = []
    for candidate in candidates:
        quad = candidate.quad
        area = _area(quad)
        if candidate.fill < _MIN_FILL or not (
            MIN_AREA_FRACTION * total <= area <= _MAX_AREA_FRACTION * total
        ):
            continue
        sides = _border_sides(quad, small.shape)
        if sides >= 3:
            continue
        likeness = _shape_likeness(quad, aspect)
        if likeness < 0.1:
            continue  # a pen, a folder's edge: nothing shaped like the paper
        if any(np.max(np.abs(quad - other)) < 3.0 for other in judged):
            continue  # the same paper found at another level
        judged.append(quad)
        # A paper partly out of view is judged on its outline, which follows the frame's edge.
        shape = candidate.outline if sides and len(candidate.outline) > 4 else quad
        step = edge_support(grey, shape, darker_inside=0.6 if aspect == CARD_ASPECT else 0.25)
        if step < _MIN_STEP:
            continue
        # Clear edges all round, large, shaped like the paper, and wholly in view.
        rank = step * area**0.5 * likeness * (0.3 if sides else 1.0)
        scored.append(_Scored(quad, step, rank))
    if not scored:
        return None
    best = max(scored, key=lambda c: c.rank)
    # A paper contains its print (a photo, a table), never the reverse: prefer the outer.
    while True:
        outer = [
            c
            for c in scored
            if c.rank >= 0.3 * best.rank and _area(c.quad) > _area(best.quad) and _contains(c, best)
        ]
        if not outer:
            return best.quad, best.step
        best = max(outer, key=lambda c: c.rank)


A4_ASPECT = 297 / 210
CARD_ASPECT = 85.6 / 54
_MIN_STEP = 8.0  # grey levels between paper and surroundings, at the least


@dataclass(frozen=True)
class _Scored:
    quad: npt.NDArray[np.float64]
    step: float  # edge support, grey levels
    rank: float


def _shape_likeness(quad: npt.NDArray[np.float64], aspect: float | None) -> float:
    """1 for the expected proportions, less the further the (perspective) shape is from it."""
    sides = np.linalg.norm(quad - np.roll(quad, -1, axis=0), axis=1)
    across, down = (sides[0] + sides[2]) / 2, (sides[1] + sides[3]) / 2
    ratio = max(across, down) / max(min(across, down), 1e-6)
    expected = aspect if aspect is not None else (A4_ASPECT + CARD_ASPECT) / 2
    spread = 0.25 if aspect is not None else 0.4
    return float(np.exp(-((np.log(ratio / expected) / spread) ** 2) / 2))


def _contains(outer: _Scored, inner: _Scored) -> bool:
    contour = outer.quad.astype(np.float32).reshape(-1, 1, 2)
    return all(
        cv2.pointPolygonTest(contour, (float(x), float(y)), False) >= 0 for x, y in inner.quad
    )


def _unlike_border(small: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    """How far each pixel's colour is from the table's: the median colour along the frame's rim."""
    rim = np.concatenate([small[0], small[-1], small[:, 0], small[:, -1]])
    table = np.median(rim, axis=0)
    difference = cv2.absdiff(small, np.full_like(small, table.astype(np.uint8)))
    distance = cv2.transform(difference, np.full((1, 3), 1 / 1.5, np.float32))
    return np.asarray(cv2.GaussianBlur(distance, (3, 3), 0), np.uint8)


def _threshold_candidates(channel: npt.NDArray[np.uint8]) -> list[_Candidate]:
    """Regions brighter than each of several levels of ``channel``."""
    otsu, _ = cv2.threshold(channel, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    levels = {int(otsu), *(int(v) for v in np.percentile(channel[::2, ::2], _LEVELS))}
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (5, 5))
    found: list[_Candidate] = []
    for level in sorted(levels):
        if not 0 < level < 255:
            continue
        mask = cv2.morphologyEx(np.asarray(channel > level, np.uint8), cv2.MORPH_OPEN, kernel)
        found += _region_candidates(np.asarray(cv2.morphologyEx(mask, cv2.MORPH_CLOSE, kernel)))
    return found


def _edge_candidates(grey: npt.NDArray[np.uint8]) -> list[_Candidate]:
    """Regions closed in by edges: a paper in a shadow, or a card no brighter than the table.

    Whatever the outside (the part of the frame reachable from its rim without crossing an
    edge) does not reach is enclosed: the paper with all its print, whatever its colours.
    """
    edges = cv2.Canny(grey, 30, 90)
    edges = cv2.dilate(edges, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)))
    count, labels = cv2.connectedComponents(np.asarray(cv2.bitwise_not(edges)), connectivity=4)
    rim = np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]])
    outside = np.zeros(count, bool)
    outside[rim] = True
    outside[0] = False  # label 0 is the edges themselves: they belong to what they enclose
    # stray edges that enclose nothing are thin lines: opening removes them
    enclosed = cv2.morphologyEx(
        np.asarray(~outside[labels], np.uint8), cv2.MORPH_OPEN, np.ones((5, 5), np.uint8)
    )
    # and the paper's blank interior alone, when print does not cut it up
    interiors = _region_candidates(np.asarray(cv2.bitwise_not(edges)), cv2.RETR_CCOMP)
    # an object lying against the paper joins its region; a wide opening parts them again
    parted = cv2.morphologyEx(enclosed, cv2.MORPH_OPEN, np.ones((11, 11), np.uint8))
    return (
        _region_candidates(np.asarray(enclosed))
        + interiors
        + _region_candidates(np.asarray(parted, np.uint8))
    )


def _region_candidates(
    mask: npt.NDArray[np.uint8], mode: int = cv2.RETR_EXTERNAL
) -> list[_Candidate]:
    total = mask.shape[0] * mask.shape[1]
    contours, _ = cv2.findContours(mask, mode, cv2.CHAIN_APPROX_SIMPLE)
    found = []
    for contour in contours:
        area = cv2.contourArea(contour)
        if area < MIN_AREA_FRACTION * total:
            continue
        outline = _outline_of(contour)
        quad = _quad_of(outline)
        if quad is None:
            continue
        found.append(_Candidate(quad, float(area / max(_area(quad), 1.0)), outline))
    return found


def _border_sides(quad: npt.NDArray[np.float64], shape: tuple[int, ...]) -> int:
    """On how many of the frame's four sides the quadrilateral lies."""
    height, width = shape[:2]
    return int(
        (quad[:, 0].min() <= 1)
        + (quad[:, 1].min() <= 1)
        + (quad[:, 0].max() >= width - 2)
        + (quad[:, 1].max() >= height - 2)
    )


def quad_from_contour(contour: npt.NDArray[Any]) -> npt.NDArray[np.float64] | None:
    """The largest quadrilateral on the contour's convex hull, or None if it has no area."""
    return _quad_of(_outline_of(contour))


def _outline_of(contour: npt.NDArray[Any]) -> npt.NDArray[np.float64]:
    """The contour's convex hull simplified to at most 8 corners, clockwise on screen."""
    hull = cv2.convexHull(contour)
    perimeter = cv2.arcLength(hull, True)
    approx = hull
    for epsilon in (0.01, 0.02, 0.03, 0.05):
        approx = cv2.approxPolyDP(hull, epsilon * perimeter, True)
        if len(approx) <= 8:
            break
    points = approx.reshape(-1, 2).astype(np.float64)
    x, y = points[:, 0], points[:, 1]
    if float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) < 0:
        points = points[::-1]
    return points


def _quad_of(points: npt.NDArray[np.float64]) -> npt.NDArray[np.float64] | None:
    if len(points) < 4:
        return None
    if len(points) > 4:
        points = _largest_quad(points)
    if _area(points) <= 0:
        return None
    return order_corners(points).astype(np.float64)


def _largest_quad(points: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """The four of a convex polygon's vertices (in order) spanning the largest area."""
    combos = np.array(list(itertools.combinations(range(len(points)), 4)))
    quads = points[combos]  # n x 4 x 2, still in polygon order
    x, y = quads[..., 0], quads[..., 1]
    areas = np.abs(np.sum(x * np.roll(y, -1, axis=1) - np.roll(x, -1, axis=1) * y, axis=1))
    return np.asarray(quads[int(np.argmax(areas))], np.float64)


def _region_touches_border(quad: npt.NDArray[np.float64], size: tuple[int, int]) -> bool:
    width, height = size
    return bool(
        np.any(quad[:, 0] <= 0.5)
        or np.any(quad[:, 1] <= 0.5)
        or np.any(quad[:, 0] >= width - 1.5)
        or np.any(quad[:, 1] >= height - 1.5)
    )


def edge_support(
    grey: npt.NDArray[np.uint8], quad: npt.NDArray[np.float64], darker_inside: float = 0.25
) -> float:
    """How clearly the quadrilateral's sides are a paper's edges, in grey levels (>= 0).

    The weakest side's median step from inside to outside. Paper is brighter than what it
    lies on; a darker inside (a phone, a shadow, a card on a white sheet) counts only
    ``darker_inside`` of its step.
    """
    reach, samples = 3.0, 24
    profiles, points, normals = _sample_across_sides(grey, quad, reach, samples, margin=0.1)
    # The step across two pixels, wherever it lies within +-2 pixels of the side, so a
    # quadrilateral a pixel or two off the true edge still scores its full contrast.
    drops = profiles[:, :-2] - profiles[:, 2:]
    brighter = drops.max(axis=1)
    darker = -drops.min(axis=1)
    steps = np.where(brighter >= darker, brighter, -darker)
    steps = steps.reshape(len(quad), -1)
    # Where the outside lies beyond the frame (a paper partly out of view) there is no edge.
    height, width = grey.shape
    outside = points.reshape(len(quad), samples, 2) + reach * normals[:, None, :]
    seen = (
        (outside[..., 0] >= 0)
        & (outside[..., 0] <= width - 1)
        & (outside[..., 1] >= 0)
        & (outside[..., 1] <= height - 1)
    )
    on_border = seen.sum(axis=1) < samples // 3
    if seen.all():
        per_side = np.median(steps, axis=1)
    else:
        per_side = np.array(
            [np.median(r[m]) if m.any() else 0.0 for r, m in zip(steps, seen, strict=True)]
        )
    if np.all(on_border):
        return 0.0
    in_view = per_side[~on_border]
    if np.all(in_view > 0):
        return float(in_view.min())  # a real paper shows every side in view
    return darker_inside * float(np.abs(in_view).min())


# -- fine -----------------------------------------------------------------------------------
def refine_corners(
    grey: npt.NDArray[np.uint8], corners: npt.NDArray[np.floating], reach: float
) -> Corners:
    """Corners moved onto the paper's edges, found within ``reach`` pixels of each side."""
    quad = order_corners(np.asarray(corners, np.float64)).astype(np.float64)
    profiles, points, normals = _sample_across_sides(
        grey, quad, reach=reach, samples=_EDGE_SAMPLES, margin=0.08
    )
    offsets = np.arange(-reach, reach + 0.5, 1.0)
    lines = []
    for side in range(4):
        rows = slice(side * _EDGE_SAMPLES, (side + 1) * _EDGE_SAMPLES)
        line = _fit_side(profiles[rows], points[rows], normals[side], offsets)
        if line is None:
            line = _line_through(quad[side], quad[(side + 1) % 4])
        lines.append(line)
    refined = np.array([_intersect(lines[i - 1], lines[i]) for i in range(4)], np.float64)
    if not np.all(np.isfinite(refined)) or np.max(np.abs(refined - quad)) > 3 * reach + 2:
        return quad.astype(np.float32)
    return refined.astype(np.float32)


def _sample_across_sides(
    grey: npt.NDArray[np.uint8],
    quad: npt.NDArray[np.float64],
    reach: float,
    samples: int,
    margin: float,
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Brightness profiles across each side, inside -> outside, one row per sample point."""
    starts = quad
    ends = np.roll(quad, -1, axis=0)
    direction = ends - starts
    length = np.maximum(np.linalg.norm(direction, axis=1, keepdims=True), 1e-9)
    tangent = direction / length
    # Clockwise on screen (y down): the outward normal is the tangent turned to the left.
    normals = np.stack([tangent[:, 1], -tangent[:, 0]], axis=1)
    t = np.linspace(margin, 1 - margin, samples)
    points = starts[:, None, :] + t[None, :, None] * direction[:, None, :]  # 4 x n x 2
    offsets = np.arange(-reach, reach + 0.5, 1.0)
    where = points[:, :, None, :] + offsets[None, None, :, None] * normals[:, None, None, :]
    map_x = where[..., 0].reshape(len(quad) * samples, -1).astype(np.float32)
    map_y = where[..., 1].reshape(len(quad) * samples, -1).astype(np.float32)
    profiles = cv2.remap(
        grey, map_x, map_y, interpolation=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    ).astype(np.float32)
    return profiles, points.reshape(-1, 2), normals


def _fit_side(
    profiles: npt.NDArray[np.float32],
    points: npt.NDArray[np.float64],
    normal: npt.NDArray[np.float64],
    offsets: npt.NDArray[np.float64],
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]] | None:
    """A line (point, direction) through the steepest inside->outside steps of one side."""
    slope = profiles[:, 2:] - profiles[:, :-2]  # central differences, at offsets[1:-1]
    inside_brighter = float(np.mean(profiles[:, 0]) - np.mean(profiles[:, -1])) >= 0
    drop = -slope if inside_brighter else slope
    best = np.argmax(drop, axis=1)
    strength = drop[np.arange(len(drop)), best]
    # sub-pixel: the vertex of the parabola through the peak and its neighbours
    left = drop[np.arange(len(drop)), np.maximum(best - 1, 0)]
    right = drop[np.arange(len(drop)), np.minimum(best + 1, drop.shape[1] - 1)]
    curvature = left - 2 * strength + right
    shift = np.where(curvature < 0, 0.5 * (left - right) / np.where(curvature < 0, curvature, 1), 0)
    offset = offsets[1:-1][best] + np.clip(shift, -0.5, 0.5)
    found = points + offset[:, None] * normal[None, :]
    keep = strength > 0.3 * max(float(np.median(strength)), 1e-6)
    keep &= strength > 2.0
    if np.count_nonzero(keep) < 4:
        return None
    found = found[keep]
    line = cv2.fitLine(found.astype(np.float32), cv2.DIST_HUBER, 0, 0.01, 0.01).ravel()
    direction = np.array(line[:2], np.float64)
    origin = np.array(line[2:], np.float64)
    # drop the points far off the first fit (print or shadow near the edge), fit again
    distance = np.abs((found - origin) @ np.array([-direction[1], direction[0]]))
    good = distance < 1.5
    if np.count_nonzero(good) >= 4 and not np.all(good):
        line = cv2.fitLine(found[good].astype(np.float32), cv2.DIST_L2, 0, 0.01, 0.01).ravel()
        direction = np.array(line[:2], np.float64)
        origin = np.array(line[2:], np.float64)
    return origin, direction


def _line_through(
    a: npt.NDArray[np.float64], b: npt.NDArray[np.float64]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    direction = b - a
    return a, direction / max(float(np.linalg.norm(direction)), 1e-9)


def _intersect(
    first: tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]],
    second: tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]],
) -> npt.NDArray[np.float64]:
    (p, r), (q, s) = first, second
    cross = r[0] * s[1] - r[1] * s[0]
    if abs(cross) < 1e-6:
        return np.array([np.nan, np.nan])
    t = ((q[0] - p[0]) * s[1] - (q[1] - p[1]) * s[0]) / cross
    return np.asarray(p + t * r, np.float64)


# -- geometry -------------------------------------------------------------------------------
def order_corners(points: npt.NDArray[np.floating]) -> Corners:
    """Four points in the order TL, TR, BR, BL (clockwise on screen, top-left first)."""
    pts = np.asarray(points, np.float64).reshape(4, 2)
    centre = pts.mean(axis=0)
    angles = np.arctan2(pts[:, 1] - centre[1], pts[:, 0] - centre[0])
    pts = pts[np.argsort(angles)]  # y points down, so rising angle runs clockwise on screen
    first = int(np.argmin(pts[:, 0] + pts[:, 1]))
    return np.roll(pts, -first, axis=0).astype(np.float32)


def _area(quad: npt.NDArray[np.floating]) -> float:
    return float(abs(cv2.contourArea(np.asarray(quad, np.float32).reshape(-1, 1, 2))))


def quad_area(quad: npt.NDArray[np.floating]) -> float:
    """Area of a simple quadrilateral (shoelace), in square pixels."""
    return _area(np.asarray(quad).reshape(4, 2))
