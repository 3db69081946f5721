"""Tables of applications: the form, its papers, its status history, its notifications."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.models import Base, Document, Kiosk

application_documents = Table(
    "application_documents",
    Base.metadata,
    Column("application_id", ForeignKey("applications.id"), primary_key=True),
    Column("document_id", ForeignKey("documents.id"), primary_key=True),
)


class Application(Base):
    """One citizen's request for one service, identified aloud by its ticket number."""

    __tablename__ = "applications"
    __table_args__ = (
        # A kiosk's outbox may send the same submission again: its key finds the first one.
        UniqueConstraint("kiosk_id", "idempotency_key", name="uq_applications_kiosk_idempotency"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket: Mapped[str] = mapped_column(String(20), unique=True)  # ADM-7307-2611-7KQ2
    service_code: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(12))  # kiosk | whatsapp | web | counter
    status: Mapped[str] = mapped_column(String(20), index=True)
    region_code: Mapped[str] = mapped_column(String(13))  # where it was submitted
    applicant_nik: Mapped[str] = mapped_column(String(16), index=True)
    applicant_phone: Mapped[str | None] = mapped_column(String(20))
    applicant_email: Mapped[str | None] = mapped_column(String(120))
    notify_via: Mapped[str] = mapped_column(String(12))  # whatsapp | sms | email
    field_values: Mapped[str] = mapped_column(Text, default="{}")  # JSON: field code -> text
    status_reason: Mapped[str | None] = mapped_column(Text)  # for the citizen, in Indonesian
    fix_papers: Mapped[str] = mapped_column(Text, default="[]")  # JSON: requirement codes
    kiosk_id: Mapped[str | None] = mapped_column(ForeignKey("kiosks.id"))
    idempotency_key: Mapped[str | None] = mapped_column(String(64))
    request_digest: Mapped[str | None] = mapped_column(String(64))
    pickup_code_id: Mapped[int | None] = mapped_column(ForeignKey("pickup_codes.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)

    kiosk: Mapped[Kiosk | None] = relationship()
    papers: Mapped[list[ApplicationPaper]] = relationship(
        back_populates="application", order_by="ApplicationPaper.id", cascade="all"
    )
    history: Mapped[list[StatusChange]] = relationship(
        back_populates="application", order_by="StatusChange.id", cascade="all"
    )
    documents: Mapped[list[Document]] = relationship(secondary=application_documents)

    @property
    def fields(self) -> dict[str, str]:
        values: dict[str, str] = json.loads(self.field_values or "{}")
        return values

    @property
    def papers_to_fix(self) -> list[str]:
        codes: list[str] = json.loads(self.fix_papers or "[]")
        return codes

    def current_papers(self) -> list[ApplicationPaper]:
        """Papers not replaced by a later upload for the same requirement."""
        return [p for p in self.papers if p.superseded_at is None]

    def set_fields(self, values: dict[str, Any]) -> None:
        self.field_values = json.dumps(values, sort_keys=True, ensure_ascii=False)


class ApplicationPaper(Base):
    """A photographed paper; the bytes are kept as uploaded, bounded and checked to be an image."""

    __tablename__ = "application_papers"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    requirement_code: Mapped[str] = mapped_column(String(40))
    content_type: Mapped[str] = mapped_column(String(20))  # image/jpeg | image/png
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    uploaded_at: Mapped[datetime] = mapped_column(DateTime)
    superseded_at: Mapped[datetime | None] = mapped_column(DateTime)
    application: Mapped[Application] = relationship(back_populates="papers")


class StatusChange(Base):
    """One step of an application's history: from, to, who, why, when. Never updated."""

    __tablename__ = "application_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(20))  # None: the submission
    to_status: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(60))
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime)
    application: Mapped[Application] = relationship(back_populates="history")


class Notification(Base):
    """A message for the citizen waiting in the outbox; a sender (WhatsApp, e-mail) takes it."""

    __tablename__ = "application_notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    # About an application, or about a complaint (the office's answer); exactly one is set.
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"), index=True)
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaints.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # needs_fixing | rejected | ready | answer
    channel: Mapped[str] = mapped_column(String(12))  # whatsapp | sms | email
    recipient: Mapped[str] = mapped_column(String(120))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
