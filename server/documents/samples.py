"""A sample Kartu Keluarga of Kabupaten Sinjai, for previews, tests and the PDF benchmark."""

from __future__ import annotations

from datetime import date
from typing import Any

from server.documents.views import FamilyMemberRow, KartuKeluargaView


def sample_member(
    birth_place: str = "SINJAI", religion: str = "ISLAM", nationality: str = "WNI", **fields: Any
) -> FamilyMemberRow:
    """A member of a Sinjai family; the caller gives what differs."""
    return FamilyMemberRow(
        birth_place=birth_place, religion=religion, nationality=nationality, **fields
    )


SAMPLE_MEMBERS = (
    sample_member(
        nik="7307051408820002",
        name="ANDI MUHAMMAD RIZAL",
        sex="LAKI-LAKI",
        birth_date=date(1982, 8, 14),
        education="DIPLOMA IV/STRATA I",
        occupation="PEGAWAI NEGERI SIPIL (PNS)",
        marital_status="KAWIN TERCATAT",
        relation="KEPALA KELUARGA",
        father_name="ANDI BACO PATUNRUI",
        mother_name="HJ. ANDI TENRI AJENG",
    ),
    sample_member(
        nik="7307056305860001",  # a woman: day of birth 23 + 40
        name="ANDI TENRI OLA",
        sex="PEREMPUAN",
        birth_place="WATAMPONE",
        birth_date=date(1986, 5, 23),
        education="SLTA/SEDERAJAT",
        occupation="MENGURUS RUMAH TANGGA",
        marital_status="KAWIN TERCATAT",
        relation="ISTRI",
        father_name="H. LA TANDRA",
        mother_name="I MACCINNA",
    ),
    sample_member(
        nik="7307050211100003",
        name="ANDI ARYA MAPPATUNRU",
        sex="LAKI-LAKI",
        birth_date=date(2010, 11, 2),
        education="SLTP/SEDERAJAT",
        occupation="PELAJAR/MAHASISWA",
        marital_status="BELUM KAWIN",
        relation="ANAK",
        father_name="ANDI MUHAMMAD RIZAL",
        mother_name="ANDI TENRI OLA",
    ),
    sample_member(
        nik="7307055706160002",
        name="ANDI NURUL ANNISA TENRIABENG",
        sex="PEREMPUAN",
        birth_date=date(2016, 6, 17),
        education="BELUM TAMAT SD/SEDERAJAT",
        occupation="PELAJAR/MAHASISWA",
        marital_status="BELUM KAWIN",
        relation="ANAK",
        father_name="ANDI MUHAMMAD RIZAL",
        mother_name="ANDI TENRI OLA",
    ),
)

SAMPLE_KK = KartuKeluargaView(
    kk_number="7307051203240003",
    head_name="ANDI MUHAMMAD RIZAL",
    address="JL. PERSATUAN RAYA NO. 27",
    rt_rw="002/004",
    village="BIRINGERE",
    district="SINJAI UTARA",
    regency="KABUPATEN SINJAI",
    province="SULAWESI SELATAN",
    postal_code="92611",
    region_code="73.07.05.1001",
    members=SAMPLE_MEMBERS,
    issued_on=date(2024, 3, 12),
    issued_place="SINJAI",
    official_name="H. MUHAMMAD YUSUF TAHIR, S.Sos., M.Si.",
    official_nip="19750812 200003 1 004",
    official_title="KEPALA DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL KABUPATEN SINJAI",
    document_number="KK-7307-2024-000123",
)
