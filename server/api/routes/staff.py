"""Staff API: what an office needs before the web console exists (document print counts)."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import select

from server.api.deps import SessionDep, StaffDep
from server.api.schemas import DocumentStatus
from server.models import Document

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
