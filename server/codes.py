"""Pickup codes and receipt numbers: random, unambiguous to read aloud, stored only as hashes."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime

# Crockford's base32: no I, L, O, U, so a code read over the phone is not mistyped.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PICKUP_QR_PREFIX = "ADMP:"
_PICKUP = re.compile(r"^[0-9A-HJKMNP-TV-Z]{12}$")


def new_pickup_code() -> str:
    """A fresh 60-bit code, grouped for reading: 7KQ2-M9XD-4TRA."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(12))
    return f"{raw[0:4]}-{raw[4:8]}-{raw[8:12]}"


def normalise_pickup_code(text: str) -> str | None:
    """The canonical 12 characters of a code as typed or scanned, or None if it is no code."""
    if text.upper().startswith(PICKUP_QR_PREFIX):
        text = text[len(PICKUP_QR_PREFIX) :]
    compact = re.sub(r"[\s-]", "", text.upper())
    compact = compact.translate(str.maketrans("OIL", "011"))
    return compact if _PICKUP.match(compact) else None


def hash_secret(secret: str) -> str:
    """SHA-256 of a secret; codes are long random strings, so no slow hash is needed."""
    return hashlib.sha256(secret.encode()).hexdigest()


def new_receipt_number(now: datetime) -> str:
    """R-20261122-7KQ2M9: the date of printing plus a random part, unique per print job."""
    tail = "".join(secrets.choice(ALPHABET) for _ in range(6))
    return f"R-{now:%Y%m%d}-{tail}"


def new_id() -> str:
    return secrets.token_hex(16)
