"""Demo data: three families in Kabupaten Sinjai (73.07), each with an issued KK, and a kiosk.

Loading is idempotent. Every load hands out fresh pickup codes (older unused ones are revoked),
a fresh kiosk credential and fresh tokens for the three demo staff accounts, because only their
hashes are stored.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.audit import audit
from server.catalogue import default_catalogue
from server.codes import hash_secret
from server.console.passwords import hash_password, new_password
from server.fleet import place
from server.issuance import issue_kk
from server.models import Document, Family, Kiosk, Location, PickupCode, Resident
from server.pickup_pin import issue_pickup_with_pin
from server.settings import Settings
from server.signing import Signer
from server.staff_accounts import create_account, find_account, replace_token

OFFICIAL = {
    "place": "Sinjai",
    "name": "Drs. H. Andi Mappasere, M.Si.",
    "nip": "19700812 199503 1 004",
    "title": "Kepala Dinas Kependudukan dan Pencatatan Sipil Kabupaten Sinjai",
}
DEMO_KIOSK_ID = "ADM-7307-01"
# username -> (display name, role): one demo staff account per role.
DEMO_STAFF = {
    "petugas": ("Petugas Verifikasi (demo)", "officer"),
    "admin": ("Admin Dinas (demo)", "admin"),
    "teknisi": ("Teknisi ADM (demo)", "technician"),
}
STAFF_TOKENS_FILE = "demo-staff-tokens.txt"  # in the data dir
CONSOLE_PASSWORDS_FILE = "demo-console-passwords.txt"  # in the data dir, next to the tokens
DEMO_LOCATION = {
    "name": "Kantor Kecamatan Sinjai Utara",
    "address": "Jl. Persatuan Raya, Balangnipa, Sinjai Utara",
    "region_code": "73.07.05",
    "latitude": -5.1241,
    "longitude": 120.2530,
}
DEMO_HOURS = {day: "08:00-16:00" for day in ("mon", "tue", "wed", "thu")} | {"fri": "08:00-11:30"}

_FAMILIES = [
    {
        "kk_number": "7307051203150001",
        "address": "Jl. Persatuan Raya No. 12",
        "rt_rw": "001/002",
        "village": "Biringere",
        "district": "Sinjai Utara",
        "postal_code": "92611",
        "region_code": "73.07.05.1001",
        "members": [
            (
                "7307051405800003",
                "Andi Baso Rahman",
                "L",
                "Sinjai",
                date(1980, 5, 14),
                "S1",
                "Pegawai Negeri Sipil",
                "KAWIN",
                "KEPALA KELUARGA",
                "Andi Rahman",
                "Sitti Aminah",
            ),
            (
                "7307054209840002",
                "Hasnawati",
                "P",
                "Bulukumba",
                date(1984, 9, 2),
                "D3",
                "Mengurus Rumah Tangga",
                "KAWIN",
                "ISTRI",
                "Muh. Saleh",
                "Rosmini",
            ),
            (
                "7307052001100001",
                "Muhammad Rizky Baso",
                "L",
                "Sinjai",
                date(2010, 1, 20),
                "SLTP",
                "Pelajar/Mahasiswa",
                "BELUM KAWIN",
                "ANAK",
                "Andi Baso Rahman",
                "Hasnawati",
            ),
            (
                "7307055107140002",
                "Nur Aisyah Baso",
                "P",
                "Sinjai",
                date(2014, 7, 11),
                "SD",
                "Pelajar/Mahasiswa",
                "BELUM KAWIN",
                "ANAK",
                "Andi Baso Rahman",
                "Hasnawati",
            ),
        ],
    },
    {
        "kk_number": "7307021508180004",
        "address": "Dusun Bonto Langkasa",
        "rt_rw": "002/001",
        "village": "Samataring",
        "district": "Sinjai Timur",
        "postal_code": "92671",
        "region_code": "73.07.02.2007",
        "members": [
            (
                "7307023011750001",
                "Muh. Arifin",
                "L",
                "Sinjai",
                date(1975, 11, 30),
                "SLTA",
                "Petani/Pekebun",
                "KAWIN",
                "KEPALA KELUARGA",
                "Baharuddin",
                "Hadijah",
            ),
            (
                "7307024803780001",
                "Syamsiah",
                "P",
                "Sinjai",
                date(1978, 3, 8),
                "SLTP",
                "Petani/Pekebun",
                "KAWIN",
                "ISTRI",
                "Abd. Hamid",
                "Sitti Rahmah",
            ),
            (
                "7307021906050002",
                "Ahmad Fauzi",
                "L",
                "Sinjai",
                date(2005, 6, 19),
                "SLTA",
                "Nelayan/Perikanan",
                "BELUM KAWIN",
                "ANAK",
                "Muh. Arifin",
                "Syamsiah",
            ),
        ],
    },
    {
        "kk_number": "7307031102200002",
        "address": "Jl. Poros Sinjai-Bulukumba Km. 14",
        "rt_rw": "003/001",
        "village": "Palangka",
        "district": "Sinjai Selatan",
        "postal_code": "92661",
        "region_code": "73.07.03.2004",
        "members": [
            (
                "7307036512580001",
                "Hj. Sitti Nurhayati",
                "P",
                "Sinjai",
                date(1958, 12, 25),
                "SD",
                "Wiraswasta",
                "CERAI MATI",
                "KEPALA KELUARGA",
                "H. Mappiare",
                "Besse",
            ),
            (
                "7307030404900003",
                "Rahmat Hidayat",
                "L",
                "Makassar",
                date(1990, 4, 4),
                "S1",
                "Guru",
                "BELUM KAWIN",
                "ANAK",
                "Abdul Kadir",
                "Hj. Sitti Nurhayati",
            ),
        ],
    },
]


@dataclass(frozen=True)
class DemoCodes:
    kiosk_id: str
    kiosk_credential: str
    pickup_codes: dict[str, str]  # KK number -> pickup code text
    pins: dict[str, tuple[str, str]]  # KK number -> (registration number, PIN)
    staff_tokens: dict[str, str] = field(default_factory=dict)  # demo username -> API token
    console_passwords: dict[str, str] = field(default_factory=dict)  # username -> password


def _ensure_family(session: Session, spec: dict) -> Family:
    family = session.scalar(select(Family).where(Family.kk_number == spec["kk_number"]))
    if family is not None:
        return family
    family = Family(
        kk_number=spec["kk_number"],
        address=spec["address"],
        rt_rw=spec["rt_rw"],
        village=spec["village"],
        district=spec["district"],
        regency="Kabupaten Sinjai",
        province="Sulawesi Selatan",
        postal_code=spec["postal_code"],
        region_code=spec["region_code"],
    )
    for position, m in enumerate(spec["members"]):
        family.members.append(
            Resident(
                nik=m[0],
                name=m[1],
                sex=m[2],
                birth_place=m[3],
                birth_date=m[4],
                religion="Islam",
                education=m[5],
                occupation=m[6],
                marital_status=m[7],
                relation=m[8],
                nationality="WNI",
                father_name=m[9],
                mother_name=m[10],
                position=position,
            )
        )
    session.add(family)
    session.flush()
    return family


def _demo_location(session: Session) -> Location:
    """The sub-district office where the demo kiosk stands, offering every service."""
    location = session.scalar(select(Location).where(Location.name == DEMO_LOCATION["name"]))
    if location is None:
        location = Location(
            config_version=1,
            opening_hours=json.dumps(DEMO_HOURS, sort_keys=True),
            enabled_services=json.dumps(sorted(default_catalogue().services)),
            **DEMO_LOCATION,
        )
        session.add(location)
        session.flush()
    return location


def _demo_staff(session: Session) -> dict[str, str]:
    """The demo staff accounts, each with a fresh token (the old one stops working)."""
    tokens = {}
    for username, (display_name, role) in DEMO_STAFF.items():
        account = find_account(session, username)
        if account is None:
            _, tokens[username] = create_account(session, username, display_name, role, "system")
        else:
            account.role = role
            tokens[username] = replace_token(session, account, "system")
    return tokens


def _demo_console_passwords(session: Session) -> dict[str, str]:
    """A fresh random web console password for each demo staff account (only hashes kept)."""
    now = datetime.now()
    passwords = {}
    for username in DEMO_STAFF:
        account = find_account(session, username)
        assert account is not None
        passwords[username] = new_password()
        account.password_hash = hash_password(passwords[username])
        account.password_set_at = now
    return passwords


def write_console_passwords(settings: Settings, passwords: dict[str, str]) -> Path:
    """Write the demo console passwords to <data_dir>/demo-console-passwords.txt (owner only)."""
    path = settings.data_dir / CONSOLE_PASSWORDS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["# ADM demo web console (/console/login): username role password"]
    lines += [f"{user} {DEMO_STAFF[user][1]} {password}" for user, password in passwords.items()]
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write("\n".join(lines) + "\n")
    return path


def write_staff_tokens(settings: Settings, tokens: dict[str, str]) -> Path:
    """Write the demo staff tokens to <data_dir>/demo-staff-tokens.txt, for its owner only."""
    path = settings.data_dir / STAFF_TOKENS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["# ADM demo staff accounts: username role token (Authorization: Bearer <token>)"]
    lines += [f"{user} {DEMO_STAFF[user][1]} {token}" for user, token in tokens.items()]
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # also when an older file was readable by others
    with os.fdopen(fd, "w") as fh:
        fh.write("\n".join(lines) + "\n")
    return path


def load_demo(session: Session, signer: Signer, settings: Settings) -> DemoCodes:
    """Make sure the demo register exists; hand out fresh codes, kiosk credential, staff tokens."""
    now = datetime.now()
    codes: dict[str, str] = {}
    pins: dict[str, tuple[str, str]] = {}
    for spec in _FAMILIES:
        family = _ensure_family(session, spec)
        document = session.scalar(
            select(Document)
            .where(Document.doc_type == "KK", Document.number == family.kk_number)
            .order_by(Document.version.desc())
        )
        if document is None:
            document = issue_kk(session, family, signer, settings.public_url, OFFICIAL, now)
            session.flush()
        for old in session.scalars(
            select(PickupCode).where(
                PickupCode.documents.contains(document),
                PickupCode.used_at.is_(None),
                PickupCode.revoked_at.is_(None),
            )
        ):
            old.revoked_at = now
        code, pin = issue_pickup_with_pin(session, [document], settings.pickup_code_days)
        codes[family.kk_number] = code
        pins[family.kk_number] = (pin.registration_number, pin.pin)

    secret = secrets.token_urlsafe(24)
    kiosk = session.get(Kiosk, DEMO_KIOSK_ID)
    if kiosk is None:
        kiosk = Kiosk(
            id=DEMO_KIOSK_ID,
            name="ADM Kantor Camat Sinjai Utara",
            location_name="Kantor Kecamatan Sinjai Utara, Jl. Persatuan Raya, Balangnipa",
            region_code="73.07.05",
            credential_hash="",
            created_at=now,
        )
        session.add(kiosk)
    kiosk.credential_hash = hash_secret(secret)
    kiosk.revoked_at = None
    if kiosk.location_id is None:
        place(session, "system", kiosk, _demo_location(session).id)
    audit(session, "system", "demo.load", DEMO_KIOSK_ID, families=len(_FAMILIES))
    staff_tokens = _demo_staff(session)
    passwords = _demo_console_passwords(session)
    return DemoCodes(
        DEMO_KIOSK_ID, f"{DEMO_KIOSK_ID}:{secret}", codes, pins, staff_tokens, passwords
    )
