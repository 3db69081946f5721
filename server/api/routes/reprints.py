"""Reprint approval: an officer (OfficerDep) lets a citizen print a document again."""

from __future__ import annotations

from fastapi import APIRouter, Response

from server.api.deps import SessionDep, SettingsDep
from server.api.errors import ApiError
from server.api.reprint_schemas import ReprintApproved, ReprintCreate, reprint_approved
from server.api.routes.applications import CatalogueDep
from server.api.staff_auth import OfficerDep
from server.applications.notifications import OutboxNotifier
from server.reprints import ReprintRefused, approve_reprint

router = APIRouter(tags=["officer"])


@router.post("/api/v1/staff/documents/{document_id}/reprints", status_code=201, responses={409: {}})
def approve(
    document_id: str,
    body: ReprintCreate,
    response: Response,
    officer: OfficerDep,
    session: SessionDep,
    settings: SettingsDep,
    catalogue: CatalogueDep,
) -> ReprintApproved:
    """A new one-time pickup code (and number + PIN) for a document already printed."""
    try:
        reprint = approve_reprint(
            session,
            document_id,
            officer.username,
            body.reason,
            settings.pickup_code_days,
            catalogue,
            OutboxNotifier(session),
        )
    except ReprintRefused as exc:
        raise ApiError(exc.status, exc.reason, exc.message) from None
    response.headers["Cache-Control"] = "no-store"  # the answer holds a live code and PIN
    return reprint_approved(reprint)
