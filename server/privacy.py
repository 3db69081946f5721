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
