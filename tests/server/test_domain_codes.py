"""Pickup codes: random, readable aloud, forgiving to type; receipt numbers; secret hashes."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from server.codes import (
    ALPHABET,
    hash_secret,
    new_id,
    new_pickup_code,
    new_receipt_number,
    normalise_pickup_code,
)

GROUPED = re.compile(rf"^[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}$")


def test_alphabet_is_crockford_base32_without_i_l_o_u():
    assert len(ALPHABET) == len(set(ALPHABET)) == 32
    assert not set("ILOU") & set(ALPHABET)


def test_new_pickup_code_is_three_groups_of_four_from_the_alphabet():
    assert GROUPED.match(new_pickup_code())


def test_thousand_new_pickup_codes_are_all_different():
    codes = [new_pickup_code() for _ in range(1000)]

    assert len(set(codes)) == 1000
    assert all(GROUPED.match(code) for code in codes)


def test_new_pickup_code_normalises_to_its_twelve_characters():
    code = new_pickup_code()

    assert normalise_pickup_code(code) == code.replace("-", "")


ACCEPTED = {
    "as printed": "7KQ2-M9XD-4TRA",
    "lower case": "7kq2-m9xd-4tra",
    "spaces": "7KQ2 M9XD 4TRA",
    "no separators": "7KQ2M9XD4TRA",
    "mixed separators": " 7kq2 - m9xd\t4tra\n",
    "qr prefix": "ADMP:7KQ2-M9XD-4TRA",
    "qr prefix in lower case": "admp:7kq2m9xd4tra",
}


@pytest.mark.parametrize("text", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_code_as_typed_or_scanned_is_accepted(text):
    assert normalise_pickup_code(text) == "7KQ2M9XD4TRA"


def test_letters_o_i_l_are_read_as_the_digits_they_look_like():
    assert normalise_pickup_code("7KQ2-M9XD-OILA") == "7KQ2M9XD011A"
    assert normalise_pickup_code("oilo-oilo-oilo") == "011001100110"


REJECTED = {
    "empty": "",
    "11 characters": "7KQ2-M9XD-4TR",
    "13 characters": "7KQ2-M9XD-4TRAB",
    "only the prefix": "ADMP:",
    "letter U": "7KQ2-M9XD-4TRU",
    "punctuation": "7KQ2-M9XD-4TR!",
    "underscore separators": "7KQ2_M9XD_4TRA",
    "non-ascii letter": "7KQ2-M9XD-4TRÄ",
    "full-width digits": "７ＫＱ２-Ｍ９ＸＤ-４ＴＲＡ",
    "path traversal": "../../etc/passwd",
    "sql injection": "' OR '1'='1",
    "two codes": "7KQ2-M9XD-4TRA 7KQ2-M9XD-4TRA",
}


@pytest.mark.parametrize("text", REJECTED.values(), ids=REJECTED.keys())
def test_text_that_is_no_code_is_rejected(text):
    assert normalise_pickup_code(text) is None


def test_receipt_number_is_the_date_and_six_random_characters():
    number = new_receipt_number(datetime(2026, 11, 22, 13, 45))

    assert re.match(rf"^R-20261122-[{ALPHABET}]{{6}}$", number)


def test_secret_hash_is_stable_sha256_hex():
    assert hash_secret("7KQ2M9XD4TRA") == hash_secret("7KQ2M9XD4TRA")
    assert re.match(r"^[0-9a-f]{64}$", hash_secret("7KQ2M9XD4TRA"))
    assert hash_secret("7KQ2M9XD4TRA") != hash_secret("7KQ2M9XD4TRB")


def test_new_ids_are_32_hex_characters_and_distinct():
    ids = {new_id() for _ in range(100)}

    assert len(ids) == 100
    assert all(re.match(r"^[0-9a-f]{32}$", i) for i in ids)
