"""Reading QR codes from camera frames: the cheapest read first, then harder variants.

A first version: zxing-cpp on the grey frame, then on the inverted frame (dark-mode phone
screens show light modules on dark). Camera intelligence (issue 6) deepens this.
"""

from __future__ import annotations

from typing import Any

import cv2
import zxingcpp

QR_ONLY = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)


def decode_frame(frame: Any) -> str | None:
    """The text of the first QR code found in a BGR frame, or None."""
    grey = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY) if frame.ndim == 3 else frame
    for image in (grey, cv2.bitwise_not(grey)):
        for result in zxingcpp.read_barcodes(image, formats=QR_ONLY):
            if result.valid and result.text:
                return str(result.text)
    return None
