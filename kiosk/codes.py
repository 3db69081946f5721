"""What a scanned line may be: the kiosk checks the form before it asks the server anything.

A QR code is text chosen by whoever printed it, so :func:`classify` treats it as hostile: it
measures the length first, refuses control characters and anything outside printable ASCII
(look-alike letters, ANSI escapes, NUL), and then accepts only our own formats, each matched in
full. The answer is a :class:`ScannedCode` in canonical form, or a :class:`Refusal` whose
``reason`` is a message key (kiosk/messages/qr_hints.py) - never an exception.

While the citizen is asked for a NIK (:class:`ScanMode`), a scanned line is read by
:func:`nik_from_scan` instead, with the same distrust: only 16 digits, as printed on a letter or
a family paper, fill the NIK; anything else, our own codes included, is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

PICKUP_QR_PREFIX = "ADMP:"
_PICKUP = re.compile(r"^[0-9A-HJKMNP-TV-Z]{12}$")

# Crockford's base32, as the server draws codes and ticket tails from: no I, L, O, U.
_CROCKFORD = "0-9A-HJKMNP-TV-Z"
_PICKUP_GROUPED = re.compile(rf"^[{_CROCKFORD}]{{4}}-[{_CROCKFORD}]{{4}}-[{_CROCKFORD}]{{4}}$")
# ADM-7307-2611-7KQ2 (server/applications/submission.py: regency, yymm, four characters)
_APPLICATION_TICKET = re.compile(rf"^ADM-[0-9]{{4}}-[0-9]{{4}}-[{_CROCKFORD}]{{4}}$")
# PGD-7307-2611-7KQ2M9 (server/feedback/complaints.py: six characters)
_COMPLAINT_TICKET = re.compile(rf"^PGD-[0-9]{{4}}-[0-9]{{4}}-[{_CROCKFORD}]{{6}}$")
# The signed document token of server/signing.py: ADM1.<7 fields joined by ~>.<signature>.
# Fields: version 1, document id, type, number, issue date, digest, key id; the Ed25519
# signature is 64 bytes, 86 characters of unpadded base64url.
_FIELD = r"[A-Za-z0-9_-]{1,40}"
_DOCUMENT_TOKEN = re.compile(rf"^ADM1\.1(?:~{_FIELD}){{6}}\.[A-Za-z0-9_-]{{86}}$")
MAX_DOCUMENT_TOKEN = 512  # server/signing.py refuses longer tokens
# https://host[:port]/<optional path>/v/<token>: a plain host name, no user, query or fragment.
_DOCUMENT_URL = re.compile(
    r"^https?://[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?(?::[0-9]{1,5})?(?:/[A-Za-z0-9_-]{1,40})*"
    r"/v/(?P<token>ADM1\.[^/?#]+)$"
)

MAX_SCANNED = 1024  # characters; a document QR is about 250, everything else under 40
_PRINTABLE_ASCII = re.compile(r"^[\x20-\x7e]*$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class ScanMode(StrEnum):
    """What a scanned line is for: the face says so as the citizen moves between screens."""

    PICKUP = "pickup"  # a code of ours: print (or show) documents; the default
    NIK = "nik"  # the NIK screen of an application: a scanned NIK fills it, nothing prints


class CodeKind(StrEnum):
    PICKUP = "pickup"  # a pickup code: print my documents
    TICKET = "ticket"  # an application ticket: check status
    COMPLAINT = "complaint"  # a complaint ticket: see the answer
    DOCUMENT = "document"  # the signed QR printed on an issued document


@dataclass(frozen=True)
class ScannedCode:
    """A scanned text that has one of our forms; ``text`` is its canonical form."""

    kind: CodeKind
    text: str

    @property
    def masked(self) -> str:
        """For logs: enough to tell codes apart, too little to use one."""
        return mask_code(self.text) if self.kind is CodeKind.PICKUP else self.text[:12] + "..."


@dataclass(frozen=True)
class Refusal:
    """Why a scanned text is not taken; ``reason`` is a message key (qr.refused.*, or
    apply.nik.scan.* from :func:`nik_from_scan`)."""

    reason: str
    length: int  # of the text as scanned, the only thing about it that is safe to log


def _ascii(raw: bytes, limit: int, too_long: str, not_ascii: str) -> str | Refusal:
    """Scanned bytes as text, measured before they are decoded; anything not ASCII refused."""
    if len(raw) > limit:
        return Refusal(too_long, len(raw))
    try:
        return raw.decode("ascii")
    except UnicodeDecodeError:
        return Refusal(not_ascii, len(raw))


def classify(text: str | bytes) -> ScannedCode | Refusal:
    """Our code in canonical form, or the reason the text is refused; never raises."""
    if isinstance(text, bytes):
        decoded = _ascii(text, MAX_SCANNED, "qr.refused.too_long", "qr.refused.not_ascii")
        if isinstance(decoded, Refusal):
            return decoded
        text = decoded
    if len(text) > MAX_SCANNED:
        return Refusal("qr.refused.too_long", len(text))
    stripped = text.strip(" ")
    if not stripped:
        return Refusal("qr.refused.empty", len(text))
    if _CONTROL.search(stripped):
        return Refusal("qr.refused.control_characters", len(text))
    if not _PRINTABLE_ASCII.match(stripped):
        return Refusal("qr.refused.not_ascii", len(text))
    found = _our_form(stripped, len(text))
    return found if found is not None else Refusal("qr.refused.unknown_format", len(text))


def _our_form(text: str, length: int) -> ScannedCode | Refusal | None:
    """``text`` without its padding; ``length`` is that of the text as scanned, for refusals."""
    if text[: len(PICKUP_QR_PREFIX)].upper() == PICKUP_QR_PREFIX:
        code = parse_pickup_code(text)
        if code is None:
            return Refusal("qr.refused.bad_pickup_code", length)
        return ScannedCode(CodeKind.PICKUP, PICKUP_QR_PREFIX + code)
    if _PICKUP_GROUPED.match(text):  # without the prefix only as printed, not any 12 letters
        return ScannedCode(CodeKind.PICKUP, PICKUP_QR_PREFIX + text)
    if _APPLICATION_TICKET.match(text):
        return ScannedCode(CodeKind.TICKET, text)
    if _COMPLAINT_TICKET.match(text):
        return ScannedCode(CodeKind.COMPLAINT, text)
    if text.startswith("ADM1.") or "/v/" in text:
        token = text
        if not text.startswith("ADM1."):
            match = _DOCUMENT_URL.match(text)
            if match is None:
                return Refusal("qr.refused.bad_document_code", length)
            token = match.group("token")
        if len(token) > MAX_DOCUMENT_TOKEN or not _DOCUMENT_TOKEN.match(token):
            return Refusal("qr.refused.bad_document_code", length)
        return ScannedCode(CodeKind.DOCUMENT, text)
    return None


# A NIK as people print it: 16 digits, maybe in groups parted by one space or dot each
# ("7307 0514 0580 0003", "7307.0514.0580.0003"); nothing else on the line.
NIK_DIGITS = 16
MAX_NIK_SCANNED = 40  # 16 digits and 15 separators, with room for padding
_NIK_PRINTED = re.compile(r"^[0-9]+(?:[ .][0-9]+)*$")


def nik_from_scan(text: str | bytes) -> str | Refusal:
    """The 16 digits of a scanned NIK, or why the text is none (apply.nik.scan.*); never raises.

    Only the form is read here: whether the digits can be a NIK (region, birth date, serial)
    is asked of them as of typed ones (kiosk.apply.nik_problem).
    """
    if isinstance(text, bytes):
        refused = "apply.nik.scan.not_nik"
        decoded = _ascii(text, MAX_NIK_SCANNED, refused, refused)
        if isinstance(decoded, Refusal):
            return decoded
        text = decoded
    length = len(text)
    if length > MAX_NIK_SCANNED:
        # a pickup code is short, a document QR is long: tell which, for the citizen's sake
        return _ours_or_not(text, length)
    stripped = text.strip(" ")
    if not _PRINTABLE_ASCII.match(stripped) or not _NIK_PRINTED.match(stripped):
        return _ours_or_not(text, length)
    digits = re.sub(r"[ .]", "", stripped)
    if len(digits) != NIK_DIGITS:
        return Refusal("apply.nik.scan.digits", length)
    return digits


def _ours_or_not(text: str, length: int) -> Refusal:
    """A line that is no NIK: a pickup code is named as such (the citizen may mean to print)."""
    found = classify(text)
    if isinstance(found, ScannedCode) and found.kind is CodeKind.PICKUP:
        return Refusal("apply.nik.scan.pickup_code", length)
    return Refusal("apply.nik.scan.not_nik", length)


def parse_pickup_code(text: str) -> str | None:
    """The pickup code in canonical grouped form (7KQ2-M9XD-4TRA), or None for anything else."""
    if len(text) > 64 or not _PRINTABLE_ASCII.match(text.strip()):
        return None
    if text.upper().startswith(PICKUP_QR_PREFIX):
        text = text[len(PICKUP_QR_PREFIX) :]
    compact = re.sub(r"[ \t\r\n-]", "", text.upper()).translate(str.maketrans("OIL", "011"))
    if not _PICKUP.match(compact):
        return None
    return f"{compact[0:4]}-{compact[4:8]}-{compact[8:12]}"


def mask_code(code: str) -> str:
    if code.upper().startswith(PICKUP_QR_PREFIX):
        code = code[len(PICKUP_QR_PREFIX) :]
    return code[:4] + "-****-****"
