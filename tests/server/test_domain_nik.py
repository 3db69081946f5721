"""The NIK's structure (region, birth date with day + 40 for women, serial) and its masking."""

from __future__ import annotations

from datetime import date

import pytest

from server.nik import InvalidNik, parse_nik
from server.privacy import mask_name, mask_nik


def test_mans_nik_gives_his_region_birth_date_and_sex():
    parts = parse_nik("7307061405800003")

    assert (parts.province, parts.regency, parts.district) == ("73", "07", "06")
    assert parts.birth_date == date(1980, 5, 14)
    assert parts.sex == "L"
    assert parts.serial == "0003"


def test_womans_nik_carries_her_birth_day_plus_forty():
    parts = parse_nik("7307064209840002")

    assert parts.birth_date == date(1984, 9, 2)
    assert parts.sex == "P"


def test_womans_nik_born_on_the_thirty_first():
    parts = parse_nik("7307067112900001")

    assert parts.birth_date == date(1990, 12, 31)
    assert parts.sex == "P"


def test_two_digit_year_up_to_the_cutoff_is_this_century():
    assert parse_nik("7307062001100001", century_cutoff=25).birth_date == date(2010, 1, 20)


def test_two_digit_year_after_the_cutoff_is_last_century():
    assert parse_nik("7307062001300001", century_cutoff=25).birth_date == date(1930, 1, 20)


def test_leap_day_is_a_valid_birth_date():
    assert parse_nik("7307062902000001", century_cutoff=25).birth_date == date(2000, 2, 29)


INVALID = {
    "15 digits": "730706140580000",
    "17 digits": "73070614058000031",
    "empty": "",
    "trailing newline": "7307061405800003\n",
    "leading space": " 7307061405800003",
    "letter O for zero": "73O7061405800003",
    "letters": "ABCDEFGHIJKLMNOP",
    "arabic-indic digits": "٧٣٠٧٠٦١٤٠٥٨٠٠٠٠٣",
    "full-width digits": "７３０７０６１４０５８００００３",
    "province 00": "0007061405800003",
    "regency 00": "7300061405800003",
    "district 00": "7307001405800003",
    "31 February": "7307063102800003",
    "31 February, woman": "7307067102800003",
    "day 00": "7307060005800003",
    "day 40": "7307064005800003",
    "month 00": "7307061400800003",
    "month 13": "7307061413800003",
    "29 February in a common year": "7307062902010001",
    "serial 0000": "7307061405800000",
}


@pytest.mark.parametrize("nik", INVALID.values(), ids=INVALID.keys())
def test_number_that_cannot_be_a_nik_is_invalid(nik):
    with pytest.raises(InvalidNik):
        parse_nik(nik, century_cutoff=25)


def test_invalid_nik_is_a_value_error():
    assert issubclass(InvalidNik, ValueError)


def test_masked_nik_keeps_region_and_last_two_digits():
    assert mask_nik("7307061405800003") == "7307**********03"


def test_masked_nik_keeps_its_length():
    assert len(mask_nik("7307061405800003")) == 16


def test_short_number_is_masked_entirely():
    assert mask_nik("1234567") == "*******"


def test_masked_name_keeps_the_first_two_letters_of_each_word():
    assert mask_name("Andi Baso Rahman") == "An** Ba** Ra****"


def test_masked_single_word_name():
    assert mask_name("Hasnawati") == "Ha*******"


def test_masked_name_collapses_extra_spaces():
    assert mask_name("  Muh.   Arifin ") == "Mu** Ar****"


def test_masked_name_of_short_words_hides_nothing_more_than_they_have():
    assert mask_name("Hj. A") == "Hj* A"


def test_masked_empty_name_is_empty():
    assert mask_name("") == ""
