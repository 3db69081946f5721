"""Issuing a document: fix its content, sign a minimal payload, render the PDF once, store it."""

from __future__ import annotations

import hashlib
from dataclasses import asdict
from datetime import date, datetime

from sqlalchemy.orm import Session

from server.codes import new_id
from server.documents.kk_pdf import render_kk_pdf
from server.documents.views import FamilyMemberRow, KartuKeluargaView
from server.models import HEAD_OF_FAMILY, Document, Family
from server.signing import Signer, canonical_json

SEX_WORDS = {"L": "LAKI-LAKI", "P": "PEREMPUAN"}


def kk_view(family: Family, issued_on: date, official: dict[str, str]) -> KartuKeluargaView:
    """What the printed KK shows, taken from the register: its current members, head first."""
    current = family.current_members
    members = tuple(
        FamilyMemberRow(
            nik=m.nik,
            name=m.name,
            sex=SEX_WORDS[m.sex],
            birth_place=m.birth_place,
            birth_date=m.birth_date,
            religion=m.religion,
            education=m.education,
            occupation=m.occupation,
            marital_status=m.marital_status,
            relation=m.relation,
            nationality=m.nationality,
            father_name=m.father_name,
            mother_name=m.mother_name,
        )
        for m in current
    )
    head = next((m.name for m in current if m.relation == HEAD_OF_FAMILY), "")
    return KartuKeluargaView(
        kk_number=family.kk_number,
        head_name=head,
        address=family.address,
        rt_rw=family.rt_rw,
        village=family.village,
        district=family.district,
        regency=family.regency,
        province=family.province,
        postal_code=family.postal_code,
        region_code=family.region_code,
        members=members,
        issued_on=issued_on,
        issued_place=official["place"],
        official_name=official["name"],
        official_nip=official["nip"],
        official_title=official["title"],
        document_number=family.kk_number,
    )


def content_digest(view: KartuKeluargaView) -> str:
    """SHA-256 over the canonical printed content: any change to the paper changes it."""
    return hashlib.sha256(canonical_json(asdict(view), default=str)).hexdigest()


def issue_kk(
    session: Session,
    family: Family,
    signer: Signer,
    public_url: str,
    official: dict[str, str],
    now: datetime | None = None,
) -> Document:
    """Issue a new version of the family's KK and return the stored document."""
    now = now or datetime.now()
    view = kk_view(family, now.date(), official)
    digest = content_digest(view)
    previous = (
        session.query(Document)
        .filter(Document.doc_type == "KK", Document.number == family.kk_number)
        .count()
    )
    doc_id = new_id()[:16]
    token = signer.sign(
        {
            "i": doc_id,
            "t": "KK",
            "n": family.kk_number,
            "d": now.date().isoformat(),
            "h": digest[:24],
        }
    )
    qr_content = f"{public_url.rstrip('/')}/v/{token}"
    document = Document(
        id=doc_id,
        doc_type="KK",
        number=family.kk_number,
        version=previous + 1,
        family_id=family.id,
        holder_name=view.head_name,
        issued_at=now,
        content_digest=digest,
        signed_token=token,
        key_id=signer.current_key_id,
        pdf=render_kk_pdf(view, qr_content),
        print_count=0,
    )
    session.add(document)
    return document
