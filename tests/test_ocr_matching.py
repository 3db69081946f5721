"""The UI tests' code matching: forgiving of OCR's glyph slips, strict about another code."""

from ocr import nearest_edits, shows

SCREEN = "Nomor tiket: ADM-7307-2611-6G6Q4 Diajukan 22 November 2026"


def test_a_glyph_ocr_added_or_swapped_still_matches_the_ticket():
    assert nearest_edits(SCREEN, "ADM-7307-2611-6GQ4") == 1  # "6G6Q4": one glyph added
    assert shows("Nomor: R-2O261122-AB1I0Z", "R-20261122-AB1I0Z")  # O for 0, I for 1
    assert shows("R - 20261122 - AB1C0Z", "R-20261122-AB1C0Z")  # spaces OCR put in


def test_another_ticket_is_not_taken_for_this_one():
    assert not shows(SCREEN, "ADM-7307-2611-XK7P2")
    assert not shows(SCREEN, "PGD-7307-2611-6GQ4AA")
