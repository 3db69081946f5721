"""Public pages over HTTP, as any phone or laptop fetches them from the real server process.

/verifikasi answers genuine, revoked or unknown for a QR code's content (the link or the bare
token) or a typed document number, and shows only what the paper prints: its type, number and
issue date. /lokasi lists where kiosks stand, with their hours on the place's own clock.
"""

from __future__ import annotations

import html
import re
from datetime import datetime

import requests
from sqlalchemy import select, update
from support import STAFF_TOKEN

from server.models import Document, Resident

STAFF = {"Authorization": f"Bearer {STAFF_TOKEN}"}


def page(server, path: str, lang: str | None = None, **params: str) -> requests.Response:
    cookies = {"adm_lang": lang} if lang else None
    response = requests.get(server.url + path, params=params, cookies=cookies, timeout=30)
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    return response


def verdict(response: requests.Response) -> str:
    """The status the page shows (genuine | revoked | unknown), from the verdict box."""
    match = re.search(r'id="verdict" data-status="(\w+)"', response.text)
    assert match, "the page shows no verdict"
    return match.group(1)


def text_of(response: requests.Response) -> str:
    """What a reader sees: the page without tags, entities decoded, spaces collapsed."""
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", response.text, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


def kk_document(register, family: int = 0) -> Document:
    with register() as session:
        documents = session.scalars(
            select(Document).where(Document.doc_type == "KK").order_by(Document.number)
        ).all()
        session.expunge_all()
    return documents[family]


def personal_data(register) -> list[str]:
    with register() as session:
        rows = session.execute(
            select(Resident.nik, Resident.name, Resident.father_name, Resident.mother_name)
        ).all()
    return sorted({value.lower() for row in rows for value in row})


# --- verification -------------------------------------------------------------------------------


def test_empty_form_asks_for_a_code_and_shows_no_verdict(server):
    response = page(server, "/verifikasi")

    assert "Isi kode QR atau nomor dokumen" in response.text
    assert 'id="verdict"' not in response.text
    assert response.headers["cache-control"] == "no-store"


def test_the_qr_codes_link_says_genuine_with_type_number_and_issue_date(server, register):
    document = kk_document(register)
    link = f"{server.url}/v/{document.signed_token}"  # what the QR code on the paper holds

    response = page(server, "/verifikasi", kode=link)

    assert verdict(response) == "genuine"
    shown = text_of(response)
    assert "ASLI" in shown
    assert "Kartu Keluarga" in shown
    assert document.number in shown
    assert document.issued_at.strftime("%d-%m-%Y") in shown


def test_the_bare_token_is_enough(server, register):
    document = kk_document(register)

    response = page(server, "/verifikasi", kode=document.signed_token)

    assert verdict(response) == "genuine"
    assert document.number in text_of(response)


def test_verification_shows_no_name_nik_or_address(server, register):
    data = personal_data(register)
    for family in range(3):
        document = kk_document(register, family)
        for kode in (document.signed_token, document.number):
            shown = page(server, "/verifikasi", kode=kode).text.lower()

            leaked = [value for value in data if value in shown]
            assert not leaked, f"{kode[:20]} shows {leaked}"


def test_verification_in_english(server, register):
    response = page(server, "/verifikasi", lang="en", kode=kk_document(register).signed_token)

    shown = text_of(response)
    assert "GENUINE" in shown
    assert "Family card" in shown


def test_an_altered_code_is_not_genuine_and_shows_no_document(server, register):
    document = kk_document(register)
    token = document.signed_token
    at = len(token) - 5
    forgeries = {
        "signature": token[:at] + ("A" if token[at] != "A" else "B") + token[at + 1 :],
        "number": token.replace(document.number, kk_document(register, 1).number),
        "issue date": token.replace(document.issued_at.date().isoformat(), "2020-01-01"),
    }
    for where, forged in forgeries.items():
        assert forged != token, where

        response = page(server, "/verifikasi", kode=forged)

        assert verdict(response) == "unknown", where
        shown = text_of(response)
        assert "TIDAK DIKENAL" in shown
        assert "bukan tanda tangan elektronik Disdukcapil yang sah" in shown
        assert 'id="doc-number"' not in response.text, where


def test_a_revoked_document_says_revoked(server, register):
    document = kk_document(register)
    with register() as session:  # no page revokes a document yet: the office's register does
        session.execute(
            update(Document).where(Document.id == document.id).values(revoked_at=datetime.now())
        )

    by_code = page(server, "/verifikasi", kode=document.signed_token)
    by_number = page(server, "/verifikasi", kode=document.number)
    other = page(server, "/verifikasi", kode=kk_document(register, 1).signed_token)

    assert verdict(by_code) == "revoked"
    assert "DICABUT" in text_of(by_code)
    assert verdict(by_number) == "revoked"
    assert verdict(other) == "genuine"


def test_a_typed_number_with_spaces_is_found(server, register):
    number = kk_document(register).number
    typed = f" {number[:4]} {number[4:8]} {number[8:12]} {number[12:]} "

    response = page(server, "/verifikasi", kode=typed)

    assert verdict(response) == "genuine"
    assert "pindai kode QR-nya" in text_of(response)  # a number is weaker proof than the code


def test_an_unknown_number_says_so_and_names_what_was_typed(server):
    response = page(server, "/verifikasi", kode="7307-LU-01012026-11ZZZZ")

    assert verdict(response) == "unknown"
    assert "Tidak ada dokumen dengan nomor 7307-LU-01012026-11ZZZZ" in text_of(response)


GARBAGE = {
    "script": "<script>alert(1)</script>",
    "sql": "' OR 1=1 --",
    "unicode": "ADM1.ü~ß~KK~١~2026-01-01~🙂~k.ÄÖÜ",
    "long": "A" * 5000,
    "link without token": "https://adm.example/v/",
    "prefix only": "ADM1..",
    "nul": "ADM1.%00\x00.x",
}


def test_garbage_is_not_genuine_never_an_error_and_never_echoed_raw(server):
    for name, kode in GARBAGE.items():
        response = page(server, "/verifikasi", kode=kode)

        assert verdict(response) == "unknown", name
        assert "<script>alert(1)</script>" not in response.text


# --- locations ----------------------------------------------------------------------------------


def test_locations_list_the_demo_kiosk_place_with_its_hours_on_its_own_clock(server):
    shown = text_of(page(server, "/lokasi"))

    assert "Kantor Kecamatan Sinjai Utara" in shown
    assert "Jl. Persatuan Raya, Balangnipa, Sinjai Utara" in shown
    assert "Wilayah 73.07" in shown
    assert "Senin–Kamis 08:00 – 16:00 WITA" in shown
    assert "Jumat 08:00 – 11:30 WITA" in shown
    assert "Sabtu–Minggu Tutup" in shown


def test_locations_in_english(server):
    shown = text_of(page(server, "/lokasi", lang="en"))

    assert "Monday–Thursday 08:00 – 16:00 WITA" in shown
    assert "Saturday–Sunday Closed" in shown


def test_the_map_marks_each_place_with_its_number(server):
    response = page(server, "/lokasi")

    assert re.search(r'<g class="map-mark" data-number="1">', response.text)
    assert "<title>1. Kantor Kecamatan Sinjai Utara</title>" in response.text


def test_a_location_shows_once_a_kiosk_stands_there(server):
    created = requests.post(
        server.url + "/api/v1/staff/locations",
        json={
            "name": "Pasar Sentral Palembang",
            "address": "Jl. Merdeka No. 1, Palembang",
            "region_code": "16.71.01",
            "latitude": -2.9909,
            "longitude": 104.7566,
            "opening_hours": {"sat": "07:00-12:00"},
            "enabled_services": [],
        },
        headers=STAFF,
        timeout=30,
    )
    assert created.status_code == 201, created.text
    location_id = created.json()["id"]

    before = text_of(page(server, "/lokasi"))
    placed = requests.post(
        server.url + "/api/v1/staff/kiosks",
        json={"id": "ADM-1671-01", "name": "ADM Pasar Sentral", "location_id": location_id},
        headers=STAFF,
        timeout=30,
    )
    assert placed.status_code == 201, placed.text
    after = text_of(page(server, "/lokasi"))

    assert "Pasar Sentral Palembang" not in before
    assert "Pasar Sentral Palembang" in after
    assert "Wilayah 16.71" in after
    assert "Sabtu 07:00 – 12:00 WIB" in after  # Palembang keeps western Indonesian time


def test_a_place_whose_only_kiosk_was_revoked_is_no_longer_listed(server):
    revoked = requests.post(
        server.url + "/api/v1/staff/kiosks/ADM-7307-01/revoke",
        json={"reason": "dipindahkan ke gudang"},
        headers=STAFF,
        timeout=30,
    )
    assert revoked.status_code == 200, revoked.text

    response = page(server, "/lokasi")

    assert "Kantor Kecamatan Sinjai Utara" not in text_of(response)
    assert 'id="no-locations"' in response.text


def test_public_pages_need_no_login_and_set_no_session(server):
    for path in ("/verifikasi", "/lokasi"):
        response = requests.get(server.url + path, timeout=30, allow_redirects=False)

        assert response.status_code == 200
        assert "adm_console" not in response.headers.get("set-cookie", "")
