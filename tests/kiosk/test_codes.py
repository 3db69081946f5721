"""Which scanned texts the kiosk takes for pickup codes before asking the server."""

from __future__ import annotations

import pytest

from kiosk.codes import parse_pickup_code


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
