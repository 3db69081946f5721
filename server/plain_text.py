"""Free text typed by citizens and officers: stripped, bounded, with no control characters.

What a citizen types at a kiosk ends up in the staff console, in WhatsApp messages and in the
audit log; a control character (an escape sequence, a right-to-left override, a NUL) could
garble or disguise any of them. Line breaks are kept where the text may have paragraphs.
"""

from __future__ import annotations

import unicodedata


class BadText(ValueError):
    """The text is empty, too long, or holds a character that is not plain text."""


def clean_text(text: str, max_length: int, *, lines: bool = False) -> str:
    """The text stripped (line endings as \\n when ``lines``), or BadText saying what is wrong."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise BadText("must not be empty")
    if len(text) > max_length:
        raise BadText(f"at most {max_length} characters")
    for char in text:
        if char == "\n" and lines:
            continue
        # Cc: control codes; Cf: invisible formatting (bidi overrides, zero-width); Cs, Co, Cn:
        # surrogates, private use and unassigned code points, which no keyboard types.
        if unicodedata.category(char).startswith("C"):
            raise BadText(f"holds a control character (U+{ord(char):04X})")
    return text
