"""Bodies of the fleet API: creating, enrolling, placing and configuring kiosks."""

from __future__ import annotations

from pydantic import BaseModel, Field

from server.api.times import ServerTime

KIOSK_ID = r"^[A-Z0-9][A-Z0-9-]{2,39}$"  # ADM-7307-01: office-chosen, printed on the case


class KioskCreate(BaseModel):
    id: str = Field(pattern=KIOSK_ID)
    name: str = Field(min_length=1, max_length=120)
    location_id: int | None = Field(default=None, ge=1)


class EnrolmentIssued(BaseModel):
    """The code is shown this once; the technician types or scans it at the kiosk."""

    kiosk_id: str
    enrolment_code: str
    expires_at: ServerTime


class Placement(BaseModel):
    location_id: int = Field(ge=1)


class Revocation(BaseModel):
    reason: str = Field(min_length=3, max_length=300)


class KioskAdminView(BaseModel):
    id: str
    name: str
    location_id: int | None
    location_name: str
    region_code: str
    revoked: bool
    enrolled: bool
    config_version: int
    config_version_applied: int


class EnrolCreate(BaseModel):
    enrolment_code: str = Field(min_length=16, max_length=40)


class EnrolResult(BaseModel):
    """The kiosk stores `credential` (`<id>:<secret>`) in its credential file, mode 0600."""

    kiosk_id: str
    credential: str
    server_time: ServerTime


class ServiceOffered(BaseModel):
    code: str
    name_id: str
    name_en: str


class ConfigLocation(BaseModel):
    id: int
    name: str
    address: str
    region_code: str
    opening_hours: dict[str, str]


class KioskConfig(BaseModel):
    """What the office decides for one kiosk; `version` goes up with every change."""

    version: int
    kiosk_id: str
    kiosk_name: str
    location: ConfigLocation | None
    services: list[ServiceOffered]
    heartbeat_seconds: int
    claim_lease_seconds: int


class ResolveCreate(BaseModel):
    pickup_code: str = Field(min_length=1, max_length=64)


class ResolvedDocument(BaseModel):
    doc_type: str
    number: str
    holder_masked: str


class Resolved(BaseModel):
    """What a code would print, without claiming it: the kiosk shows it before printing."""

    status: str  # ready | in_progress | printed
    documents: list[ResolvedDocument]
    printed_at: ServerTime | None = None
