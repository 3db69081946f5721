"""Officer pages over HTTP (a requests.Session as the officer's browser) on the real server.

Applications arrive as a kiosk sends them (signed, through the kiosk API); what the citizen
then reads is checked through the kiosk API too: the check-status answer, the pickup code that
resolves. Each step is the workflow's own (server/applications/workflow.py): a refused step
changes nothing, a POST without the CSRF token is refused, a role without the right gets 403.
"""

from __future__ import annotations

import base64
import re
import secrets

import requests
from console_http import FULL_NIK, Browser, audit_actions, demo_passwords
from support import STAFF_TOKEN

from proof.sample_bodies import FATHER, birth_application, png_b64

STAFF = {"Authorization": f"Bearer {STAFF_TOKEN}"}
OFFICER_PAGES = "/console/officer"


def submit(kiosk_api, **changes) -> str:
    """A birth application from the demo kiosk; its ticket."""
    response = kiosk_api.post(
        "/api/v1/kiosk/applications",
        birth_application(**changes),
        **{"Idempotency-Key": secrets.token_hex(8)},
    )
    assert response.status_code == 201, response.text
    ticket: str = response.json()["ticket"]
    return ticket


def as_citizen(kiosk_api, ticket: str) -> dict:
    """What the kiosk's check-status screen shows the citizen."""
    response = kiosk_api.get(f"/api/v1/kiosk/applications/{ticket}")
    assert response.status_code == 200, response.text
    body: dict = response.json()
    return body


def logged_in(server, username: str = "petugas") -> Browser:
    browser = Browser(server.url)
    response = browser.login(username, demo_passwords(server.data_dir)[username])
    assert response.status_code == 303, response.text[:500]
    return browser


def application_page(browser: Browser, ticket: str) -> requests.Response:
    response = browser.get(f"{OFFICER_PAGES}/applications/{ticket}")
    assert response.status_code == 200, response.text[:500]
    return response


def step(browser: Browser, ticket: str, action: str, **form: object) -> requests.Response:
    """Open the application page (for its form's CSRF token), then post the step."""
    application_page(browser, ticket)
    return browser.post(f"{OFFICER_PAGES}/applications/{ticket}/{action}", form)


def shown_status(response: requests.Response) -> str:
    match = re.search(r'id="status" data-status="(\w+)"', response.text)
    assert match, "no status on the page"
    return match.group(1)


def outbox_texts(browser: Browser, ticket: str) -> list[str]:
    page = application_page(browser, ticket).text
    section = page.split('id="outbox"', 1)[1].split("</section>", 1)[0]
    return [m.strip() for m in re.findall(r"<p>(.*?)</p>", section, flags=re.S)]


# --- the queue ----------------------------------------------------------------------------------


def test_the_queue_lists_a_kiosk_application_with_the_nik_masked(server, kiosk_api):
    ticket = submit(kiosk_api)
    officer = logged_in(server)

    response = officer.get(OFFICER_PAGES)

    assert response.status_code == 200
    row = re.search(
        rf'<tr data-ticket="{ticket}" data-status="submitted">(.*?)</tr>', response.text, re.S
    )
    assert row, "the new application is not in the queue"
    assert "Akta Kelahiran" in row.group(1)
    assert "Anjungan (ADM)" in row.group(1)
    assert f"{FATHER[:4]}**********{FATHER[-2:]}" in row.group(1)
    assert not FULL_NIK.findall(response.text)


def test_the_queue_filters_by_status_and_channel(server, kiosk_api):
    first, second = submit(kiosk_api), submit(kiosk_api)
    officer = logged_in(server)
    assert step(officer, first, "verify").status_code == 303

    def tickets(**filters: str) -> list[str]:
        response = officer.get(OFFICER_PAGES, params=filters)
        assert response.status_code == 200
        return re.findall(r'<tr data-ticket="([^"]+)"', response.text)

    assert tickets(status="in_verification") == [first]
    assert tickets(status="submitted") == [second]
    assert tickets() == [first, second]  # waiting for the office, oldest first
    assert tickets(channel="kiosk", service="akta_kelahiran") == [first, second]
    assert tickets(channel="whatsapp") == []
    assert tickets(status="no-such-status") == [first, second]  # an unknown filter is ignored


# --- one application ----------------------------------------------------------------------------


def test_the_application_page_shows_the_whole_nik_the_answers_and_the_papers(server, kiosk_api):
    ticket = submit(kiosk_api)
    officer = logged_in(server)

    page = application_page(officer, ticket).text

    assert f'id="applicant-nik">{FATHER}<' in page  # the officer compares it with the KTP
    assert "Andi Nurul Baso" in page
    assert "Perempuan" in page  # jenis_kelamin P, as the catalogue names it
    papers = re.findall(rf'<img src="({OFFICER_PAGES}/applications/{ticket}/papers/\d+)"', page)
    assert len(papers) == 4


def test_a_paper_is_served_to_officers_only_and_never_cached(server, kiosk_api):
    red = png_b64("red")
    body = birth_application()
    body["papers"][0]["data"] = red
    response = kiosk_api.post(
        "/api/v1/kiosk/applications", body, **{"Idempotency-Key": secrets.token_hex(8)}
    )
    ticket = response.json()["ticket"]
    officer = logged_in(server)
    first = re.findall(r'<img src="([^"]+/papers/\d+)"', application_page(officer, ticket).text)[0]

    image = officer.get(first)
    anonymous = requests.get(server.url + first, allow_redirects=False, timeout=30)
    technician = logged_in(server, "teknisi").get(first)

    assert image.status_code == 200
    assert image.content == base64.b64decode(red)
    assert image.headers["content-type"] == "image/png"
    assert image.headers["cache-control"] == "no-store"
    assert anonymous.status_code == 303
    assert anonymous.headers["location"].startswith("/console/login")
    assert technician.status_code == 403
    assert base64.b64decode(red) not in anonymous.content + technician.content


def test_verify_approve_issue_makes_the_documents_printable_at_a_kiosk(server, kiosk_api):
    ticket = submit(kiosk_api)
    officer = logged_in(server)

    for action, status in [
        ("verify", "in_verification"),
        ("approve", "approved"),
        ("issue", "issued"),
    ]:
        response = step(officer, ticket, action)
        assert response.status_code == 303, response.text[:500]
        page = officer.follow(response)
        assert shown_status(page) == status

    (ready,) = [t for t in outbox_texts(officer, ticket) if "Kode pengambilan" in t]
    code = re.search(r"Kode pengambilan: ([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})", ready)
    assert code, ready
    resolved = kiosk_api.post("/api/v1/kiosk/pickup-codes/resolve", {"pickup_code": code.group(1)})
    assert resolved.status_code == 200, resolved.text
    assert resolved.json()["status"] == "ready"
    types = sorted(d["doc_type"] for d in resolved.json()["documents"])
    assert types == ["AKTA_KELAHIRAN", "KIA", "KK"]
    assert as_citizen(kiosk_api, ticket)["documents_ready"] is True
    steps = [
        (a, act)
        for a, act, subject in audit_actions(server.data_dir, "application.")
        if subject == ticket
    ]
    assert ("petugas", "application.in_verification") in steps
    assert ("petugas", "application.approved") in steps
    assert ("petugas", "application.issued") in steps


def test_request_fixes_tells_the_citizen_why_and_which_paper(server, kiosk_api):
    ticket = submit(kiosk_api)
    officer = logged_in(server)
    step(officer, ticket, "verify")

    response = step(
        officer,
        ticket,
        "request-fixes",
        reason="Foto KTP ayah buram, mohon difoto ulang.",
        papers="ktp_ayah",
    )

    assert response.status_code == 303
    citizen = as_citizen(kiosk_api, ticket)
    assert citizen["status"] == "needs_fixing"
    assert citizen["reason"] == "Foto KTP ayah buram, mohon difoto ulang."
    assert [m["code"] for m in citizen["missing"]] == ["ktp_ayah"]
    assert any("buram" in text for text in outbox_texts(officer, ticket))


def test_request_fixes_without_a_reason_changes_nothing_and_says_so(server, kiosk_api):
    ticket = submit(kiosk_api)
    officer = logged_in(server)
    step(officer, ticket, "verify")

    response = step(officer, ticket, "request-fixes", reason="   ", papers="ktp_ayah")

    assert response.status_code == 422
    assert "Tulis alasannya" in response.text
    assert shown_status(response) == "in_verification"
    assert as_citizen(kiosk_api, ticket)["status"] == "in_verification"
    assert outbox_texts(officer, ticket) == []


def test_reject_is_final_and_the_citizen_reads_the_reason(server, kiosk_api):
    ticket = submit(kiosk_api)
    officer = logged_in(server)

    response = step(
        officer, ticket, "reject", reason="Permohonan ganda: sudah ada ADM-7307-2611-AAAA."
    )

    assert response.status_code == 303
    page = officer.follow(response)
    assert shown_status(page) == "rejected"
    assert 'id="do-approve"' not in page.text
    citizen = as_citizen(kiosk_api, ticket)
    assert citizen["status"] == "rejected"
    assert citizen["reason"].startswith("Permohonan ganda")


def test_a_step_the_workflow_refuses_changes_nothing_and_says_why(server, kiosk_api):
    ticket = submit(kiosk_api)
    officer = logged_in(server)

    response = step(officer, ticket, "approve")  # still "submitted": verification comes first
    issued = step(officer, ticket, "issue")

    assert response.status_code == 409
    assert "tidak bisa dilakukan pada status permohonan sekarang" in response.text
    assert issued.status_code == 409
    assert as_citizen(kiosk_api, ticket)["status"] == "submitted"


def test_an_unknown_ticket_is_a_clear_404(server):
    officer = logged_in(server)

    response = officer.get(f"{OFFICER_PAGES}/applications/ADM-7307-2611-ZZZZ")

    assert response.status_code == 404
    assert "Tidak ada permohonan dengan nomor tiket ini" in response.text


# --- security -----------------------------------------------------------------------------------


def test_a_step_posted_without_the_csrf_token_is_refused_and_changes_nothing(server, kiosk_api):
    ticket = submit(kiosk_api)
    officer = logged_in(server)
    application_page(officer, ticket)

    without = officer.post(f"{OFFICER_PAGES}/applications/{ticket}/verify", csrf=False)
    forged = officer.post(f"{OFFICER_PAGES}/applications/{ticket}/verify", {"csrf_token": "x" * 43})

    assert without.status_code == 403
    assert forged.status_code == 403
    assert as_citizen(kiosk_api, ticket)["status"] == "submitted"


def test_a_technician_can_neither_see_nor_take_an_officers_step(server, kiosk_api):
    ticket = submit(kiosk_api)
    technician = logged_in(server, "teknisi")
    technician.get("/console/tech")  # a page of their own, for the session's CSRF token

    queue = technician.get(OFFICER_PAGES)
    detail = technician.get(f"{OFFICER_PAGES}/applications/{ticket}")
    verify = technician.post(f"{OFFICER_PAGES}/applications/{ticket}/verify")

    assert queue.status_code == detail.status_code == verify.status_code == 403
    assert not FULL_NIK.findall(queue.text + detail.text)
    assert as_citizen(kiosk_api, ticket)["status"] == "submitted"


def test_an_officer_cannot_revoke_a_kiosk_or_create_a_location(server):
    officer = logged_in(server)
    officer.get(OFFICER_PAGES)  # the officer's own page gives the session's CSRF token

    revoke = officer.post("/console/admin/kiosks/ADM-7307-01/revoke", {"reason": "uji coba"})
    create = officer.post(
        "/console/admin/locations",
        {"name": "Balai Desa Lamatti", "address": "Lamatti", "region_code": "73.07.03"},
    )

    assert revoke.status_code == 403
    assert create.status_code == 403
    kiosk = requests.get(
        server.url + "/api/v1/staff/kiosks/ADM-7307-01", headers=STAFF, timeout=30
    ).json()
    assert kiosk["revoked"] is False
    locations = requests.get(server.url + "/api/v1/public/locations", timeout=30).json()
    assert "Balai Desa Lamatti" not in [loc["name"] for loc in locations]


def test_pages_and_papers_need_a_login(server, kiosk_api):
    ticket = submit(kiosk_api)

    for path in (
        OFFICER_PAGES,
        f"{OFFICER_PAGES}/applications/{ticket}",
        f"{OFFICER_PAGES}/documents",
    ):
        response = requests.get(server.url + path, allow_redirects=False, timeout=30)

        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/console/login")


# --- reprints -----------------------------------------------------------------------------------


def test_a_reprint_gives_a_new_one_time_code_a_kiosk_can_print(server, kiosk_api):
    number = next(iter(server.codes))  # the first demo family's KK
    officer = logged_in(server)
    found = officer.get(f"{OFFICER_PAGES}/documents", params={"number": number})
    document_id = re.search(r'<section class="card document" data-document="(\w+)"', found.text)
    assert document_id, found.text[:1000]

    response = officer.post(
        f"{OFFICER_PAGES}/documents/{document_id.group(1)}/reprint",
        {"reason": "kertas rusak terkena air"},
    )

    assert response.status_code == 201
    assert response.headers["cache-control"] == "no-store"
    code = re.search(r'id="reprint-code">([^<]+)<', response.text).group(1)
    resolved = kiosk_api.post("/api/v1/kiosk/pickup-codes/resolve", {"pickup_code": code})
    assert resolved.status_code == 200, resolved.text
    assert [d["number"] for d in resolved.json()["documents"]] == [number]
    assert ("petugas", "document.reprint", document_id.group(1)) in audit_actions(
        server.data_dir, "document.reprint"
    )


def test_a_reprint_without_a_reason_makes_no_code(server):
    number = next(iter(server.codes))
    officer = logged_in(server)
    found = officer.get(f"{OFFICER_PAGES}/documents", params={"number": number})
    document_id = re.search(r'data-document="(\w+)"', found.text).group(1)

    response = officer.post(f"{OFFICER_PAGES}/documents/{document_id}/reprint", {"reason": ""})

    assert response.status_code == 422
    assert 'id="reprint-code"' not in response.text
    assert audit_actions(server.data_dir, "document.reprint") == []


def test_two_officers_taking_the_same_step_only_one_takes_it(server, kiosk_api):
    ticket = submit(kiosk_api)
    first, second = logged_in(server), logged_in(server)
    application_page(first, ticket)
    application_page(second, ticket)  # both see "submitted" and its button

    taken = first.post(f"{OFFICER_PAGES}/applications/{ticket}/verify")
    again = second.post(f"{OFFICER_PAGES}/applications/{ticket}/verify")

    assert taken.status_code == 303
    assert again.status_code == 409
    steps = [
        action
        for _actor, action, subject in audit_actions(server.data_dir, "application.")
        if subject == ticket
    ]
    assert steps.count("application.in_verification") == 1


def test_officer_pages_in_english(server, kiosk_api):
    ticket = submit(kiosk_api)
    officer = logged_in(server)
    officer.http.cookies.set("adm_lang", "en")

    queue = officer.get(OFFICER_PAGES)
    detail = application_page(officer, ticket)

    assert "Application queue" in queue.text
    assert "Received, waiting for verification" in queue.text
    assert "Start verification" in detail.text
    assert "Birth certificate" in detail.text
