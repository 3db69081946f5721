"""Complaints (pengaduan) over HTTP: a citizen leaves one at a kiosk, an officer answers it.

Each test runs on SQLite and on PostgreSQL (see conftest.py).
"""

from __future__ import annotations

import json
import logging
import re
import threading

import pytest
from sqlalchemy import func, select

from server.codes import ALPHABET
from server.models import AuditEntry, Complaint

KIOSK_PATH = "/api/v1/kiosk/complaints"
STAFF_PATH = "/api/v1/staff/complaints"
TICKET = re.compile(rf"^PGD-7307-\d{{4}}-[{ALPHABET}]{{6}}$")
PHONE = "0812-4455-6677"
PHONE_DIGITS = "81244556677"


def complaint(**changes) -> dict:
    body = {
        "category": "perangkat",
        "text": "Printer ADM di kantor camat macet, kertas tidak keluar.",
        "contact_phone": PHONE,
    }
    body.update(changes)
    return body


def send(server, body: dict, key: str | None = "outbox-c001", credential: str | None = None):
    headers = server.kiosk_headers(credential)
    if key is not None:
        headers["Idempotency-Key"] = key
    return server.client.post(KIOSK_PATH, json=body, headers=headers)


def ticket_of(server, body: dict | None = None, key: str = "outbox-c001") -> str:
    response = send(server, body or complaint(), key)
    assert response.status_code == 201, response.text
    ticket: str = response.json()["ticket"]
    return ticket


def listed(server, **params) -> list[dict]:
    response = server.client.get(STAFF_PATH, params=params, headers=server.staff_headers())
    assert response.status_code == 200, response.text
    rows: list[dict] = response.json()
    return rows


def answer(server, ticket: str, text: str = "Printer sudah diperbaiki teknisi. Terima kasih."):
    return server.client.post(
        f"{STAFF_PATH}/{ticket}/answer",
        json={"answer": text},
        headers=server.staff_headers("officer"),
    )


def stored(server) -> int:
    with server.db() as session:
        return session.scalar(select(func.count()).select_from(Complaint)) or 0


# --- at the kiosk -------------------------------------------------------------------------------


def test_a_complaint_at_a_kiosk_gets_a_ticket_to_note(server):
    response = send(server, complaint())

    assert response.status_code == 201, response.text
    body = response.json()
    assert TICKET.match(body["ticket"]), body["ticket"]
    assert (body["category"], body["status"]) == ("perangkat", "open")


def test_the_office_sees_the_text_stripped_and_the_phone_to_call_back(server):
    ticket = ticket_of(server, complaint(text="  Antrean lama.\r\nPetugas tidak ada.  "))

    (row,) = listed(server)

    assert row["ticket"] == ticket
    assert row["text"] == "Antrean lama.\nPetugas tidak ada."
    assert row["contact_phone"] == "+6281244556677"
    assert row["kiosk_id"] == "ADM-7307-01"
    assert (row["category"], row["category_id"]) == ("perangkat", "Perangkat ADM (kios)")
    assert row["answer"] is None


def test_a_complaint_needs_no_phone(server):
    ticket_of(server, complaint(contact_phone=None))
    ticket_of(server, complaint(contact_phone="  "), key="outbox-c002")

    assert [row["contact_phone"] for row in listed(server)] == [None, None]


def test_the_phone_is_masked_in_the_audit_log_and_the_server_log(server, caplog):
    caplog.set_level(logging.DEBUG)

    ticket = ticket_of(server)

    with server.db() as session:
        (entry,) = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "complaint.submit")
        ).all()
    assert (entry.actor, entry.subject) == ("kiosk:ADM-7307-01", ticket)
    assert json.loads(entry.detail)["contact"] == "+62812******77"
    assert PHONE_DIGITS not in entry.detail
    assert ticket in caplog.text
    assert PHONE_DIGITS not in caplog.text


def test_the_same_idempotency_key_returns_the_first_ticket(server):
    first = send(server, complaint(), "outbox-c042")
    again = send(server, complaint(), "outbox-c042")

    assert first.status_code == 201
    assert again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert stored(server) == 1


def test_the_same_key_with_another_text_is_a_conflict(server):
    send(server, complaint(), "outbox-c042")

    response = send(server, complaint(text="Lain lagi."), "outbox-c042")

    assert (response.status_code, server.reason(response)) == (409, "idempotency_conflict")
    assert stored(server) == 1


def test_the_same_key_from_another_kiosk_is_another_complaint(server):
    second = server.add_kiosk()

    first = send(server, complaint(), "outbox-c001")
    other = send(server, complaint(), "outbox-c001", credential=second)

    assert (first.status_code, other.status_code) == (201, 201)
    assert first.json()["ticket"] != other.json()["ticket"]
    assert stored(server) == 2


def test_twins_sent_at_the_same_instant_make_one_complaint(server):
    twins = 6
    barrier = threading.Barrier(twins)
    answers: list = []

    def post() -> None:
        barrier.wait()
        answers.append(send(server, complaint(), "outbox-twin"))

    threads = [threading.Thread(target=post) for _ in range(twins)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(a.status_code for a in answers) == [200] * (twins - 1) + [201]
    assert len({a.json()["ticket"] for a in answers}) == 1
    assert stored(server) == 1


@pytest.mark.parametrize(
    ("key", "reason"), [(None, "idempotency_key_required"), ("short", "invalid_idempotency_key")]
)
def test_a_complaint_needs_a_usable_idempotency_key(server, key, reason):
    response = send(server, complaint(), key)

    assert (response.status_code, server.reason(response)) == (400, reason)
    assert stored(server) == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"category": "jalan_rusak"}, "category"),
        ({"category": None}, "category"),
        ({"text": ""}, "text"),
        ({"text": "   \n  "}, "text"),
        ({"text": "x" * 1001}, "text"),
        ({"text": "Printer macet\x1b[2J"}, "text"),  # a terminal escape
        ({"text": "Bagus \u202ekaplaS"}, "text"),  # a right-to-left override
        ({"text": "tab\tdi tengah"}, "text"),
        ({"contact_phone": "12345"}, "contact_phone"),
        ({"contact_phone": "0411-421234"}, "contact_phone"),  # a landline gets no WhatsApp
        ({"contact_phone": "+1 202 555 0100"}, "contact_phone"),
        ({"nik": "7307051405800003"}, "nik"),
    ],
)
def test_a_complaint_the_office_cannot_use_is_refused_and_nothing_is_stored(server, change, field):
    response = send(server, complaint(**change))

    assert response.status_code == 422, response.text
    assert server.reason(response) == "invalid_request"
    assert [e["loc"][-1] for e in response.json()["detail"]["errors"]] == [field]
    assert stored(server) == 0
    with server.db() as session:
        assert (
            session.scalar(
                select(func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.action == "complaint.submit")
            )
            == 0
        )


def test_the_longest_complaint_is_taken(server):
    ticket_of(server, complaint(text="x" * 1000))

    assert len(listed(server)[0]["text"]) == 1000


def test_only_a_signed_kiosk_may_complain(server):
    response = server.client.post(
        KIOSK_PATH, json=complaint(), headers={"Idempotency-Key": "outbox-c001"}
    )

    assert (response.status_code, server.reason(response)) == (401, "unauthenticated")
    assert stored(server) == 0


# --- at the office ------------------------------------------------------------------------------


def test_the_list_filters_by_status_and_pages_oldest_first(server):
    tickets = [ticket_of(server, key=f"outbox-c00{n}") for n in range(4)]
    assert answer(server, tickets[1]).status_code == 200

    assert [r["ticket"] for r in listed(server)] == tickets
    assert [r["ticket"] for r in listed(server, status="open")] == [
        tickets[0],
        tickets[2],
        tickets[3],
    ]
    assert [r["ticket"] for r in listed(server, status="answered")] == [tickets[1]]
    assert [r["ticket"] for r in listed(server, limit=2, offset=1)] == tickets[1:3]
    assert listed(server, category="petugas") == []


def test_an_officer_answers_and_the_answer_is_audited(server):
    ticket = ticket_of(server)

    response = answer(server, ticket, "Printer sudah diperbaiki.\nSilakan cetak kembali.")

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "answered"
    assert body["answer"] == "Printer sudah diperbaiki.\nSilakan cetak kembali."
    assert body["answered_at"] is not None
    with server.db() as session:
        (entry,) = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "complaint.answer")
        ).all()
    assert (entry.subject, entry.actor) == (ticket, "petugas")  # the demo officer's account
    assert body["answered_by"] == "petugas"
    assert listed(server, status="open") == []


def test_a_ticket_may_be_typed_in_lower_case_with_spaces_and_o_for_zero(server):
    ticket = ticket_of(server)
    typed = ticket.lower().replace("-", " ").replace("0", "o")

    response = answer(server, typed)

    assert response.status_code == 200, response.text
    assert response.json()["ticket"] == ticket


def test_a_complaint_is_answered_once(server):
    ticket = ticket_of(server)
    answer(server, ticket, "Jawaban pertama.")

    again = answer(server, ticket, "Jawaban kedua.")

    assert (again.status_code, server.reason(again)) == (409, "already_answered")
    assert listed(server)[0]["answer"] == "Jawaban pertama."


def test_an_unknown_ticket_is_404(server):
    response = answer(server, "PGD-7307-2611-ZZZZZZ")

    assert (response.status_code, server.reason(response)) == (404, "unknown_ticket")


@pytest.mark.parametrize("text", ["", "   ", "ok\x00", "x" * 1001])
def test_an_answer_the_citizen_cannot_read_is_refused_and_the_complaint_stays_open(server, text):
    ticket = ticket_of(server)

    response = answer(server, ticket, text)

    assert (response.status_code, server.reason(response)) == (422, "invalid_request")
    assert listed(server)[0]["status"] == "open"


def test_the_office_side_needs_a_staff_credential(server):
    ticket = ticket_of(server)

    listing = server.client.get(STAFF_PATH)
    answering = server.client.post(f"{STAFF_PATH}/{ticket}/answer", json={"answer": "Baik."})
    as_kiosk = server.client.get(STAFF_PATH, headers=server.kiosk_headers())

    assert listing.status_code == 401
    assert answering.status_code == 401
    assert as_kiosk.status_code in (401, 403)
    assert listed(server)[0]["status"] == "open"


def test_a_technician_neither_reads_nor_answers_complaints(server):
    ticket = ticket_of(server)
    technician = server.staff_headers("technician")

    listing = server.client.get(STAFF_PATH, headers=technician)
    answering = server.client.post(
        f"{STAFF_PATH}/{ticket}/answer", json={"answer": "Baik."}, headers=technician
    )

    assert (listing.status_code, server.reason(listing)) == (403, "forbidden")
    assert (answering.status_code, server.reason(answering)) == (403, "forbidden")
    assert listed(server)[0]["status"] == "open"


def test_a_citizen_who_left_a_number_is_sent_the_answer(server):
    ticket = ticket_of(server)
    assert answer(server, ticket, "Printer sudah diperbaiki.").status_code == 200

    response = server.client.get(
        "/api/v1/staff/notifications",
        params={"ticket": ticket.lower()},
        headers=server.staff_headers("officer"),
    )

    assert response.status_code == 200, response.text
    (message,) = response.json()
    assert (message["ticket"], message["kind"], message["channel"]) == (
        ticket,
        "answer",
        "whatsapp",
    )
    assert PHONE_DIGITS in message["recipient"]
    assert ticket in message["text"] and "Printer sudah diperbaiki." in message["text"]


def test_a_citizen_without_a_number_is_sent_nothing(server):
    ticket = ticket_of(server, complaint(contact_phone=None))
    assert answer(server, ticket).status_code == 200

    response = server.client.get(
        "/api/v1/staff/notifications",
        params={"ticket": ticket},
        headers=server.staff_headers("officer"),
    )

    assert response.status_code == 200 and response.json() == []
