"""Linux key codes to characters for a keyboard-wedge scanner set to the US layout."""

from __future__ import annotations

KEY_ENTER, KEY_KPENTER, KEY_LEFTSHIFT, KEY_RIGHTSHIFT = 28, 96, 42, 54

_ROWS = {
    2: "1234567890-=",
    16: "qwertyuiop[]",
    30: "asdfghjkl;'`",
    44: "zxcvbnm,./",
}
_SHIFTED = dict(zip("1234567890-=[];'`,./\\", '!@#$%^&*()_+{}:"~<>?|', strict=True))

PLAIN: dict[int, str] = {57: " ", 43: "\\"}
for first, chars in _ROWS.items():
    for offset, char in enumerate(chars):
        PLAIN[first + offset] = char


def char_for(code: int, shifted: bool) -> str | None:
    """The character a key types, or None for keys that type nothing we accept."""
    char = PLAIN.get(code)
    if char is None or not shifted:
        return char
    return char.upper() if char.isalpha() else _SHIFTED.get(char, char)


def keys_for(char: str) -> tuple[int, bool] | None:
    """The key and shift state that type ``char`` (for the simulator)."""
    for code, plain in PLAIN.items():
        if plain == char:
            return code, False
        if char_for(code, True) == char:
            return code, True
    return None
