"""Officer pages: the application queue, one application with its papers, each workflow step,
reprint approval.

Every step calls the same domain functions as the officer API (server/applications/workflow.py,
server/reprints.py): the rules, the audit entries and what the citizen is told live there, not
here. A step the workflow refuses changes nothing (the request's transaction is rolled back) and
the officer reads why. NIK: masked in the queue; whole on the application page, where the
officer compares it with the photographed KTP and KK.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.api.deps import SessionDep, SettingsDep, SignerDep
from server.applications import workflow
from server.applications.bundle import Issuer
from server.applications.errors import ApplicationRefused
from server.applications.models import Application, ApplicationPaper, Notification
from server.applications.notifications import OutboxNotifier
from server.applications.schemas import missing_of
from server.applications.submission import find_application
from server.catalogue import Catalogue, default_catalogue
from server.console.auth import CheckedForm, OfficerUser, text_field
from server.console.pages import ConsoleRefused, render, request_language, see_other
from server.demo import OFFICIAL  # the signing official, as the officer API uses it
from server.models import Document
from server.privacy import mask_nik
from server.reprints import MAX_REASON as MAX_REPRINT_REASON
from server.reprints import ReprintRefused, application_of, approve_reprint

BASE = "/console/officer"
router = APIRouter(prefix=BASE, include_in_schema=False)

CHANNELS = ("kiosk", "whatsapp", "web", "counter")
OPEN = ("submitted", "in_verification", "needs_fixing", "approved")  # waiting for the office
PAGE_SIZE = 50
# Refusals of the workflow the officer can meet here, each with its text (texts/officer.toml).
REFUSALS = frozenset(
    {
        "illegal_transition",
        "concurrent_change",
        "reason_required",
        "reason_too_long",
        "unknown_requirement",
        "applicant_not_registered",
        "unknown_ticket",
        "unknown_document",
        "document_revoked",
    }
)


def _refused(status: int, reason: str) -> ConsoleRefused:
    key = f"off_err_{reason}" if reason in REFUSALS else "off_err_other"
    return ConsoleRefused(status, key, reason=reason, max=workflow.MAX_REASON)


def _application(session: Session, ticket: str) -> Application:
    """The application of this ticket, with a printed pickup code already counted as printed."""
    try:
        application = find_application(session, ticket)
        workflow.sync_printed(session, application)
    except ApplicationRefused as exc:
        raise _refused(exc.status, exc.reason) from None
    return application


def _detail_path(ticket: str, done: str = "") -> str:
    return f"{BASE}/applications/{ticket}" + (f"?done={done}" if done else "")


# --- the queue ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueRow:
    ticket: str
    service: str
    channel: str
    status: str
    nik_masked: str
    kiosk_id: str | None
    created_at: datetime
    updated_at: datetime


def _choice(value: str | None, allowed: tuple[str, ...], default: str = "") -> str:
    return value if value in allowed else default


@router.get("")
def queue(request: Request, _user: OfficerUser, session: SessionDep) -> Response:
    """Applications oldest first, filtered by status (default: those waiting for the office),
    channel and service."""
    catalogue = default_catalogue()
    params = request.query_params
    status = _choice(params.get("status"), (*workflow.STATUSES, "all"), "open")
    channel = _choice(params.get("channel"), CHANNELS)
    service = _choice(params.get("service"), tuple(catalogue.services))
    page = int(params["page"]) if params.get("page", "").isdigit() else 1
    page = max(1, min(page, 10_000))

    query = select(Application)
    if status == "open":
        query = query.where(Application.status.in_(OPEN))
    elif status != "all":
        query = query.where(Application.status == status)
    if channel:
        query = query.where(Application.channel == channel)
    if service:
        query = query.where(Application.service_code == service)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = [
        QueueRow(
            a.ticket,
            a.service_code,
            a.channel,
            a.status,
            mask_nik(a.applicant_nik),
            a.kiosk_id,
            a.created_at,
            a.updated_at,
        )
        for a in session.scalars(
            query.order_by(Application.created_at, Application.id)
            .limit(PAGE_SIZE)
            .offset((page - 1) * PAGE_SIZE)
        )
    ]
    counts = dict(
        session.execute(select(Application.status, func.count()).group_by(Application.status)).all()
    )
    filters = {"status": status, "channel": channel, "service": service}

    def page_link(number: int) -> str:
        return "?" + urlencode({**{k: v for k, v in filters.items() if v}, "page": number})

    return render(
        request,
        "officer_queue.html",
        rows=rows,
        total=total,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
        page_link=page_link,
        filters=filters,
        counts=counts,
        open_count=sum(counts.get(s, 0) for s in OPEN),
        statuses=workflow.STATUSES,
        labels=workflow.LABELS,
        channels=CHANNELS,
        services=catalogue.services,
    )


# --- one application ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentRow:
    document: Document
    name: str
    verify_link: str


def _documents(catalogue: Catalogue, application: Application, lang: str) -> list[DocumentRow]:
    rows = []
    for d in application.documents:
        kind = catalogue.document_types.get(d.doc_type)
        name = (kind.name_id if lang == "id" else kind.name_en) if kind else d.doc_type
        rows.append(DocumentRow(d, name, "/verifikasi?" + urlencode({"kode": d.signed_token})))
    return rows


def _detail_page(
    request: Request,
    session: Session,
    application: Application,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    typed: dict[str, object] | None = None,
) -> Response:
    catalogue = default_catalogue()
    service = catalogue.services[application.service_code]
    lang = request_language(request)
    notifications = session.scalars(
        select(Notification)
        .where(Notification.application_id == application.id)
        .order_by(Notification.id)
    ).all()
    return render(
        request,
        "officer_application.html",
        status_code=status_code,
        a=application,
        service=service,
        labels=workflow.LABELS,
        transitions=workflow.TRANSITIONS,
        missing=missing_of(application, service),
        documents=_documents(catalogue, application, lang),
        notifications=notifications,
        done=request.query_params.get("done", ""),
        errors=errors or {},
        typed=typed or {},
        max_reason=workflow.MAX_REASON,
        papers_base=f"{BASE}/applications/{application.ticket}/papers",
    )


@router.get("/applications/{ticket}")
def application_page(
    ticket: str, request: Request, _user: OfficerUser, session: SessionDep
) -> Response:
    """Everything the officer needs to decide: the form, the papers, the history, the outbox."""
    return _detail_page(request, session, _application(session, ticket))


@router.get("/applications/{ticket}/papers/{paper_id}")
def paper(ticket: str, paper_id: int, _user: OfficerUser, session: SessionDep) -> Response:
    """One photographed paper as uploaded: for logged-in officers only, never cached."""
    application = _application(session, ticket)
    found = session.get(ApplicationPaper, paper_id)
    if found is None or found.application_id != application.id:
        raise ConsoleRefused(404, "off_err_unknown_paper")
    return Response(
        found.data,
        media_type=found.content_type,
        headers={
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
        },
    )


def _step(ticket: str, done: str, take: Callable[[], object]) -> Response:
    """Run one workflow step; a refusal raises (rolling back) and shows why."""
    try:
        take()
    except ApplicationRefused as exc:
        raise _refused(exc.status, exc.reason) from None
    return see_other(_detail_path(ticket, done))


def _reason(
    request: Request,
    session: Session,
    application: Application,
    form: CheckedForm,
    action: str,
) -> tuple[str, Response | None]:
    """The reason typed for the citizen, or the page again saying it is needed or too long."""
    reason = text_field(form, "reason")
    if reason and len(reason) <= workflow.MAX_REASON:
        return reason, None
    key = "off_err_reason_required" if not reason else "off_err_reason_too_long"
    page = _detail_page(
        request,
        session,
        application,
        422,
        errors={action: key},
        typed={"reason": reason[: workflow.MAX_REASON * 2], "action": action},
    )
    return reason, page


@router.post("/applications/{ticket}/verify")
def start_verification(
    ticket: str, user: OfficerUser, _form: CheckedForm, session: SessionDep
) -> Response:
    application = _application(session, ticket)
    return _step(ticket, "verify", lambda: workflow.verify(session, application, user.username))


@router.post("/applications/{ticket}/approve")
def approve(ticket: str, user: OfficerUser, _form: CheckedForm, session: SessionDep) -> Response:
    application = _application(session, ticket)
    return _step(ticket, "approve", lambda: workflow.approve(session, application, user.username))


@router.post("/applications/{ticket}/request-fixes")
def request_fixes(
    ticket: str, request: Request, user: OfficerUser, form: CheckedForm, session: SessionDep
) -> Response:
    """Back to the citizen with the reason they will read and the papers to bring again."""
    application = _application(session, ticket)
    reason, again = _reason(request, session, application, form, "fixes")
    if again is not None:
        return again
    papers = [p for p in form.getlist("papers") if isinstance(p, str)]
    return _step(
        ticket,
        "fixes",
        lambda: workflow.request_fixes(
            session,
            application,
            user.username,
            reason,
            papers,
            default_catalogue(),
            OutboxNotifier(session),
        ),
    )


@router.post("/applications/{ticket}/reject")
def reject(
    ticket: str, request: Request, user: OfficerUser, form: CheckedForm, session: SessionDep
) -> Response:
    application = _application(session, ticket)
    reason, again = _reason(request, session, application, form, "reject")
    if again is not None:
        return again
    return _step(
        ticket,
        "reject",
        lambda: workflow.reject(
            session,
            application,
            user.username,
            reason,
            default_catalogue(),
            OutboxNotifier(session),
        ),
    )


@router.post("/applications/{ticket}/issue")
def issue(
    ticket: str,
    user: OfficerUser,
    _form: CheckedForm,
    session: SessionDep,
    settings: SettingsDep,
    signer: SignerDep,
) -> Response:
    """Sign the bundle's documents; the citizen is sent one pickup code for all of them."""
    application = _application(session, ticket)
    issuer = Issuer(signer, settings.public_url, OFFICIAL, settings.pickup_code_days)
    return _step(
        ticket,
        "issue",
        lambda: workflow.issue(
            session,
            application,
            user.username,
            default_catalogue(),
            issuer,
            OutboxNotifier(session),
        ),
    )


@router.post("/applications/{ticket}/deliver")
def deliver(ticket: str, user: OfficerUser, form: CheckedForm, session: SessionDep) -> Response:
    """Record that the documents left another way: printed at the counter, courier, e-mail."""
    application = _application(session, ticket)
    via = text_field(form, "via")
    return _step(
        ticket, "deliver", lambda: workflow.deliver(session, application, user.username, via)
    )


# --- documents and reprints ---------------------------------------------------------------------


@dataclass(frozen=True)
class FoundDocument:
    document: Document
    name: str
    ticket: str | None  # the application that yielded it, if any


def _found(session: Session, catalogue: Catalogue, document: Document, lang: str) -> FoundDocument:
    kind = catalogue.document_types.get(document.doc_type)
    name = (kind.name_id if lang == "id" else kind.name_en) if kind else document.doc_type
    application = application_of(session, document)
    return FoundDocument(document, name, application.ticket if application else None)


def _documents_page(
    request: Request,
    session: Session,
    number: str,
    status_code: int = 200,
    reprint: object = None,
    error: str = "",
    reprint_for: str = "",
    reason: str = "",
) -> Response:
    catalogue = default_catalogue()
    lang = request_language(request)
    found: list[FoundDocument] = []
    if number:
        documents = session.scalars(
            select(Document)
            .where(Document.number == number[:40])
            .order_by(Document.doc_type, Document.version.desc())
        ).all()
        found = [_found(session, catalogue, d, lang) for d in documents]
    response = render(
        request,
        "officer_documents.html",
        status_code=status_code,
        number=number,
        found=found,
        reprint=reprint,
        error=error,
        reprint_for=reprint_for,
        reason=reason,
        max_reprint_reason=MAX_REPRINT_REASON,
    )
    if reprint is not None:
        response.headers["Cache-Control"] = "no-store"  # the page holds a live code and PIN
    return response


@router.get("/documents")
def documents(request: Request, _user: OfficerUser, session: SessionDep) -> Response:
    """Find a document by its number, to approve a reprint of a damaged or lost paper."""
    number = "".join(request.query_params.get("number", "").split()).upper()[:40]
    return _documents_page(request, session, number)


@router.post("/documents/{document_id}/reprint")
def reprint(
    document_id: str,
    request: Request,
    user: OfficerUser,
    form: CheckedForm,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    """A new one-time pickup code (and number + PIN) for one document, shown once."""
    document = session.get(Document, document_id[:32])
    if document is None:
        raise _refused(404, "unknown_document")
    reason = text_field(form, "reason")
    if not reason or len(reason) > MAX_REPRINT_REASON:
        key = "off_err_reason_required" if not reason else "off_err_reason_too_long"
        return _documents_page(
            request, session, document.number, 422, None, key, document.id, reason[:600]
        )
    try:
        approved = approve_reprint(
            session,
            document.id,
            user.username,
            reason,
            settings.pickup_code_days,
            default_catalogue(),
            OutboxNotifier(session),
        )
    except ReprintRefused as exc:
        raise _refused(exc.status, exc.reason) from None
    return _documents_page(request, session, document.number, 201, approved)
