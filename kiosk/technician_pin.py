"""The technician's PIN: kept only as a salted scrypt hash in the configuration, and locked after
repeated failures.

``adm-kiosk technician-pin`` prints the line for ``[technician] pin_hash``. The failure count and
the lockout survive a restart (a small JSON file in the data directory), so switching the kiosk
off and on does not give a guesser fresh attempts.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

# scrypt cost: ~50 ms on a kiosk's CPU, 16 MiB of memory; a 6-8 digit PIN is weak by nature,
# the lockout below is what protects it.
_N, _R, _P = 2**14, 8, 1
PIN_DIGITS = (6, 8)


class PinFormatError(ValueError):
    """A configured hash that is not ours, or a PIN that is not 6 to 8 digits."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_pin(pin: str, salt: bytes | None = None) -> str:
    """``scrypt$16384$8$1$<salt>$<hash>`` for a PIN of 6 to 8 digits."""
    if not (pin.isdigit() and pin.isascii() and PIN_DIGITS[0] <= len(pin) <= PIN_DIGITS[1]):
        raise PinFormatError("the technician PIN must be 6 to 8 digits")
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${_b64(salt)}${_b64(digest)}"


def check_hash_format(stored: str) -> None:
    """Raise :class:`PinFormatError` unless ``stored`` is a hash :func:`hash_pin` wrote."""
    _parse(stored)


def _parse(stored: str) -> tuple[int, int, int, bytes, bytes]:
    parts = stored.split("$")
    try:
        if len(parts) != 6 or parts[0] != "scrypt":
            raise ValueError
        n, r, p = int(parts[1]), int(parts[2]), int(parts[3])
        salt = base64.b64decode(parts[4], validate=True)
        digest = base64.b64decode(parts[5], validate=True)
    except ValueError:
        raise PinFormatError(
            "pin_hash is not a hash written by `adm-kiosk technician-pin`"
        ) from None
    if not (2**10 <= n <= 2**20 and n & (n - 1) == 0 and 1 <= r <= 32 and 1 <= p <= 16):
        raise PinFormatError("pin_hash has cost parameters out of range")
    if len(salt) < 8 or len(digest) != 32:
        raise PinFormatError("pin_hash has a salt or digest of the wrong length")
    return n, r, p, salt, digest


def pin_matches(pin: str, stored: str) -> bool:
    n, r, p, salt, digest = _parse(stored)
    candidate = hashlib.scrypt(pin.encode(), salt=salt, n=n, r=r, p=p, dklen=len(digest))
    return hmac.compare_digest(candidate, digest)


@dataclass(frozen=True)
class PinVerdict:
    ok: bool
    tries_left: int  # before the lockout
    locked_for: float  # seconds until another try is allowed (0: not locked)


class PinLock:
    """Checks PINs against the hash; ``max_failures`` wrong ones lock for ``lockout_s``."""

    def __init__(
        self, pin_hash: str, state_file: Path, max_failures: int = 5, lockout_s: float = 300.0
    ) -> None:
        check_hash_format(pin_hash)
        self._hash = pin_hash
        self._state_file = state_file
        self.max_failures = max_failures
        self.lockout_s = lockout_s

    def _load(self) -> tuple[int, float]:
        try:
            data = json.loads(self._state_file.read_text(encoding="utf-8"))
            return int(data["failures"]), float(data["locked_until"])
        except FileNotFoundError:
            return 0, 0.0
        except (OSError, ValueError, KeyError, TypeError):
            log.warning("technician PIN state %s unreadable: counted as locked", self._state_file)
            return self.max_failures, time.time() + self.lockout_s

    def _save(self, failures: int, locked_until: float) -> None:
        self._state_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = self._state_file.with_suffix(".tmp")
        tmp.write_text(json.dumps({"failures": failures, "locked_until": locked_until}))
        os.replace(tmp, self._state_file)

    def locked_for(self, now: float | None = None) -> float:
        now = time.time() if now is None else now
        _, locked_until = self._load()
        return max(0.0, locked_until - now)

    def check(self, pin: str, now: float | None = None) -> PinVerdict:
        """Compare ``pin``; while locked, nothing is compared and the lockout is reported."""
        now = time.time() if now is None else now
        failures, locked_until = self._load()
        if locked_until > now:
            return PinVerdict(False, 0, locked_until - now)
        if pin_matches(pin, self._hash):
            self._save(0, 0.0)
            log.info("technician mode opened")
            return PinVerdict(True, self.max_failures, 0.0)
        failures += 1
        if failures >= self.max_failures:
            self._save(0, now + self.lockout_s)
            log.warning(
                "technician PIN: %d wrong in a row, locked for %.0f s", failures, self.lockout_s
            )
            return PinVerdict(False, 0, self.lockout_s)
        self._save(failures, 0.0)
        log.warning("technician PIN wrong (%d of %d)", failures, self.max_failures)
        return PinVerdict(False, self.max_failures - failures, 0.0)
