"""Applications as the kiosk sees them (apply, check status, resubmit papers) and the catalogue.

The catalogue is read when this module is imported, that is when the server starts: a broken
services file stops the start with a message naming the service and key.
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Response

from server.api.deps import SessionDep
from server.api.errors import ApiError
from server.api.kiosk_auth import CurrentKiosk
from server.applications.errors import ApplicationRefused
from server.applications.papers import check_papers
from server.applications.schemas import (
    ApplicationCreate,
    CataloguePublic,
    KioskApplication,
    PapersResubmit,
    PaperUpload,
    catalogue_public,
    kiosk_view,
)
from server.applications.submission import (
    Submission,
    find_application,
    service_of,
    submit_at_kiosk,
)
from server.applications.workflow import resubmit, sync_printed
from server.catalogue import Catalogue, default_catalogue

router = APIRouter(tags=["applications"])
_KEY = re.compile(r"^[A-Za-z0-9_.:-]{8,64}$")

default_catalogue()  # fail at start, not at the first citizen


def get_catalogue() -> Catalogue:
    return default_catalogue()


CatalogueDep = Annotated[Catalogue, Depends(get_catalogue)]


def refused(exc: ApplicationRefused) -> ApiError:
    return ApiError(exc.status, exc.reason, exc.message, **exc.extra)


def _uploads(papers: list[PaperUpload]) -> list[tuple[str, str, str]]:
    return [(p.requirement, p.content_type, p.data) for p in papers]


@router.get("/api/v1/public/services")
def list_services(catalogue: CatalogueDep) -> CataloguePublic:
    """The services, their papers and questions, in Indonesian and English, for every screen."""
    return catalogue_public(catalogue)


@router.post(
    "/api/v1/kiosk/applications",
    status_code=201,
    responses={
        200: {
            "model": KioskApplication,
            "description": "A retry with the same Idempotency-Key: the first application "
            "(Idempotent-Replayed: true)",
        }
    },
)
def submit_application(
    body: ApplicationCreate,
    response: Response,
    kiosk: CurrentKiosk,
    session: SessionDep,
    catalogue: CatalogueDep,
    idempotency_key: Annotated[str | None, Header()] = None,
) -> KioskApplication:
    """Apply from a kiosk; the same Idempotency-Key returns the first application (200)."""
    if idempotency_key is None:
        raise ApiError(400, "idempotency_key_required", "Send an Idempotency-Key header")
    if not _KEY.match(idempotency_key):
        raise ApiError(400, "invalid_idempotency_key", "Idempotency-Key: 8-64 of A-Z a-z 0-9 _.:-")
    try:
        service = service_of(catalogue, body.service)
        submission = Submission(
            service.code,
            body.applicant_nik.strip(),
            body.applicant_phone,
            body.applicant_email,
            body.notify_via,
            body.fields,
            check_papers(service, _uploads(body.papers)),
        )
        application, created = submit_at_kiosk(
            session, catalogue, kiosk, idempotency_key, submission
        )
    except ApplicationRefused as exc:
        raise refused(exc) from None
    if not created:
        response.status_code = 200
        response.headers["Idempotent-Replayed"] = "true"
    return kiosk_view(application, catalogue)


@router.get("/api/v1/kiosk/applications/{ticket}")
def application_status(
    ticket: str, _kiosk: CurrentKiosk, session: SessionDep, catalogue: CatalogueDep
) -> KioskApplication:
    """The check-status screen: where the application is and which papers are still missing."""
    try:
        application = find_application(session, ticket)
        sync_printed(session, application)
    except ApplicationRefused as exc:
        raise refused(exc) from None
    return kiosk_view(application, catalogue)


@router.post("/api/v1/kiosk/applications/{ticket}/papers")
def resubmit_papers(
    ticket: str,
    body: PapersResubmit,
    kiosk: CurrentKiosk,
    session: SessionDep,
    catalogue: CatalogueDep,
) -> KioskApplication:
    """The citizen brings the papers the office asked for; the application goes back to checking."""
    try:
        application = find_application(session, ticket)
        if body.applicant_nik.strip() != application.applicant_nik:
            raise ApplicationRefused(404, "unknown_ticket", "No application has this ticket number")
        service = service_of(catalogue, application.service_code)
        papers = check_papers(service, _uploads(body.papers))
        resubmit(session, application, f"kiosk:{kiosk.id}", papers)
    except ApplicationRefused as exc:
        raise refused(exc) from None
    return kiosk_view(application, catalogue)
