"""Complaints (pengaduan): left at a kiosk with a ticket to note, answered by an officer.

A ticket reads PGD-7307-2611-7KQ2M9: PenGaDuan, the kiosk's regency, year and month, and six
characters of Crockford's alphabet (about a billion per regency and month), so a ticket cannot
be guessed from another one. Phone numbers are kept for the answer and masked in every log.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server.applications.models import Notification
from server.audit import audit
from server.codes import ALPHABET
from server.feedback import FeedbackRefused
from server.feedback.replay import check_same, earlier_submission, lock_kiosk
from server.models import Complaint, Kiosk
from server.privacy import mask_phone
from server.signing import canonical_json

log = logging.getLogger(__name__)

# code -> (Indonesian, English), in the order the kiosk shows them
CATEGORIES: dict[str, tuple[str, str]] = {
    "layanan": ("Pelayanan", "Service"),
    "dokumen": ("Dokumen", "Documents"),
    "perangkat": ("Perangkat ADM (kios)", "The kiosk itself"),
    "petugas": ("Petugas", "Staff"),
    "lainnya": ("Lainnya", "Other"),
}
STATUSES = ("open", "answered", "closed")
MAX_TEXT = 1000
MAX_ANSWER = 1000
SUBMIT = "complaint.submit"
_TICKET = re.compile(rf"^PGD-[0-9]{{4}}-[0-9]{{4}}-[{ALPHABET}]{{6}}$")


@dataclass(frozen=True)
class ComplaintDraft:
    """A complaint as the kiosk sent it, already checked (text clean, phone as +628...)."""

    category: str
    text: str
    contact_phone: str | None

    def digest(self) -> str:
        content = {"category": self.category, "text": self.text, "phone": self.contact_phone}
        return hashlib.sha256(canonical_json(content)).hexdigest()


def new_ticket(session: Session, region_code: str, now: datetime) -> str:
    regency = re.sub(r"[^0-9]", "", region_code)[:4].ljust(4, "0")
    for _ in range(20):
        tail = "".join(secrets.choice(ALPHABET) for _ in range(6))
        ticket = f"PGD-{regency}-{now:%y%m}-{tail}"
        if session.scalar(select(Complaint.id).where(Complaint.ticket == ticket)) is None:
            return ticket
    raise FeedbackRefused(503, "tickets_exhausted", "No free ticket number; try again")


def submit_complaint(
    session: Session, kiosk: Kiosk, key: str, draft: ComplaintDraft
) -> tuple[Complaint, bool]:
    """Store the complaint once per (kiosk, key); returns it and whether it is new."""
    digest = draft.digest()
    lock_kiosk(session, kiosk)
    earlier = earlier_submission(session, Complaint, kiosk, key)
    if earlier is not None:
        check_same(earlier, digest, "complaint")
        return earlier, False
    now = datetime.now()
    complaint = Complaint(
        ticket=new_ticket(session, kiosk.region_code, now),
        kiosk_id=kiosk.id,
        category=draft.category,
        text=draft.text,
        contact_phone=draft.contact_phone,
        status="open",
        created_at=now,
        idempotency_key=key,
        request_digest=digest,
    )
    session.add(complaint)
    try:
        session.flush()
    except IntegrityError:  # a ticket drawn at the same instant by another process
        raise FeedbackRefused(
            503, "try_again", "Could not store the complaint; send it again"
        ) from None
    contact = mask_phone(draft.contact_phone) if draft.contact_phone else None
    audit(
        session,
        f"kiosk:{kiosk.id}",
        SUBMIT,
        complaint.ticket,
        category=draft.category,
        contact=contact,
    )
    log.info(
        "complaint %s (%s) from kiosk %s, contact %s",
        complaint.ticket,
        draft.category,
        kiosk.id,
        contact,
    )
    return complaint, True


def is_complaint_ticket(ticket: str) -> bool:
    """PGD-…: complaint tickets have their own prefix, unlike application tickets."""
    return ticket.strip().upper().startswith("PGD")


def find_complaint(session: Session, ticket: str) -> Complaint:
    """The complaint of a ticket as typed (any case, O for 0, spaces for dashes), or 404."""
    text = re.sub(r"[\s-]+", "-", ticket.strip().upper())
    if text.startswith("PGD-"):  # after the prefix, only digits and Crockford's alphabet
        text = "PGD-" + text[4:].translate(str.maketrans("OIL", "011"))
    found = None
    if _TICKET.match(text):
        found = session.scalar(select(Complaint).where(Complaint.ticket == text))
    if found is None:
        raise FeedbackRefused(404, "unknown_ticket", "No complaint has this ticket number")
    return found


def list_complaints(
    session: Session,
    status: str | None,
    category: str | None,
    kiosk_id: str | None,
    limit: int,
    offset: int,
) -> list[Complaint]:
    """The office's list, oldest first: the one waiting longest is answered first."""
    query = select(Complaint).order_by(Complaint.created_at, Complaint.id)
    if status is not None:
        query = query.where(Complaint.status == status)
    if category is not None:
        query = query.where(Complaint.category == category)
    if kiosk_id is not None:
        query = query.where(Complaint.kiosk_id == kiosk_id)
    return list(session.scalars(query.limit(limit).offset(offset)))


def answer_complaint(session: Session, ticket: str, actor: str, answer: str) -> Complaint:
    """Record the office's answer once; a complaint already answered is 409."""
    complaint = find_complaint(session, ticket)
    now = datetime.now()
    session.flush()
    taken = session.execute(
        update(Complaint)
        .where(Complaint.id == complaint.id, Complaint.status == "open")
        .values(status="answered", answer=answer, answered_at=now, answered_by=actor)
        .execution_options(synchronize_session=False)
    )
    session.refresh(complaint)
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        raise FeedbackRefused(
            409,
            "already_answered",
            f"This complaint is {complaint.status}, no longer open",
            current=complaint.status,
        )
    audit(session, actor, "complaint.answer", complaint.ticket, category=complaint.category)
    if complaint.contact_phone:
        session.add(
            Notification(
                complaint_id=complaint.id,
                kind="answer",
                channel="whatsapp",
                recipient=complaint.contact_phone,
                text=answer_text(complaint),
                created_at=now,
            )
        )
    return complaint


def answer_text(complaint: Complaint) -> str:
    """The WhatsApp message a citizen who left a number receives, in Indonesian."""
    return (
        f"Dukcapil: jawaban atas pengaduan Anda {complaint.ticket}:\n"
        f"{complaint.answer}\n"
        "Terima kasih telah menyampaikan pengaduan."
    )
