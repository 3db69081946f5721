"""Which scanned texts the kiosk takes for pickup codes before asking the server."""

from __future__ import annotations

import pytest

from kiosk.codes import CodeKind, Refusal, ScannedCode, classify, parse_pickup_code


@pytest.mark.parametrize(
    "text",
    ["ADMP:7KQ2-M9XD-4TRA", "7kq2 m9xd 4tra", "7KQ2M9XD4TRA", "admp:7KQ2-M9XD-4TRA"],
)
def test_the_forms_a_citizen_may_present_are_read(text):
    assert parse_pickup_code(text) == "7KQ2-M9XD-4TRA"


def test_letters_people_confuse_are_read_as_the_digits_they_look_like():
    assert parse_pickup_code("7KQ2-M9XD-OILA") == "7KQ2-M9XD-011A"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "https://wa.me/628123",
        "7KQ2-M9XD-4TR",
        "7KQ2-M9XD-4TRAX",
        "7KQ2-M9XD-4TR!",
        "ADMP:" + "A" * 200,
        "'; DROP TABLE print_jobs; --",
        "../../etc/passwd",
        "７ＫＱ２",
    ],
)
def test_anything_else_is_not_a_pickup_code(text):
    assert parse_pickup_code(text) is None


# -- classify: what a QR code read by the camera may be ------------------------------------------
DOCUMENT_TOKEN = (
    "ADM1.1~3f9a1c2e7b6d4e01~KK~7307012345678901~2026-11-22~9c1e4b7a2f3d5e6c8b9a0d1e~1a2b3c4d."
    + "A" * 85
    + "g"
)


@pytest.mark.parametrize(
    ("scanned", "kind", "canonical"),
    [
        ("ADMP:7KQ2-M9XD-4TRA", CodeKind.PICKUP, "ADMP:7KQ2-M9XD-4TRA"),
        ("admp:7kq2m9xd4tra", CodeKind.PICKUP, "ADMP:7KQ2-M9XD-4TRA"),
        ("7KQ2-M9XD-4TRA", CodeKind.PICKUP, "ADMP:7KQ2-M9XD-4TRA"),
        ("ADM-7307-2611-7KQ2", CodeKind.TICKET, "ADM-7307-2611-7KQ2"),
        ("PGD-7307-2611-7KQ2M9", CodeKind.COMPLAINT, "PGD-7307-2611-7KQ2M9"),
        (DOCUMENT_TOKEN, CodeKind.DOCUMENT, DOCUMENT_TOKEN),
        (
            "https://adm.sinjaikab.go.id/v/" + DOCUMENT_TOKEN,
            CodeKind.DOCUMENT,
            "https://adm.sinjaikab.go.id/v/" + DOCUMENT_TOKEN,
        ),
        (
            "http://localhost:8000/v/" + DOCUMENT_TOKEN,
            CodeKind.DOCUMENT,
            "http://localhost:8000/v/" + DOCUMENT_TOKEN,
        ),
    ],
)
def test_our_qr_formats_are_taken_in_their_canonical_form(scanned, kind, canonical):
    assert classify(scanned) == ScannedCode(kind, canonical)
    assert classify(scanned.encode()) == ScannedCode(kind, canonical)


def test_a_document_qr_the_server_signs_is_taken(tmp_path):
    from server.signing import Signer

    token = Signer(tmp_path).sign(
        {
            "i": "3f9a1c2e7b6d4e01",
            "t": "KK",
            "n": "7307012345678901",
            "d": "2026-11-22",
            "h": "9c1e4b7a2f3d5e6c8b9a0d1e",
        }
    )
    url = f"https://adm.sinjaikab.go.id/v/{token}"
    assert classify(url) == ScannedCode(CodeKind.DOCUMENT, url)


def test_twelve_letters_without_prefix_or_grouping_are_no_qr_code():
    # a typed code may be ungrouped; a QR code of ours never is, and words like this are common
    assert parse_pickup_code("HELLOWORLD12") is not None
    assert classify("HELLOWORLD12") == Refusal("qr.refused.unknown_format", 12)


def test_a_pickup_code_in_logs_shows_its_first_group_only():
    code = classify("ADMP:7KQ2-M9XD-4TRA")
    assert isinstance(code, ScannedCode)
    assert code.masked == "7KQ2-****-****"
