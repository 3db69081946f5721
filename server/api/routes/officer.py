"""The office's side of applications: the queue, the papers, each step, and the outbox.

Open to staff accounts of role officer or admin (OfficerDep); every step is recorded in the
name of the account that took it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import APIRouter, Query, Response
from sqlalchemy import select

from server.api.deps import SessionDep, SettingsDep, SignerDep
from server.api.errors import ApiError
from server.api.routes.applications import CatalogueDep, refused
from server.api.staff_auth import OfficerDep
from server.applications import workflow
from server.applications.bundle import Issuer
from server.applications.errors import ApplicationRefused
from server.applications.models import Application, ApplicationPaper, Notification
from server.applications.notifications import OutboxNotifier
from server.applications.schemas import (
    ApplicationDetail,
    ApplicationSummary,
    ChannelName,
    DeliveryBody,
    FixRequest,
    NotificationPublic,
    ReasonBody,
    StatusName,
    detail,
    notification_public,
    summary,
)
from server.applications.submission import find_application
from server.catalogue import Catalogue
from server.demo import OFFICIAL  # the signing official, until settings carry the office's own
from server.feedback import FeedbackRefused
from server.feedback.complaints import find_complaint, is_complaint_ticket

PREFIX = "/api/v1/officer/applications"
PAPER_PATH = PREFIX + "/{ticket}/papers/{paper}"
router = APIRouter(tags=["officer"])


@contextmanager
def _as_api_errors() -> Iterator[None]:
    """A refused step becomes the API's error with its stable reason."""
    try:
        yield
    except ApplicationRefused as exc:
        raise refused(exc) from None


def _find(session: SessionDep, ticket: str) -> Application:
    with _as_api_errors():
        application = find_application(session, ticket)
        workflow.sync_printed(session, application)
    return application


def _detail(application: Application, catalogue: Catalogue) -> ApplicationDetail:
    return detail(application, catalogue, PAPER_PATH)


@router.get(PREFIX)
def queue(
    _officer: OfficerDep,
    session: SessionDep,
    status: StatusName | None = None,
    channel: ChannelName | None = None,
    service: str | None = Query(default=None, max_length=60),
    limit: int = Query(default=50, ge=1, le=200),
    offset: int = Query(default=0, ge=0),
) -> list[ApplicationSummary]:
    """The work queue, oldest first: filter by status, channel and service."""
    query = select(Application).order_by(Application.created_at, Application.id)
    if status is not None:
        query = query.where(Application.status == status)
    if channel is not None:
        query = query.where(Application.channel == channel)
    if service is not None:
        query = query.where(Application.service_code == service)
    return [summary(a) for a in session.scalars(query.limit(limit).offset(offset))]


@router.get(PREFIX + "/{ticket}")
def application_detail(
    ticket: str, _officer: OfficerDep, session: SessionDep, catalogue: CatalogueDep
) -> ApplicationDetail:
    """Everything the officer needs to decide: the form, the papers, the history."""
    return _detail(_find(session, ticket), catalogue)


@router.get(
    PREFIX + "/{ticket}/papers/{paper_id}",
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}, "image/png": {}}}},
)
def download_paper(
    ticket: str, paper_id: int, _officer: OfficerDep, session: SessionDep
) -> Response:
    """One photographed paper, as uploaded; never cached."""
    application = _find(session, ticket)
    paper = session.get(ApplicationPaper, paper_id)
    if paper is None or paper.application_id != application.id:
        raise ApiError(404, "unknown_paper", "This application has no such paper")
    return Response(
        paper.data,
        media_type=paper.content_type,
        headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"},
    )


@router.post(PREFIX + "/{ticket}/verify")
def verify(
    ticket: str, officer: OfficerDep, session: SessionDep, catalogue: CatalogueDep
) -> ApplicationDetail:
    """Start checking the papers."""
    application = _find(session, ticket)
    with _as_api_errors():
        workflow.verify(session, application, officer.username)
    return _detail(application, catalogue)


@router.post(PREFIX + "/{ticket}/request-fixes")
def request_fixes(
    ticket: str, body: FixRequest, officer: OfficerDep, session: SessionDep, catalogue: CatalogueDep
) -> ApplicationDetail:
    """Send it back to the citizen with the reason they will read (in Indonesian)."""
    application = _find(session, ticket)
    with _as_api_errors():
        workflow.request_fixes(
            session,
            application,
            officer.username,
            body.reason,
            body.papers,
            catalogue,
            OutboxNotifier(session),
        )
    return _detail(application, catalogue)


@router.post(PREFIX + "/{ticket}/approve")
def approve(
    ticket: str, officer: OfficerDep, session: SessionDep, catalogue: CatalogueDep
) -> ApplicationDetail:
    application = _find(session, ticket)
    with _as_api_errors():
        workflow.approve(session, application, officer.username)
    return _detail(application, catalogue)


@router.post(PREFIX + "/{ticket}/reject")
def reject(
    ticket: str, body: ReasonBody, officer: OfficerDep, session: SessionDep, catalogue: CatalogueDep
) -> ApplicationDetail:
    """Refuse for good, with the reason the citizen will read."""
    application = _find(session, ticket)
    with _as_api_errors():
        workflow.reject(
            session, application, officer.username, body.reason, catalogue, OutboxNotifier(session)
        )
    return _detail(application, catalogue)


@router.post(PREFIX + "/{ticket}/issue")
def issue(
    ticket: str,
    officer: OfficerDep,
    session: SessionDep,
    catalogue: CatalogueDep,
    settings: SettingsDep,
    signer: SignerDep,
) -> ApplicationDetail:
    """Sign the bundle's documents and send the citizen one pickup code for all of them."""
    application = _find(session, ticket)
    issuer = Issuer(signer, settings.public_url, OFFICIAL, settings.pickup_code_days)
    with _as_api_errors():
        workflow.issue(
            session, application, officer.username, catalogue, issuer, OutboxNotifier(session)
        )
    return _detail(application, catalogue)


@router.post(PREFIX + "/{ticket}/deliver")
def deliver(
    ticket: str,
    body: DeliveryBody,
    officer: OfficerDep,
    session: SessionDep,
    catalogue: CatalogueDep,
) -> ApplicationDetail:
    """Record that the documents were printed at the counter, couriered or e-mailed."""
    application = _find(session, ticket)
    with _as_api_errors():
        workflow.deliver(session, application, officer.username, body.via)
    return _detail(application, catalogue)


@router.get("/api/v1/staff/notifications")
def notifications(
    ticket: str, _officer: OfficerDep, session: SessionDep
) -> list[NotificationPublic]:
    """The outbox of one application or complaint: what the citizen was (or will be) told."""
    if is_complaint_ticket(ticket):
        try:
            complaint = find_complaint(session, ticket)
        except FeedbackRefused as exc:
            raise ApiError(exc.status, exc.reason, exc.message) from None
        subject, number = Notification.complaint_id == complaint.id, complaint.ticket
    else:
        application = _find(session, ticket)
        subject, number = Notification.application_id == application.id, application.ticket
    rows = session.scalars(select(Notification).where(subject).order_by(Notification.id))
    return [notification_public(row, number) for row in rows]
