"""Reprints: a confirmed print spends the pickup code, so printing again needs an officer.

When the paper came out damaged, or the printer jammed after the kiosk had already confirmed,
the citizen goes to an officer. The officer approves a reprint with a reason; the document gets
a new one-time pickup code (and a registration number + PIN for people who type), which prints
through the ordinary claim path and counts as one more print. The citizen is told the new code
when the document came from an application with a contact. An earlier reprint code of the same
document that was never used is revoked, so one approval is live at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.applications.models import Application, application_documents
from server.applications.notifications import Notifier, nearest_kiosks
from server.audit import audit
from server.catalogue import Catalogue
from server.codes import hash_secret, normalise_pickup_code
from server.models import Document, PickupCode
from server.pickup_pin import PinCredential, issue_pickup_with_pin

MAX_REASON = 300


class ReprintRefused(Exception):
    """Nothing was changed; ``reason`` is the stable word the console translates."""

    def __init__(self, status: int, reason: str, message: str) -> None:
        super().__init__(message)
        self.status, self.reason, self.message = status, reason, message


@dataclass(frozen=True)
class Reprint:
    """What the officer hands over (or the citizen is sent): a new code for one document."""

    document: Document
    pickup_code: str
    credential: PinCredential
    expires_at: datetime
    notified: bool


def application_of(session: Session, document: Document) -> Application | None:
    """The application that yielded the document, if it came from one (the latest, if several)."""
    return session.scalar(
        select(Application)
        .join(application_documents, application_documents.c.application_id == Application.id)
        .where(application_documents.c.document_id == document.id)
        .order_by(Application.id.desc())
        .limit(1)
    )


def _has_contact(application: Application) -> bool:
    if application.notify_via == "email":
        return bool(application.applicant_email)
    return bool(application.applicant_phone)


def _revoke_unused_reprints(session: Session, document: Document, now: datetime) -> list[str]:
    """Revoke live, unused codes for this document alone; codes of a whole bundle stay."""
    codes = session.scalars(
        select(PickupCode).where(
            PickupCode.documents.contains(document),
            PickupCode.used_at.is_(None),
            PickupCode.revoked_at.is_(None),
            PickupCode.expires_at >= now,
        )
    )
    revoked = []
    for code in codes:
        if [d.id for d in code.documents] == [document.id]:
            code.revoked_at = now
            revoked.append(code.hint)
    return revoked


def reprint_text(
    names: list[str],
    ticket: str,
    pickup_code: str,
    credential: PinCredential,
    expires_at: datetime,
    kiosks: list[str],
) -> str:
    """The message to the citizen, in Indonesian like every other message they get."""
    number = credential.registration_number
    where = "; ".join(kiosks) if kiosks else "kantor Dinas Kependudukan dan Pencatatan Sipil"
    return (
        f"Cetak ulang dokumen {', '.join(names)} (tiket {ticket}) sudah disetujui petugas. "
        f"Kode pengambilan: {pickup_code}. Atau ketik nomor registrasi "
        f"{number[0:4]}-{number[4:8]}-{number[8:12]} dan PIN {credential.pin}. "
        f"Cetak di ADM terdekat: {where}. Kode berlaku sampai {expires_at:%d-%m-%Y} dan hanya "
        f"bisa dipakai sekali; jangan berikan kepada orang lain."
    )


def approve_reprint(
    session: Session,
    document_id: str,
    actor: str,
    reason: str,
    days: int,
    catalogue: Catalogue,
    notifier: Notifier,
) -> Reprint:
    """A new one-time pickup code for the document, audited with the officer and the reason."""
    document = session.get(Document, document_id)
    if document is None:
        raise ReprintRefused(404, "unknown_document", "No document has this id")
    if document.revoked_at is not None:
        raise ReprintRefused(
            409, "document_revoked", "This document was revoked; it cannot be printed again"
        )
    now = datetime.now()
    replaced = _revoke_unused_reprints(session, document, now)
    text, credential = issue_pickup_with_pin(session, [document], days)
    canonical = normalise_pickup_code(text)
    assert canonical is not None
    code = session.scalars(
        select(PickupCode).where(PickupCode.code_hash == hash_secret(canonical))
    ).one()
    application = application_of(session, document)
    notified = application is not None and _has_contact(application)
    if application is not None and notified:
        doc_type = catalogue.document_types.get(document.doc_type)
        names = [doc_type.name_id if doc_type else document.doc_type]
        kiosks = nearest_kiosks(session, application.region_code)
        notifier.send(
            application,
            "reprint",
            reprint_text(names, application.ticket, text, credential, code.expires_at, kiosks),
        )
    audit(
        session,
        actor,
        "document.reprint",
        document.id,
        reason=reason,
        printed_before=document.print_count,
        pickup_code=code.hint,
        replaced=replaced,
        notified=notified,
    )
    return Reprint(document, text, credential, code.expires_at, notified)
