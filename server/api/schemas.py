"""Request and response bodies of the HTTP API."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, model_validator

from server.api.times import ServerTime


class KioskPublic(BaseModel):
    id: str
    name: str
    location_name: str
    region_code: str


class ClaimCreate(BaseModel):
    """Either the scanned pickup code, or the registration number and PIN the citizen types."""

    pickup_code: str | None = Field(default=None, min_length=1, max_length=64)
    registration_number: str | None = Field(default=None, min_length=1, max_length=20)
    pin: str | None = Field(default=None, min_length=1, max_length=6)
    idempotency_key: str | None = Field(
        default=None,
        min_length=8,
        max_length=64,
        pattern=r"^[A-Za-z0-9_.:-]+$",
        description=(
            "One per citizen attempt, the same on the kiosk's retries of that attempt. While"
            " this kiosk holds the code's claim made with this key (lease not expired), a claim"
            " with the same key returns that same job instead of in_progress, so a claim whose"
            " answer was lost on the network can be retried. Meaningful only for the kiosk that"
            " sent it; in the body, so the request's signature covers it."
        ),
    )

    @model_validator(mode="after")
    def one_way_in(self) -> ClaimCreate:
        typed = self.registration_number is not None and self.pin is not None
        if (self.pickup_code is None) == (not typed):
            raise ValueError("give pickup_code, or registration_number and pin")
        return self


class JobDocument(BaseModel):
    id: str
    doc_type: str
    number: str
    holder_masked: str
    download_path: str


class PrintJobPublic(BaseModel):
    id: str
    receipt_number: str
    status: str
    lease_expires_at: ServerTime
    documents: list[JobDocument]


class OutcomeCreate(BaseModel):
    outcome: Literal["printed", "failed"]
    stage: Literal["download", "a4", "receipt"] | None = None
    detail: str = Field(default="", max_length=500)


class DocumentStatus(BaseModel):
    id: str
    doc_type: str
    number: str
    version: int
    issued_at: ServerTime
    print_count: int
    revoked: bool


class Verification(BaseModel):
    status: Literal["genuine", "revoked", "unknown"]
    doc_type: str | None = None
    number: str | None = None
    issued_on: str | None = None
    message: str


class DeviceHealth(BaseModel):
    name: str = Field(max_length=40)
    kind: str = Field(max_length=40)
    state: str = Field(max_length=20)
    detail: str = Field(default="", max_length=300)
    counters: dict[str, int] = Field(default_factory=dict, max_length=64)


class HeartbeatCreate(BaseModel):
    app_version: str = Field(default="", max_length=40)
    outbox_pending: int = Field(default=0, ge=0, le=1_000_000)
    devices: list[DeviceHealth] = Field(default_factory=list, max_length=16)
    config_version: int | None = Field(default=None, ge=0, le=2**31 - 1)  # the one it runs


class HealthCheckOrder(BaseModel):
    """A technician's remote health check request, until the kiosk reports its result."""

    id: int
    level: Literal["external", "internal"] = "external"


class HeartbeatAck(BaseModel):
    server_time: ServerTime
    config_version: int  # the newest; a kiosk running another fetches /api/v1/kiosk/config
    # A technician asked for a remote health check (web console): true, and the request, in
    # every answer until the kiosk reports the result (POST .../health-checks/{id}/result).
    health_check: bool = False
    health_check_request: HealthCheckOrder | None = None


Scalar = str | int | float | bool | None


class CheckText(BaseModel):
    id: str = Field(max_length=300)
    en: str = Field(max_length=300)


class DeviceCheck(BaseModel):
    """One device's check as the kiosk ran it (kiosk/device_checks.py): no personal data."""

    device: str = Field(max_length=40)
    ok: bool
    level: str = Field(default="", max_length=20)
    text: CheckText
    details: dict[str, Scalar | list[Scalar] | dict[str, Scalar]] = Field(
        default_factory=dict, max_length=32
    )


class HealthCheckResultCreate(BaseModel):
    checks: list[DeviceCheck] = Field(min_length=1, max_length=16)


class HealthCheckResultAck(BaseModel):
    id: int
    reported_at: ServerTime


class KioskStatus(BaseModel):
    id: str
    name: str
    location_name: str
    region_code: str
    revoked: bool
    last_heartbeat_at: ServerTime | None
    app_version: str
    outbox_pending: int
    devices: list[DeviceHealth]
