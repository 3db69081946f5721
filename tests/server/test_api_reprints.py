"""Reprints over HTTP: after a confirmed print only an officer's approval prints a document again.

Each test runs on SQLite and on PostgreSQL (see conftest.py).
"""

from __future__ import annotations

import json
import re
from datetime import datetime

import pytest
from sqlalchemy import func, select

from proof.sample_bodies import birth_application
from server.models import AuditEntry, Document, PickupCode

PICKUP = re.compile(r"Kode pengambilan: ([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})")
TYPED = re.compile(r"nomor registrasi (\d{4}-\d{4}-\d{4}) dan PIN (\d{6})")
OFFICER = "/api/v1/officer/applications"
REASON = "Kertas rusak: printer macet setelah konfirmasi cetak"


def reprints_path(document_id: str) -> str:
    return f"/api/v1/staff/documents/{document_id}/reprints"


def approve(server, document_id: str, reason: str = REASON, role: str = "officer"):
    return server.client.post(
        reprints_path(document_id), json={"reason": reason}, headers=server.staff_headers(role)
    )


def approved(server, document_id: str, reason: str = REASON) -> dict:
    response = approve(server, document_id, reason)
    assert response.status_code == 201, response.text
    body: dict = response.json()
    return body


def print_with(server, **claim) -> dict:
    """A kiosk claims with a code (or number + PIN), prints, and confirms: the job as claimed."""
    response = server.client.post(
        "/api/v1/kiosk/print-jobs", json=claim, headers=server.kiosk_headers()
    )
    assert response.status_code == 201, response.text
    job: dict = response.json()
    assert server.report(job["id"], "printed").status_code == 200
    return job


def printed_kk(server) -> str:
    """The first demo family's KK, printed once with the code the citizen got: its id."""
    print_with(server, pickup_code=server.code(0))
    (document,) = server.staff_documents(server.kk(0))
    assert document["print_count"] == 1
    return str(document["id"])


def pickup_codes(server) -> int:
    with server.db() as session:
        return session.scalar(select(func.count()).select_from(PickupCode)) or 0


def test_a_spent_code_cannot_print_again(server):
    printed_kk(server)

    again = server.claim(server.code(0))

    assert (again.status_code, server.reason(again)) == (409, "already_printed")


def test_an_approved_reprint_prints_through_the_normal_claim_and_counts_twice(server):
    document_id = printed_kk(server)

    body = approved(server, document_id)

    assert body["document_id"] == document_id
    assert (body["doc_type"], body["number"]) == ("KK", server.kk(0))
    assert body["print_count"] == 1
    assert body["pickup_code"] != server.code(0)
    job = print_with(server, pickup_code=body["pickup_code"])
    assert [d["id"] for d in job["documents"]] == [document_id]
    assert server.print_count(server.kk(0)) == 2
    spent = server.claim(body["pickup_code"])
    assert (spent.status_code, server.reason(spent)) == (409, "already_printed")


def test_the_reprint_may_be_claimed_by_registration_number_and_pin(server):
    document_id = printed_kk(server)

    body = approved(server, document_id)

    assert re.fullmatch(r"\d{12}", body["registration_number"])
    assert re.fullmatch(r"\d{6}", body["pin"])
    print_with(server, registration_number=body["registration_number"], pin=body["pin"])
    assert server.print_count(server.kk(0)) == 2


def test_the_approval_is_audited_with_the_officer_and_the_reason(server):
    document_id = printed_kk(server)

    body = approved(server, document_id)

    with server.db() as session:
        (entry,) = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "document.reprint")
        ).all()
    assert (entry.actor, entry.subject) == ("petugas", document_id)
    detail = json.loads(entry.detail)
    assert detail["reason"] == REASON
    assert detail["printed_before"] == 1
    assert detail["pickup_code"] == body["pickup_code"][:4]
    assert body["pickup_code"].replace("-", "") not in entry.detail  # only a hint of the code
    assert body["pin"] not in entry.detail


def test_the_answer_holding_a_live_code_is_never_cached(server):
    response = approve(server, printed_kk(server))

    assert response.headers["Cache-Control"] == "no-store"


def test_approving_again_replaces_the_unused_reprint_code(server):
    document_id = printed_kk(server)
    first = approved(server, document_id)

    second = approved(server, document_id, "Kode pertama hilang")

    stale = server.claim(first["pickup_code"])
    assert (stale.status_code, server.reason(stale)) == (404, "unknown_code")
    print_with(server, pickup_code=second["pickup_code"])
    assert server.print_count(server.kk(0)) == 2


def test_a_revoked_document_is_not_printed_again(server):
    document_id = printed_kk(server)
    with server.db() as session:
        document = session.get(Document, document_id)
        assert document is not None
        document.revoked_at = datetime.now()
    before = pickup_codes(server)

    response = approve(server, document_id)

    assert (response.status_code, server.reason(response)) == (409, "document_revoked")
    assert pickup_codes(server) == before


def test_an_unknown_document_is_404(server):
    before = pickup_codes(server)

    response = approve(server, "0123456789abcdef")

    assert (response.status_code, server.reason(response)) == (404, "unknown_document")
    assert pickup_codes(server) == before


@pytest.mark.parametrize("reason", ["", "   ", "x" * 301, "kertas\x00rusak", "baris\nbaru"])
def test_a_reprint_needs_a_plain_reason_and_nothing_is_issued_without_one(server, reason):
    document_id = printed_kk(server)
    before = pickup_codes(server)

    response = approve(server, document_id, reason)

    assert (response.status_code, server.reason(response)) == (422, "invalid_request")
    assert pickup_codes(server) == before


def test_only_an_officer_approves_a_reprint(server):
    document_id = printed_kk(server)
    before = pickup_codes(server)

    technician = approve(server, document_id, role="technician")
    nobody = server.client.post(reprints_path(document_id), json={"reason": REASON})

    assert (technician.status_code, server.reason(technician)) == (403, "forbidden")
    assert nobody.status_code == 401
    assert pickup_codes(server) == before
    assert approve(server, document_id, role="admin").status_code == 201


# --- documents of an application: the citizen is told -------------------------------------------


def issued_birth_certificate(server) -> tuple[str, str]:
    """An akta kelahiran applied for at the kiosk with a phone, issued: (ticket, pickup code)."""
    body = birth_application()
    headers = {**server.kiosk_headers(), "Idempotency-Key": "outbox-a001"}
    response = server.client.post("/api/v1/kiosk/applications", json=body, headers=headers)
    assert response.status_code == 201, response.text
    ticket = response.json()["ticket"]
    for step in ("verify", "approve", "issue"):
        done = server.client.post(
            f"{OFFICER}/{ticket}/{step}", headers=server.staff_headers("officer")
        )
        assert done.status_code == 200, done.text
    (ready,) = notifications(server, ticket)
    match = PICKUP.search(ready["text"])
    assert match, ready["text"]
    return ticket, match.group(1)


def notifications(server, ticket: str) -> list[dict]:
    response = server.client.get(
        "/api/v1/staff/notifications",
        params={"ticket": ticket},
        headers=server.staff_headers("officer"),
    )
    assert response.status_code == 200, response.text
    rows: list[dict] = response.json()
    return rows


def test_the_citizen_is_sent_the_new_code_and_prints_with_it(server):
    ticket, code = issued_birth_certificate(server)
    job = print_with(server, pickup_code=code)
    akta = next(d for d in job["documents"] if d["doc_type"] == "AKTA_KELAHIRAN")

    body = approved(server, akta["id"])

    assert body["notified"] is True
    ready, reprint = notifications(server, ticket)
    assert (reprint["kind"], reprint["channel"], reprint["recipient"]) == (
        "reprint",
        "whatsapp",
        "+6281244556677",
    )
    assert "Cetak ulang dokumen Kutipan Akta Kelahiran" in reprint["text"]
    assert ticket in reprint["text"]
    assert "Kantor Kecamatan Sinjai Utara" in reprint["text"]  # the nearest kiosk
    match = PICKUP.search(reprint["text"])
    assert match and match.group(1) == body["pickup_code"]
    typed = TYPED.search(reprint["text"])
    assert typed and typed.group(2) == body["pin"]
    assert typed.group(1).replace("-", "") == body["registration_number"]
    again = print_with(server, pickup_code=match.group(1))
    assert [d["id"] for d in again["documents"]] == [akta["id"]]  # this paper, not the bundle
    (document,) = [d for d in server.staff_documents(akta["number"]) if d["id"] == akta["id"]]
    assert document["print_count"] == 2


def test_a_document_without_an_application_has_nobody_to_tell(server):
    body = approved(server, printed_kk(server))

    assert body["notified"] is False
