"""Officer pages in real headless Chromium, end to end with a kiosk and a citizen's phone.

A kiosk submits an akta kelahiran application (signed, through the kiosk API). The officer logs
in through the login form, opens it, looks at the papers, verifies, approves and issues it. The
kiosk then resolves and claims the pickup code the citizen was sent and downloads the PDF it
would print; the QR code read off that PDF (rendered by pdftoppm, decoded by zxing-cpp) is what
someone checks on the public page: genuine; altered: not genuine; revoked: revoked.
"""

from __future__ import annotations

import base64
import io
import re
import secrets
import subprocess
from datetime import datetime
from pathlib import Path

import cv2
import zxingcpp
from PIL import Image, ImageDraw
from sqlalchemy import select, update

from proof.sample_bodies import birth_application
from server.models import Document

OFFICER_PAGES = "/console/officer"


def photographed(title: str) -> str:
    """A PNG that looks like a photographed A4 paper with a heading and lines, base64."""
    image = Image.new("RGB", (420, 594), "#f4f1e8")
    draw = ImageDraw.Draw(image)
    draw.rectangle((16, 16, 403, 577), outline="#8a8a8a", width=2)
    draw.text((40, 48), title.upper(), fill="#1c2321")
    for y in range(100, 540, 22):
        draw.line((40, y, 380 - (y * 7) % 90, y), fill="#5b6661", width=2)
    out = io.BytesIO()
    image.save(out, "PNG")
    return base64.b64encode(out.getvalue()).decode()


def submit(kiosk_api) -> str:
    body = birth_application()
    for paper in body["papers"]:
        paper["data"] = photographed(paper["requirement"].replace("_", " "))
    response = kiosk_api.post(
        "/api/v1/kiosk/applications", body, **{"Idempotency-Key": secrets.token_hex(8)}
    )
    assert response.status_code == 201, response.text
    ticket: str = response.json()["ticket"]
    return ticket


def watch_errors(page) -> list[str]:
    """What went wrong in the browser: script errors, CSP refusals, requests that failed."""
    errors: list[str] = []
    page.on(
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource")
            else None
        ),
    )
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    return errors


def qr_of_pdf(pdf: bytes, where: Path) -> str:
    """The text of the QR code printed on the PDF's first page, read from a 150 dpi render."""
    path = where / "document.pdf"
    path.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-singlefile", "-f", "1", str(path), str(where / "page")],
        check=True,
        timeout=60,
    )
    image = cv2.imread(str(where / "page.png"))
    assert image is not None
    found = [
        r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode
    ]
    assert len(found) == 1, found
    return found[0]


def take_step(page, button: str, status: str) -> None:
    with page.expect_navigation():
        page.click(button)
    assert page.get_attribute("#status", "data-status") == status


def test_officer_approves_and_issues_and_anyone_verifies_the_printed_paper(
    browser, page, server, kiosk_api, log_in, register, screenshot, tmp_path
):
    errors = watch_errors(page)
    ticket = submit(kiosk_api)
    log_in(page, "officer")
    assert page.url.endswith(OFFICER_PAGES)
    row = page.locator(f"tr[data-ticket='{ticket}']")
    assert "7307**********03" in row.inner_text()
    screenshot(page, "officer_queue")

    with page.expect_navigation():
        row.locator("a").click()
    papers = page.locator("#papers img")
    assert papers.count() == 4
    papers.last.scroll_into_view_if_needed()
    page.wait_for_function(
        "[...document.querySelectorAll('#papers img')].every(i => i.complete && i.naturalWidth)"
    )
    take_step(page, "#do-verify", "in_verification")
    screenshot(page, "officer_application_verifying")
    take_step(page, "#do-approve", "approved")
    take_step(page, "#do-issue", "issued")
    assert "siap dicetak" in page.inner_text("#done")
    ready = page.inner_text("#outbox [data-kind='ready']")
    screenshot(page, "officer_application_issued")
    code = re.search(r"Kode pengambilan: ([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})", ready)
    assert code, ready

    # The kiosk: the code the citizen was sent resolves, is claimed, the PDFs download.
    resolved = kiosk_api.post("/api/v1/kiosk/pickup-codes/resolve", {"pickup_code": code[1]})
    assert resolved.status_code == 200, resolved.text
    assert resolved.json()["status"] == "ready"
    job = kiosk_api.post("/api/v1/kiosk/print-jobs", {"pickup_code": code[1]})
    assert job.status_code == 201, job.text
    documents = {d["doc_type"]: d for d in job.json()["documents"]}
    assert sorted(documents) == ["AKTA_KELAHIRAN", "KIA", "KK"]
    akta = documents["AKTA_KELAHIRAN"]
    pdf = kiosk_api.get(akta["download_path"])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    link = qr_of_pdf(pdf.content, tmp_path)
    assert link.startswith(f"{server.url}/v/ADM1.")
    printed = kiosk_api.post(
        f"/api/v1/kiosk/print-jobs/{job.json()['id']}/result", {"outcome": "printed"}
    )
    assert printed.status_code == 200, printed.text
    page.reload()
    assert page.get_attribute("#status", "data-status") == "printed"
    assert errors == []

    # Anyone, on their own phone or laptop, with no login: the paper is genuine.
    citizen = browser.new_context(locale="id-ID").new_page()
    citizen.goto(server.url + "/verifikasi")
    citizen.fill("#kode", link)
    citizen.click("button[type=submit]")
    assert citizen.get_attribute("#verdict", "data-status") == "genuine"
    assert citizen.inner_text("#doc-number") == akta["number"]
    assert citizen.inner_text("#doc-type") == "Kutipan Akta Kelahiran"
    assert "Andi Nurul Baso" not in citizen.content()

    token = link.split("/v/", 1)[1]
    fields, signature = token.rsplit(".", 1)
    altered = fields.replace(akta["number"], akta["number"][:-1] + "X") + "." + signature
    assert altered != token
    citizen.fill("#kode", altered)
    citizen.click("button[type=submit]")
    assert citizen.get_attribute("#verdict", "data-status") == "unknown"
    assert "TIDAK DIKENAL" in citizen.inner_text("#verdict")

    with register() as session:  # no page revokes a document yet: the office's register does
        session.execute(
            update(Document).where(Document.id == akta["id"]).values(revoked_at=datetime.now())
        )
    citizen.fill("#kode", link)
    citizen.click("button[type=submit]")
    assert citizen.get_attribute("#verdict", "data-status") == "revoked"

    # The family's KK from before the birth is still genuine paper, but replaced by the new one.
    with register() as session:
        old_kk = session.scalars(
            select(Document.signed_token)
            .where(Document.doc_type == "KK", Document.number == documents["KK"]["number"])
            .order_by(Document.version)
        ).first()
    citizen.fill("#kode", old_kk)
    citizen.click("button[type=submit]")
    assert citizen.get_attribute("#verdict", "data-status") == "genuine"
    assert "sudah diganti dengan versi yang lebih baru" in citizen.inner_text("#newer")
    citizen.context.close()


def test_request_fixes_in_the_browser_shows_the_reason_the_citizen_reads(
    page, server, kiosk_api, log_in, screenshot
):
    ticket = submit(kiosk_api)
    log_in(page, "officer")
    page.goto(f"{server.url}{OFFICER_PAGES}/applications/{ticket}")
    take_step(page, "#do-verify", "in_verification")

    with page.expect_navigation():
        page.click("#do-fixes")  # no reason yet: refused, nothing changed
    assert page.get_attribute("#status", "data-status") == "in_verification"
    assert "Tulis alasannya" in page.inner_text("#fixes-form")
    page.fill("#fixes-form textarea[name=reason]", "Foto KTP ibu terpotong, mohon difoto ulang.")
    page.check("#fixes-form input[value=ktp_ibu]")
    take_step(page, "#do-fixes", "needs_fixing")

    assert page.inner_text("#status-reason") == "Foto KTP ibu terpotong, mohon difoto ulang."
    assert "terpotong" in page.inner_text("#outbox")
    status = kiosk_api.get(f"/api/v1/kiosk/applications/{ticket}").json()
    assert [m["code"] for m in status["missing"]] == ["ktp_ibu"]
    screenshot(page, "officer_application_needs_fixing")


def test_reprint_approval_shows_the_new_code_once(page, server, kiosk_api, log_in, screenshot):
    number = next(iter(server.codes))
    log_in(page, "officer")
    page.click("a[href='/console/officer/documents']")
    page.fill("#find-document input[name=number]", number)
    with page.expect_navigation():
        page.click("#find-document button")

    page.fill(".reprint-form input[name=reason]", "printer macet setelah konfirmasi")
    with page.expect_navigation():
        page.click(".reprint-form button")

    code = page.inner_text("#reprint-code")
    resolved = kiosk_api.post("/api/v1/kiosk/pickup-codes/resolve", {"pickup_code": code})
    assert resolved.status_code == 200
    assert resolved.json()["status"] == "ready"
    screenshot(page, "officer_reprint")
    # Someone without a phone to scan types the number and PIN as the page shows them.
    typed = kiosk_api.post(
        "/api/v1/kiosk/print-jobs",
        {
            "registration_number": page.inner_text("#reprint-number"),
            "pin": page.inner_text("#reprint-pin"),
        },
    )
    assert typed.status_code == 201, typed.text
    assert [d["number"] for d in typed.json()["documents"]] == [number]


def test_the_queue_and_an_application_on_a_phone_fit_its_width(
    phone_page, server, kiosk_api, log_in, screenshot
):
    ticket = submit(kiosk_api)
    log_in(phone_page, "officer")

    assert phone_page.locator("#queue tbody tr[data-ticket]").count() == 1
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(phone_page, "officer_queue_phone")
    with phone_page.expect_navigation():
        phone_page.click(f"tr[data-ticket='{ticket}'] a")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    actions = phone_page.locator("#actions").bounding_box()
    papers = phone_page.locator("#papers").bounding_box()
    assert actions is not None and papers is not None
    assert actions["y"] < papers["y"]  # on a phone the steps come first, then the details
    screenshot(phone_page, "officer_application_phone")
