"""Claiming a pickup code, downloading its PDF and reporting the outcome, as a kiosk sees it."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update

from server.codes import ALPHABET
from server.models import Document, PickupCode

RECEIPT = re.compile(rf"^R-\d{{8}}-[{ALPHABET}]{{6}}$")


def as_typed(code: str) -> str:
    """How a citizen types 9WX0-RK9A-KHJZ on the touch keyboard: 9wx0 rk9a khjz."""
    return code.replace("-", " ").lower()


def claimed(server, family: int = 0, credential: str | None = None) -> dict:
    response = server.claim(server.code(family), credential)
    assert response.status_code == 201, response.text
    job: dict = response.json()
    return job


def expire_claims(server) -> None:
    with server.db() as session:
        session.execute(
            update(PickupCode).values(claim_expires_at=datetime.now() - timedelta(seconds=1))
        )


# --- claiming -------------------------------------------------------------------------------


def test_claim_accepts_the_code_as_typed_in_lower_case_with_spaces(server):
    response = server.claim(as_typed(server.code(0)))

    assert response.status_code == 201
    job = response.json()
    assert job["status"] == "claimed"
    assert RECEIPT.match(job["receipt_number"])
    assert job["receipt_number"][2:10] == datetime.now().strftime("%Y%m%d")
    (document,) = job["documents"]
    assert document["doc_type"] == "KK"
    assert document["number"] == server.kk(0)


def test_claim_accepts_the_code_scanned_from_its_qr_with_the_admp_prefix(server):
    response = server.claim("ADMP:" + server.code(0))

    assert response.status_code == 201
    assert RECEIPT.match(response.json()["receipt_number"])
    assert [d["number"] for d in response.json()["documents"]] == [server.kk(0)]


def test_claim_shows_the_holder_name_only_masked(server, personal_data):
    response = server.claim(server.code(0))

    assert response.status_code == 201
    (document,) = response.json()["documents"]
    with server.db() as session:
        holder = session.scalars(
            select(Document.holder_name).where(Document.number == server.kk(0))
        ).one()
    masked = document["holder_masked"].split()
    assert [w[:2] for w in masked] == [w[:2] for w in holder.split()]
    assert [len(w) for w in masked] == [len(w) for w in holder.split()]
    assert all(set(w[2:]) <= {"*"} for w in masked)
    assert not [p for p in personal_data if p in response.text.lower()]


def test_each_claim_gets_its_own_receipt_number(server):
    first = claimed(server, 0)
    second = claimed(server, 1)

    assert first["receipt_number"] != second["receipt_number"]
    assert first["id"] != second["id"]


def test_second_claim_while_the_first_is_open_is_in_progress(server):
    claimed(server)

    response = server.claim(server.code(0))

    assert response.status_code == 409
    assert server.reason(response) == "in_progress"


def test_claim_by_another_kiosk_while_the_first_is_open_is_in_progress(server):
    claimed(server)
    other = server.add_kiosk()

    response = server.claim(server.code(0), other)

    assert response.status_code == 409
    assert server.reason(response) == "in_progress"


def test_claim_of_a_well_formed_but_unissued_code_is_unknown_code(server):
    response = server.claim("7KQ2-M9XD-4TRA")

    assert response.status_code == 404
    assert server.reason(response) == "unknown_code"


def test_claim_of_a_revoked_code_is_unknown_code(server):
    with server.db() as session:
        session.execute(update(PickupCode).values(revoked_at=datetime.now()))

    response = server.claim(server.code(0))

    assert response.status_code == 404
    assert server.reason(response) == "unknown_code"


def test_claim_of_an_expired_code_is_unknown_code(server):
    with server.db() as session:
        session.execute(update(PickupCode).values(expires_at=datetime.now() - timedelta(minutes=1)))

    response = server.claim(server.code(0))

    assert response.status_code == 404
    assert server.reason(response) == "unknown_code"


GARBAGE_CODES = {
    "empty": "",
    "10 KB": "A" * 10_240,
    "sql injection": "' OR '1'='1'; DROP TABLE pickup_codes; --",
    "path traversal": "../../etc/passwd",
    "unicode": "ＡＤＭＰ：７ＫＱ２－Ｍ９ＸＤ－４ＴＲＡ 🙂 كود",
    "nul": "7KQ2\x00M9XD4TRA",
    "lone surrogate": "7KQ2-M9XD-4TR\ud800",
}


@pytest.mark.parametrize("text", GARBAGE_CODES.values(), ids=GARBAGE_CODES.keys())
def test_garbage_pickup_code_is_refused_with_a_reason_never_a_server_error(server, text):
    # json.dumps escapes to ASCII, so even a lone surrogate reaches the server as sent.
    response = server.client.post(
        "/api/v1/kiosk/print-jobs",
        content=json.dumps({"pickup_code": text}),
        headers={**server.kiosk_headers(), "Content-Type": "application/json"},
    )

    assert 400 <= response.status_code < 500
    assert server.reason(response)


MALFORMED_BODIES = {
    "not json": b"pickup_code=7KQ2-M9XD-4TRA",
    "no pickup_code": b"{}",
    "number": b'{"pickup_code": 123456789012}',
    "null": b'{"pickup_code": null}',
    "list": b"[]",
}


@pytest.mark.parametrize("body", MALFORMED_BODIES.values(), ids=MALFORMED_BODIES.keys())
def test_malformed_claim_body_is_refused_with_a_reason(server, body):
    response = server.client.post(
        "/api/v1/kiosk/print-jobs",
        content=body,
        headers={**server.kiosk_headers(), "Content-Type": "application/json"},
    )

    assert 400 <= response.status_code < 500
    assert server.reason(response)


def test_sql_injection_in_a_code_leaves_the_register_intact(server):
    server.claim("x'); DELETE FROM pickup_codes; --")

    assert server.claim(server.code(0)).status_code == 201


# --- the job and its PDF ----------------------------------------------------------------------


def test_claiming_kiosk_can_read_back_its_job(server):
    job = claimed(server)

    response = server.download(f"/api/v1/kiosk/print-jobs/{job['id']}")

    assert response.status_code == 200
    assert response.json()["receipt_number"] == job["receipt_number"]


def test_another_kiosk_cannot_read_the_job(server):
    job = claimed(server)
    other = server.add_kiosk()

    response = server.download(f"/api/v1/kiosk/print-jobs/{job['id']}", other)

    assert response.status_code == 404
    assert server.reason(response) == "unknown_job"


def test_claiming_kiosk_downloads_the_signed_pdf(server):
    job = claimed(server)

    response = server.download(job["documents"][0]["download_path"])

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response.headers["cache-control"] == "no-store"


def test_another_kiosk_cannot_download_the_pdf(server):
    job = claimed(server)
    other = server.add_kiosk()

    response = server.download(job["documents"][0]["download_path"], other)

    assert response.status_code == 404
    assert server.reason(response) == "unknown_job"
    assert not response.content.startswith(b"%PDF")


def test_pdf_of_a_document_outside_the_job_cannot_be_downloaded(server):
    job = claimed(server, 0)
    (other_document,) = server.staff_documents(server.kk(1))

    response = server.download(
        f"/api/v1/kiosk/print-jobs/{job['id']}/documents/{other_document['id']}/pdf"
    )

    assert response.status_code == 404
    assert server.reason(response) == "unknown_document"


def test_pdf_of_an_unknown_job_cannot_be_downloaded(server):
    response = server.download(f"/api/v1/kiosk/print-jobs/{'0' * 32}/documents/x/pdf")

    assert response.status_code == 404
    assert server.reason(response) == "unknown_job"


def test_path_traversal_in_a_job_id_finds_nothing(server):
    response = server.download("/api/v1/kiosk/print-jobs/..%2F..%2Fetc%2Fpasswd/documents/x/pdf")

    assert response.status_code == 404
    assert b"root:" not in response.content


@pytest.mark.parametrize("outcome", ["printed", "failed"])
def test_pdf_cannot_be_downloaded_once_the_job_has_ended(server, outcome):
    job = claimed(server)
    assert server.report(job["id"], outcome).status_code == 200

    response = server.download(job["documents"][0]["download_path"])

    assert response.status_code == 409
    assert server.reason(response) == "job_closed"


# --- reporting the outcome ----------------------------------------------------------------------


def test_reported_print_counts_once_for_the_office(server):
    job = claimed(server)

    response = server.report(job["id"], "printed")

    assert response.status_code == 200
    assert response.json()["status"] == "printed"
    assert server.print_count(server.kk(0)) == 1


def test_repeated_printed_report_from_the_outbox_changes_nothing(server):
    job = claimed(server)
    server.report(job["id"], "printed")

    response = server.report(job["id"], "printed")

    assert response.status_code == 200
    assert response.json()["status"] == "printed"
    assert server.print_count(server.kk(0)) == 1


def test_printed_code_cannot_be_claimed_again(server):
    job = claimed(server)
    server.report(job["id"], "printed")

    response = server.claim(server.code(0))

    assert response.status_code == 409
    assert server.reason(response) == "already_printed"
    printed_at = response.json()["detail"]["printed_at"]
    assert abs(datetime.fromisoformat(printed_at) - datetime.now()) < timedelta(minutes=2)


def test_printed_code_cannot_be_claimed_by_another_kiosk_either(server):
    job = claimed(server)
    server.report(job["id"], "printed")
    other = server.add_kiosk()

    response = server.claim(server.code(0), other)

    assert response.status_code == 409
    assert server.reason(response) == "already_printed"


def test_failed_print_frees_the_code_for_a_new_claim(server):
    first = claimed(server)
    response = server.report(first["id"], "failed", stage="a4", detail="paper jam")
    assert response.status_code == 200
    assert response.json()["status"] == "failed"

    second = server.claim(server.code(0))

    assert second.status_code == 201
    assert second.json()["id"] != first["id"]
    assert second.json()["receipt_number"] != first["receipt_number"]
    assert server.print_count(server.kk(0)) == 0


def test_failed_print_at_one_kiosk_lets_another_kiosk_claim(server):
    first = claimed(server)
    server.report(first["id"], "failed", stage="download")
    other = server.add_kiosk()

    response = server.claim(server.code(0), other)

    assert response.status_code == 201


def test_repeated_failed_report_from_the_outbox_changes_nothing(server):
    job = claimed(server)
    server.report(job["id"], "failed", stage="receipt")

    response = server.report(job["id"], "failed", stage="receipt")

    assert response.status_code == 200
    assert response.json()["status"] == "failed"


def test_failed_report_after_printed_is_job_closed(server):
    job = claimed(server)
    server.report(job["id"], "printed")

    response = server.report(job["id"], "failed", stage="receipt")

    assert response.status_code == 409
    assert server.reason(response) == "job_closed"
    assert server.print_count(server.kk(0)) == 1


def test_printed_report_after_failed_is_job_closed(server):
    job = claimed(server)
    server.report(job["id"], "failed", stage="a4")

    response = server.report(job["id"], "printed")

    assert response.status_code == 409
    assert server.reason(response) == "job_closed"
    assert server.print_count(server.kk(0)) == 0


def test_another_kiosk_cannot_report_the_outcome_of_a_job(server):
    job = claimed(server)
    other = server.add_kiosk()

    response = server.report(job["id"], "printed", other)

    assert response.status_code == 404
    assert server.reason(response) == "unknown_job"
    assert server.print_count(server.kk(0)) == 0


# --- the claim's lease --------------------------------------------------------------------------


def test_expired_claim_lets_another_kiosk_claim_the_code(server):
    first = claimed(server)
    expire_claims(server)
    other = server.add_kiosk()

    response = server.claim(server.code(0), other)

    assert response.status_code == 201
    assert response.json()["id"] != first["id"]


def test_zero_second_lease_lets_another_kiosk_claim_at_once(make_server):
    server = make_server(claim_lease_seconds=0)
    claimed(server)
    other = server.add_kiosk()

    response = server.claim(server.code(0), other)

    assert response.status_code == 201


def test_kiosk_whose_expired_claim_was_taken_over_can_no_longer_download(server):
    first = claimed(server)
    expire_claims(server)
    other = server.add_kiosk()
    claimed(server, 0, other)

    response = server.download(first["documents"][0]["download_path"])

    assert response.status_code == 409
    assert server.reason(response) == "lease_expired"


# --- request size -------------------------------------------------------------------------------


def test_request_body_larger_than_the_limit_is_413(make_server):
    server = make_server(max_request_bytes=1_000)
    body = b'{"pickup_code": "' + b"A" * 2_000 + b'"}'

    response = server.client.post(
        "/api/v1/kiosk/print-jobs",
        content=body,
        headers={**server.kiosk_headers(), "Content-Type": "application/json"},
    )

    assert response.status_code == 413
    assert server.reason(response) == "too_large"


def test_chunked_request_body_larger_than_the_limit_is_413(make_server):
    # Without Content-Length (Transfer-Encoding: chunked) the size is only known while reading.
    server = make_server(max_request_bytes=1_000)
    code = server.code(0).encode()

    def body():
        yield b'{"pickup_code": "' + code + b'", "padding": "'
        for _ in range(20):
            yield b"x" * 1_000
        yield b'"}'

    response = server.client.post(
        "/api/v1/kiosk/print-jobs",
        content=body(),
        headers={**server.kiosk_headers(), "Content-Type": "application/json"},
    )

    assert response.status_code == 413
    assert server.reason(response) == "too_large"


def test_request_within_the_limit_is_served(make_server):
    server = make_server(max_request_bytes=1_000)

    assert server.claim(server.code(0)).status_code == 201
