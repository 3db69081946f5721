"""Request and response bodies of the application endpoints, and how records become them."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from server.api.times import ServerTime
from server.applications.models import Application, Notification
from server.applications.submission import missing_papers
from server.applications.workflow import LABELS
from server.catalogue import Catalogue, Service
from server.privacy import mask_nik

StatusName = Literal[
    "submitted",
    "in_verification",
    "needs_fixing",
    "approved",
    "issued",
    "printed",
    "couriered",
    "emailed",
    "rejected",
]
ChannelName = Literal["kiosk", "whatsapp", "web", "counter"]


# --- the catalogue --------------------------------------------------------------------------


class OptionPublic(BaseModel):
    code: str
    name_id: str
    name_en: str


class FieldPublic(BaseModel):
    code: str
    name_id: str
    name_en: str
    type: str
    required: bool
    options: list[OptionPublic]


class RequirementPublic(BaseModel):
    code: str
    name_id: str
    name_en: str
    required: bool


class DocumentTypePublic(BaseModel):
    code: str
    name_id: str
    name_en: str


class ServicePublic(BaseModel):
    code: str
    name_id: str
    name_en: str
    bundle: list[DocumentTypePublic]
    papers: list[RequirementPublic]
    fields: list[FieldPublic]


class CataloguePublic(BaseModel):
    version: int
    services: list[ServicePublic]


def catalogue_public(catalogue: Catalogue) -> CataloguePublic:
    types = catalogue.document_types
    return CataloguePublic(
        version=catalogue.version,
        services=[
            ServicePublic(
                code=s.code,
                name_id=s.name_id,
                name_en=s.name_en,
                bundle=[
                    DocumentTypePublic(code=t, name_id=types[t].name_id, name_en=types[t].name_en)
                    for t in s.bundle
                ],
                papers=[RequirementPublic(**vars(p)) for p in s.papers],
                fields=[
                    FieldPublic(
                        code=f.code,
                        name_id=f.name_id,
                        name_en=f.name_en,
                        type=f.type,
                        required=f.required,
                        options=[OptionPublic(**vars(o)) for o in f.options],
                    )
                    for f in s.fields
                ],
            )
            for s in catalogue.services.values()
        ],
    )


# --- the kiosk ------------------------------------------------------------------------------


class PaperUpload(BaseModel):
    """One photographed page; checked by server.applications.papers, never trusted as sent."""

    model_config = ConfigDict(extra="forbid")

    requirement: str = Field(min_length=1, max_length=60)
    content_type: str = Field(min_length=1, max_length=60)
    data: str  # base64; its size is checked before decoding


class ApplicationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    service: str = Field(min_length=1, max_length=60)
    applicant_nik: str = Field(min_length=1, max_length=40)
    applicant_phone: str | None = Field(default=None, max_length=40)
    applicant_email: str | None = Field(default=None, max_length=200)
    notify_via: Literal["whatsapp", "sms", "email"] = "whatsapp"
    fields: dict[str, str] = Field(default_factory=dict, max_length=40)
    papers: list[PaperUpload] = Field(default_factory=list)


class PapersResubmit(BaseModel):
    """New papers after "needs fixing"; the NIK the citizen types proves it is their ticket."""

    model_config = ConfigDict(extra="forbid")

    applicant_nik: str = Field(min_length=1, max_length=40)
    papers: list[PaperUpload] = Field(min_length=1)


class KioskApplication(BaseModel):
    """What the check-status screen shows: nothing personal beyond what the citizen typed."""

    ticket: str
    service: str
    service_name_id: str
    service_name_en: str
    status: StatusName
    status_id: str
    status_en: str
    reason: str | None  # why it needs fixing or was rejected, in Indonesian
    missing: list[RequirementPublic]
    documents_ready: bool
    created_at: ServerTime
    updated_at: ServerTime


def missing_of(application: Application, service: Service) -> list[RequirementPublic]:
    """Papers still to bring: those the officer asked again for, and required ones absent."""
    present = [p.requirement_code for p in application.current_papers()]
    codes = set(missing_papers(service, present))
    if application.status == "needs_fixing":
        codes |= set(application.papers_to_fix)
    return [RequirementPublic(**vars(p)) for p in service.papers if p.code in codes]


def kiosk_view(application: Application, catalogue: Catalogue) -> KioskApplication:
    service = catalogue.services[application.service_code]
    label_id, label_en = LABELS[application.status]
    return KioskApplication(
        ticket=application.ticket,
        service=service.code,
        service_name_id=service.name_id,
        service_name_en=service.name_en,
        status=application.status,  # type: ignore[arg-type]
        status_id=label_id,
        status_en=label_en,
        reason=application.status_reason,
        missing=missing_of(application, service),
        documents_ready=application.status == "issued",
        created_at=application.created_at,
        updated_at=application.updated_at,
    )


# --- the office -----------------------------------------------------------------------------


class ApplicationSummary(BaseModel):
    ticket: str
    service: str
    channel: ChannelName
    status: StatusName
    applicant_nik_masked: str
    kiosk_id: str | None
    created_at: ServerTime
    updated_at: ServerTime


class PaperInfo(BaseModel):
    id: int
    requirement: str
    name_id: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: ServerTime
    superseded: bool
    download_path: str


class HistoryEntry(BaseModel):
    from_status: str | None
    to_status: str
    actor: str
    reason: str | None
    at: ServerTime


class IssuedDocument(BaseModel):
    id: str
    doc_type: str
    number: str
    version: int
    verify_path: str  # what the QR code on the paper links to


class ApplicationDetail(ApplicationSummary):
    applicant_nik: str
    applicant_phone: str | None
    applicant_email: str | None
    notify_via: str
    fields: dict[str, str]
    status_reason: str | None
    fix_papers: list[str]
    missing: list[RequirementPublic]
    papers: list[PaperInfo]
    history: list[HistoryEntry]
    documents: list[IssuedDocument]


class ReasonBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=500)  # in Indonesian: the citizen reads it


class FixRequest(ReasonBody):
    papers: list[str] = Field(default_factory=list, max_length=20)  # requirement codes


class DeliveryBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    via: Literal["printed", "couriered", "emailed"]


class NotificationPublic(BaseModel):
    id: int
    ticket: str
    kind: str
    channel: str
    recipient: str
    text: str
    created_at: ServerTime
    sent_at: ServerTime | None


def summary_fields(application: Application) -> dict[str, object]:
    return {
        "ticket": application.ticket,
        "service": application.service_code,
        "channel": application.channel,
        "status": application.status,
        "applicant_nik_masked": mask_nik(application.applicant_nik),
        "kiosk_id": application.kiosk_id,
        "created_at": application.created_at,
        "updated_at": application.updated_at,
    }


def summary(application: Application) -> ApplicationSummary:
    return ApplicationSummary.model_validate(summary_fields(application))


def detail(application: Application, catalogue: Catalogue, paper_path: str) -> ApplicationDetail:
    """The officer's view; ``paper_path`` is formatted with ticket and paper id."""
    service = catalogue.services[application.service_code]
    names = {p.code: p.name_id for p in service.papers}
    return ApplicationDetail.model_validate(
        {
            **summary_fields(application),
            "applicant_nik": application.applicant_nik,
            "applicant_phone": application.applicant_phone,
            "applicant_email": application.applicant_email,
            "notify_via": application.notify_via,
            "fields": application.fields,
            "status_reason": application.status_reason,
            "fix_papers": application.papers_to_fix,
            "missing": missing_of(application, service),
            "papers": [
                PaperInfo(
                    id=p.id,
                    requirement=p.requirement_code,
                    name_id=names.get(p.requirement_code, p.requirement_code),
                    content_type=p.content_type,
                    size=p.size,
                    sha256=p.sha256,
                    uploaded_at=p.uploaded_at,
                    superseded=p.superseded_at is not None,
                    download_path=paper_path.format(ticket=application.ticket, paper=p.id),
                )
                for p in application.papers
            ],
            "history": [
                HistoryEntry(
                    from_status=h.from_status,
                    to_status=h.to_status,
                    actor=h.actor,
                    reason=h.reason,
                    at=h.at,
                )
                for h in application.history
            ],
            "documents": [
                IssuedDocument(
                    id=d.id,
                    doc_type=d.doc_type,
                    number=d.number,
                    version=d.version,
                    verify_path=f"/v/{d.signed_token}",
                )
                for d in application.documents
            ],
        }
    )


def notification_public(row: Notification, ticket: str) -> NotificationPublic:
    return NotificationPublic(
        id=row.id,
        ticket=ticket,
        kind=row.kind,
        channel=row.channel,
        recipient=row.recipient,
        text=row.text,
        created_at=row.created_at,
        sent_at=row.sent_at,
    )
