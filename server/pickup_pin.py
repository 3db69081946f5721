"""Pickup by registration number + 6-digit PIN, for people who type instead of scanning.

A 6-digit PIN is guessable, so guessing is made hopeless: after a few wrong PINs the
application's PIN locks for a while, and a kiosk that keeps failing on any number is slowed
down. The route records a failure and answers without raising, so the request's own
transaction commits the count (a second transaction would wait on the first's write lock).
"""

from __future__ import annotations

import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.audit import audit
from server.codes import hash_secret, normalise_pickup_code
from server.models import AuditEntry, Document, Kiosk, PickupCode
from server.printing import PickupRefused, issue_pickup_code

MAX_FAILURES = 5  # wrong PINs before the application's PIN locks
LOCK_MINUTES = 15
KIOSK_FAILURES_PER_WINDOW = 20  # wrong PINs from one kiosk, any application, per window
KIOSK_WINDOW_MINUTES = 10

_REGISTRATION = re.compile(r"^[0-9]{12}$")
_PIN = re.compile(r"^[0-9]{6}$")


class PinFailed(PickupRefused):
    """A wrong registration number or PIN: counted against the application and the kiosk."""

    def __init__(self, code_id: int | None) -> None:
        super().__init__(404, "wrong_pin", "Registration number or PIN is not right")
        self.code_id = code_id


@dataclass(frozen=True)
class PinCredential:
    registration_number: str  # 12 digits, read aloud as 4-4-4
    pin: str  # 6 digits


def new_pin_credential() -> PinCredential:
    number = "".join(secrets.choice("0123456789") for _ in range(12))
    return PinCredential(number, f"{secrets.randbelow(10**6):06d}")


def pin_hash(registration_number: str, pin: str) -> str:
    return hash_secret(f"{registration_number}:{pin}")


def attach_pin(code: PickupCode) -> PinCredential:
    """Give a pickup code a registration number and PIN as well; returns them for the citizen."""
    credential = new_pin_credential()
    code.registration_number = credential.registration_number
    code.pin_hash = pin_hash(credential.registration_number, credential.pin)
    return credential


def _normalise(registration_number: str) -> str:
    return re.sub(r"[\s-]", "", registration_number)


def find_by_pin(
    session: Session, kiosk: Kiosk, registration_number: str, pin: str, now: datetime
) -> PickupCode:
    """The pickup code behind a typed registration number and PIN, or a refusal."""
    failures = session.scalar(
        select(func.count(AuditEntry.id)).where(
            AuditEntry.actor == f"kiosk:{kiosk.id}",
            AuditEntry.action == "pickup.pin_failed",
            AuditEntry.at >= now - timedelta(minutes=KIOSK_WINDOW_MINUTES),
        )
    )
    if (failures or 0) >= KIOSK_FAILURES_PER_WINDOW:
        raise PickupRefused(
            429, "too_many_attempts", "Too many wrong PINs at this kiosk; try again later"
        )
    number = _normalise(registration_number)
    if not _REGISTRATION.match(number) or not _PIN.match(pin):
        raise PinFailed(None)
    code = session.scalar(select(PickupCode).where(PickupCode.registration_number == number))
    if code is None or code.revoked_at is not None or code.expires_at < now:
        raise PinFailed(None)
    if code.locked_until is not None and code.locked_until > now:
        raise PickupRefused(
            423,
            "pin_locked",
            "This registration number is locked after wrong PINs",
            locked_until=code.locked_until.isoformat(timespec="minutes"),
        )
    if code.pin_hash is None or not hmac.compare_digest(code.pin_hash, pin_hash(number, pin)):
        raise PinFailed(code.id)
    code.failed_attempts = 0
    return code


def record_failure(session: Session, kiosk_id: str, code_id: int | None, now: datetime) -> None:
    """Count a wrong PIN; lock the application's PIN after too many."""
    audit(session, f"kiosk:{kiosk_id}", "pickup.pin_failed", str(code_id or "-"))
    if code_id is None:
        return
    code = session.get(PickupCode, code_id)
    if code is None:
        return
    code.failed_attempts += 1
    if code.failed_attempts >= MAX_FAILURES:
        code.locked_until = now + timedelta(minutes=LOCK_MINUTES)
        code.failed_attempts = 0
        audit(session, "system", "pickup.pin_locked", str(code_id))


def issue_pickup_with_pin(
    session: Session, documents: list[Document], days: int
) -> tuple[str, PinCredential]:
    """A pickup code for scanning and, for the same documents, a number + PIN for typing."""
    text = issue_pickup_code(session, documents, days)
    canonical = normalise_pickup_code(text)
    assert canonical is not None
    session.flush()
    code = session.scalar(select(PickupCode).where(PickupCode.code_hash == hash_secret(canonical)))
    assert code is not None
    return text, attach_pin(code)
