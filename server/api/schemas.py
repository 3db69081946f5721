"""Request and response bodies of the HTTP API."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field


class KioskPublic(BaseModel):
    id: str
    name: str
    location_name: str
    region_code: str


class ClaimCreate(BaseModel):
    pickup_code: str = Field(min_length=1, max_length=64)


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
    lease_expires_at: datetime
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
    issued_at: datetime
    print_count: int
    revoked: bool


class Verification(BaseModel):
    status: Literal["genuine", "revoked", "unknown"]
    doc_type: str | None = None
    number: str | None = None
    issued_on: str | None = None
    message: str
