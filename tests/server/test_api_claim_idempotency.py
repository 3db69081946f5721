"""A claim whose answer was lost on the network can be asked again with the same key.

The kiosk sends an idempotency key with each citizen's claim, the same on its own retries of
it. While this kiosk holds the code's claim made with that key, the server answers a repeated
claim with the same job (same id, same documents) instead of "in progress"; another key,
another kiosk, or no key still get "in progress", and an expired, ended or printed claim is
not brought back by its key.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from server.codes import hash_secret, normalise_pickup_code
from server.models import PickupCode, PrintJob
from server.pickup_pin import attach_pin

KEY = "claim-0123456789abcdef0123456789abcdef"
OTHER_KEY = "claim-fedcba9876543210fedcba9876543210"


def claim(server, code: str, key: str | None, credential: str | None = None):
    body = {"pickup_code": code}
    if key is not None:
        body["idempotency_key"] = key
    return server.client.post(
        "/api/v1/kiosk/print-jobs", json=body, headers=server.kiosk_headers(credential)
    )


def give_pin(server) -> tuple[str, str, int]:
    """A registration number + PIN for the first demo family's code, as issuing gives them."""
    with server.db() as session:
        code = session.scalar(
            select(PickupCode).where(
                PickupCode.code_hash == hash_secret(normalise_pickup_code(server.code(0)))
            )
        )
        pin = attach_pin(code)
        return pin.registration_number, pin.pin, code.id


def jobs_for(server, code_id: int | None = None) -> int:
    with server.db() as session:
        query = select(func.count(PrintJob.id))
        if code_id is not None:
            query = query.where(PrintJob.pickup_code_id == code_id)
        return int(session.scalar(query) or 0)


def test_the_same_key_from_the_same_kiosk_gets_the_same_job_back(server):
    first = claim(server, server.code(0), KEY)
    assert first.status_code == 201, first.text

    again = claim(server, server.code(0), KEY)

    assert again.status_code == 201, again.text
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["receipt_number"] == first.json()["receipt_number"]
    assert again.json()["documents"] == first.json()["documents"]
    assert jobs_for(server) == 1  # no second job was made
    pdf = server.download(again.json()["documents"][0]["download_path"])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_the_job_got_back_prints_once_when_reported(server):
    job = claim(server, server.code(0), KEY).json()
    assert claim(server, server.code(0), KEY).json()["id"] == job["id"]

    assert server.report(job["id"], "printed").status_code == 200

    assert server.print_count(server.kk(0)) == 1
    after = claim(server, server.code(0), KEY)
    assert after.status_code == 409 and server.reason(after) == "already_printed"


def test_another_key_from_the_same_kiosk_is_in_progress(server):
    assert claim(server, server.code(0), KEY).status_code == 201

    again = claim(server, server.code(0), OTHER_KEY)

    assert again.status_code == 409 and server.reason(again) == "in_progress"


def test_a_claim_without_a_key_does_not_take_over_a_keyed_claim(server):
    assert claim(server, server.code(0), KEY).status_code == 201

    again = claim(server, server.code(0), None)

    assert again.status_code == 409 and server.reason(again) == "in_progress"


def test_a_claim_made_without_a_key_is_not_given_back_to_a_keyed_one(server):
    assert claim(server, server.code(0), None).status_code == 201

    again = claim(server, server.code(0), KEY)

    assert again.status_code == 409 and server.reason(again) == "in_progress"


def test_the_same_key_from_another_kiosk_is_in_progress(server):
    assert claim(server, server.code(0), KEY).status_code == 201
    other = server.add_kiosk()

    response = claim(server, server.code(0), KEY, other)

    assert response.status_code == 409 and server.reason(response) == "in_progress"
    assert jobs_for(server) == 1


def test_the_key_does_not_bring_back_an_expired_claim(server):
    first = claim(server, server.code(0), KEY).json()
    with server.db() as session:
        session.execute(
            update(PickupCode).values(claim_expires_at=datetime.now() - timedelta(seconds=1))
        )

    again = claim(server, server.code(0), KEY)

    # The lease ran out: this is a new claim, and the old job's documents are no longer served.
    assert again.status_code == 201
    assert again.json()["id"] != first["id"]
    stale = server.download(first["documents"][0]["download_path"])
    assert stale.status_code == 409 and server.reason(stale) == "lease_expired"


def test_the_key_does_not_bring_back_a_released_claim(server):
    first = claim(server, server.code(0), KEY).json()
    assert server.report(first["id"], "failed", stage="a4", detail="paper jam").status_code == 200

    again = claim(server, server.code(0), KEY)

    assert again.status_code == 201
    assert again.json()["id"] != first["id"]
    assert again.json()["status"] == "claimed"


def test_number_and_pin_with_the_same_key_get_the_same_job_back(server):
    number, pin, code_id = give_pin(server)

    def by_pin(key: str):
        return server.client.post(
            "/api/v1/kiosk/print-jobs",
            json={"registration_number": number, "pin": pin, "idempotency_key": key},
            headers=server.kiosk_headers(),
        )

    first = by_pin(KEY)
    assert first.status_code == 201, first.text
    again = by_pin(KEY)
    assert again.status_code == 201 and again.json()["id"] == first.json()["id"]
    other = by_pin(OTHER_KEY)
    assert other.status_code == 409 and server.reason(other) == "in_progress"
    assert jobs_for(server, code_id) == 1


def test_a_malformed_key_is_refused_and_claims_nothing(server):
    for bad in ("short", "x" * 65, "claim key with spaces", "claim-<script>'--"):
        response = claim(server, server.code(0), bad)
        assert response.status_code == 422, bad
    assert jobs_for(server) == 0
    assert claim(server, server.code(0), KEY).status_code == 201


def test_the_openapi_document_describes_the_key_in_the_claim_request(server):
    schema = server.client.get("/openapi.json").json()
    body = schema["paths"]["/api/v1/kiosk/print-jobs"]["post"]["requestBody"]
    ref = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    key = schema["components"]["schemas"][ref]["properties"]["idempotency_key"]

    assert "retr" in key["description"]
    assert key["anyOf"][0]["maxLength"] == 64
