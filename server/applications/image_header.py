"""What a PNG or JPEG says of itself, read from its structure without decoding a pixel.

An upload whose first bytes are right may still be a trap for whoever opens it: a header that
declares 50000 x 50000 pixels in a few KB (an image bomb: gigabytes once decoded, in the
officer's browser) or a picture cut off in the middle. Both are refused here, when the paper
arrives, and nothing is stored.
"""

from __future__ import annotations

import struct

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Start-of-frame markers (baseline, progressive, lossless, arithmetic): they carry the size.
_JPEG_FRAMES = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_JPEG_STANDALONE = frozenset(range(0xD0, 0xD8)) | {0x01}


class BrokenImage(ValueError):
    """The bytes are not a whole, well-formed image of the type they claim."""


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) of a whole PNG: chunks chained from IHDR to IEND, each in the data."""
    if not data.startswith(PNG_SIGNATURE):
        raise BrokenImage("no PNG signature")
    pos, size, seen_data = len(PNG_SIGNATURE), None, False
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        end = pos + 12 + length  # length, type, data, CRC
        if end > len(data):
            raise BrokenImage("a PNG chunk runs past the end: the file is cut off")
        if size is None:
            if kind != b"IHDR" or length != 13:
                raise BrokenImage("a PNG must start with its IHDR header")
            size = struct.unpack(">II", data[pos + 8 : pos + 16])
        seen_data |= kind == b"IDAT"
        if kind == b"IEND":
            if not seen_data:
                raise BrokenImage("a PNG without image data")
            return size
        pos = end
    raise BrokenImage("the PNG has no IEND chunk: the file is cut off")


def jpeg_size(data: bytes) -> tuple[int, int]:
    """(width, height) of a whole JPEG: a frame header before the scan, EOI at the end."""
    if not data.startswith(b"\xff\xd8"):
        raise BrokenImage("no JPEG start-of-image marker")
    if not data.endswith(b"\xff\xd9"):
        raise BrokenImage("the JPEG has no end-of-image marker: the file is cut off")
    pos, size = 2, None
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            raise BrokenImage("a JPEG segment does not start with a marker")
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in _JPEG_STANDALONE:
            pos += 2
            continue
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        if length < 2 or pos + 2 + length > len(data):
            raise BrokenImage("a JPEG segment runs past the end: the file is cut off")
        if marker in _JPEG_FRAMES:
            if length < 7:
                raise BrokenImage("a JPEG frame header too short")
            height, width = struct.unpack(">HH", data[pos + 5 : pos + 9])
            size = (width, height)
        if marker == 0xDA:  # start of scan: the entropy-coded data follows, to EOI
            if size is None:
                raise BrokenImage("a JPEG scan before any frame header")
            return size
        pos += 2 + length
    raise BrokenImage("the JPEG has no image scan")


def image_size(content_type: str, data: bytes) -> tuple[int, int]:
    """(width, height) the image declares; BrokenImage when it is cut off or malformed."""
    if content_type == "image/png":
        return png_size(data)
    if content_type == "image/jpeg":
        return jpeg_size(data)
    raise BrokenImage(f"no reader for {content_type}")
