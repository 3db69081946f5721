"""Staff API: what an office needs before the web console exists.

Any staff account may look up a document's print counts; the fleet's health is for
technicians (and staff admins).
"""

from __future__ import annotations

import json

from fastapi import APIRouter
from sqlalchemy import select

from server.api.deps import SessionDep
from server.api.schemas import DeviceHealth, DocumentStatus, KioskStatus
from server.api.staff_auth import StaffDep, TechnicianDep
from server.models import Document, Kiosk

router = APIRouter(prefix="/api/v1/staff", tags=["staff"])


@router.get("/documents")
def list_documents(number: str, _staff: StaffDep, session: SessionDep) -> list[DocumentStatus]:
    """Every issued version of a document number, with how often each was printed."""
    rows = session.scalars(
        select(Document).where(Document.number == number).order_by(Document.version)
    )
    return [
        DocumentStatus(
            id=d.id,
            doc_type=d.doc_type,
            number=d.number,
            version=d.version,
            issued_at=d.issued_at,
            print_count=d.print_count,
            revoked=d.revoked_at is not None,
        )
        for d in rows
    ]


@router.get("/kiosks")
def list_kiosks(_technician: TechnicianDep, session: SessionDep) -> list[KioskStatus]:
    """The fleet as the kiosks last reported it: heartbeat time and the state of every device."""
    return [
        KioskStatus(
            id=k.id,
            name=k.name,
            location_name=k.location_name,
            region_code=k.region_code,
            revoked=k.revoked_at is not None,
            last_heartbeat_at=k.last_heartbeat_at,
            app_version=k.app_version,
            outbox_pending=k.outbox_pending,
            devices=[DeviceHealth(**d) for d in json.loads(k.device_health or "[]")],
        )
        for k in session.scalars(select(Kiosk).order_by(Kiosk.id))
    ]
