"""Generate camera frames of papers on tables, with their true corners, for the corner bench.

Every frame is 1280x720, as the kiosk camera delivers, and saved as the JPEG the camera would
send. A frame shows one paper: an A4 form (title, lines of text, a table, a signature block)
or an ID-card-sized card (light background, photo, text, rounded corners), seen by a pinhole
camera from a random position and tilt, on a procedurally drawn background: a plain table,
wood grain, patterned cloth, or a table cluttered with pens, phones, cups and receipts. Light
falls unevenly; some frames add a hand's shadow, a lamp's glare, camera blur or darkness, or
push part of the paper out of view. Nothing is downloaded; a seed makes the set repeatable.

``truth.json`` lists, per frame: the file, its category, the paper kind, the true corners
(the paper's own TL, TR, BR, BL in frame pixels; a card's are where its straight sides meet,
outside the rounded corners), and what the capture gate is expected to say ("ready" or a
reason key), with the measured blur and glare behind that expectation.

Run: ``.venv/bin/python bench/gen_doc_set.py [OUT_DIR] [--seed 6] [--scale 1.0]``
(default OUT_DIR var/bench/doc-set; 370 frames, about 24 s of CPU time on one core).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt

FRAME_W, FRAME_H = 1280, 720
FOCAL = 1000.0  # pixels: a 1280-wide camera with about 65 degrees across
A4_MM = (210.0, 297.0)
CARD_MM = (85.6, 54.0)
Image = npt.NDArray[np.uint8]

# category -> (frames at scale 1, paper kind, expected gate verdict)
CATEGORIES: dict[str, tuple[int, str, str]] = {
    "plain": (40, "a4", "ready"),
    "wood": (40, "a4", "ready"),
    "cloth": (40, "a4", "ready"),
    "clutter": (40, "a4", "ready"),
    "steep": (30, "a4", "ready"),
    "shadow": (30, "a4", "ready"),
    "id_card": (40, "id_card", "ready"),
    "blurred": (30, "a4", "capture.blurred"),
    "glare": (30, "a4", "capture.glare"),
    "cut_off": (30, "a4", "capture.cut_off"),
    "dark": (20, "a4", "capture.too_dark"),
}
# The gate's expectation needs a clear margin: good frames stay under these, bad ones over.
GOOD_BLUR_SIGMA = 0.8
BAD_BLUR_SIGMA = (2.8, 5.0)
GOOD_GLARE = 0.002  # share of the paper blown out (>= 250)
BAD_GLARE = 0.03

WORDS = (
    "NAMA LENGKAP NIK NOMOR KK TEMPAT LAHIR TANGGAL JENIS KELAMIN AGAMA ISLAM ALAMAT RT RW "
    "DESA KELURAHAN KECAMATAN SINJAI UTARA KABUPATEN PEKERJAAN PETANI NELAYAN WIRASWASTA "
    "STATUS PERKAWINAN KAWIN BELUM AYAH IBU ANAK KE BERAT PANJANG BAYI PUKUL WITA PENOLONG "
    "BIDAN DOKTER SAKSI PELAPOR HUBUNGAN KELUARGA KEPALA ISTRI KEWARGANEGARAAN WNI"
).split()
TITLES = (
    "SURAT KETERANGAN KELAHIRAN",
    "FORMULIR BIODATA KELUARGA",
    "SURAT PENGANTAR RT/RW",
    "SURAT KETERANGAN PINDAH",
    "FORMULIR PENCATATAN SIPIL",
    "SURAT PERNYATAAN TANGGUNG JAWAB MUTLAK",
)


@dataclass
class Scene:
    """One generated frame and what is true about it."""

    frame: Image
    corners: npt.NDArray[np.float64]  # 4x2, the paper's TL, TR, BR, BL
    paper_mask: npt.NDArray[np.float32]  # 0..1 per pixel: how much of it is paper
    blur_sigma: float
    glare: float  # share of the paper area blown out


# -- papers ---------------------------------------------------------------------------------
def _text(rng: np.random.Generator, words: int) -> str:
    return " ".join(str(w) for w in rng.choice(WORDS, words))


def render_form(rng: np.random.Generator, width: int = 620) -> Image:
    """An A4 form at ``width`` pixels across: header, title, filled-in lines, table, signature."""
    height = round(width * A4_MM[1] / A4_MM[0])
    tint = rng.integers(-6, 7, 3)
    base = int(rng.integers(238, 252))
    if rng.random() < 0.12:  # some offices print forms on tinted paper
        tint = rng.integers(-25, 5, 3)
    paper = np.clip(base + tint, 0, 255)
    page = np.empty((height, width, 3), np.uint8)
    page[:] = paper
    ink = tuple(int(v) for v in rng.integers(10, 60, 3))
    font = cv2.FONT_HERSHEY_SIMPLEX
    u = width / 620  # layout unit
    left = int(40 * u)
    y = int(50 * u)
    for line in ("PEMERINTAH KABUPATEN SINJAI", "DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL"):
        cv2.putText(page, line, (int(120 * u), y), font, 0.55 * u, ink, max(1, round(u)), 16)
        y += int(22 * u)
    cv2.line(page, (left, y), (width - left, y), ink, max(2, round(2 * u)))
    y += int(38 * u)
    title = str(rng.choice(TITLES))
    cv2.putText(page, title, (int(90 * u), y), font, 0.62 * u, ink, max(2, round(2 * u)), 16)
    y += int(34 * u)
    for _ in range(int(rng.integers(6, 10))):
        label = _text(rng, 2)
        cv2.putText(page, label, (left, y), font, 0.42 * u, ink, 1, 16)
        cv2.putText(page, ": " + _text(rng, 3), (int(260 * u), y), font, 0.42 * u, ink, 1, 16)
        y += int(24 * u)
    y += int(12 * u)
    rows, cols = int(rng.integers(4, 8)), int(rng.integers(3, 6))
    cell_h = int(24 * u)
    table_w = width - 2 * left
    for r in range(rows + 1):
        cv2.line(page, (left, y + r * cell_h), (left + table_w, y + r * cell_h), ink, 1)
    for c in range(cols + 1):
        x = left + c * table_w // cols
        cv2.line(page, (x, y), (x, y + rows * cell_h), ink, 1)
    for r in range(rows):
        for c in range(cols):
            word = str(rng.choice(WORDS))
            at = (left + c * table_w // cols + int(5 * u), y + r * cell_h + int(17 * u))
            cv2.putText(page, word, at, font, 0.36 * u, ink, 1, 16)
    y += rows * cell_h + int(34 * u)
    while y < height - int(170 * u):
        cv2.putText(page, _text(rng, 6), (left, y), font, 0.42 * u, ink, 1, 16)
        y += int(22 * u)
    sign_x = int(380 * u)
    cv2.putText(page, "Sinjai, 22 November 2026", (sign_x, height - int(140 * u)), font,
                0.4 * u, ink, 1, 16)  # fmt: skip
    scribble = np.cumsum(rng.normal(0, 6 * u, (12, 2)), axis=0) + (sign_x + 60 * u, height - 90 * u)
    cv2.polylines(page, [scribble.astype(np.int32)], False, ink, max(1, round(u)), 16)
    cv2.putText(page, _text(rng, 2), (sign_x, height - int(50 * u)), font, 0.42 * u, ink, 1, 16)
    return page


def render_card(rng: np.random.Generator, width: int = 856) -> tuple[Image, Image]:
    """An ID-card-sized card and its mask (rounded corners, radius 3 mm)."""
    height = round(width * CARD_MM[1] / CARD_MM[0])
    top = np.array(rng.integers(200, 250, 3), np.float32)
    bottom = np.array(rng.integers(150, 230, 3), np.float32)
    if rng.random() < 0.6:  # the e-KTP's light blue
        top = np.array([245, 225, 190], np.float32) + rng.normal(0, 6, 3)
        bottom = np.array([230, 190, 140], np.float32) + rng.normal(0, 6, 3)
    ramp = np.linspace(0, 1, height, dtype=np.float32)[:, None, None]
    card = np.clip(top * (1 - ramp) + bottom * ramp, 0, 255).astype(np.uint8)
    card = np.ascontiguousarray(np.broadcast_to(card, (height, width, 3)))
    xs = np.arange(width)
    for k in range(6):  # guilloche waves
        wave = height * (0.2 + 0.12 * k) + 14 * np.sin(xs / (30 + 7 * k) + k)
        pts = np.stack([xs, wave], axis=1).astype(np.int32)
        cv2.polylines(card, [pts], False, (200, 170, 150), 1, 16)
    ink = (40, 30, 30)
    font = cv2.FONT_HERSHEY_SIMPLEX
    u = width / 856
    cv2.putText(card, "PROVINSI SULAWESI SELATAN", (int(200 * u), int(45 * u)), font, 0.8 * u,
                ink, 2, 16)  # fmt: skip
    cv2.putText(card, "KABUPATEN SINJAI", (int(280 * u), int(80 * u)), font, 0.8 * u, ink, 2, 16)
    nik = "".join(str(d) for d in rng.integers(0, 10, 16))
    cv2.putText(card, "NIK : " + nik, (int(30 * u), int(135 * u)), font, 0.9 * u, ink, 2, 16)
    for row in range(7):
        y = int((180 + row * 42) * u)
        cv2.putText(card, _text(rng, 2) + " : " + _text(rng, 2), (int(30 * u), y), font,
                    0.55 * u, ink, 1, 16)  # fmt: skip
    photo = (int(640 * u), int(130 * u), int(810 * u), int(360 * u))
    colour = tuple(int(v) for v in rng.integers(40, 200, 3))
    cv2.rectangle(card, photo[:2], photo[2:], colour, -1)
    cv2.circle(card, ((photo[0] + photo[2]) // 2, int(210 * u)), int(45 * u), (90, 120, 170), -1)
    mask = np.zeros((height, width), np.uint8)
    radius = round(3.0 / CARD_MM[0] * width)
    cv2.rectangle(mask, (radius, 0), (width - 1 - radius, height - 1), 255, -1)
    cv2.rectangle(mask, (0, radius), (width - 1, height - 1 - radius), 255, -1)
    for cx, cy in (
        (radius, radius),
        (width - 1 - radius, radius),
        (width - 1 - radius, height - 1 - radius),
        (radius, height - 1 - radius),
    ):
        cv2.circle(mask, (cx, cy), radius, 255, -1, 16)  # fmt: skip
    return card, mask


# -- backgrounds ----------------------------------------------------------------------------
YS, XS = np.mgrid[0:FRAME_H, 0:FRAME_W].astype(np.float32)
_GRAIN: list[npt.NDArray[np.float32]] = []


def grain(rng: np.random.Generator, sigma: float) -> npt.NDArray[np.float32]:
    """Sensor noise of ``sigma`` grey levels: a random window of one stored noise field."""
    if not _GRAIN:
        field = np.random.default_rng(0).normal(0, 1, (FRAME_H + 64, FRAME_W + 64, 3))
        _GRAIN.append(field.astype(np.float32))
    y, x = rng.integers(0, 64, 2)
    return _GRAIN[0][y : y + FRAME_H, x : x + FRAME_W] * np.float32(sigma)


def _noise(rng: np.random.Generator, cells: tuple[int, int]) -> npt.NDArray[np.float32]:
    """Smooth value noise in -1..1 over the frame, ``cells`` random values across x and y."""
    small = rng.uniform(-1, 1, (cells[1], cells[0])).astype(np.float32)
    return np.asarray(cv2.resize(small, (FRAME_W, FRAME_H), interpolation=cv2.INTER_CUBIC))


def _colour(rng: np.random.Generator, low: int, high: int, spread: int = 25) -> npt.NDArray:
    level = rng.integers(low, high)
    return np.clip(level + rng.integers(-spread, spread + 1, 3), 0, 255).astype(np.float32)


def plain_table(rng: np.random.Generator) -> npt.NDArray[np.float32]:
    colour = _colour(rng, 40, 215, 30)
    field = 1 + 0.06 * _noise(rng, (6, 4))[..., None]
    return np.asarray(colour * field + grain(rng, 3.0), np.float32)


def wood(rng: np.random.Generator) -> npt.NDArray[np.float32]:
    half_w, half_h = FRAME_W // 2, FRAME_H // 2
    angle = rng.uniform(-0.4, 0.4) + (math.pi / 2 if rng.random() < 0.5 else 0)
    ys, xs = YS[:half_h, :half_w] * 2, XS[:half_h, :half_w] * 2
    along = xs * math.cos(angle) + ys * math.sin(angle)
    across = -xs * math.sin(angle) + ys * math.cos(angle)
    period = rng.uniform(10, 28)
    warp = 18 * _noise(rng, (5, 3)) + 4 * _noise(rng, (40, 22))
    warp = warp[::2, ::2]
    rings = 0.5 + 0.5 * np.sin(2 * math.pi * (across + warp) / period + 0.002 * along)
    rings = rings**3
    dark = np.array([25, 45, 80], np.float32) * rng.uniform(0.6, 1.3)
    light = np.array([70, 120, 175], np.float32) * rng.uniform(0.7, 1.2)
    planks = np.floor((across + 2000) / rng.uniform(120, 260)) % 2
    light = light * (1 - 0.12 * planks[..., None])
    half = dark + (light - dark) * rings[..., None]
    return np.asarray(
        cv2.resize(half, (FRAME_W, FRAME_H), interpolation=cv2.INTER_LINEAR), np.float32
    )


def cloth(rng: np.random.Generator) -> npt.NDArray[np.float32]:
    weave = 0.5 + 0.25 * (np.sin(XS[:1] * 1.9) + np.sin(YS[:, :1] * 1.9))
    base = _colour(rng, 50, 180, 60)
    motif = _colour(rng, 60, 230, 70)
    pattern = np.zeros((FRAME_H, FRAME_W), np.uint8)
    step = int(rng.integers(50, 110))
    for y in range(0, FRAME_H + step, step):  # batik-like repeating motifs
        for x in range(0, FRAME_W + step, step):
            shift = step // 2 if (y // step) % 2 else 0
            axes = (int(step * 0.35), int(step * 0.18))
            cv2.ellipse(pattern, (x + shift, y), axes, 45, 0, 360, 255, 3, 16)
            cv2.circle(pattern, (x + shift, y), step // 10, 255, -1, 16)
    amount = pattern.astype(np.float32)[..., None] / 255
    out = base * (1 - amount) + motif * amount
    return np.asarray(out * (0.8 + 0.3 * weave[..., None]), np.float32)


def clutter(rng: np.random.Generator) -> npt.NDArray[np.float32]:
    table = plain_table(rng) if rng.random() < 0.5 else wood(rng)
    canvas = np.clip(table, 0, 255).astype(np.uint8)
    for _ in range(int(rng.integers(5, 11))):
        x, y = int(rng.integers(0, FRAME_W)), int(rng.integers(0, FRAME_H))
        kind = rng.integers(0, 5)
        colour = tuple(int(v) for v in rng.integers(0, 256, 3))
        if kind == 0:  # a pen
            angle = rng.uniform(0, math.pi)
            length = rng.uniform(100, 220)
            end = (int(x + length * math.cos(angle)), int(y + length * math.sin(angle)))
            cv2.line(canvas, (x, y), end, colour, int(rng.integers(6, 12)), 16)
        elif kind == 1:  # a phone
            box = ((x, y), (float(rng.uniform(70, 90)), float(rng.uniform(140, 180))),
                   float(rng.uniform(0, 180)))  # fmt: skip
            cv2.fillPoly(canvas, [cv2.boxPoints(box).astype(np.int32)], (20, 20, 25), 16)
        elif kind == 2:  # a cup seen from above
            radius = int(rng.integers(35, 60))
            cv2.circle(canvas, (x, y), radius, colour, -1, 16)
            cv2.circle(canvas, (x, y), radius - 8, (60, 40, 30), -1, 16)
        elif kind == 3:  # a receipt or sticky note: small, white
            box = ((x, y), (float(rng.uniform(50, 80)), float(rng.uniform(60, 120))),
                   float(rng.uniform(0, 180)))  # fmt: skip
            shade = int(rng.integers(200, 245))
            cv2.fillPoly(canvas, [cv2.boxPoints(box).astype(np.int32)], (shade,) * 3, 16)
        else:  # a coloured folder edge
            box = ((x, y), (float(rng.uniform(150, 300)), float(rng.uniform(40, 90))),
                   float(rng.uniform(0, 180)))  # fmt: skip
            cv2.fillPoly(canvas, [cv2.boxPoints(box).astype(np.int32)], colour, 16)
    return canvas.astype(np.float32)


BACKGROUNDS = {"plain": plain_table, "wood": wood, "cloth": cloth, "clutter": clutter}


# -- geometry -------------------------------------------------------------------------------
def project_paper(
    rng: np.random.Generator,
    size_mm: tuple[float, float],
    long_side_px: float,
    max_tilt: float,
    centre: tuple[float, float] | None = None,
) -> npt.NDArray[np.float64]:
    """Corners TL, TR, BR, BL of a paper seen by a pinhole camera, tilted up to ``max_tilt``."""
    w, h = size_mm[0] / 1000, size_mm[1] / 1000
    local = np.array(
        [[-w / 2, -h / 2, 0], [w / 2, -h / 2, 0], [w / 2, h / 2, 0], [-w / 2, h / 2, 0]]
    )
    rx, ry = np.radians(rng.uniform(-max_tilt, max_tilt, 2))
    rz = np.radians(rng.uniform(-20, 20))
    cx, sx, cy, sy, cz, sz = (math.cos(rx), math.sin(rx), math.cos(ry), math.sin(ry),
                              math.cos(rz), math.sin(rz))  # fmt: skip
    rot_x = np.array([[1, 0, 0], [0, cx, -sx], [0, sx, cx]])
    rot_y = np.array([[cy, 0, sy], [0, 1, 0], [-sy, 0, cy]])
    rot_z = np.array([[cz, -sz, 0], [sz, cz, 0], [0, 0, 1]])
    distance = FOCAL * max(w, h) / long_side_px
    points = local @ (rot_z @ rot_y @ rot_x).T + (0, 0, distance)
    corners = FOCAL * points[:, :2] / points[:, 2:3]
    middle = (corners.max(axis=0) + corners.min(axis=0)) / 2
    span = corners.max(axis=0) - corners.min(axis=0)
    if centre is None:  # all in view, at least 20 px from the frame's edges
        fit = min(1.0, (FRAME_W - 40) / span[0], (FRAME_H - 40) / span[1])
        corners = middle + (corners - middle) * fit
        span = span * fit
        room = np.maximum((FRAME_W - 40 - span[0], FRAME_H - 40 - span[1]), 0)
        centre = (
            FRAME_W / 2 + rng.uniform(-room[0] / 2, room[0] / 2),
            FRAME_H / 2 + rng.uniform(-room[1] / 2, room[1] / 2),
        )
    return np.asarray(corners - middle + centre, np.float64)


def paste(
    background: npt.NDArray[np.float32],
    paper: Image,
    paper_mask: Image | None,
    corners: npt.NDArray[np.float64],
    shadow: float,
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """The background with the paper warped onto ``corners``; also the paper's coverage mask."""
    h, w = paper.shape[:2]
    source = np.array([[-0.5, -0.5], [w - 0.5, -0.5], [w - 0.5, h - 0.5], [-0.5, h - 0.5]])
    matrix = cv2.getPerspectiveTransform(source.astype(np.float32), corners.astype(np.float32))
    scale = math.sqrt(abs(cv2.contourArea(corners.astype(np.float32))) / (w * h))
    if scale < 0.9:  # pre-filter so the warp does not alias the print
        paper = cv2.GaussianBlur(paper, (0, 0), 0.45 / scale)
    # Only the paper's bounding box is warped and blended: a third of the work or less.
    x0, y0 = np.maximum(np.floor(corners.min(axis=0)).astype(int) - 2, 0)
    x1, y1 = np.minimum(np.ceil(corners.max(axis=0)).astype(int) + 3, (FRAME_W, FRAME_H))
    coverage = np.zeros((FRAME_H, FRAME_W), np.float32)
    if x1 <= x0 or y1 <= y0:
        return background, coverage
    box = (int(x1 - x0), int(y1 - y0))
    shift = np.array([[1, 0, -x0], [0, 1, -y0], [0, 0, 1]], np.float64) @ matrix
    warped = cv2.warpPerspective(paper, shift, box, flags=cv2.INTER_LINEAR)
    mask_src = np.full((h, w), 255, np.uint8) if paper_mask is None else paper_mask
    mask = cv2.warpPerspective(mask_src, shift, box, flags=cv2.INTER_LINEAR)
    cover = mask.astype(np.float32) / 255
    coverage[y0:y1, x0:x1] = cover
    if shadow > 0:  # the paper's own shadow on the table, offset down-right and soft
        small = cv2.resize(coverage, (FRAME_W // 4, FRAME_H // 4))
        small = cv2.warpAffine(small, np.float32([[1, 0, 1.5], [0, 1, 2.2]]), small.shape[::-1])
        small = cv2.GaussianBlur(small, (0, 0), 1.8)
        drop = cv2.resize(small, (FRAME_W, FRAME_H), interpolation=cv2.INTER_LINEAR)
        background *= (1 - np.float32(shadow) * drop)[..., None]
    region = background[y0:y1, x0:x1]
    region += (warped.astype(np.float32) - region) * cover[..., None]
    return background, coverage


def lighting(rng: np.random.Generator, frame: npt.NDArray[np.float32], dark: bool) -> None:
    """Uneven room light (and a dim room if ``dark``), in place."""
    gx, gy = rng.uniform(-0.25, 0.25, 2)
    small = np.asarray(rng.uniform(-1, 1, (2, 3)), np.float32)
    wobble = cv2.resize(small, (FRAME_W // 8, FRAME_H // 8), interpolation=cv2.INTER_CUBIC)
    ramp = (1 + gx * (XS[:1] / FRAME_W - 0.5)) + gy * (YS[:, :1] / FRAME_H - 0.5)
    exposure = rng.uniform(0.16, 0.26) if dark else rng.uniform(0.85, 1.0)
    field = ramp + 0.05 * cv2.resize(wobble, (FRAME_W, FRAME_H), interpolation=cv2.INTER_LINEAR)
    frame *= (field * np.float32(exposure))[..., None]


def hand_shadow(rng: np.random.Generator, frame: npt.NDArray[np.float32], corners) -> None:
    """A soft shadow of a hand or phone across part of the paper, in place."""
    centre = corners.mean(axis=0)
    edge = corners[int(rng.integers(0, 4))]
    spot = centre + (edge - centre) * rng.uniform(0.3, 0.9)
    box = ((float(spot[0]), float(spot[1])), (float(rng.uniform(150, 320)),
           float(rng.uniform(250, 600))), float(rng.uniform(0, 180)))  # fmt: skip
    mask = np.zeros((FRAME_H, FRAME_W), np.float32)
    cv2.fillPoly(mask, [cv2.boxPoints(box).astype(np.int32)], 1.0)
    mask = cv2.GaussianBlur(mask, (0, 0), rng.uniform(10, 25))
    frame *= (1 - rng.uniform(0.3, 0.5) * mask)[..., None]


def add_glare(
    rng: np.random.Generator,
    frame: npt.NDArray[np.float32],
    corners: npt.NDArray[np.float64],
    strength: float,
) -> None:
    """A lamp's reflection: a bright elliptical spot on the paper, in place."""
    centre = corners.mean(axis=0)
    spot = centre + (corners[int(rng.integers(0, 4))] - centre) * rng.uniform(0.0, 0.6)
    sx, sy = rng.uniform(35, 90, 2)
    x0, x1 = max(0, int(spot[0] - 4 * sx)), min(FRAME_W, int(spot[0] + 4 * sx) + 1)
    y0, y1 = max(0, int(spot[1] - 4 * sy)), min(FRAME_H, int(spot[1] + 4 * sy) + 1)
    if x1 <= x0 or y1 <= y0:
        return
    ys, xs = YS[y0:y1, x0:x1], XS[y0:y1, x0:x1]
    blob = np.exp(-(((xs - spot[0]) / sx) ** 2 + ((ys - spot[1]) / sy) ** 2) / 2)
    frame[y0:y1, x0:x1] += (np.float32(strength) * blob)[..., None]


def blow_out_share(frame: Image, coverage: npt.NDArray[np.float32]) -> float:
    grey = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    paper = coverage > 0.5
    return float(np.count_nonzero((grey >= 250) & paper) / max(np.count_nonzero(paper), 1))


# -- a frame --------------------------------------------------------------------------------
def make_scene(
    rng: np.random.Generator,
    category: str,
    kind: str,
    corners: npt.NDArray[np.float64] | None = None,
    background: npt.NDArray[np.float32] | None = None,
    page: Image | None = None,
) -> Scene:
    """One frame of ``category``; ``corners``, ``background``, ``page`` fix those parts."""
    if background is None:
        style = category if category in BACKGROUNDS else str(rng.choice(list(BACKGROUNDS)))
        background = BACKGROUNDS[style](rng)
    if kind == "id_card":
        paper, paper_mask = render_card(rng)
        size_mm = CARD_MM
    else:
        paper, paper_mask = (render_form(rng) if page is None else page), None
        size_mm = A4_MM
    if corners is None:
        long_side = rng.uniform(380, 700) if kind == "id_card" else rng.uniform(460, 680)
        tilt = 40.0 if category == "steep" else 18.0
        centre = None
        if category == "cut_off":
            long_side = rng.uniform(520, 700)
            centre = _off_centre(rng, long_side)
        corners = project_paper(rng, size_mm, long_side, tilt, centre)
        if category == "steep":
            while _foreshortening(corners) < 1.25:  # really steep: one side clearly shorter
                corners = project_paper(rng, size_mm, long_side, tilt, centre)
    frame, coverage = paste(
        background.copy(), paper, paper_mask, corners, shadow=float(rng.uniform(0, 0.35))
    )
    lighting(rng, frame, dark=category == "dark")
    if category == "shadow":
        hand_shadow(rng, frame, corners)
    glare_strength = 0.0
    if category == "glare":
        glare_strength = float(rng.uniform(120, 260))
    elif rng.random() < 0.3:
        glare_strength = float(rng.uniform(5, 20))
    sigma = float(rng.uniform(*BAD_BLUR_SIGMA)) if category == "blurred" else 0.0
    if category != "blurred" and rng.random() < 0.6:
        sigma = float(rng.uniform(0.3, GOOD_BLUR_SIGMA))
    for _ in range(8):
        attempt = frame.copy()
        if glare_strength:
            add_glare(rng, attempt, corners, glare_strength)
        if sigma > 0:
            if category == "blurred" and rng.random() < 0.4:
                attempt = _motion_blur(rng, attempt, sigma * 3)
            else:
                attempt = cv2.GaussianBlur(attempt, (0, 0), sigma)
        attempt += grain(rng, float(rng.uniform(1.5, 4.0)))
        image = np.clip(attempt, 0, 255).astype(np.uint8)
        glare = blow_out_share(image, coverage)
        if category == "glare" and glare < BAD_GLARE:
            glare_strength *= 1.4
        elif category != "glare" and glare > GOOD_GLARE:
            frame *= 0.93  # bright paper: a slightly lower exposure, as auto-exposure would
        else:
            break
    return Scene(image, corners, coverage, sigma, glare)


def _off_centre(rng: np.random.Generator, long_side: float) -> tuple[float, float]:
    """A centre that puts 10-35% of the paper outside one or two frame edges."""
    out = rng.uniform(0.1, 0.35) * long_side
    side = rng.integers(0, 4)
    x = rng.uniform(FRAME_W * 0.3, FRAME_W * 0.7)
    y = rng.uniform(FRAME_H * 0.35, FRAME_H * 0.65)
    half_w, half_h = long_side * 0.37, long_side / 2
    if side == 0:
        x = -half_w + (2 * half_w - out)
    elif side == 1:
        x = FRAME_W + half_w - (2 * half_w - out)
    elif side == 2:
        y = -half_h + (2 * half_h - out)
    else:
        y = FRAME_H + half_h - (2 * half_h - out)
    return float(x), float(y)


def _foreshortening(corners: npt.NDArray[np.float64]) -> float:
    sides = np.linalg.norm(corners - np.roll(corners, -1, axis=0), axis=1)
    return float(max(sides[0] / sides[2], sides[2] / sides[0], sides[1] / sides[3],
                     sides[3] / sides[1]))  # fmt: skip


def _motion_blur(
    rng: np.random.Generator, image: npt.NDArray[np.float32], length: float
) -> npt.NDArray[np.float32]:
    size = int(length) | 1
    kernel = np.zeros((size, size), np.float32)
    kernel[size // 2, :] = 1
    rotation = cv2.getRotationMatrix2D((size / 2 - 0.5, size / 2 - 0.5), rng.uniform(0, 180), 1)
    kernel = cv2.warpAffine(kernel, rotation, (size, size))
    kernel /= max(float(kernel.sum()), 1e-6)
    return np.asarray(cv2.filter2D(image, -1, kernel), np.float32)


def generate(out: Path, seed: int, scale: float) -> list[dict[str, object]]:
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    truth: list[dict[str, object]] = []
    index = 0
    for category, (count, kind, expect) in CATEGORIES.items():
        for _ in range(max(1, round(count * scale))):
            scene = make_scene(rng, category, kind)
            name = f"{index:04d}_{category}.jpg"
            quality = int(rng.integers(80, 93))
            cv2.imwrite(str(out / name), scene.frame, [cv2.IMWRITE_JPEG_QUALITY, quality])
            truth.append(
                {
                    "file": name,
                    "category": category,
                    "kind": kind,
                    "corners": np.round(scene.corners, 3).tolist(),
                    "expect": expect,
                    "blur_sigma": round(scene.blur_sigma, 2),
                    "glare": round(scene.glare, 4),
                }
            )
            index += 1
    (out / "truth.json").write_text(json.dumps(truth, indent=1), encoding="utf-8")
    return truth


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default="var/bench/doc-set", type=Path)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--scale", type=float, default=1.0, help="frames per category, x")
    args = parser.parse_args(argv)
    cv2.setNumThreads(1)
    started, cpu = time.perf_counter(), time.process_time()
    truth = generate(args.out, args.seed, args.scale)
    took, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(
        f"{len(truth)} frames in {args.out} ({took:.1f} s, {cpu:.1f} s CPU), "
        f"truth in {args.out / 'truth.json'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
