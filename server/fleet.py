"""The office's fleet: create a kiosk, hand it a one-time enrolment code, place it, revoke it.

A kiosk is created by a staff admin before it leaves the office. Its first credential comes
from a one-time enrolment code, typed or scanned by the technician at the kiosk, which the
kiosk exchanges for its own secret (`adm-kiosk enrol`); the server keeps only the secret's
SHA-256. A new code for a kiosk that is already enrolled (disk replaced, credential lost)
replaces its credential once it is used. Placing a kiosk at a location, or changing that
location, raises the kiosk's config version: it fetches its new configuration at its next
heartbeat.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from server.audit import audit
from server.codes import ALPHABET, hash_secret
from server.models import EnrolmentCode, Kiosk, Location

ENROLMENT_HOURS = 72  # time to carry the kiosk to its place and switch it on


class FleetRefused(Exception):
    """A fleet change that cannot be made; ``reason`` is stable, the message is for people."""

    def __init__(self, status: int, reason: str, message: str) -> None:
        super().__init__(message)
        self.status, self.reason, self.message = status, reason, message


@dataclass(frozen=True)
class Enrolment:
    kiosk_id: str
    code: str  # shown once, to the admin who prints or reads it to the technician
    expires_at: datetime


def new_enrolment_code() -> str:
    """80 random bits in Crockford base32, grouped for typing: 7KQ2-M9XD-4TRA-B8CW."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def normalise_enrolment_code(text: str) -> str:
    compact = "".join(text.upper().split()).replace("-", "")
    return compact.translate(str.maketrans("OIL", "011"))


def create_kiosk(
    session: Session, actor: str, kiosk_id: str, name: str, location_id: int | None
) -> tuple[Kiosk, Enrolment]:
    """A new kiosk, not yet enrolled, and its first enrolment code."""
    if session.get(Kiosk, kiosk_id) is not None:
        raise FleetRefused(409, "kiosk_exists", f"A kiosk {kiosk_id} already exists")
    now = datetime.now()
    kiosk = Kiosk(
        id=kiosk_id,
        name=name,
        location_name="",
        region_code="",
        # Nobody knows this secret: the kiosk cannot call until it is enrolled.
        credential_hash=hash_secret(secrets.token_hex(32)),
        created_at=now,
        config_version=1,
    )
    session.add(kiosk)
    if location_id is not None:
        _place(session, kiosk, _location(session, location_id))
    session.flush()
    audit(session, actor, "kiosk.create", kiosk_id, name=name, location_id=location_id)
    return kiosk, issue_enrolment_code(session, actor, kiosk)


def issue_enrolment_code(session: Session, actor: str, kiosk: Kiosk) -> Enrolment:
    """A fresh one-time code for this kiosk; earlier unused codes stop working."""
    if kiosk.revoked_at is not None:
        raise FleetRefused(409, "kiosk_revoked", "A revoked kiosk cannot be enrolled again")
    now = datetime.now()
    session.execute(
        update(EnrolmentCode)
        .where(EnrolmentCode.kiosk_id == kiosk.id, EnrolmentCode.used_at.is_(None))
        .values(expires_at=now)
    )
    code = new_enrolment_code()
    expires_at = now + timedelta(hours=ENROLMENT_HOURS)
    session.add(
        EnrolmentCode(
            kiosk_id=kiosk.id,
            code_hash=hash_secret(normalise_enrolment_code(code)),
            created_at=now,
            expires_at=expires_at,
        )
    )
    audit(session, actor, "kiosk.enrolment_code", kiosk.id, expires_at=expires_at)
    return Enrolment(kiosk.id, code, expires_at)


def enrol(session: Session, code_text: str) -> tuple[Kiosk, str]:
    """Exchange a one-time code for the kiosk's credential `<id>:<secret>`, exactly once."""
    now = datetime.now()
    code = session.scalar(
        select(EnrolmentCode).where(
            EnrolmentCode.code_hash == hash_secret(normalise_enrolment_code(code_text))
        )
    )
    if code is None or code.expires_at <= now:
        raise FleetRefused(404, "unknown_enrolment_code", "Unknown or expired enrolment code")
    # Conditional: two kiosks (or a retry) racing with one code get one credential.
    taken = session.execute(
        update(EnrolmentCode)
        .where(EnrolmentCode.id == code.id, EnrolmentCode.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        raise FleetRefused(409, "enrolment_code_used", "This enrolment code was already used")
    kiosk = session.get(Kiosk, code.kiosk_id)
    assert kiosk is not None
    if kiosk.revoked_at is not None:
        raise FleetRefused(403, "kiosk_revoked", "This kiosk has been revoked by the office")
    secret = secrets.token_urlsafe(32)
    kiosk.credential_hash = hash_secret(secret)
    audit(session, f"kiosk:{kiosk.id}", "kiosk.enrol", kiosk.id)
    return kiosk, f"{kiosk.id}:{secret}"


def place(session: Session, actor: str, kiosk: Kiosk, location_id: int) -> None:
    """Move the kiosk to a location: its name, region and services follow at its next fetch."""
    location = _location(session, location_id)
    before = kiosk.location_id
    _place(session, kiosk, location)
    audit(session, actor, "kiosk.place", kiosk.id, location_id=location_id, before=before)


def revoke(session: Session, actor: str, kiosk: Kiosk, reason: str) -> None:
    """The kiosk is refused from its next request on (stolen, broken, decommissioned)."""
    if kiosk.revoked_at is None:
        kiosk.revoked_at = datetime.now()
        audit(session, actor, "kiosk.revoke", kiosk.id, reason=reason)


def location_changed(session: Session, location: Location) -> None:
    """Every kiosk at the location has a new configuration to fetch."""
    session.execute(
        update(Kiosk)
        .where(Kiosk.location_id == location.id)
        .values(
            config_version=Kiosk.config_version + 1,
            location_name=location.name,
            region_code=location.region_code,
        )
        .execution_options(synchronize_session=False)
    )


def enabled_services(kiosk: Kiosk) -> list[str]:
    """The service codes citizens may apply for at this kiosk: its location's, or none."""
    if kiosk.location is None:
        return []
    services: list[str] = json.loads(kiosk.location.enabled_services or "[]")
    return services


def _location(session: Session, location_id: int) -> Location:
    location = session.get(Location, location_id)
    if location is None:
        raise FleetRefused(404, "unknown_location", "No such location")
    return location


def _place(session: Session, kiosk: Kiosk, location: Location) -> None:
    kiosk.location = location
    kiosk.location_id = location.id
    kiosk.location_name = location.name
    kiosk.region_code = location.region_code
    kiosk.config_version = (kiosk.config_version or 0) + 1
