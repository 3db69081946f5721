"""The kiosk's API: enrol, who am I, configuration, heartbeat, resolve and claim a pickup code,
download its PDFs, report the outcome; report a remote health check's result."""

from __future__ import annotations

import json
from datetime import datetime

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from server.api.deps import SessionDep, SettingsDep
from server.api.errors import ApiError
from server.api.fleet_schemas import (
    ConfigLocation,
    EnrolCreate,
    EnrolResult,
    KioskConfig,
    ResolveCreate,
    Resolved,
    ResolvedDocument,
    ServiceOffered,
)
from server.api.kiosk_auth import CurrentKiosk, HeartbeatKiosk, replayed
from server.api.routes.applications import CatalogueDep
from server.api.schemas import (
    ClaimCreate,
    HealthCheckOrder,
    HealthCheckResultAck,
    HealthCheckResultCreate,
    HeartbeatAck,
    HeartbeatCreate,
    JobDocument,
    KioskPublic,
    OutcomeCreate,
    PrintJobPublic,
)
from server.fleet import FleetRefused, enabled_services, enrol
from server.heartbeats import HeartbeatWriter, ReplayGuard, beat_from
from server.kiosk_health import HealthCheckInbox, UnknownHealthCheck, record_result
from server.models import Document, PrintJob
from server.pickup_pin import PinFailed, find_by_pin, record_failure
from server.printing import (
    Outcome,
    PickupRefused,
    claim,
    claim_code,
    find_code,
    job_for_kiosk,
    record_outcome,
)
from server.privacy import mask_name

router = APIRouter(prefix="/api/v1/kiosk", tags=["kiosk"])


def _public(job: PrintJob) -> PrintJobPublic:
    return PrintJobPublic(
        id=job.id,
        receipt_number=job.receipt_number,
        status=job.status,
        lease_expires_at=job.lease_expires_at,
        documents=[
            JobDocument(
                id=d.id,
                doc_type=d.doc_type,
                number=d.number,
                holder_masked=mask_name(d.holder_name),
                download_path=f"{router.prefix}/print-jobs/{job.id}/documents/{d.id}/pdf",
            )
            for d in job.pickup_code.documents
        ],
    )


def _refused(exc: PickupRefused) -> ApiError:
    return ApiError(exc.status, exc.reason, exc.message, **exc.extra)


@router.get("/me")
def whoami(kiosk: CurrentKiosk) -> KioskPublic:
    """Lets a kiosk check its credential and learn where the office placed it."""
    return KioskPublic(
        id=kiosk.id,
        name=kiosk.name,
        location_name=kiosk.location_name,
        region_code=kiosk.region_code,
    )


@router.post("/enrol", status_code=201)
def enrol_kiosk(body: EnrolCreate, session: SessionDep) -> EnrolResult:
    """Exchange the one-time enrolment code for this kiosk's own credential (once)."""
    try:
        kiosk, credential = enrol(session, body.enrolment_code)
    except FleetRefused as exc:
        raise ApiError(exc.status, exc.reason, exc.message) from None
    return EnrolResult(kiosk_id=kiosk.id, credential=credential, server_time=datetime.now())


@router.get("/config")
def configuration(
    kiosk: CurrentKiosk, settings: SettingsDep, catalogue: CatalogueDep
) -> KioskConfig:
    """The kiosk's configuration as the office set it: its place, hours and services."""
    location = kiosk.location
    return KioskConfig(
        version=kiosk.config_version,
        kiosk_id=kiosk.id,
        kiosk_name=kiosk.name,
        location=None
        if location is None
        else ConfigLocation(
            id=location.id,
            name=location.name,
            address=location.address,
            region_code=location.region_code,
            opening_hours=json.loads(location.opening_hours or "{}"),
        ),
        services=[
            ServiceOffered(code=s.code, name_id=s.name_id, name_en=s.name_en)
            for code in enabled_services(kiosk)
            if (s := catalogue.services.get(code)) is not None
        ],
        heartbeat_seconds=settings.kiosk_heartbeat_seconds,
        claim_lease_seconds=settings.claim_lease_seconds,
    )


@router.post("/heartbeat")
async def heartbeat(
    body: HeartbeatCreate, caller: HeartbeatKiosk, request: Request
) -> HeartbeatAck:
    """The kiosk says it is alive and how its devices are; staff see it in the fleet view.

    Taken into memory and written with others within a second (server/heartbeats.py).
    """
    kiosk, signed = caller.kiosk, caller.request
    guard: ReplayGuard = request.app.state.heartbeat_guard
    if not guard.accept(kiosk.id, signed.ts, signed.nonce, kiosk.heartbeat_mark):
        raise replayed()
    now = datetime.now()
    writer: HeartbeatWriter = request.app.state.heartbeats
    writer.submit(beat_from(kiosk.id, signed.ts, body, now))
    inbox: HealthCheckInbox = request.app.state.health_checks  # a technician's request
    order = await inbox.take(kiosk.id)  # in every answer until the kiosk reports the result
    return HeartbeatAck(
        server_time=now,
        config_version=kiosk.config_version,
        health_check=order is not None,
        health_check_request=None
        if order is None
        else HealthCheckOrder(
            id=order.id, level="internal" if order.level == "internal" else "external"
        ),
    )


@router.post("/health-checks/{request_id}/result")
def report_health_check(
    request_id: int,
    body: HealthCheckResultCreate,
    kiosk: CurrentKiosk,
    session: SessionDep,
    request: Request,
) -> HealthCheckResultAck:
    """The result of a technician's remote health check; the first one counts, repeats are safe."""
    checks = [c.model_dump() for c in body.checks]
    try:
        found = record_result(session, kiosk.id, request_id, checks, datetime.now())
    except UnknownHealthCheck:
        raise ApiError(
            404, "unknown_health_check", "No such health check request for this kiosk"
        ) from None
    session.flush()
    inbox: HealthCheckInbox = request.app.state.health_checks
    inbox.answered(kiosk.id, request_id)
    assert found.reported_at is not None
    return HealthCheckResultAck(id=found.id, reported_at=found.reported_at)


@router.post("/pickup-codes/resolve")
def resolve(body: ResolveCreate, kiosk: CurrentKiosk, session: SessionDep) -> Resolved:
    """What a scanned code would print, without claiming it (nothing changes)."""
    now = datetime.now()
    try:
        code = find_code(session, body.pickup_code, now)
    except PickupRefused as exc:
        raise _refused(exc) from None
    if code.used_at is not None:
        status = "printed"
    elif code.claimed_job_id is not None and code.claim_expires_at and code.claim_expires_at > now:
        status = "in_progress"
    else:
        status = "ready"
    return Resolved(
        status=status,
        documents=[
            ResolvedDocument(
                doc_type=d.doc_type, number=d.number, holder_masked=mask_name(d.holder_name)
            )
            for d in code.documents
        ],
        printed_at=code.used_at,
    )


@router.post("/print-jobs", status_code=201, response_model=PrintJobPublic)
def create_print_job(
    body: ClaimCreate,
    kiosk: CurrentKiosk,
    session: SessionDep,
    settings: SettingsDep,
) -> PrintJobPublic | JSONResponse:
    """Claim a pickup code (scanned, or typed as number + PIN) for printing here.

    A retry carrying the idempotency_key of the live claim this kiosk holds on the code gets
    that same job back (201 again), not in_progress."""
    now = datetime.now()
    try:
        if body.pickup_code is not None:
            job = claim(
                session, kiosk, body.pickup_code, settings.claim_lease_seconds, body.idempotency_key
            )
        else:
            assert body.registration_number is not None and body.pin is not None
            code = find_by_pin(session, kiosk, body.registration_number, body.pin, now)
            job = claim_code(
                session, kiosk, code, settings.claim_lease_seconds, body.idempotency_key
            )
    except PinFailed as exc:
        record_failure(session, kiosk.id, exc.code_id, now)
        # Answered, not raised: the session must commit the failure it just counted.
        return JSONResponse({"detail": _refused(exc).detail}, status_code=exc.status)
    except PickupRefused as exc:
        raise _refused(exc) from None
    return _public(job)


@router.get("/print-jobs/{job_id}")
def get_print_job(job_id: str, kiosk: CurrentKiosk, session: SessionDep) -> PrintJobPublic:
    try:
        return _public(job_for_kiosk(session, kiosk, job_id))
    except PickupRefused as exc:
        raise _refused(exc) from None


@router.get(
    "/print-jobs/{job_id}/documents/{document_id}/pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
def download_document(
    job_id: str, document_id: str, kiosk: CurrentKiosk, session: SessionDep
) -> Response:
    """The signed PDF, only while this kiosk holds the claim that covers it."""
    try:
        job = job_for_kiosk(session, kiosk, job_id)
    except PickupRefused as exc:
        raise _refused(exc) from None
    if job.status != "claimed":
        raise ApiError(409, "job_closed", f"Print job already ended as {job.status}")
    if job.pickup_code.claimed_job_id != job.id:
        raise ApiError(409, "lease_expired", "The claim expired and another kiosk took the code")
    if document_id not in {d.id for d in job.pickup_code.documents}:
        raise ApiError(404, "unknown_document", "Document is not part of this print job")
    document = session.get(Document, document_id)
    assert document is not None
    return Response(
        document.pdf,
        media_type="application/pdf",
        headers={"Cache-Control": "no-store"},
    )


@router.post("/print-jobs/{job_id}/result")
def report_result(
    job_id: str, body: OutcomeCreate, kiosk: CurrentKiosk, session: SessionDep
) -> PrintJobPublic:
    """Record printed or failed once; the kiosk's outbox may safely repeat this call."""
    try:
        job = record_outcome(session, kiosk, job_id, Outcome(body.outcome, body.stage, body.detail))
    except PickupRefused as exc:
        raise _refused(exc) from None
    return _public(job)
