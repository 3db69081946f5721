"""Text to printer bytes, explicitly: the code page is chosen by the profile, never guessed."""

from __future__ import annotations

from devices.errors import ConfigError

# ESC t n selects the printer's character table; the Python codec encodes for that table.
CODEPAGES = {
    "cp437": (0, "cp437"),
    "cp850": (2, "cp850"),
    "cp858": (19, "cp858"),
    "cp1252": (16, "cp1252"),
}


def select_codepage(name: str) -> tuple[bytes, str]:
    """The ESC t command and Python codec for a profile's code page."""
    try:
        number, codec = CODEPAGES[name.lower()]
    except KeyError:
        raise ConfigError(
            f"receipt code page {name!r} is unknown; use one of {', '.join(CODEPAGES)}"
        ) from None
    return b"\x1bt" + bytes([number]), codec


def encode_text(text: str, codec: str) -> bytes:
    """Encode for the printer; a character the code page lacks prints as '?', never crashes."""
    return text.encode(codec, errors="replace")
