"""Who may call the kiosk and staff APIs, as a client sees it: status code and reason."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update

from server.demo import DEMO_KIOSK_ID
from server.models import Kiosk

ME = "/api/v1/kiosk/me"
HEARTBEAT = "/api/v1/kiosk/heartbeat"
BEAT = {"app_version": "0.1.0", "outbox_pending": 0, "devices": []}
STAFF_DOCUMENTS = "/api/v1/staff/documents"


def test_kiosk_request_without_authorization_is_unauthenticated(server):
    response = server.client.get(ME)

    assert response.status_code == 401
    assert server.reason(response) == "unauthenticated"


def test_kiosk_credential_in_another_scheme_is_unauthenticated(server):
    response = server.client.get(ME, headers={"Authorization": f"Basic {server.kiosk_credential}"})

    assert response.status_code == 401
    assert server.reason(response) == "unauthenticated"


def test_kiosk_with_wrong_secret_is_unauthenticated(server):
    response = server.client.get(
        ME, headers=server.kiosk_headers(f"{DEMO_KIOSK_ID}:not-the-secret")
    )

    assert response.status_code == 401
    assert server.reason(response) == "unauthenticated"


def test_kiosk_id_without_secret_is_unauthenticated(server):
    for credential in (DEMO_KIOSK_ID, f"{DEMO_KIOSK_ID}:"):
        response = server.client.get(ME, headers=server.kiosk_headers(credential))

        assert response.status_code == 401
        assert server.reason(response) == "unauthenticated"


def test_unknown_kiosk_id_with_a_real_secret_is_unauthenticated(server):
    secret = server.kiosk_credential.partition(":")[2]

    response = server.client.get(ME, headers=server.kiosk_headers(f"ADM-9999-99:{secret}"))

    assert response.status_code == 401
    assert server.reason(response) == "unauthenticated"


def test_revoked_kiosk_is_refused_even_with_its_correct_credential(server):
    with server.db() as session:
        session.execute(
            update(Kiosk).where(Kiosk.id == DEMO_KIOSK_ID).values(revoked_at=datetime.now())
        )

    response = server.client.get(ME, headers=server.kiosk_headers())

    assert response.status_code == 403
    assert server.reason(response) == "kiosk_revoked"


def test_revoked_kiosk_cannot_claim_a_pickup_code(server):
    with server.db() as session:
        session.execute(
            update(Kiosk).where(Kiosk.id == DEMO_KIOSK_ID).values(revoked_at=datetime.now())
        )

    response = server.claim(server.code(0))

    assert response.status_code == 403
    assert server.reason(response) == "kiosk_revoked"


# Heartbeats are checked against credentials cached in memory (server/kiosk_cache.py): the same
# answers as every other kiosk request, and a change made through this process counts at once.


def beat(server, credential: str | None = None):
    return server.client.post(HEARTBEAT, json=BEAT, headers=server.kiosk_headers(credential))


def test_a_heartbeat_with_a_wrong_secret_or_an_unknown_kiosk_is_unauthenticated(server):
    secret = server.kiosk_credential.partition(":")[2]
    assert beat(server).status_code == 200  # the kiosk is cached now

    for credential in (f"{DEMO_KIOSK_ID}:not-the-secret", f"ADM-9999-99:{secret}"):
        response = beat(server, credential)

        assert (response.status_code, server.reason(response)) == (401, "unauthenticated")


def test_a_kiosk_revoked_by_the_office_is_refused_at_its_next_heartbeat(server):
    assert beat(server).status_code == 200  # the kiosk is cached now

    revoked = server.client.post(
        f"/api/v1/staff/kiosks/{DEMO_KIOSK_ID}/revoke",
        json={"reason": "dicuri"},
        headers=server.staff_headers(),
    )

    assert revoked.status_code == 200, revoked.text
    response = beat(server)
    assert (response.status_code, server.reason(response)) == (403, "kiosk_revoked")


def test_a_kiosk_revoked_by_a_bulk_update_is_refused_at_its_next_heartbeat(server):
    assert beat(server).status_code == 200
    with server.db() as session:  # as an operator's script through the app's sessions would
        session.execute(
            update(Kiosk).where(Kiosk.id == DEMO_KIOSK_ID).values(revoked_at=datetime.now())
        )

    response = beat(server)

    assert (response.status_code, server.reason(response)) == (403, "kiosk_revoked")


def test_after_enrolling_again_the_old_credential_no_longer_beats(server):
    old = server.kiosk_credential
    assert beat(server, old).status_code == 200
    code = server.client.post(
        f"/api/v1/staff/kiosks/{DEMO_KIOSK_ID}/enrolment-code", headers=server.staff_headers()
    )
    assert code.status_code == 201, code.text
    assert beat(server, old).status_code == 200  # not before the new code is used

    enrolled = server.client.post(
        "/api/v1/kiosk/enrol", json={"enrolment_code": code.json()["enrolment_code"]}
    )

    assert enrolled.status_code == 201, enrolled.text
    assert beat(server, old).status_code == 401
    assert beat(server, enrolled.json()["credential"]).status_code == 200


def test_kiosk_with_correct_credential_learns_its_id_and_name(server):
    with server.db() as session:
        kiosk = session.get(Kiosk, DEMO_KIOSK_ID)
        assert kiosk is not None
        expected = {
            "id": DEMO_KIOSK_ID,
            "name": kiosk.name,
            "location_name": kiosk.location_name,
            "region_code": kiosk.region_code,
        }

    response = server.client.get(ME, headers=server.kiosk_headers())

    assert response.status_code == 200
    assert response.json() == expected
    assert expected["name"]


def test_each_kiosk_is_known_by_its_own_credential(server):
    credential = server.add_kiosk("ADM-7307-02")

    response = server.client.get(ME, headers=server.kiosk_headers(credential))

    assert response.status_code == 200
    assert response.json()["id"] == "ADM-7307-02"


def test_staff_token_is_no_kiosk_credential(server):
    response = server.client.get(ME, headers=server.staff_headers())

    assert response.status_code == 401
    assert server.reason(response) == "unauthenticated"


def test_staff_api_without_authorization_is_unauthenticated(server):
    # The same answer as the kiosk API gives without a credential: 401, not 403.
    response = server.client.get(STAFF_DOCUMENTS, params={"number": server.kk(0)})

    assert response.status_code == 401
    assert server.reason(response) == "unauthenticated"


def test_staff_api_with_wrong_token_is_forbidden(server):
    response = server.client.get(
        STAFF_DOCUMENTS,
        params={"number": server.kk(0)},
        headers={"Authorization": "Bearer not-the-staff-token"},
    )

    assert response.status_code == 403
    assert server.reason(response) == "forbidden"


def test_kiosk_credential_does_not_open_the_staff_api(server):
    response = server.client.get(
        STAFF_DOCUMENTS, params={"number": server.kk(0)}, headers=server.kiosk_headers()
    )

    assert response.status_code == 401
    assert server.reason(response) == "unauthenticated"


def test_the_kiosk_secret_sent_in_the_clear_is_refused(server):
    # Kiosks sign; a credential copied off a kiosk's disk and sent as a bearer token is not enough
    # to prove it is the kiosk, and is refused the same way as no credential at all.
    response = server.client.get(ME, headers={"Authorization": f"Bearer {server.kiosk_credential}"})

    assert response.status_code == 401
    assert server.reason(response) == "unauthenticated"


def test_staff_api_with_right_token_lists_the_documents_of_a_number(server):
    response = server.client.get(
        STAFF_DOCUMENTS,
        params={"number": server.kk(0)},
        headers=server.staff_headers(),
    )

    assert response.status_code == 200
    (document,) = response.json()
    assert document["doc_type"] == "KK"
    assert document["number"] == server.kk(0)
    assert document["version"] == 1
    assert document["print_count"] == 0
    assert document["revoked"] is False


def test_staff_api_is_closed_when_no_staff_token_is_configured(make_server):
    server = make_server(staff_token="")

    response = server.client.get(
        STAFF_DOCUMENTS, params={"number": server.kk(0)}, headers={"Authorization": "Bearer x"}
    )

    assert response.status_code == 403
    assert server.reason(response) == "forbidden"
