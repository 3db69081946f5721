"""The ways the QR reader looks at one frame, cheapest first: each is a picture and a decoder.

Every step answers a trouble phones show the camera. ``half`` comes first: the grey frame at
half size, a quarter of the pixels, reads most phones held at a normal distance in a fraction
of the time of the full frame, and its averaging calms sensor noise; ``grey`` is the full frame,
for small codes (zxing-cpp also tries each picture inverted, for dark mode); ``clahe_half`` and
``clahe_soft`` even out contrast locally (a dim screen, a washed-out one, a reflection over part
of the code); ``soften`` and ``median`` smooth the screen's pixel grid and the moire it makes
before binarising; ``region_sharpen`` and ``region_enlarge`` enlarge the busiest patch of the
frame (where the code is), sharpened or not, for blurred and small codes; ``sharpen`` sharpens
the whole frame; ``fixed`` binarises with one global threshold; ``region_pyzbar`` asks a
different decoder (zbar) for a second opinion. A step returns the raw bytes of the codes it
read, possibly none; judging them is kiosk/codes.py's work.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
import zxingcpp

Grey = np.ndarray  # one channel, uint8 (OpenCV's own types are looser)
QR_ONLY = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)

try:  # optional: the second opinion; the reader works without it
    from pyzbar import pyzbar as _pyzbar
except ImportError:  # pragma: no cover - libzbar missing on this machine
    _pyzbar = None


def zxing(image: Grey, binarizer: zxingcpp.Binarizer | None = None) -> list[bytes]:
    """Raw bytes of the valid QR codes zxing-cpp finds (it also tries the inverted picture).

    ``try_rotate=False``: zxing-cpp's extra passes over the image turned by 90 degrees serve
    linear barcodes; a QR code's finder patterns are found at any angle anyway. On the bench's
    frames this reads the same codes in about half the median time and a seventh of the p90.
    """
    options: dict[str, Any] = {"formats": QR_ONLY, "try_rotate": False}
    if binarizer is not None:
        options["binarizer"] = binarizer
    return [bytes(b.bytes) for b in zxingcpp.read_barcodes(image, **options) if b.valid]


def pyzbar_read(image: Grey) -> list[bytes]:
    if _pyzbar is None:
        return []
    symbols = [_pyzbar.ZBarSymbol.QRCODE]
    found = _pyzbar.decode(image, symbols=symbols)
    if not found:  # zbar reads dark-on-light only
        found = _pyzbar.decode(cv2.bitwise_not(image), symbols=symbols)
    return [bytes(r.data) for r in found]


_CLAHE = cv2.createCLAHE(clipLimit=3.0, tileGridSize=(8, 8))


def _unsharp(image: Grey, sigma: float, amount: float) -> Grey:
    blurred = cv2.GaussianBlur(image, (0, 0), sigma)
    return cv2.addWeighted(image, 1 + amount, blurred, -amount, 0)


def code_region(grey: Grey) -> tuple[int, int, int, int] | None:
    """(x, y, w, h) around the busiest patch of the frame - where a code's modules are - or None.

    Measured on a quarter-size copy: the local edge density peaks on a QR code's modules.
    """
    small = cv2.resize(grey, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    edges = cv2.morphologyEx(small, cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8))
    density = cv2.blur(edges, (7, 7))
    peak = float(density.max())
    if peak < 12:  # a flat picture: nothing with modules in it
        return None
    mask = (density >= peak * 0.5).astype(np.uint8)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(mask)
    y, x = np.unravel_index(int(np.argmax(density)), density.shape)
    x0, y0, w, h = (int(v) for v in stats[labels[y, x]][:4])
    pad = max(w, h) // 2 + 2
    x1, y1 = min(small.shape[1], x0 + w + pad), min(small.shape[0], y0 + h + pad)
    x0, y0 = max(0, x0 - pad), max(0, y0 - pad)
    return x0 * 4, y0 * 4, (x1 - x0) * 4, (y1 - y0) * 4


def _region(grey: Grey) -> Grey | None:
    box = code_region(grey)
    if box is None:
        return None
    x, y, w, h = box
    return grey[y : y + h, x : x + w]


def _region_sharpen(grey: Grey) -> list[bytes]:
    region = _region(grey)
    if region is None or region.size == 0:
        return []
    big = cv2.resize(region, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
    return zxing(_unsharp(big, 3.0, 1.5))


@dataclass(frozen=True)
class Variant:
    name: str
    read: Callable[[Grey], list[bytes]]
    trouble: str  # what it is for, for the bench and the hints


def _half(grey: Grey) -> Grey:
    return cv2.resize(grey, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)


def _region_enlarge(grey: Grey) -> list[bytes]:
    region = _region(grey)
    if region is None or region.size == 0:
        return []
    return zxing(cv2.resize(region, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC))


def _region_pyzbar(grey: Grey) -> list[bytes]:
    region = _region(grey)
    return [] if region is None or region.size == 0 else pyzbar_read(region)


# Ordered by codes rescued per millisecond on the generated hard frames (bench/qr_read.py):
# after ``half``, ``grey`` rescues 56 of the 195 frames it misses in 1.1 ms and ``clahe_half``
# 50 in 1.55 ms, so ``grey`` goes second (the median frame with a code: 1.74 -> 1.45 ms).
LADDER: tuple[Variant, ...] = (
    Variant("half", lambda g: zxing(_half(g)), "none"),
    Variant("grey", zxing, "small"),
    Variant("clahe_half", lambda g: zxing(_CLAHE.apply(_half(g))), "contrast"),
    Variant("soften", lambda g: zxing(cv2.GaussianBlur(g, (0, 0), 1.5)), "moire"),
    Variant(
        "clahe_soft", lambda g: zxing(_CLAHE.apply(cv2.GaussianBlur(g, (0, 0), 1.2))), "contrast"
    ),
    Variant("median", lambda g: zxing(cv2.medianBlur(g, 5)), "moire"),
    Variant("region_sharpen", _region_sharpen, "blur"),
    Variant("region_enlarge", _region_enlarge, "small"),
    Variant("sharpen", lambda g: zxing(_unsharp(g, 2.0, 1.5)), "blur"),
    Variant("fixed", lambda g: zxing(g, zxingcpp.Binarizer.FixedThreshold), "contrast"),
    Variant("region_pyzbar", _region_pyzbar, "second_opinion"),
)
