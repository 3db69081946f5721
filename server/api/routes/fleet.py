"""Staff manage the fleet: create a kiosk with its enrolment code, place it, revoke it."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import select

from server.api.deps import SessionDep
from server.api.errors import ApiError
from server.api.fleet_schemas import (
    EnrolmentIssued,
    KioskAdminView,
    KioskCreate,
    Placement,
    Revocation,
)
from server.api.staff_auth import AdminDep, TechnicianDep
from server.fleet import (
    Enrolment,
    FleetRefused,
    create_kiosk,
    issue_enrolment_code,
    place,
    revoke,
)
from server.models import EnrolmentCode, Kiosk

router = APIRouter(prefix="/api/v1/staff/kiosks", tags=["fleet"])


def _refused(exc: FleetRefused) -> ApiError:
    return ApiError(exc.status, exc.reason, exc.message)


def _kiosk(session: SessionDep, kiosk_id: str) -> Kiosk:
    kiosk = session.get(Kiosk, kiosk_id)
    if kiosk is None:
        raise ApiError(404, "unknown_kiosk", "No such kiosk")
    return kiosk


def _view(session: SessionDep, kiosk: Kiosk) -> KioskAdminView:
    enrolled = session.scalar(
        select(EnrolmentCode.id).where(
            EnrolmentCode.kiosk_id == kiosk.id, EnrolmentCode.used_at.is_not(None)
        )
    )
    return KioskAdminView(
        id=kiosk.id,
        name=kiosk.name,
        location_id=kiosk.location_id,
        location_name=kiosk.location_name,
        region_code=kiosk.region_code,
        revoked=kiosk.revoked_at is not None,
        enrolled=enrolled is not None or kiosk.last_seen_at is not None,
        config_version=kiosk.config_version,
        config_version_applied=kiosk.config_version_applied,
    )


def _issued(enrolment: Enrolment) -> EnrolmentIssued:
    return EnrolmentIssued(
        kiosk_id=enrolment.kiosk_id,
        enrolment_code=enrolment.code,
        expires_at=enrolment.expires_at,
    )


@router.post("", status_code=201)
def create(body: KioskCreate, staff: AdminDep, session: SessionDep) -> EnrolmentIssued:
    """A new kiosk and its one-time enrolment code (shown once)."""
    try:
        _, enrolment = create_kiosk(session, staff.username, body.id, body.name, body.location_id)
    except FleetRefused as exc:
        raise _refused(exc) from None
    return _issued(enrolment)


@router.get("/{kiosk_id}")
def show(kiosk_id: str, _staff: TechnicianDep, session: SessionDep) -> KioskAdminView:
    """Where the kiosk is placed and whether it runs its newest configuration."""
    return _view(session, _kiosk(session, kiosk_id))


@router.post("/{kiosk_id}/enrolment-code", status_code=201)
def new_code(kiosk_id: str, staff: AdminDep, session: SessionDep) -> EnrolmentIssued:
    """Enrol the kiosk again (disk replaced, credential lost): its old credential ends on use."""
    try:
        return _issued(issue_enrolment_code(session, staff.username, _kiosk(session, kiosk_id)))
    except FleetRefused as exc:
        raise _refused(exc) from None


@router.put("/{kiosk_id}/location")
def move(kiosk_id: str, body: Placement, staff: AdminDep, session: SessionDep) -> KioskAdminView:
    """Place the kiosk at a location; it fetches the location's settings at its next heartbeat."""
    kiosk = _kiosk(session, kiosk_id)
    try:
        place(session, staff.username, kiosk, body.location_id)
    except FleetRefused as exc:
        raise _refused(exc) from None
    return _view(session, kiosk)


@router.post("/{kiosk_id}/revoke")
def revoke_kiosk(
    kiosk_id: str, body: Revocation, staff: AdminDep, session: SessionDep
) -> KioskAdminView:
    """Refuse the kiosk from its next request on: stolen, broken or taken out of service."""
    kiosk = _kiosk(session, kiosk_id)
    revoke(session, staff.username, kiosk, body.reason)
    return _view(session, kiosk)
