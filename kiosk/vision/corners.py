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

WORK_WIDTH = 400  # pixels across the copy the coarse search runs on
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


def find_paper(image: npt.NDArray[np.uint8]) -> PaperFind | None:
    """The paper in a BGR (or grey) uint8 frame, or None when there is none to see."""
    if image.ndim == 2:
        grey = image
        bgr = np.asarray(cv2.cvtColor(image, cv2.COLOR_GRAY2BGR), np.uint8)
    else:
        bgr = image
        grey = np.asarray(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), np.uint8)
    height, width = grey.shape
    scale = min(1.0, WORK_WIDTH / width)
    small_size = (max(1, round(width * scale)), max(1, round(height * scale)))
    small = np.asarray(cv2.resize(bgr, small_size, interpolation=cv2.INTER_AREA), np.uint8)
    quads = _coarse_candidates(small)
    if not quads:
        return None
    small_grey = np.asarray(cv2.cvtColor(small, cv2.COLOR_BGR2GRAY), np.uint8)
    scored = [(edge_support(small_grey, quad), quad) for quad in quads]
    score, best = max(scored, key=lambda item: item[0] * _area(item[1]) ** 0.5)
    if score <= 0:
        return None
    coarse = (best + 0.5) / scale - 0.5  # small pixel centres -> full pixel centres
    corners = refine_corners(grey, coarse, reach=max(6.0, 2.5 / scale))
    corners = refine_corners(grey, corners, reach=4.0)
    if not np.all(np.isfinite(corners)) or _area(corners) < MIN_AREA_FRACTION * width * height:
        corners = coarse.astype(np.float32)
    corners = order_corners(corners)
    touches = bool(
        np.any(corners[:, 0] < _BORDER_MARGIN)
        or np.any(corners[:, 1] < _BORDER_MARGIN)
        or np.any(corners[:, 0] > width - 1 - _BORDER_MARGIN)
        or np.any(corners[:, 1] > height - 1 - _BORDER_MARGIN)
        or _region_touches_border(best, small_size)
    )
    return PaperFind(
        corners=corners,
        touches_border=touches,
        area_fraction=float(_area(corners) / (width * height)),
        edge_score=float(score),
    )


# -- coarse ---------------------------------------------------------------------------------
def _coarse_candidates(small: npt.NDArray[np.uint8]) -> list[npt.NDArray[np.float64]]:
    """Quadrilaterals (small-image pixels) around bright, colourless regions."""
    hsv = cv2.cvtColor(small, cv2.COLOR_BGR2HSV)
    paperness = cv2.subtract(hsv[..., 2], hsv[..., 1])
    paperness = cv2.GaussianBlur(paperness, (5, 5), 0)
    otsu, _ = cv2.threshold(paperness, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    total = small.shape[0] * small.shape[1]
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (5, 5))
    quads: list[npt.NDArray[np.float64]] = []
    for level in (otsu, otsu + 25, otsu - 25):
        if not 0 < level < 255:
            continue
        mask = cv2.morphologyEx(np.asarray(paperness > level, np.uint8), cv2.MORPH_OPEN, kernel)
        mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, kernel)
        contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        for contour in contours:
            if cv2.contourArea(contour) < MIN_AREA_FRACTION * total:
                continue
            quad = quad_from_contour(contour)
            if quad is not None:
                quads.append(quad)
    return quads


def quad_from_contour(contour: npt.NDArray[Any]) -> npt.NDArray[np.float64] | None:
    """The largest quadrilateral on the contour's convex hull, or None if it has no area."""
    hull = cv2.convexHull(contour)
    perimeter = cv2.arcLength(hull, True)
    if perimeter <= 0:
        return None
    approx = hull
    for epsilon in (0.01, 0.02, 0.03, 0.05):
        approx = cv2.approxPolyDP(hull, epsilon * perimeter, True)
        if len(approx) <= 8:
            break
    points = approx.reshape(-1, 2).astype(np.float64)
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


def edge_support(grey: npt.NDArray[np.uint8], quad: npt.NDArray[np.float64]) -> float:
    """Mean brightness step across the quadrilateral's sides (inside minus outside, >= 0)."""
    profiles, _, _ = _sample_across_sides(grey, quad, reach=2.0, samples=24, margin=0.1)
    steps = profiles[:, :2].mean(axis=1) - profiles[:, -2:].mean(axis=1)
    per_side = np.abs(steps.reshape(4, -1).mean(axis=1))
    # A side along the frame's edge (a paper partly out of view) has nothing outside to see.
    height, width = grey.shape
    ends = np.roll(quad, -1, axis=0)
    on_border = (
        ((quad[:, 0] <= 1) & (ends[:, 0] <= 1))
        | ((quad[:, 1] <= 1) & (ends[:, 1] <= 1))
        | ((quad[:, 0] >= width - 2) & (ends[:, 0] >= width - 2))
        | ((quad[:, 1] >= height - 2) & (ends[:, 1] >= height - 2))
    )
    if np.all(on_border):
        return 0.0
    return float(per_side[~on_border].min())  # a real paper shows every side in view


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
    map_x = where[..., 0].reshape(4 * samples, -1).astype(np.float32)
    map_y = where[..., 1].reshape(4 * samples, -1).astype(np.float32)
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
    x, y = quad[:, 0].astype(np.float64), quad[:, 1].astype(np.float64)
    return float(abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / 2)


def quad_area(quad: npt.NDArray[np.floating]) -> float:
    """Area of a simple quadrilateral (shoelace), in square pixels."""
    return _area(np.asarray(quad).reshape(4, 2))
