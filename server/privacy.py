"""How personal data may be shown outside the register: partly masked."""

from __future__ import annotations


def mask_nik(nik: str) -> str:
    """Show a NIK the way logs and screens may: 7307**********12."""
    if len(nik) < 8:
        return "*" * len(nik)
    return nik[:4] + "*" * (len(nik) - 6) + nik[-2:]


def mask_name(name: str) -> str:
    """Keep the first two letters of each word: 'Andi Baso Rahman' -> 'An** Ba** Ra****'."""
    return " ".join(w[:2] + "*" * max(len(w) - 2, 0) for w in name.split())


def mask_phone(phone: str) -> str:
    """Show a phone number the way logs may: +62812******77 (operator prefix and last two)."""
    if len(phone) < 8:
        return "*" * len(phone)
    return phone[:6] + "*" * (len(phone) - 8) + phone[-2:]
