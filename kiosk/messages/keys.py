"""Texts of the on-screen keypad and keyboard."""

MESSAGES = {
    "keys.delete": {"id": "Hapus", "en": "Delete"},
    "keys.clear": {"id": "Kosongkan", "en": "Clear"},
    "keys.space": {"id": "Spasi", "en": "Space"},
    "keys.lower": {"id": "abc", "en": "abc"},
    "keys.upper": {"id": "ABC", "en": "ABC"},
}
