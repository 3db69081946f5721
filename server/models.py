"""The server's tables: families, residents, issued documents, pickup codes, kiosks, print jobs."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, deferred, mapped_column, relationship

HEAD_OF_FAMILY = "KEPALA KELUARGA"


class Base(DeclarativeBase):
    pass


class Family(Base):
    """A Kartu Keluarga: one household at one address."""

    __tablename__ = "families"

    id: Mapped[int] = mapped_column(primary_key=True)
    kk_number: Mapped[str] = mapped_column(String(16), unique=True)
    address: Mapped[str] = mapped_column(String(200))
    rt_rw: Mapped[str] = mapped_column(String(7))
    village: Mapped[str] = mapped_column(String(100))
    district: Mapped[str] = mapped_column(String(100))
    regency: Mapped[str] = mapped_column(String(100))
    province: Mapped[str] = mapped_column(String(100))
    postal_code: Mapped[str] = mapped_column(String(5))
    region_code: Mapped[str] = mapped_column(String(13))
    # Everyone ever registered in this family, including those who left (died, moved out):
    # what a KK prints is current_members.
    members: Mapped[list[Resident]] = relationship(
        back_populates="family", order_by="Resident.position"
    )

    @property
    def current_members(self) -> list[Resident]:
        """Who the family card lists today: the head of family first, then in KK order."""
        current = [m for m in self.members if m.left_at is None]
        return sorted(current, key=lambda m: (m.relation != HEAD_OF_FAMILY, m.position))


class Resident(Base):
    """A person registered in a family, identified by NIK."""

    __tablename__ = "residents"

    id: Mapped[int] = mapped_column(primary_key=True)
    nik: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    sex: Mapped[str] = mapped_column(String(1))  # L | P
    birth_place: Mapped[str] = mapped_column(String(100))
    birth_date: Mapped[date] = mapped_column(Date)
    religion: Mapped[str] = mapped_column(String(30))
    education: Mapped[str] = mapped_column(String(60))
    occupation: Mapped[str] = mapped_column(String(60))
    marital_status: Mapped[str] = mapped_column(String(30))
    relation: Mapped[str] = mapped_column(String(40))
    nationality: Mapped[str] = mapped_column(String(3), default="WNI")
    father_name: Mapped[str] = mapped_column(String(120))
    mother_name: Mapped[str] = mapped_column(String(120))
    family_id: Mapped[int] = mapped_column(ForeignKey("families.id"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    # A member who is no longer on the family card stays in the register (the akta and the
    # audit log refer to them): left_reason is "meninggal" (died) or "pindah" (moved out), and
    # left_ticket the application whose documents recorded it.
    left_at: Mapped[datetime | None] = mapped_column(DateTime)
    left_reason: Mapped[str | None] = mapped_column(String(20))
    left_ticket: Mapped[str | None] = mapped_column(String(20))
    added_ticket: Mapped[str | None] = mapped_column(String(20))  # the birth that added them
    family: Mapped[Family] = relationship(back_populates="members")


class Document(Base):
    """An issued, signed document; its PDF never changes once issued."""

    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("doc_type", "number", "version"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    doc_type: Mapped[str] = mapped_column(String(20))
    number: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer, default=1)
    family_id: Mapped[int | None] = mapped_column(ForeignKey("families.id"))
    holder_name: Mapped[str] = mapped_column(String(120))
    issued_at: Mapped[datetime] = mapped_column(DateTime)
    content_digest: Mapped[str] = mapped_column(String(64))
    signed_token: Mapped[str] = mapped_column(Text)
    key_id: Mapped[str] = mapped_column(String(16))
    pdf: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    print_count: Mapped[int] = mapped_column(Integer, default=0)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)


pickup_code_documents = Table(
    "pickup_code_documents",
    Base.metadata,
    Column("pickup_code_id", ForeignKey("pickup_codes.id"), primary_key=True),
    Column("document_id", ForeignKey("documents.id"), primary_key=True),
)


class PickupCode(Base):
    """The secret a citizen receives (WhatsApp, e-mail) to print their documents once."""

    __tablename__ = "pickup_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hint: Mapped[str] = mapped_column(String(4))  # first characters, for staff and logs
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)
    used_by_kiosk_id: Mapped[str | None] = mapped_column(String(40))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    claimed_job_id: Mapped[str | None] = mapped_column(String(32))
    claim_expires_at: Mapped[datetime | None] = mapped_column(DateTime)
    # For people who type: a registration number and a 6-digit PIN, locked after failures.
    registration_number: Mapped[str | None] = mapped_column(String(20), unique=True)
    pin_hash: Mapped[str | None] = mapped_column(String(64))
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    documents: Mapped[list[Document]] = relationship(secondary=pickup_code_documents)


class Location(Base):
    """Where a kiosk stands: a village hall, a market, a sub-district office."""

    __tablename__ = "locations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    address: Mapped[str] = mapped_column(String(200))
    region_code: Mapped[str] = mapped_column(String(13))
    latitude: Mapped[float | None] = mapped_column()
    longitude: Mapped[float | None] = mapped_column()
    opening_hours: Mapped[str] = mapped_column(Text, default="{}")  # JSON: weekday -> "08:00-16:00"
    enabled_services: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of service codes
    config_version: Mapped[int] = mapped_column(Integer, default=1)


class Kiosk(Base):
    """A kiosk enrolled with the server; it authenticates with its own credential."""

    __tablename__ = "kiosks"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    location_name: Mapped[str] = mapped_column(String(200))
    region_code: Mapped[str] = mapped_column(String(13))
    credential_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    last_seen_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime)
    device_health: Mapped[str] = mapped_column(Text, default="[]")  # JSON from the heartbeat
    app_version: Mapped[str] = mapped_column(String(40), default="")
    outbox_pending: Mapped[int] = mapped_column(Integer, default=0)
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    config_version: Mapped[int] = mapped_column(Integer, default=1)  # raised on every change
    config_version_applied: Mapped[int] = mapped_column(Integer, default=0)  # as last reported
    location: Mapped[Location | None] = relationship()


class EnrolmentCode(Base):
    """A one-time code a technician types or scans at a new kiosk to receive its credential."""

    __tablename__ = "enrolment_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    kiosk_id: Mapped[str] = mapped_column(ForeignKey("kiosks.id"))
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)


class RequestNonce(Base):
    """Nonces of signed kiosk requests already seen: a replayed request is refused."""

    __tablename__ = "request_nonces"
    __table_args__ = (UniqueConstraint("kiosk_id", "nonce"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kiosk_id: Mapped[str] = mapped_column(String(40))
    nonce: Mapped[str] = mapped_column(String(64))
    seen_at: Mapped[datetime] = mapped_column(DateTime, index=True)


class PrintJob(Base):
    """One kiosk's claim on one pickup code, ending printed or failed."""

    __tablename__ = "print_jobs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kiosk_id: Mapped[str] = mapped_column(ForeignKey("kiosks.id"))
    pickup_code_id: Mapped[int] = mapped_column(ForeignKey("pickup_codes.id"))
    receipt_number: Mapped[str] = mapped_column(String(24), unique=True)
    status: Mapped[str] = mapped_column(String(12))  # claimed | printed | failed
    claimed_at: Mapped[datetime] = mapped_column(DateTime)
    lease_expires_at: Mapped[datetime] = mapped_column(DateTime)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime)
    failure_stage: Mapped[str | None] = mapped_column(String(20))
    failure_detail: Mapped[str | None] = mapped_column(String(200))
    # The kiosk's key for the citizen's attempt: its retry of a claim whose answer was lost
    # gets this job back (server/printing.py).
    idempotency_key: Mapped[str | None] = mapped_column(String(64))
    pickup_code: Mapped[PickupCode] = relationship()


class AuditEntry(Base):
    """Append-only record of who did what; never updated or deleted."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(60))
    action: Mapped[str] = mapped_column(String(60))
    subject: Mapped[str] = mapped_column(String(80))
    detail: Mapped[str] = mapped_column(Text, default="")


class StaffAccount(Base):
    """A person at the office who uses the staff API: an officer, a staff admin or a technician.

    They authenticate with a personal API token; only its SHA-256 is stored. The role decides
    what they may do (server/api/staff_auth.py); every change they make is audited in their name.
    """

    __tablename__ = "staff_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20))  # officer | admin | technician
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    # For the web console (server/console/passwords.py): scrypt, salted; None = no console login.
    password_hash: Mapped[str | None] = mapped_column(String(200))
    password_set_at: Mapped[datetime | None] = mapped_column(DateTime)


class Complaint(Base):
    """A citizen's complaint (pengaduan) left at a kiosk, followed up by the office."""

    __tablename__ = "complaints"
    __table_args__ = (UniqueConstraint("kiosk_id", "idempotency_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket: Mapped[str] = mapped_column(String(20), unique=True)
    kiosk_id: Mapped[str | None] = mapped_column(ForeignKey("kiosks.id"))
    category: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | answered | closed
    answer: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime)
    answered_by: Mapped[str | None] = mapped_column(String(60))
    # The kiosk's outbox resends until it hears back: one row per (kiosk, key).
    idempotency_key: Mapped[str | None] = mapped_column(String(64))
    request_digest: Mapped[str | None] = mapped_column(String(64))


class SurveyAnswer(Base):
    """One satisfaction survey (survei kepuasan) answered at a kiosk after a service."""

    __tablename__ = "survey_answers"
    __table_args__ = (UniqueConstraint("kiosk_id", "idempotency_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kiosk_id: Mapped[str | None] = mapped_column(ForeignKey("kiosks.id"))
    service: Mapped[str] = mapped_column(String(40))  # "print" or a service code
    rating: Mapped[int] = mapped_column(Integer)  # 1 (very unsatisfied) .. 5 (very satisfied)
    answers: Mapped[str] = mapped_column(Text, default="{}")  # JSON: question id -> 1..5
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(64))
    request_digest: Mapped[str | None] = mapped_column(String(64))


class HeartbeatSample(Base):
    """A kiosk's device health as of one heartbeat, taken every few minutes and kept for a day."""

    __tablename__ = "kiosk_heartbeat_samples"

    id: Mapped[int] = mapped_column(primary_key=True)
    kiosk_id: Mapped[str] = mapped_column(ForeignKey("kiosks.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    device_health: Mapped[str] = mapped_column(Text, default="[]")  # as in the heartbeat
    outbox_pending: Mapped[int] = mapped_column(Integer, default=0)


class HealthCheckRequest(Base):
    """A technician asks a kiosk to run its health checks; carried by every heartbeat answer
    until the kiosk reports the result (server/kiosk_health.py)."""

    __tablename__ = "kiosk_health_check_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    kiosk_id: Mapped[str] = mapped_column(ForeignKey("kiosks.id"), index=True)
    requested_at: Mapped[datetime] = mapped_column(DateTime)
    requested_by: Mapped[str] = mapped_column(String(60))
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime)  # first handed out
    level: Mapped[str] = mapped_column(String(20), default="external", server_default="external")
    result: Mapped[str | None] = mapped_column(Text)  # JSON: the kiosk's checks, per device
    reported_at: Mapped[datetime | None] = mapped_column(DateTime)


class ConsoleSession(Base):
    """A staff member logged in to the web console; the cookie holds the id, we its SHA-256."""

    __tablename__ = "console_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(String(60), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime, index=True)


class LoginThrottle(Base):
    """Failed console logins per username ("user:...") and per address ("ip:..."): slow, lock."""

    __tablename__ = "console_login_throttle"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime] = mapped_column(DateTime)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)


from server.applications import models as _applications  # noqa: E402,F401
