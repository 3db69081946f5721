"""What an issued document prints, decoupled from the database so renderers stay pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, kw_only=True)
class FamilyMemberRow:
    """One person's line on a Kartu Keluarga, in the printed (upper-case) wording.

    Keyword-only: thirteen string fields side by side are too easy to swap positionally.
    """

    nik: str
    name: str
    sex: str  # "LAKI-LAKI" | "PEREMPUAN"
    birth_place: str
    birth_date: date
    religion: str
    education: str
    occupation: str
    marital_status: str
    relation: str  # "KEPALA KELUARGA", "ISTRI", "ANAK", ...
    nationality: str = "WNI"
    father_name: str
    mother_name: str


@dataclass(frozen=True, kw_only=True)
class KartuKeluargaView:
    """Everything printed on one Kartu Keluarga, so a renderer never touches the database."""

    kk_number: str
    head_name: str
    address: str
    rt_rw: str
    village: str
    district: str
    regency: str
    province: str
    postal_code: str
    region_code: str
    members: tuple[FamilyMemberRow, ...]
    issued_on: date
    issued_place: str
    official_name: str
    official_nip: str
    official_title: str
    document_number: str
