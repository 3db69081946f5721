"""Console passwords: scrypt with a random salt per password, compared in constant time."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

MIN_LENGTH = 10
MAX_LENGTH = 200  # scrypt of a megabyte of "password" is work we need not do
_N, _R, _P = 2**14, 8, 1  # ~16 MiB and some tens of milliseconds per check
_SCHEME = "scrypt"


class WeakPassword(ValueError):
    """The password is too short or too long; the message says which."""


def check_strength(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"A console password has at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise WeakPassword(f"A console password has at most {MAX_LENGTH} characters")


def _derive(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=64 * 1024 * 1024, dklen=32
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str) -> str:
    """'scrypt$N$r$p$salt$hash', all a later check needs, even after the costs change."""
    check_strength(password)
    salt = secrets.token_bytes(16)
    digest = _derive(password, salt, _N, _R, _P)
    return f"{_SCHEME}${_N}${_R}${_P}${_b64(salt)}${_b64(digest)}"


# Checked against when the username is unknown, so the answer takes as long as for a known one.
_DUMMY = hash_password(secrets.token_urlsafe(16))


def verify_password(password: str, stored: str | None) -> bool:
    """True only for the right password; an account without a password never matches."""
    if len(password) > MAX_LENGTH:
        return False
    try:
        scheme, n, r, p, salt, digest = (stored or _DUMMY).split("$")
        if scheme != _SCHEME:
            return False
        actual = _derive(password, base64.b64decode(salt), int(n), int(r), int(p))
    except ValueError:
        return False
    return stored is not None and hmac.compare_digest(actual, base64.b64decode(digest))


def new_password() -> str:
    """A random password for demo accounts: 16 characters, easy to copy."""
    return secrets.token_urlsafe(12)
