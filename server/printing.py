"""Handing documents to kiosks: claim a pickup code, then record the outcome exactly once.

A claim is a lease: while it lasts no other kiosk can print the same code; when the kiosk
reports failure, or the lease runs out, the code becomes printable again. Only a reported
success consumes the code and counts the documents as printed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from server.audit import audit
from server.codes import (
    hash_secret,
    new_id,
    new_pickup_code,
    new_receipt_number,
    normalise_pickup_code,
)
from server.models import Document, Kiosk, PickupCode, PrintJob


class PickupRefused(Exception):
    """The code cannot be printed now; ``reason`` is stable, the message is for people."""

    def __init__(self, status: int, reason: str, message: str, **extra: str) -> None:
        super().__init__(message)
        self.status, self.reason, self.message, self.extra = status, reason, message, extra


@dataclass(frozen=True)
class Outcome:
    outcome: str  # printed | failed
    stage: str | None = None  # download | a4 | receipt
    detail: str = ""


def find_code(session: Session, text: str, now: datetime) -> PickupCode:
    """The live pickup code for ``text``, or PickupRefused(unknown_code)."""
    canonical = normalise_pickup_code(text)
    code = None
    if canonical is not None:
        code = session.scalar(
            select(PickupCode).where(PickupCode.code_hash == hash_secret(canonical))
        )
    if code is None or code.revoked_at is not None or code.expires_at < now:
        raise PickupRefused(404, "unknown_code", "Unknown, expired or revoked pickup code")
    return code


def claim(
    session: Session, kiosk: Kiosk, text: str, lease_seconds: int, key: str | None = None
) -> PrintJob:
    """Lease the documents of a scanned code to this kiosk."""
    code = find_code(session, text, datetime.now())
    return claim_code(session, kiosk, code, lease_seconds, key)


def claim_code(
    session: Session, kiosk: Kiosk, code: PickupCode, lease_seconds: int, key: str | None = None
) -> PrintJob:
    """Lease the code's documents to this kiosk, atomically against every other kiosk.

    ``key`` is the kiosk's idempotency key for the citizen's attempt: when this kiosk already
    holds the code's live claim made with the same key (its answer was lost on the network and
    the kiosk asks again), that same job is the answer instead of "in progress".
    """
    now = datetime.now()
    if code.used_at is not None:
        raise PickupRefused(
            409,
            "already_printed",
            "The documents for this code were already printed",
            printed_at=code.used_at.isoformat(timespec="minutes"),
        )
    job_id = new_id()
    taken = session.execute(
        update(PickupCode)
        .where(
            PickupCode.id == code.id,
            PickupCode.used_at.is_(None),
            or_(PickupCode.claimed_job_id.is_(None), PickupCode.claim_expires_at < now),
        )
        .values(claimed_job_id=job_id, claim_expires_at=now + timedelta(seconds=lease_seconds))
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        held = _held_with_key(session, kiosk, code, key, now)
        if held is not None:
            audit(session, f"kiosk:{kiosk.id}", "print_job.claim_repeated", held.id)
            return held
        raise PickupRefused(409, "in_progress", "This code is being printed at a kiosk right now")
    job = PrintJob(
        id=job_id,
        kiosk_id=kiosk.id,
        pickup_code_id=code.id,
        receipt_number=new_receipt_number(now),
        status="claimed",
        claimed_at=now,
        lease_expires_at=now + timedelta(seconds=lease_seconds),
        idempotency_key=key,
    )
    session.add(job)
    session.refresh(code)
    audit(session, f"kiosk:{kiosk.id}", "print_job.claim", job_id, code_hint=code.hint)
    return job


def _held_with_key(
    session: Session, kiosk: Kiosk, code: PickupCode, key: str | None, now: datetime
) -> PrintJob | None:
    """The live claim on ``code`` that this kiosk made with ``key``, if that is who holds it."""
    if key is None:
        return None
    session.refresh(code)  # the claim another request (or this kiosk's lost one) made
    if code.claimed_job_id is None or code.claim_expires_at is None:
        return None
    if code.claim_expires_at <= now or code.used_at is not None:
        return None
    job = session.get(PrintJob, code.claimed_job_id)
    if job is None or job.status != "claimed" or job.kiosk_id != kiosk.id:
        return None
    return job if job.idempotency_key == key else None


def job_for_kiosk(session: Session, kiosk: Kiosk, job_id: str) -> PrintJob:
    job = session.get(PrintJob, job_id)
    if job is None or job.kiosk_id != kiosk.id:
        raise PickupRefused(404, "unknown_job", "No such print job for this kiosk")
    return job


def record_outcome(session: Session, kiosk: Kiosk, job_id: str, result: Outcome) -> PrintJob:
    """Apply the kiosk's report once; a repeated report of the same outcome changes nothing.

    Both changes that must happen once are single conditional statements in the database, so
    two reports racing through two server processes cannot both count.
    """
    job = job_for_kiosk(session, kiosk, job_id)
    now = datetime.now()
    closed = session.execute(
        update(PrintJob)
        .where(PrintJob.id == job.id, PrintJob.status == "claimed")
        .values(status=result.outcome, completed_at=now)
        .execution_options(synchronize_session=False)
    )
    if closed.rowcount != 1:  # type: ignore[attr-defined]
        session.refresh(job)
        if job.status == result.outcome:
            return job  # a retry from the kiosk's outbox, or the same report racing itself
        raise PickupRefused(409, "job_closed", f"Print job already ended as {job.status}")
    session.refresh(job)
    code = job.pickup_code
    if result.outcome == "printed":
        code.used_at = now
        code.used_by_kiosk_id = kiosk.id
        session.execute(
            update(Document)
            .where(Document.id.in_([d.id for d in code.documents]))
            .values(print_count=Document.print_count + 1)
            .execution_options(synchronize_session=False)
        )
    else:
        job.failure_stage = result.stage
        job.failure_detail = result.detail[:200]
    if code.claimed_job_id == job.id:
        code.claimed_job_id = None
        code.claim_expires_at = None
    audit(session, f"kiosk:{kiosk.id}", f"print_job.{result.outcome}", job.id, stage=result.stage)
    return job


def issue_pickup_code(session: Session, documents: list[Document], days: int) -> str:
    """A new pickup code for these documents; only its hash is kept, the citizen gets the text."""
    now = datetime.now()
    text = new_pickup_code()
    canonical = normalise_pickup_code(text)
    assert canonical is not None
    code = PickupCode(
        code_hash=hash_secret(canonical),
        hint=canonical[:4],
        created_at=now,
        expires_at=now + timedelta(days=days),
        documents=list(documents),
    )
    session.add(code)
    audit(
        session, "system", "pickup_code.issue", canonical[:4], documents=[d.id for d in documents]
    )
    return text
