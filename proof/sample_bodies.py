"""Request bodies the tests and the proof harnesses send: one akta kelahiran application, as a
kiosk sends it."""

from __future__ import annotations

import base64
import io
from typing import Any

from PIL import Image

FATHER = "7307051405800003"  # Andi Baso Rahman, head of the first demo family
BIRTH_PAPERS = ("surat_keterangan_lahir", "ktp_ayah", "ktp_ibu", "kk_lama")
BIRTH_FIELDS = {
    "nama_anak": "Andi Nurul Baso",
    "jenis_kelamin": "P",
    "tempat_lahir": "Sinjai",
    "tanggal_lahir": "2026-11-01",
    "nama_ayah": "Andi Baso Rahman",
    "nama_ibu": "Hasnawati",
    "nomor_kk": "7307051203150001",
}


def png_b64(colour: str = "white") -> str:
    """A tiny real PNG, base64: what a photographed paper looks like on the wire."""
    out = io.BytesIO()
    Image.new("RGB", (16, 16), colour).save(out, "PNG")
    return base64.b64encode(out.getvalue()).decode()


def birth_application(**changes: Any) -> dict[str, Any]:
    """An akta kelahiran ("3 in 1") application by the father of the first demo family."""
    body: dict[str, Any] = {
        "service": "akta_kelahiran",
        "applicant_nik": FATHER,
        "applicant_phone": "0812-4455-6677",
        "fields": dict(BIRTH_FIELDS),
        "papers": [
            {"requirement": code, "content_type": "image/png", "data": png_b64()}
            for code in BIRTH_PAPERS
        ],
    }
    body.update(changes)
    return body
