"""NIK (Nomor Induk Kependudukan): the 16-digit national ID number, and its structural check."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_NIK = re.compile(r"[0-9]{16}")


class InvalidNik(ValueError):
    """The number cannot be a NIK; the message says which part is wrong."""


@dataclass(frozen=True)
class NikParts:
    province: str
    regency: str
    district: str
    birth_date: date
    sex: str  # L | P
    serial: str


def parse_nik(nik: str, century_cutoff: int | None = None) -> NikParts:
    """Split a NIK into region, birth date (DD + 40 for women) and serial, or raise InvalidNik."""
    if not _NIK.fullmatch(nik):
        raise InvalidNik("NIK harus 16 angka / NIK must be 16 digits")
    province, regency, district = nik[0:2], nik[2:4], nik[4:6]
    if province == "00" or regency == "00" or district == "00":
        raise InvalidNik("kode wilayah NIK tidak valid / region code in NIK is invalid")
    day, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    sex = "L"
    if day > 40:
        day -= 40
        sex = "P"
    cutoff = date.today().year % 100 if century_cutoff is None else century_cutoff
    year = 2000 + yy if yy <= cutoff else 1900 + yy
    try:
        born = date(year, month, day)
    except ValueError as exc:
        raise InvalidNik(
            "tanggal lahir dalam NIK tidak valid / birth date in NIK is invalid"
        ) from exc
    serial = nik[12:16]
    if serial == "0000":
        raise InvalidNik("nomor urut NIK tidak valid / serial number in NIK is invalid")
    return NikParts(province, regency, district, born, sex, serial)


def nik_prefix(region_code: str, birth_date: date, sex: str) -> str:
    """The first 12 digits of a new NIK: district of the family, birth date (DD + 40 for women).

    ``region_code`` is a kode wilayah such as "73.07.05.1001" (only its province, regency and
    district count); ``sex`` is L or P. The 4-digit serial that follows is the register's to give.
    """
    digits = re.sub(r"[^0-9]", "", region_code)[:6]
    if len(digits) != 6 or "00" in (digits[0:2], digits[2:4], digits[4:6]):
        raise InvalidNik(f"kode wilayah {region_code!r} tidak lengkap / region code is incomplete")
    if sex not in ("L", "P"):
        raise InvalidNik("jenis kelamin harus L atau P / sex must be L or P")
    day = birth_date.day + (40 if sex == "P" else 0)
    return f"{digits}{day:02d}{birth_date:%m%y}"
