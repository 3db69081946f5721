"""Public pages in real headless Chromium: a citizen checks a paper and finds a kiosk.

The pages run under the console's Content-Security-Policy; a test fails on any error the
browser reports (a blocked style or script shows up here, not only as a broken look).
"""

from __future__ import annotations

from datetime import datetime

import requests
from sqlalchemy import select, update
from support import STAFF_TOKEN

from server.models import Document

STAFF = {"Authorization": f"Bearer {STAFF_TOKEN}"}


def watch_errors(page) -> list[str]:
    """Errors the browser reports: console errors (CSP violations among them), page errors."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def kk_documents(register) -> list[Document]:
    with register() as session:
        documents = session.scalars(
            select(Document).where(Document.doc_type == "KK").order_by(Document.number)
        ).all()
        session.expunge_all()
    return list(documents)


def test_a_citizen_types_the_number_on_a_phone_and_reads_genuine(
    phone_page, server, register, screenshot
):
    errors = watch_errors(phone_page)
    document = kk_documents(register)[0]
    phone_page.goto(server.url + "/verifikasi")

    phone_page.fill("#kode", document.number)
    phone_page.click("button[type=submit]")

    verdict = phone_page.locator("#verdict")
    assert verdict.get_attribute("data-status") == "genuine"
    assert "ASLI" in verdict.inner_text()
    assert phone_page.inner_text("#doc-number") == document.number
    assert phone_page.inner_text("#doc-type") == "Kartu Keluarga"
    assert phone_page.inner_text("#doc-issued") == document.issued_at.strftime("%d-%m-%Y")
    # The verdict fits the phone's width: nothing to scroll sideways to read it.
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(phone_page, "public_verify_phone")
    assert errors == []


def test_a_pasted_qr_link_is_checked_and_a_forged_one_is_not_genuine(page, server, register):
    errors = watch_errors(page)
    token = kk_documents(register)[1].signed_token
    page.goto(server.url + "/verifikasi")

    page.fill("#kode", f"{server.url}/v/{token}")
    page.press("#kode", "Enter")
    genuine = page.get_attribute("#verdict", "data-status")
    page.fill("#kode", token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB"))
    page.click("button[type=submit]")
    forged = page.get_attribute("#verdict", "data-status")

    assert genuine == "genuine"
    assert forged == "unknown"
    assert "TIDAK DIKENAL" in page.inner_text("#verdict")
    assert page.locator("#doc-number").count() == 0
    assert errors == []


def test_a_revoked_paper_reads_revoked(page, server, register, screenshot):
    document = kk_documents(register)[2]
    with register() as session:  # no page revokes a document yet: the office's register does
        session.execute(
            update(Document).where(Document.id == document.id).values(revoked_at=datetime.now())
        )
    page.goto(server.url + "/verifikasi")

    page.fill("#kode", document.signed_token)
    page.click("button[type=submit]")

    assert page.get_attribute("#verdict", "data-status") == "revoked"
    assert "DICABUT" in page.inner_text("#verdict")
    screenshot(page, "public_verify_revoked")


def test_the_verdict_in_english_after_switching_language(page, server, register, screenshot):
    document = kk_documents(register)[0]
    page.goto(server.url + "/verifikasi?kode=" + document.signed_token)

    page.click("a[hreflang=en]")

    assert page.get_attribute("html", "lang") == "en"
    assert "GENUINE" in page.inner_text("#verdict")
    assert page.inner_text("#doc-type") == "Family card"
    screenshot(page, "public_verify_genuine")


def test_without_barcode_detection_the_scan_button_stays_hidden(page, server):
    page.goto(server.url + "/verifikasi")

    has_detector = page.evaluate("'BarcodeDetector' in window")

    # Desktop Chromium on Linux has no BarcodeDetector: the typed form is the way, no dead button.
    assert page.locator("#scan").is_visible() == has_detector


def add_place(server, kiosk_id: str, name: str, latitude: float, longitude: float) -> None:
    """A location with a kiosk placed there, as the staff admin makes them (staff API)."""
    location = requests.post(
        server.url + "/api/v1/staff/locations",
        json={
            "name": name,
            "address": f"{name}, Kabupaten Sinjai",
            "region_code": "73.07.02",
            "latitude": latitude,
            "longitude": longitude,
            "opening_hours": {d: "08:00-15:00" for d in ("mon", "tue", "wed", "thu", "sat")},
            "enabled_services": ["akta_kelahiran"],
        },
        headers=STAFF,
        timeout=30,
    )
    assert location.status_code == 201, location.text
    kiosk = requests.post(
        server.url + "/api/v1/staff/kiosks",
        json={"id": kiosk_id, "name": f"ADM {name}", "location_id": location.json()["id"]},
        headers=STAFF,
        timeout=30,
    )
    assert kiosk.status_code == 201, kiosk.text


def test_locations_list_and_map_and_a_mark_leads_to_its_place(page, server, screenshot):
    errors = watch_errors(page)
    add_place(server, "ADM-7307-02", "Kantor Kecamatan Sinjai Timur", -5.1712, 120.2741)
    add_place(server, "ADM-7307-03", "Kantor Kecamatan Sinjai Selatan", -5.2660, 120.1580)
    page.goto(server.url + "/lokasi")

    names = page.locator("article.place h3").all_inner_texts()
    marks = {
        mark.get_attribute("data-number"): mark.locator("circle").bounding_box()
        for mark in page.locator("g.map-mark").all()
    }
    assert len(names) == len(marks) == 3
    north = names.index(next(n for n in names if "Sinjai Utara" in n)) + 1
    south = names.index(next(n for n in names if "Sinjai Selatan" in n)) + 1
    east = names.index(next(n for n in names if "Sinjai Timur" in n)) + 1
    assert marks[str(north)]["y"] < marks[str(east)]["y"] < marks[str(south)]["y"]
    assert marks[str(south)]["x"] < marks[str(north)]["x"] < marks[str(east)]["x"]
    page.click(f"g.map-mark[data-number='{south}']")

    assert page.url.endswith(f"#place-{south}")
    assert "Sinjai Selatan" in page.inner_text(f"#place-{south}")
    assert "08:00 – 15:00 WITA" in page.inner_text(f"#place-{south}")
    screenshot(page, "public_locations")
    assert errors == []


def test_locations_on_a_phone_put_the_map_first_and_fit_the_width(phone_page, server, screenshot):
    phone_page.goto(server.url + "/lokasi")

    map_top = phone_page.locator("figure.map").bounding_box()
    list_top = phone_page.locator("#place-1").bounding_box()

    assert map_top is not None and list_top is not None
    assert map_top["y"] < list_top["y"]
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(phone_page, "public_locations_phone")
