"""Applications over HTTP: a kiosk applies and checks status, an officer runs the workflow.

Each test runs on SQLite and on PostgreSQL (see conftest.py).
"""

from __future__ import annotations

import base64
import io
import re
import threading

import pytest
from PIL import Image
from sqlalchemy import func, select

from server.applications.models import Application, ApplicationPaper, Notification
from server.applications.papers import MAX_PAPER_BYTES, MAX_REQUEST_BYTES
from server.codes import ALPHABET
from server.models import AuditEntry, Document

TICKET = re.compile(rf"^ADM-7307-\d{{4}}-[{ALPHABET}]{{4}}$")
PICKUP = re.compile(r"Kode pengambilan: ([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})")
FATHER = "7307051405800003"  # Andi Baso Rahman, head of the first demo family
OFFICER = "/api/v1/officer/applications"
BIRTH_PAPERS = ("surat_keterangan_lahir", "ktp_ayah", "ktp_ibu", "kk_lama")
STEPS = ("verify", "request-fixes", "approve", "reject", "issue", "deliver")


def image(kind: str = "PNG", colour: str = "white") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 16), colour).save(out, kind)
    return out.getvalue()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def paper(requirement: str, data: bytes | None = None, content_type: str = "image/png") -> dict:
    return {
        "requirement": requirement,
        "content_type": content_type,
        "data": b64(image() if data is None else data),
    }


def birth_application(**changes) -> dict:
    """An akta kelahiran ("3 in 1") application by the father, as the kiosk sends it."""
    body = {
        "service": "akta_kelahiran",
        "applicant_nik": FATHER,
        "applicant_phone": "0812-4455-6677",
        "fields": {
            "nama_anak": "Andi Nurul Baso",
            "jenis_kelamin": "P",
            "tempat_lahir": "Sinjai",
            "tanggal_lahir": "2026-11-01",
            "nama_ayah": "Andi Baso Rahman",
            "nama_ibu": "Hasnawati",
            "nomor_kk": "7307051203150001",
        },
        "papers": [paper(code) for code in BIRTH_PAPERS],
    }
    body.update(changes)
    return body


def submit(server, body: dict, key: str = "outbox-0001", credential: str | None = None):
    headers = {**server.kiosk_headers(credential), "Idempotency-Key": key}
    return server.client.post("/api/v1/kiosk/applications", json=body, headers=headers)


def submitted(server, body: dict | None = None, key: str = "outbox-0001") -> str:
    response = submit(server, body or birth_application(), key)
    assert response.status_code == 201, response.text
    ticket: str = response.json()["ticket"]
    return ticket


def officer(server, ticket: str, step: str, **body):
    return server.client.post(
        f"{OFFICER}/{ticket}/{step}", json=body or None, headers=server.staff_headers()
    )


def step_ok(server, ticket: str, step: str, **body) -> dict:
    response = officer(server, ticket, step, **body)
    assert response.status_code == 200, response.text
    detail: dict = response.json()
    return detail


def status_at_kiosk(server, ticket: str) -> dict:
    response = server.client.get(
        f"/api/v1/kiosk/applications/{ticket}", headers=server.kiosk_headers()
    )
    assert response.status_code == 200, response.text
    body: dict = response.json()
    return body


def notifications(server, ticket: str) -> list[dict]:
    response = server.client.get(
        "/api/v1/staff/notifications", params={"ticket": ticket}, headers=server.staff_headers()
    )
    assert response.status_code == 200, response.text
    rows: list[dict] = response.json()
    return rows


def stored(server) -> tuple[int, int]:
    with server.db() as session:
        applications = session.scalar(select(func.count()).select_from(Application))
        papers = session.scalar(select(func.count()).select_from(ApplicationPaper))
    return applications or 0, papers or 0


# --- the catalogue ------------------------------------------------------------------------------


def test_the_catalogue_is_public_in_both_languages(server):
    response = server.client.get("/api/v1/public/services")

    assert response.status_code == 200
    services = {s["code"]: s for s in response.json()["services"]}
    birth = services["akta_kelahiran"]
    assert [t["code"] for t in birth["bundle"]] == ["AKTA_KELAHIRAN", "KK", "KIA"]
    assert birth["bundle"][0]["name_id"] == "Kutipan Akta Kelahiran"
    assert birth["bundle"][0]["name_en"] == "Birth certificate"
    statement = birth["papers"][0]
    assert statement["name_id"].startswith("Surat keterangan lahir")
    assert statement["name_en"] and statement["required"] is True
    sex = next(f for f in birth["fields"] if f["code"] == "jenis_kelamin")
    assert [o["code"] for o in sex["options"]] == ["L", "P"]


# --- submitting ---------------------------------------------------------------------------------


def test_a_kiosk_submission_gets_a_ticket_to_read_aloud(server):
    response = submit(server, birth_application())

    assert response.status_code == 201, response.text
    body = response.json()
    assert TICKET.match(body["ticket"])
    assert body["status"] == "submitted"
    assert body["status_id"] and body["status_en"]
    assert body["missing"] == []
    with server.db() as session:
        application = session.scalars(select(Application)).one()
        assert application.channel == "kiosk"
        assert application.kiosk_id == "ADM-7307-01"
        assert application.applicant_phone == "+6281244556677"
        assert sorted(p.requirement_code for p in application.papers) == sorted(BIRTH_PAPERS)
        assert all(p.data == image() for p in application.papers)


def test_the_same_idempotency_key_twice_gives_one_application_and_the_same_ticket(server):
    first = submit(server, birth_application(), "outbox-42")
    again = submit(server, birth_application(), "outbox-42")

    assert first.status_code == 201
    assert again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["ticket"] == first.json()["ticket"]
    assert stored(server) == (1, len(BIRTH_PAPERS))


def test_the_same_key_with_another_body_is_a_conflict(server):
    first = submit(server, birth_application(), "outbox-42")
    other = birth_application()
    other["fields"]["nama_anak"] = "Andi Nurul Baso Putri"

    response = submit(server, other, "outbox-42")

    assert response.status_code == 409
    assert server.reason(response) == "idempotency_conflict"
    assert response.json()["detail"]["ticket"] == first.json()["ticket"]
    assert stored(server) == (1, len(BIRTH_PAPERS))


def test_another_photo_under_the_same_key_is_a_conflict_too(server):
    submit(server, birth_application(), "outbox-42")
    other = birth_application()
    other["papers"][0] = paper("surat_keterangan_lahir", image(colour="black"))

    response = submit(server, other, "outbox-42")

    assert server.reason(response) == "idempotency_conflict"


def test_twins_sent_at_the_same_instant_make_one_application(server):
    twins = 6
    barrier = threading.Barrier(twins)
    answers: list = []

    def send() -> None:
        barrier.wait()
        answers.append(submit(server, birth_application(), "outbox-twin"))

    threads = [threading.Thread(target=send) for _ in range(twins)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    statuses = sorted(a.status_code for a in answers)
    assert statuses.count(201) == 1, [a.text for a in answers]
    assert set(statuses) <= {200, 201, 503}
    assert all(server.reason(a) == "try_again" for a in answers if a.status_code == 503)
    assert len({a.json()["ticket"] for a in answers if a.status_code < 300}) == 1
    assert stored(server) == (1, len(BIRTH_PAPERS))


def test_the_same_key_from_another_kiosk_is_another_application(server):
    second = server.add_kiosk()

    first = submit(server, birth_application(), "outbox-0001")
    other = submit(server, birth_application(), "outbox-0001", credential=second)

    assert (first.status_code, other.status_code) == (201, 201)
    assert first.json()["ticket"] != other.json()["ticket"]


@pytest.mark.parametrize(
    ("key", "reason"), [(None, "idempotency_key_required"), ("short", "invalid_idempotency_key")]
)
def test_a_submission_needs_a_usable_idempotency_key(server, key, reason):
    headers = server.kiosk_headers()
    if key is not None:
        headers["Idempotency-Key"] = key

    response = server.client.post(
        "/api/v1/kiosk/applications", json=birth_application(), headers=headers
    )

    assert response.status_code == 400
    assert server.reason(response) == reason
    assert stored(server) == (0, 0)


def test_a_submission_needs_a_kiosk_credential(server):
    response = server.client.post(
        "/api/v1/kiosk/applications",
        json=birth_application(),
        headers={"Idempotency-Key": "outbox-0001"},
    )

    assert response.status_code == 401
    assert stored(server) == (0, 0)


HOSTILE = {
    "wrong_magic_bytes": (
        lambda: paper("ktp_ayah", b"GIF89a" + image()[6:]),
        "not_an_image",
    ),
    "jpeg_sent_as_png": (lambda: paper("ktp_ayah", image("JPEG")), "not_an_image"),
    "html_sent_as_jpeg": (
        lambda: paper("ktp_ayah", b"<html><script>alert(1)</script>", "image/jpeg"),
        "not_an_image",
    ),
    "bad_base64": (
        lambda: {"requirement": "ktp_ayah", "content_type": "image/png", "data": "iVBOR*w0K=="},
        "bad_base64",
    ),
    "unknown_requirement": (lambda: paper("paspor"), "unknown_requirement"),
    "gif_content_type": (
        lambda: paper("ktp_ayah", content_type="image/gif"),
        "unsupported_content_type",
    ),
    "empty": (
        lambda: {"requirement": "ktp_ayah", "content_type": "image/png", "data": ""},
        "empty_paper",
    ),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_hostile_upload_is_refused_with_a_reason_and_nothing_is_stored(server, case):
    make, reason = HOSTILE[case]
    body = birth_application()
    body["papers"][1] = make()

    response = submit(server, body)

    assert response.status_code == 422, response.text
    assert server.reason(response) == reason
    assert response.json()["detail"]["paper"] == 1
    assert stored(server) == (0, 0)
    with server.db() as session:
        assert not session.scalars(
            select(AuditEntry).where(AuditEntry.action == "application.submit")
        ).all()


def test_an_oversized_paper_is_refused_before_anything_is_stored(make_server):
    server = make_server(max_request_bytes=MAX_REQUEST_BYTES)
    body = birth_application()
    big = image() + b"\0" * (MAX_PAPER_BYTES + 1 - len(image()))
    body["papers"][0] = paper("surat_keterangan_lahir", big)

    response = submit(server, body)

    assert response.status_code == 422
    assert server.reason(response) == "paper_too_large"
    assert stored(server) == (0, 0)


def test_seven_papers_are_too_many(server):
    body = birth_application()
    body["papers"] = [paper(code) for code in BIRTH_PAPERS] + [paper("buku_nikah")] * 3

    response = submit(server, body)

    assert server.reason(response) == "too_many_papers"
    assert stored(server) == (0, 0)


def test_a_body_over_the_server_limit_is_refused_whole(server):
    body = birth_application()
    # over max_upload_request_bytes (11 MB) once base64-encoded
    body["papers"][0] = paper("surat_keterangan_lahir", image() + b"\0" * 9_000_000)

    response = submit(server, body)

    assert response.status_code == 413
    assert server.reason(response) == "too_large"
    assert stored(server) == (0, 0)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"service": "paspor"}, "unknown_service"),
        ({"applicant_nik": "7307051405800000"}, "invalid_nik"),
        ({"applicant_nik": "73070514058"}, "invalid_nik"),
        ({"applicant_phone": "12345"}, "invalid_phone"),
        ({"applicant_phone": None}, "no_contact"),
        ({"notify_via": "email"}, "no_contact"),
        ({"papers": [paper(code) for code in BIRTH_PAPERS[:3]]}, "missing_papers"),
    ],
)
def test_a_form_the_office_cannot_use_is_refused(server, change, reason):
    response = submit(server, birth_application(**change))

    assert response.status_code == 422, response.text
    assert server.reason(response) == reason
    assert stored(server) == (0, 0)


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("nama_anak", None, "missing_field"),
        ("tanggal_lahir", "01-11-2026", "invalid_field"),
        ("tanggal_lahir", "2099-01-01", "invalid_field"),
        ("jenis_kelamin", "X", "invalid_field"),
        ("nomor_kk", "73070512031500", "invalid_field"),
        ("golongan_darah", "O", "unknown_field"),
    ],
)
def test_a_field_the_office_cannot_use_is_refused_by_name(server, field, value, reason):
    body = birth_application()
    if value is None:
        del body["fields"][field]
    else:
        body["fields"][field] = value

    response = submit(server, body)

    assert server.reason(response) == reason
    assert response.json()["detail"]["field"] == field
    assert stored(server) == (0, 0)


# --- checking status at a kiosk -----------------------------------------------------------------


def test_the_status_screen_shows_the_status_and_nothing_personal(server, personal_data):
    ticket = submitted(server)

    response = server.client.get(
        f"/api/v1/kiosk/applications/{ticket}", headers=server.kiosk_headers()
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["ticket"], body["status"], body["service"]) == (
        ticket,
        "submitted",
        "akta_kelahiran",
    )
    text = response.text.lower()
    assert not [p for p in personal_data if p in text]
    assert FATHER not in text and "4455" not in text and "andi nurul" not in text


def test_the_ticket_may_be_typed_in_lower_case_with_spaces(server):
    ticket = submitted(server)

    body = status_at_kiosk(server, ticket.lower().replace("-", " "))

    assert body["ticket"] == ticket


def test_an_unknown_ticket_is_404(server):
    response = server.client.get(
        "/api/v1/kiosk/applications/ADM-7307-2611-ZZZZ", headers=server.kiosk_headers()
    )

    assert response.status_code == 404
    assert server.reason(response) == "unknown_ticket"


# --- the office ---------------------------------------------------------------------------------


def test_officer_endpoints_need_the_staff_token(server):
    ticket = submitted(server)

    as_kiosk = server.client.post(f"{OFFICER}/{ticket}/verify", headers=server.kiosk_headers())
    anonymous = server.client.get(OFFICER)

    assert (as_kiosk.status_code, server.reason(as_kiosk)) == (401, "unauthenticated")
    assert (anonymous.status_code, server.reason(anonymous)) == (401, "unauthenticated")
    assert status_at_kiosk(server, ticket)["status"] == "submitted"


def test_the_queue_filters_by_status_and_channel(server):
    first = submitted(server, key="outbox-0001")
    second = submitted(server, key="outbox-0002")
    step_ok(server, second, "verify")

    def queue(**params) -> list[str]:
        response = server.client.get(OFFICER, params=params, headers=server.staff_headers())
        assert response.status_code == 200, response.text
        return [row["ticket"] for row in response.json()]

    assert queue() == [first, second]
    assert queue(status="submitted") == [first]
    assert queue(status="in_verification", channel="kiosk") == [second]
    assert queue(channel="whatsapp") == []
    rows = server.client.get(OFFICER, headers=server.staff_headers()).json()
    assert rows[0]["applicant_nik_masked"] == "7307**********03"
    bad = server.client.get(OFFICER, params={"status": "lost"}, headers=server.staff_headers())
    assert server.reason(bad) == "invalid_request"


def test_the_officer_sees_the_papers_and_can_download_each(server):
    ticket = submitted(server)

    response = server.client.get(f"{OFFICER}/{ticket}", headers=server.staff_headers())

    assert response.status_code == 200
    detail = response.json()
    assert detail["applicant_nik"] == FATHER
    assert detail["fields"]["nama_anak"] == "Andi Nurul Baso"
    assert [p["requirement"] for p in detail["papers"]] == list(BIRTH_PAPERS)
    download = server.client.get(
        detail["papers"][0]["download_path"], headers=server.staff_headers()
    )
    assert download.status_code == 200
    assert download.headers["content-type"] == "image/png"
    assert download.content == image()
    assert [h["to_status"] for h in detail["history"]] == ["submitted"]


def test_a_paper_of_another_application_is_not_found_through_this_one(server):
    first = submitted(server, key="outbox-0001")
    second = submitted(server, key="outbox-0002")
    other_paper = server.client.get(f"{OFFICER}/{second}", headers=server.staff_headers()).json()[
        "papers"
    ][0]["id"]

    response = server.client.get(
        f"{OFFICER}/{first}/papers/{other_paper}", headers=server.staff_headers()
    )

    assert (response.status_code, server.reason(response)) == (404, "unknown_paper")


def test_an_illegal_step_is_refused_with_the_current_status(server):
    ticket = submitted(server)

    response = officer(server, ticket, "approve")

    assert response.status_code == 409
    assert server.reason(response) == "illegal_transition"
    assert response.json()["detail"]["current"] == "submitted"
    assert status_at_kiosk(server, ticket)["status"] == "submitted"


def test_needs_fixing_tells_the_citizen_the_reason_and_the_kiosk_shows_what_is_missing(server):
    ticket = submitted(server)
    step_ok(server, ticket, "verify")
    reason = "Foto KTP ibu buram, mohon difoto ulang dengan cahaya cukup"

    detail = step_ok(server, ticket, "request-fixes", reason=reason, papers=["ktp_ibu"])

    assert detail["status"] == "needs_fixing"
    at_kiosk = status_at_kiosk(server, ticket)
    assert at_kiosk["status"] == "needs_fixing"
    assert at_kiosk["reason"] == reason
    assert [m["code"] for m in at_kiosk["missing"]] == ["ktp_ibu"]
    (note,) = notifications(server, ticket)
    assert note["kind"] == "needs_fixing"
    assert note["channel"] == "whatsapp"
    assert note["recipient"] == "+6281244556677"
    assert reason in note["text"]
    assert ticket in note["text"]


def test_request_fixes_without_a_reason_is_refused(server):
    ticket = submitted(server)
    step_ok(server, ticket, "verify")

    response = officer(server, ticket, "request-fixes", reason="   ")

    assert server.reason(response) == "reason_required"
    assert status_at_kiosk(server, ticket)["status"] == "in_verification"
    assert notifications(server, ticket) == []


def test_the_citizen_resubmits_papers_at_a_kiosk_with_their_nik(server):
    ticket = submitted(server)
    step_ok(server, ticket, "verify")
    step_ok(server, ticket, "request-fixes", reason="Foto KTP ibu buram", papers=["ktp_ibu"])
    new_photo = {"applicant_nik": FATHER, "papers": [paper("ktp_ibu", image(colour="gray"))]}
    url = f"/api/v1/kiosk/applications/{ticket}/papers"

    wrong_nik = server.client.post(
        url, json={**new_photo, "applicant_nik": "7307054209840002"}, headers=server.kiosk_headers()
    )
    first = server.client.post(url, json=new_photo, headers=server.kiosk_headers())
    again = server.client.post(url, json=new_photo, headers=server.kiosk_headers())

    assert (wrong_nik.status_code, server.reason(wrong_nik)) == (404, "unknown_ticket")
    assert first.status_code == 200, first.text
    assert first.json()["status"] == "in_verification"
    assert first.json()["missing"] == []
    assert first.json()["reason"] is None
    assert again.status_code == 200
    detail = server.client.get(f"{OFFICER}/{ticket}", headers=server.staff_headers()).json()
    assert [h["to_status"] for h in detail["history"]] == [
        "submitted",
        "in_verification",
        "needs_fixing",
        "in_verification",
    ]
    assert detail["history"][-1]["actor"] == "kiosk:ADM-7307-01"
    ktp_ibu = [p for p in detail["papers"] if p["requirement"] == "ktp_ibu"]
    assert [p["superseded"] for p in ktp_ibu] == [True, False]


def test_a_hostile_resubmission_is_refused_and_stores_nothing(server):
    ticket = submitted(server)
    step_ok(server, ticket, "verify")
    step_ok(server, ticket, "request-fixes", reason="Foto KTP ibu buram", papers=["ktp_ibu"])

    response = server.client.post(
        f"/api/v1/kiosk/applications/{ticket}/papers",
        json={"applicant_nik": FATHER, "papers": [paper("ktp_ibu", b"MZ\x90\x00 not an image")]},
        headers=server.kiosk_headers(),
    )

    assert server.reason(response) == "not_an_image"
    assert stored(server) == (1, len(BIRTH_PAPERS))
    assert status_at_kiosk(server, ticket)["status"] == "needs_fixing"


def test_rejection_tells_the_citizen_why_and_ends_the_application(server):
    ticket = submitted(server)
    step_ok(server, ticket, "verify")
    reason = "Data kelahiran tidak sesuai dengan surat keterangan lahir"

    detail = step_ok(server, ticket, "reject", reason=reason)
    after = officer(server, ticket, "approve")

    assert detail["status"] == "rejected"
    assert detail["status_reason"] == reason
    assert server.reason(after) == "illegal_transition"
    (note,) = notifications(server, ticket)
    assert note["kind"] == "rejected"
    assert reason in note["text"]


# --- issuing ------------------------------------------------------------------------------------


def issued(server) -> tuple[str, dict]:
    ticket = submitted(server)
    step_ok(server, ticket, "verify")
    step_ok(server, ticket, "approve")
    return ticket, step_ok(server, ticket, "issue")


def test_issuing_an_akta_kelahiran_yields_the_3_in_1_bundle_signed(server):
    ticket, detail = issued(server)

    assert detail["status"] == "issued"
    documents = detail["documents"]
    assert [d["doc_type"] for d in documents] == ["AKTA_KELAHIRAN", "KK", "KIA"]
    assert documents[1]["number"] == "7307051203150001"
    assert documents[1]["version"] == 2  # the demo issued the first KK of this family
    for document in documents:
        check = server.client.get(document["verify_path"])
        assert check.status_code == 200
        assert check.json()["status"] == "genuine"
        assert check.json()["doc_type"] == document["doc_type"]
        assert check.json()["number"] == document["number"]
    with server.db() as session:
        rows = session.scalars(
            select(Document).where(Document.id.in_([d["id"] for d in documents]))
        )
        assert all(row.pdf.startswith(b"%PDF-") for row in rows)
    assert [h["to_status"] for h in detail["history"]][-3:] == [
        "in_verification",
        "approved",
        "issued",
    ]


def test_the_citizen_gets_the_pickup_code_and_a_kiosk_prints_the_bundle_with_it(server):
    ticket, detail = issued(server)

    (note,) = notifications(server, ticket)
    assert note["kind"] == "ready"
    assert ticket in note["text"]
    assert "Kantor Kecamatan Sinjai Utara" in note["text"]  # the nearest kiosk
    match = PICKUP.search(note["text"])
    assert match, note["text"]
    claim = server.claim(match.group(1))
    assert claim.status_code == 201, claim.text
    job = claim.json()
    assert sorted(d["doc_type"] for d in job["documents"]) == ["AKTA_KELAHIRAN", "KIA", "KK"]
    for document in job["documents"]:
        pdf = server.download(document["download_path"])
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    assert status_at_kiosk(server, ticket)["documents_ready"] is True

    printed = server.report(job["id"], "printed")

    assert printed.status_code == 200
    after = status_at_kiosk(server, ticket)
    assert after["status"] == "printed"
    assert after["documents_ready"] is False
    history = server.client.get(f"{OFFICER}/{ticket}", headers=server.staff_headers()).json()[
        "history"
    ]
    assert (history[-1]["to_status"], history[-1]["actor"]) == ("printed", "kiosk:ADM-7307-01")


def test_issuing_twice_is_refused_and_makes_no_second_bundle(server):
    ticket, _ = issued(server)

    again = officer(server, ticket, "issue")

    assert (again.status_code, server.reason(again)) == (409, "illegal_transition")
    with server.db() as session:
        count = session.scalar(select(func.count()).select_from(Notification))
        kinds = session.scalars(select(Document.doc_type).where(Document.doc_type != "KK")).all()
    assert count == 1
    assert sorted(kinds) == ["AKTA_KELAHIRAN", "KIA"]


def test_an_applicant_not_in_the_register_gets_no_kk_and_nothing_is_issued(server):
    stranger = "7307011203950001"  # a valid NIK that the demo register does not hold
    ticket = submitted(server, birth_application(applicant_nik=stranger))
    step_ok(server, ticket, "verify")
    step_ok(server, ticket, "approve")
    with server.db() as session:
        before = session.scalar(select(func.count()).select_from(Document))

    response = officer(server, ticket, "issue")

    assert (response.status_code, server.reason(response)) == (409, "applicant_not_registered")
    assert status_at_kiosk(server, ticket)["status"] == "approved"
    with server.db() as session:
        assert session.scalar(select(func.count()).select_from(Document)) == before
    assert notifications(server, ticket) == []


def test_documents_sent_by_courier_are_recorded(server):
    ticket, _ = issued(server)

    detail = step_ok(server, ticket, "deliver", via="couriered")

    assert detail["status"] == "couriered"
    assert status_at_kiosk(server, ticket)["status_id"] == "Dokumen dikirim melalui kurir"


# --- the API description ------------------------------------------------------------------------


MY_ROUTES = {
    "/api/v1/public/services",
    "/api/v1/kiosk/applications",
    "/api/v1/kiosk/applications/{ticket}",
    "/api/v1/kiosk/applications/{ticket}/papers",
    OFFICER,
    OFFICER + "/{ticket}",
    OFFICER + "/{ticket}/papers/{paper_id}",
    *(OFFICER + "/{ticket}/" + step for step in STEPS),
    "/api/v1/staff/notifications",
}


def test_every_application_route_describes_its_response(server):
    paths = server.client.get("/openapi.json").json()["paths"]

    assert MY_ROUTES <= set(paths)
    for path in MY_ROUTES:
        for method, operation in paths[path].items():
            responses = operation["responses"]
            content = responses["201" if "201" in responses else "200"]["content"]
            if path.endswith("/papers/{paper_id}"):
                assert set(content) == {"image/jpeg", "image/png"}
            else:
                assert content["application/json"]["schema"], (method, path)
