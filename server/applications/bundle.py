"""Issuing the documents of an approved application's bundle, each signed like every ADM paper.

The KK comes from the register through server.issuance.issue_kk. Other document types are
rendered by the generic A4 renderer from the application's fields; their numbers are made from
the ticket, so they are unique without a shared counter between server processes.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.applications.errors import ApplicationRefused
from server.applications.models import Application
from server.applications.register import apply_register_changes
from server.catalogue import Catalogue, DocumentType, Service
from server.codes import new_id
from server.documents.generic_pdf import GenericDocumentView, render_generic_pdf
from server.documents.kk_pdf import ddmmyyyy
from server.issuance import SEX_WORDS, issue_kk
from server.models import Document, Resident
from server.signing import Signer, canonical_json

REGISTER_TYPES = frozenset({"KK", "BIODATA_PENDUDUK"})  # printed from the register itself


@dataclass(frozen=True)
class Issuer:
    """Who signs and where the QR codes point: the same for every document of a bundle."""

    signer: Signer
    public_url: str
    official: dict[str, str]  # place, name, nip, title (as for issue_kk)
    pickup_code_days: int


def applicant(session: Session, application: Application) -> Resident | None:
    return session.scalar(select(Resident).where(Resident.nik == application.applicant_nik))


def _display(service: Service, code: str, value: str) -> str:
    spec = service.field(code)
    if spec is None:
        return value
    if spec.type == "date":
        return ddmmyyyy(date.fromisoformat(value))
    if spec.type == "choice":
        return next((o.name_id for o in spec.options if o.code == value), value)
    return value


def _rows(
    service: Service,
    application: Application,
    resident: Resident | None,
    doc_type: str,
    register_rows: tuple[tuple[str, str], ...] = (),
) -> tuple[tuple[str, str], ...]:
    values = application.fields
    rows = [
        *register_rows,  # what the register gave (the child's NIK), first as on the real form
        *(
            (spec.name_id, _display(service, spec.code, values[spec.code]))
            for spec in service.fields
            if spec.code in values
        ),
    ]
    if resident is not None and doc_type == "BIODATA_PENDUDUK":
        family = resident.family
        rows = [
            ("Nama Lengkap", resident.name),
            ("Jenis Kelamin", SEX_WORDS[resident.sex]),
            ("Tempat/Tanggal Lahir", f"{resident.birth_place}, {ddmmyyyy(resident.birth_date)}"),
            ("Agama", resident.religion),
            ("Status Perkawinan", resident.marital_status),
            ("Pekerjaan", resident.occupation),
            ("Nomor KK", family.kk_number),
            ("Alamat", f"{family.address} RT/RW {family.rt_rw}, {family.village}"),
            ("Kecamatan", family.district),
            *rows,
        ]
    nik = ("NIK Pemohon", application.applicant_nik)
    name = [("Nama Pemohon", resident.name)] if resident is not None else []
    return (*rows, nik, *name)


def _holder(service: Service, application: Application, resident: Resident | None) -> str:
    names = [application.fields.get(code, "") for code in service.holder_fields]
    holder = " dan ".join(n for n in names if n)
    return (holder or (resident.name if resident else ""))[:120]


def document_number(application: Application, prefix: str, issued: date) -> str:
    """7307-LU-22112026-26117KQ2: regency, type, issue date, the ticket's month and code."""
    regency = re.sub(r"[^0-9]", "", application.region_code)[:4]
    _, _, month, code = application.ticket.split("-")
    return f"{regency}-{prefix}-{issued:%d%m%Y}-{month}{code}"


def issue_generic(
    session: Session,
    application: Application,
    service: Service,
    doc_type: DocumentType,
    resident: Resident | None,
    issuer: Issuer,
    now: datetime,
    register_rows: tuple[tuple[str, str], ...] = (),
) -> Document:
    """Render, sign and store one document of the bundle that has no form of its own yet."""
    number = document_number(application, doc_type.number_prefix, now.date())
    view = GenericDocumentView(
        doc_type=doc_type.code,
        title=doc_type.name_id,
        number=number,
        rows=_rows(service, application, resident, doc_type.code, register_rows),
        issued_on=now.date(),
        issued_place=issuer.official["place"],
        official_name=issuer.official["name"],
        official_nip=issuer.official["nip"],
        official_title=issuer.official["title"],
        region_code=application.region_code,
    )
    digest = hashlib.sha256(canonical_json(asdict(view), default=str)).hexdigest()
    doc_id = new_id()[:16]
    token = issuer.signer.sign(
        {
            "i": doc_id,
            "t": doc_type.code,
            "n": number,
            "d": now.date().isoformat(),
            "h": digest[:24],
        }
    )
    previous = session.scalar(
        select(func.count())
        .select_from(Document)
        .where(Document.doc_type == doc_type.code, Document.number == number)
    )
    document = Document(
        id=doc_id,
        doc_type=doc_type.code,
        number=number,
        version=(previous or 0) + 1,
        family_id=resident.family_id if resident else None,
        holder_name=_holder(service, application, resident),
        issued_at=now,
        content_digest=digest,
        signed_token=token,
        key_id=issuer.signer.current_key_id,
        pdf=render_generic_pdf(view, f"{issuer.public_url.rstrip('/')}/v/{token}"),
        print_count=0,
    )
    session.add(document)
    return document


def issue_bundle(
    session: Session,
    application: Application,
    catalogue: Catalogue,
    issuer: Issuer,
    now: datetime,
    actor: str = "system",
) -> list[Document]:
    """Every document the service yields, or ApplicationRefused before any is made.

    The register changes first (server.applications.register: a birth adds the child, a death
    or a move takes people off the family card), so the new KK shows the family as it now is.
    A family card nobody is left on is closed: the bundle then carries no KK.
    """
    service = catalogue.services[application.service_code]
    resident = applicant(session, application)
    if resident is None and REGISTER_TYPES.intersection(service.bundle):
        raise ApplicationRefused(
            409,
            "applicant_not_registered",
            "The applicant's NIK is not in the register: the KK or biodata cannot be issued",
        )
    change = apply_register_changes(session, application, actor, now)
    documents: list[Document] = []
    for code in service.bundle:
        if code == "KK":
            family = change.family or (resident.family if resident is not None else None)
            assert family is not None
            if not family.current_members:
                continue
            kk = issue_kk(session, family, issuer.signer, issuer.public_url, issuer.official, now)
            documents.append(kk)
        else:
            doc_type = catalogue.document_types[code]
            documents.append(
                issue_generic(
                    session,
                    application,
                    service,
                    doc_type,
                    resident,
                    issuer,
                    now,
                    change.rows.get(code, ()),
                )
            )
    session.flush()
    return documents
