"""Complaints and satisfaction surveys: sent by kiosks, read and answered by the office.

Complaints are an officer's work (OfficerDep); the survey summary is for any staff (StaffDep).
Kiosk requests are signed (CurrentKiosk) and carry an Idempotency-Key, because the kiosk's
outbox resends them until it hears back: the same key returns the first result (200, with
Idempotent-Replayed: true), the same key with other content is 409.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Response

from server.api.deps import SessionDep
from server.api.errors import ApiError
from server.api.feedback_schemas import (
    CategoryName,
    ComplaintAnswer,
    ComplaintCreate,
    ComplaintPublic,
    ComplaintReceipt,
    ComplaintStatus,
    SurveyCreate,
    SurveyReceipt,
    SurveySummaryPublic,
    complaint_public,
    complaint_receipt,
)
from server.api.kiosk_auth import CurrentKiosk
from server.api.routes.applications import CatalogueDep
from server.api.staff_auth import OfficerDep, StaffDep
from server.feedback import FeedbackRefused
from server.feedback.complaints import (
    ComplaintDraft,
    answer_complaint,
    list_complaints,
    submit_complaint,
)
from server.feedback.surveys import SurveyDraft, submit_survey, summarise

router = APIRouter(tags=["feedback"])
_KEY = re.compile(r"^[A-Za-z0-9_.:-]{8,64}$")  # as for applications
REPLAYED = "A retry with the same Idempotency-Key: the first result (Idempotent-Replayed: true)"


def idempotency_key(idempotency_key: Annotated[str | None, Header()] = None) -> str:
    if idempotency_key is None:
        raise ApiError(400, "idempotency_key_required", "Send an Idempotency-Key header")
    if not _KEY.match(idempotency_key):
        raise ApiError(400, "invalid_idempotency_key", "Idempotency-Key: 8-64 of A-Z a-z 0-9 _.:-")
    return idempotency_key


IdempotencyKey = Annotated[str, Depends(idempotency_key)]


@contextmanager
def _as_api_errors() -> Iterator[None]:
    try:
        yield
    except FeedbackRefused as exc:
        raise ApiError(exc.status, exc.reason, exc.message, **exc.extra) from None


def _replayed(response: Response) -> None:
    response.status_code = 200
    response.headers["Idempotent-Replayed"] = "true"


# --- complaints -------------------------------------------------------------------------------


@router.post(
    "/api/v1/kiosk/complaints",
    status_code=201,
    responses={200: {"model": ComplaintReceipt, "description": REPLAYED}, 409: {}, 503: {}},
)
def submit_complaint_at_kiosk(
    body: ComplaintCreate,
    response: Response,
    kiosk: CurrentKiosk,
    session: SessionDep,
    key: IdempotencyKey,
) -> ComplaintReceipt:
    """A citizen's complaint; the answer is a ticket to note."""
    draft = ComplaintDraft(body.category, body.text, body.contact_phone)
    with _as_api_errors():
        complaint, created = submit_complaint(session, kiosk, key, draft)
    if not created:
        _replayed(response)
    return complaint_receipt(complaint)


@router.get("/api/v1/staff/complaints")
def complaints_list(
    _officer: OfficerDep,
    session: SessionDep,
    status: ComplaintStatus | None = None,
    category: CategoryName | None = None,
    kiosk_id: str | None = Query(default=None, max_length=40),
    limit: int = Query(default=50, ge=1, le=200),
    offset: int = Query(default=0, ge=0),
) -> list[ComplaintPublic]:
    """Complaints, oldest first: filter by status (open ones wait for an answer)."""
    rows = list_complaints(session, status, category, kiosk_id, limit, offset)
    return [complaint_public(c) for c in rows]


@router.post("/api/v1/staff/complaints/{ticket}/answer", responses={409: {}})
def answer(
    ticket: str, body: ComplaintAnswer, officer: OfficerDep, session: SessionDep
) -> ComplaintPublic:
    """The office's answer; the complaint is answered from now on."""
    with _as_api_errors():
        complaint = answer_complaint(session, ticket, officer.username, body.answer)
    return complaint_public(complaint)


# --- surveys ----------------------------------------------------------------------------------


@router.post(
    "/api/v1/kiosk/surveys",
    status_code=201,
    responses={200: {"model": SurveyReceipt, "description": REPLAYED}, 409: {}},
)
def submit_survey_at_kiosk(
    body: SurveyCreate,
    response: Response,
    kiosk: CurrentKiosk,
    session: SessionDep,
    catalogue: CatalogueDep,
    key: IdempotencyKey,
) -> SurveyReceipt:
    """One satisfaction survey, answered after a print or an application."""
    answers = {str(question): value for question, value in body.answers.items()}
    draft = SurveyDraft(body.service, body.rating, answers, body.comment)
    with _as_api_errors():
        survey, created = submit_survey(session, catalogue, kiosk, key, draft)
    if not created:
        _replayed(response)
    return SurveyReceipt.model_validate(survey, from_attributes=True)


@router.get("/api/v1/staff/surveys/summary")
def survey_summary(
    _staff: StaffDep,
    session: SessionDep,
    since: date | None = None,
    until: date | None = None,
    kiosk_id: str | None = Query(default=None, max_length=40),
) -> SurveySummaryPublic:
    """Count, mean rating, ratings given, the nine SKM unsur and the IKM, and each kiosk."""
    if since is not None and until is not None and since > until:
        raise ApiError(422, "invalid_period", "'since' is after 'until'")
    summary = summarise(session, since, until, kiosk_id)
    return SurveySummaryPublic.model_validate(summary, from_attributes=True)
