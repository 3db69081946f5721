"""Checking photographed papers before anything is stored: size, base64, and real image bytes."""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass

from server.applications.errors import ApplicationRefused
from server.applications.image_header import BrokenImage, image_size
from server.catalogue import Service

MAX_PAPER_BYTES = 2_000_000  # one photographed page, decoded
MAX_PAPERS = 6  # per request
MAX_TOTAL_BYTES = 8_000_000  # all papers of one request, decoded
# A photographed page is a few megapixels; more is a bomb for whoever opens it (the officer).
MAX_SIDE = 10_000
MAX_PIXELS = 40_000_000
SIGNATURES = {
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
}
# The request body a kiosk needs: every paper as base64 (4/3) plus the form around it.
MAX_REQUEST_BYTES = MAX_TOTAL_BYTES * 4 // 3 + 200_000


@dataclass(frozen=True)
class CheckedPaper:
    requirement_code: str
    content_type: str
    data: bytes
    sha256: str


def _refuse(index: int, reason: str, message: str) -> ApplicationRefused:
    return ApplicationRefused(422, reason, message, paper=index)


def check_paper(
    index: int, service: Service, requirement: str, content_type: str, text: str
) -> CheckedPaper:
    """One upload decoded and proven to be a JPEG or PNG of a requirement of this service."""
    if service.paper(requirement) is None:
        raise _refuse(
            index, "unknown_requirement", f"{service.code} asks for no paper {requirement!r}"
        )
    if content_type not in SIGNATURES:
        raise _refuse(index, "unsupported_content_type", "Papers must be image/jpeg or image/png")
    if len(text) > (MAX_PAPER_BYTES + 2) // 3 * 4:  # refuse before decoding a huge string
        raise _refuse(index, "paper_too_large", f"A paper may be at most {MAX_PAPER_BYTES} bytes")
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise _refuse(index, "bad_base64", "The paper is not valid base64") from None
    if not data:
        raise _refuse(index, "empty_paper", "The paper is empty")
    if len(data) > MAX_PAPER_BYTES:
        raise _refuse(index, "paper_too_large", f"A paper may be at most {MAX_PAPER_BYTES} bytes")
    if not data.startswith(SIGNATURES[content_type]):
        raise _refuse(index, "not_an_image", f"The bytes are not a {content_type} image")
    try:
        width, height = image_size(content_type, data)
    except BrokenImage as exc:
        raise _refuse(index, "broken_image", f"The image is cut off or malformed: {exc}") from None
    if not (0 < width <= MAX_SIDE and 0 < height <= MAX_SIDE and width * height <= MAX_PIXELS):
        raise _refuse(
            index,
            "image_too_large",
            f"An image of {width} x {height} pixels is not a photographed paper "
            f"(at most {MAX_SIDE} pixels a side, {MAX_PIXELS} in all)",
        )
    return CheckedPaper(requirement, content_type, data, hashlib.sha256(data).hexdigest())


def check_papers(service: Service, uploads: list[tuple[str, str, str]]) -> list[CheckedPaper]:
    """All uploads of one request checked; the first bad one refuses the whole request."""
    if len(uploads) > MAX_PAPERS:
        raise ApplicationRefused(422, "too_many_papers", f"At most {MAX_PAPERS} papers per request")
    papers = [check_paper(i, service, *upload) for i, upload in enumerate(uploads)]
    if sum(len(p.data) for p in papers) > MAX_TOTAL_BYTES:
        raise ApplicationRefused(
            422, "papers_too_large", f"All papers together may be at most {MAX_TOTAL_BYTES} bytes"
        )
    return papers
