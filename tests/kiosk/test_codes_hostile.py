"""A QR code may hold anything: the validators refuse hostile text with a reason, never crash."""

from __future__ import annotations

import pytest

from kiosk.codes import Refusal, ScannedCode, classify, parse_pickup_code
from kiosk.i18n import MESSAGES

GOOD = "ADMP:7KQ2-M9XD-4TRA"
TOKEN = (
    "ADM1.1~3f9a1c2e7b6d4e01~KK~7307012345678901~2026-11-22~9c1e4b7a2f3d5e6c8b9a0d1e~1a2b3c4d."
    + "A" * 86
)

HOSTILE = {
    "oversized": ("A" * 5000, "qr.refused.too_long"),
    "oversized behind our prefix": ("ADMP:" + "7KQ2" * 400, "qr.refused.too_long"),
    "oversized bytes": (b"\xff" * 100_000, "qr.refused.too_long"),
    "empty": ("", "qr.refused.empty"),
    "blank": ("   ", "qr.refused.empty"),
    "nul inside a good code": ("ADMP:7KQ2-M9XD\x00-4TRA", "qr.refused.control_characters"),
    "nul after a good code": (GOOD + "\x00", "qr.refused.control_characters"),
    "newline then a second line": (GOOD + "\nrm -rf /", "qr.refused.control_characters"),
    "carriage return": (GOOD + "\r", "qr.refused.control_characters"),
    "ansi escape": ("\x1b[2J\x1b[31m" + GOOD, "qr.refused.control_characters"),
    "c1 control": ("ADMP:7KQ2-M9XD-4TRA\x9b", "qr.refused.control_characters"),
    "delete character": (GOOD + "\x7f", "qr.refused.control_characters"),
    "sql injection": ("'; DROP TABLE print_jobs; --", "qr.refused.unknown_format"),
    "sql injection behind our prefix": ("ADMP:'; DROP TABLE x; --", "qr.refused.bad_pickup_code"),
    "path traversal": ("../../etc/passwd", "qr.refused.unknown_format"),
    "script tag": ("<script>alert(1)</script>", "qr.refused.unknown_format"),
    "format string": ("{0.__class__}%s%n", "qr.refused.unknown_format"),
    "foreign link": ("https://wa.me/628123456789", "qr.refused.unknown_format"),
    "payment code": ("00020101021126570011ID.DANA.WWW", "qr.refused.unknown_format"),
    "cyrillic look-alike letters": ("ADMP:7КQ2-M9XD-4TRА", "qr.refused.not_ascii"),
    "full-width digits": ("ADMP:７KQ2-M9XD-4TRA", "qr.refused.not_ascii"),
    "zero-width space": ("ADMP:7KQ2\u200b-M9XD-4TRA", "qr.refused.not_ascii"),
    "right-to-left override": ("\u202eADMP:7KQ2-M9XD-4TRA", "qr.refused.not_ascii"),
    "latin-1 bytes": (b"ADMP:7KQ2-M9XD-4TR\xc4", "qr.refused.not_ascii"),
    "utf-8 bytes of a look-alike": ("ADMP:7КQ2-M9XD-4TRA".encode(), "qr.refused.not_ascii"),
    "ticket with a letter too many": ("ADM-7307-2611-7KQ2X", "qr.refused.unknown_format"),
    "ticket with a forbidden letter": ("ADM-7307-2611-7KQU", "qr.refused.unknown_format"),
    "pickup code one short": ("ADMP:7KQ2-M9XD-4TR", "qr.refused.bad_pickup_code"),
    "two pickup codes": ("ADMP:7KQ2-M9XD-4TRA 7KQ2-M9XD-4TRA", "qr.refused.bad_pickup_code"),
    "document token at a foreign path": (
        "https://evil.example/x/../v/" + TOKEN,
        "qr.refused.bad_document_code",
    ),
    "document link with a query": (
        "https://adm.sinjaikab.go.id/v/" + TOKEN + "?next=//evil",
        "qr.refused.bad_document_code",
    ),
    "document link with a user": (
        "https://user@adm.sinjaikab.go.id/v/" + TOKEN,
        "qr.refused.bad_document_code",
    ),
    "javascript link": ("javascript:alert(1)//v/" + TOKEN, "qr.refused.bad_document_code"),
    "document token with a short signature": (TOKEN[:-1], "qr.refused.bad_document_code"),
    "document token with a script field": (
        TOKEN.replace("~KK~", "~<script>~"),
        "qr.refused.bad_document_code",
    ),
    "document token with an extra field": (
        TOKEN.replace("~KK~", "~KK~X~"),
        "qr.refused.bad_document_code",
    ),
    "document token of another version": (
        TOKEN.replace("ADM1.1~", "ADM1.2~"),
        "qr.refused.bad_document_code",
    ),
}


@pytest.mark.parametrize(("scanned", "reason"), HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_text_is_refused_with_its_reason(scanned, reason):
    verdict = classify(scanned)
    assert isinstance(verdict, Refusal)
    assert verdict.reason == reason
    assert verdict.length == len(scanned)


@pytest.mark.parametrize("reason", sorted({reason for _, reason in HOSTILE.values()}))
def test_every_refusal_has_a_text_in_both_languages(reason):
    assert MESSAGES[reason]["id"] and MESSAGES[reason]["en"]


# a scanner's line ending is no attack: the typed/serial path strips it, as it must
TYPED = [s for s, _ in HOSTILE.values() if isinstance(s, str) and s == s.strip()]


@pytest.mark.parametrize("scanned", TYPED)
def test_hostile_text_is_no_pickup_code_either(scanned):
    assert parse_pickup_code(scanned) is None


def test_a_good_code_survives_surrounding_spaces_only():
    assert isinstance(classify("  " + GOOD + "  "), ScannedCode)
    assert isinstance(classify("\t" + GOOD), Refusal)


def test_every_byte_value_alone_or_after_a_good_code_gives_an_answer():
    for value in range(256):
        for scanned in (bytes([value]), GOOD.encode() + bytes([value])):
            verdict = classify(scanned)
            assert isinstance(verdict, ScannedCode | Refusal)
            if isinstance(verdict, ScannedCode):  # only printable ASCII may follow a code
                assert 0x20 <= value <= 0x7E


def test_a_refusal_carries_nothing_of_the_text_but_its_length():
    verdict = classify("'; DROP TABLE print_jobs; --")
    assert isinstance(verdict, Refusal)
    assert "DROP" not in repr(verdict)
