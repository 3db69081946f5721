"""An application's life, as an office runs it: every step legal, recorded, audited and told.

submitted -> in_verification -> needs_fixing -> (citizen resubmits) in_verification
-> approved -> issued (bundle signed, pickup code made) -> printed | couriered | emailed;
rejected from any step before approval. A step is taken with a compare-and-set on the status,
so two officers (or two server processes) can never both take it.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from server.applications.bundle import Issuer, issue_bundle
from server.applications.errors import ApplicationRefused
from server.applications.models import Application, StatusChange
from server.applications.notifications import (
    Notifier,
    nearest_kiosks,
    needs_fixing_text,
    ready_text,
    rejected_text,
)
from server.applications.papers import CheckedPaper
from server.applications.submission import add_papers
from server.audit import audit
from server.catalogue import Catalogue
from server.codes import hash_secret, normalise_pickup_code
from server.models import Document, PickupCode
from server.printing import issue_pickup_code

TRANSITIONS: dict[str, frozenset[str]] = {
    "submitted": frozenset({"in_verification", "rejected"}),
    "in_verification": frozenset({"needs_fixing", "approved", "rejected"}),
    "needs_fixing": frozenset({"in_verification", "rejected"}),
    "approved": frozenset({"issued"}),
    "issued": frozenset({"printed", "couriered", "emailed"}),
    "printed": frozenset(),
    "couriered": frozenset(),
    "emailed": frozenset(),
    "rejected": frozenset(),
}
STATUSES = tuple(TRANSITIONS)
DELIVERED = ("printed", "couriered", "emailed")
REASON_REQUIRED = frozenset({"needs_fixing", "rejected"})
LABELS: dict[str, tuple[str, str]] = {  # what the citizen reads: Indonesian, English
    "submitted": ("Diterima, menunggu verifikasi", "Received, waiting for verification"),
    "in_verification": ("Sedang diverifikasi", "Being verified"),
    "needs_fixing": ("Perlu perbaikan berkas", "Papers need fixing"),
    "approved": ("Disetujui, dokumen sedang ditandatangani", "Approved, documents being signed"),
    "issued": ("Dokumen siap dicetak", "Documents ready to print"),
    "printed": ("Dokumen sudah dicetak", "Documents printed"),
    "couriered": ("Dokumen dikirim melalui kurir", "Documents sent by courier"),
    "emailed": ("Dokumen dikirim melalui e-mail", "Documents sent by e-mail"),
    "rejected": ("Permohonan ditolak", "Application rejected"),
}
MAX_REASON = 500


def move(
    session: Session,
    application: Application,
    to: str,
    actor: str,
    reason: str | None = None,
    now: datetime | None = None,
) -> StatusChange:
    """Take one step, or ApplicationRefused(illegal_transition) changing nothing."""
    now = now or datetime.now()
    current = application.status
    if to not in TRANSITIONS.get(current, frozenset()):
        raise ApplicationRefused(
            409,
            "illegal_transition",
            f"An application that is {current} cannot become {to}",
            current=current,
            to=to,
        )
    reason = (reason or "").strip() or None
    if to in REASON_REQUIRED and reason is None:
        raise ApplicationRefused(422, "reason_required", f"Say why the application is {to}")
    if reason is not None and len(reason) > MAX_REASON:
        raise ApplicationRefused(422, "reason_too_long", f"At most {MAX_REASON} characters")
    session.flush()
    taken = session.execute(
        update(Application)
        .where(Application.id == application.id, Application.status == current)
        .values(status=to, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        raise ApplicationRefused(
            409, "concurrent_change", "Someone else changed this application just now"
        )
    application.status = to
    application.updated_at = now
    if to in REASON_REQUIRED:
        application.status_reason = reason
    elif to == "in_verification":
        application.status_reason = None
        application.fix_papers = "[]"
    change = StatusChange(from_status=current, to_status=to, actor=actor, reason=reason, at=now)
    application.history.append(change)
    audit(
        session, actor, f"application.{to}", application.ticket, reason=reason, **{"from": current}
    )
    return change


def verify(session: Session, application: Application, actor: str) -> None:
    """An officer starts checking the papers."""
    move(session, application, "in_verification", actor)


def request_fixes(
    session: Session,
    application: Application,
    actor: str,
    reason: str,
    papers: list[str],
    catalogue: Catalogue,
    notifier: Notifier,
) -> None:
    """Send the application back to the citizen, saying why (in Indonesian) and which papers."""
    service = catalogue.services[application.service_code]
    unknown = [code for code in papers if service.paper(code) is None]
    if unknown:
        raise ApplicationRefused(
            422, "unknown_requirement", f"{service.code} asks for no paper {unknown[0]!r}"
        )
    move(session, application, "needs_fixing", actor, reason)
    application.fix_papers = json.dumps(sorted(set(papers)))
    notifier.send(
        application, "needs_fixing", needs_fixing_text(application, service, reason, papers)
    )


def resubmit(
    session: Session, application: Application, actor: str, papers: list[CheckedPaper]
) -> bool:
    """The citizen's new papers; back to verification. False: the same papers sent again."""
    now = datetime.now()
    if application.status != "needs_fixing":
        present = {q.sha256 for q in application.current_papers()}
        if all(p.sha256 in present for p in papers):
            return False  # a kiosk outbox repeating a resubmission that already went through
        raise ApplicationRefused(
            409,
            "illegal_transition",
            f"An application that is {application.status} takes no new papers",
            current=application.status,
            to="in_verification",
        )
    if not add_papers(application, papers, now):
        raise ApplicationRefused(422, "no_new_papers", "These papers were already received")
    move(session, application, "in_verification", actor, "berkas diunggah ulang", now)
    return True


def approve(session: Session, application: Application, actor: str) -> None:
    move(session, application, "approved", actor)


def reject(
    session: Session,
    application: Application,
    actor: str,
    reason: str,
    catalogue: Catalogue,
    notifier: Notifier,
) -> None:
    """Refuse the application for good, telling the citizen why."""
    move(session, application, "rejected", actor, reason)
    service = catalogue.services[application.service_code]
    notifier.send(application, "rejected", rejected_text(application, service, reason))


def issue(
    session: Session,
    application: Application,
    actor: str,
    catalogue: Catalogue,
    issuer: Issuer,
    notifier: Notifier,
) -> list[Document]:
    """Sign the bundle, make one pickup code for all of it, and tell the citizen the code."""
    now = datetime.now()
    move(session, application, "issued", actor, now=now)
    documents = issue_bundle(session, application, catalogue, issuer, now, actor)
    application.documents = documents
    code_text = issue_pickup_code(session, documents, issuer.pickup_code_days)
    canonical = normalise_pickup_code(code_text)
    assert canonical is not None
    code = session.scalars(
        select(PickupCode).where(PickupCode.code_hash == hash_secret(canonical))
    ).one()
    application.pickup_code_id = code.id
    names = [catalogue.document_types[d.doc_type].name_id for d in documents]
    kiosks = nearest_kiosks(session, application.region_code)
    notifier.send(
        application, "ready", ready_text(application, names, code_text, code.expires_at, kiosks)
    )
    audit(
        session,
        actor,
        "application.documents",
        application.ticket,
        documents=[d.id for d in documents],
        pickup_code=code.hint,
    )
    return documents


def deliver(session: Session, application: Application, actor: str, via: str) -> None:
    """Record how the documents reached the citizen: printed, couriered or e-mailed."""
    if via not in DELIVERED:
        raise ApplicationRefused(422, "unknown_delivery", f"Delivery is one of {DELIVERED}")
    move(session, application, via, actor)


def sync_printed(session: Session, application: Application) -> None:
    """An issued application whose pickup code a kiosk has printed is printed: say so."""
    if application.status != "issued" or application.pickup_code_id is None:
        return
    code = session.get(PickupCode, application.pickup_code_id)
    if code is not None and code.used_at is not None:
        move(session, application, "printed", f"kiosk:{code.used_by_kiosk_id}", now=code.used_at)
