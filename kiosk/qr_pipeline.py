"""Kept for old imports: the QR pipeline lives in kiosk/vision/qr.py."""

from __future__ import annotations

from kiosk.vision.qr import QrRead, QrReader, decode_frame

__all__ = ["QrRead", "QrReader", "decode_frame"]
