"""Reading a screenshot the way a citizen would, and matching codes OCR may misread.

Tesseract reads the kiosk's words well but its random codes (ticket, receipt number) less so:
it takes 0 for O, 1 for I, and now and then adds or drops a glyph ("6GQ4" read as "6G6Q4").
A test that wants "this number is on the screen" therefore allows a couple of glyph edits after
folding the glyphs OCR confuses; another code of ours is many more edits away.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

# Glyphs tesseract swaps in our font, folded to one representative before comparing.
_CONFUSABLE = str.maketrans({"O": "0", "Q": "0", "D": "0", "o": "0", "I": "1", "l": "1", "|": "1"})


def screen_words(png: Path, psm: int = 3) -> str:
    """The words on a screenshot (tesseract; psm 11 finds scattered text too)."""
    return subprocess.run(
        ["tesseract", str(png), "-", "--psm", str(psm)], capture_output=True, text=True, check=True
    ).stdout


def fold(text: str) -> str:
    """``text`` without spaces and with the glyphs OCR confuses made one."""
    return "".join(text.split()).translate(_CONFUSABLE)


def nearest_edits(text: str, code: str) -> int:
    """The fewest one-glyph changes (swap, insert, drop) that make ``code`` appear in ``text``.

    A semi-global Levenshtein distance: the match may start and end anywhere in ``text``.
    """
    text, code = fold(text), fold(code)
    if not code:
        return 0
    # column[j]: edits to match code[:j] ending at the current position of text
    column = list(range(len(code) + 1))
    best = column[-1]
    for glyph in text:
        diagonal, column[0] = column[0], 0
        for j, wanted in enumerate(code, 1):
            diagonal, column[j] = (
                column[j],
                min(column[j] + 1, column[j - 1] + 1, diagonal + (glyph != wanted)),
            )
        best = min(best, column[-1])
    return best


def shows(words: str, code: str, max_edits: int = 2) -> bool:
    """``code`` is on the screen, allowing ``max_edits`` glyphs OCR got wrong."""
    return nearest_edits(words, code) <= max_edits
