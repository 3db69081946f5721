"""The fleet as the office and the kiosk see it: create, enrol, place, configure, revoke."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from server.applications.models import Application
from server.models import EnrolmentCode

KIOSKS = "/api/v1/staff/kiosks"
ENROL = "/api/v1/kiosk/enrol"
CONFIG = "/api/v1/kiosk/config"
HEARTBEAT = "/api/v1/kiosk/heartbeat"
ME = "/api/v1/kiosk/me"
BALAI_DESA = {
    "name": "Balai Desa Lappa",
    "address": "Jl. Sawerigading, Lappa, Sinjai Utara",
    "region_code": "73.07.05.1005",
    "opening_hours": {"mon": "08:00-14:00", "tue": "08:00-14:00"},
    "enabled_services": ["akta_kelahiran"],
}


def new_location(server, **changes) -> int:
    response = server.client.post(
        "/api/v1/staff/locations", json={**BALAI_DESA, **changes}, headers=server.staff_headers()
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def new_kiosk(server, kiosk_id: str = "ADM-7307-09", location_id: int | None = None) -> str:
    """Create a kiosk as staff do; returns its enrolment code."""
    response = server.client.post(
        KIOSKS,
        json={"id": kiosk_id, "name": f"ADM {kiosk_id}", "location_id": location_id},
        headers=server.staff_headers(),
    )
    assert response.status_code == 201, response.text
    return str(response.json()["enrolment_code"])


def enrol(server, code: str):
    return server.client.post(ENROL, json={"enrolment_code": code})


def enrolled(server, kiosk_id: str = "ADM-7307-09", location_id: int | None = None) -> str:
    response = enrol(server, new_kiosk(server, kiosk_id, location_id))
    assert response.status_code == 201, response.text
    return str(response.json()["credential"])


def test_a_new_kiosk_enrols_with_its_code_and_calls_with_the_credential_it_got(server):
    location = new_location(server)
    code = new_kiosk(server, location_id=location)

    response = enrol(server, code.lower().replace("-", " "))  # as a technician might type it

    assert response.status_code == 201, response.text
    credential = response.json()["credential"]
    assert credential.startswith("ADM-7307-09:")
    me = server.client.get(ME, headers=server.kiosk_headers(credential))
    assert me.status_code == 200
    assert me.json()["location_name"] == "Balai Desa Lappa"


def test_an_enrolment_code_works_once(server):
    code = new_kiosk(server)
    assert enrol(server, code).status_code == 201

    again = enrol(server, code)

    assert again.status_code == 409 and server.reason(again) == "enrolment_code_used"


def test_an_unknown_or_expired_enrolment_code_is_refused(server):
    code = new_kiosk(server)
    with server.db() as session:
        session.execute(update(EnrolmentCode).values(expires_at=datetime.now() - timedelta(1)))

    for text in (code, "AAAA-BBBB-CCCC-DDDD"):
        response = enrol(server, text)
        assert response.status_code == 404 and server.reason(response) == "unknown_enrolment_code"


def test_a_kiosk_cannot_call_before_it_is_enrolled(server):
    new_kiosk(server)
    # Whatever secret someone guesses for the new id, there is none until enrolment.
    response = server.client.get(ME, headers=server.kiosk_headers("ADM-7307-09:"))
    assert response.status_code == 401


def test_enrolling_again_replaces_the_lost_credential(server):
    old = enrolled(server)
    code = server.client.post(
        f"{KIOSKS}/ADM-7307-09/enrolment-code", headers=server.staff_headers()
    )
    assert code.status_code == 201
    assert server.client.get(ME, headers=server.kiosk_headers(old)).status_code == 200  # not yet

    new = enrol(server, code.json()["enrolment_code"]).json()["credential"]

    assert server.client.get(ME, headers=server.kiosk_headers(old)).status_code == 401
    assert server.client.get(ME, headers=server.kiosk_headers(new)).status_code == 200


def test_a_kiosk_id_is_created_once_and_must_look_like_one(server):
    new_kiosk(server)
    body = {"id": "ADM-7307-09", "name": "again"}
    twice = server.client.post(KIOSKS, json=body, headers=server.staff_headers())
    bad = server.client.post(
        KIOSKS, json={"id": "adm 7307/09", "name": "x"}, headers=server.staff_headers()
    )
    nowhere = server.client.post(
        KIOSKS,
        json={"id": "ADM-7307-10", "name": "x", "location_id": 999},
        headers=server.staff_headers(),
    )

    assert (twice.status_code, server.reason(twice)) == (409, "kiosk_exists")
    assert (bad.status_code, server.reason(bad)) == (422, "invalid_request")
    assert (nowhere.status_code, server.reason(nowhere)) == (404, "unknown_location")
    assert (
        server.client.get(f"{KIOSKS}/ADM-7307-10", headers=server.staff_headers()).status_code
        == 404
    )


def test_only_staff_create_kiosks(server):
    response = server.client.post(KIOSKS, json={"id": "ADM-7307-09", "name": "x"})
    assert response.status_code == 401


def test_the_kiosk_configuration_names_its_place_hours_and_services(server):
    credential = enrolled(server, location_id=new_location(server))

    config = server.client.get(CONFIG, headers=server.kiosk_headers(credential)).json()

    assert config["kiosk_id"] == "ADM-7307-09"
    assert config["location"]["name"] == "Balai Desa Lappa"
    assert config["location"]["opening_hours"] == BALAI_DESA["opening_hours"]
    assert [s["code"] for s in config["services"]] == ["akta_kelahiran"]
    assert config["services"][0]["name_id"]
    assert config["heartbeat_seconds"] > 0


def test_moving_a_kiosk_raises_its_version_and_the_heartbeat_says_so(server):
    first, second = new_location(server), new_location(server, name="Pasar Sentral Sinjai")
    credential = enrolled(server, location_id=first)
    version = server.client.get(CONFIG, headers=server.kiosk_headers(credential)).json()["version"]
    beat = {"app_version": "0.1.0", "config_version": version}
    ack = server.client.post(HEARTBEAT, json=beat, headers=server.kiosk_headers(credential))
    assert ack.json()["config_version"] == version

    moved = server.client.put(
        f"{KIOSKS}/ADM-7307-09/location",
        json={"location_id": second},
        headers=server.staff_headers(),
    )

    assert moved.status_code == 200
    assert moved.json()["config_version_applied"] == version  # it still runs the old one
    ack = server.client.post(HEARTBEAT, json=beat, headers=server.kiosk_headers(credential))
    newest = ack.json()["config_version"]
    assert newest > version
    config = server.client.get(CONFIG, headers=server.kiosk_headers(credential)).json()
    assert (config["version"], config["location"]["name"]) == (newest, "Pasar Sentral Sinjai")
    server.client.post(
        HEARTBEAT, json={**beat, "config_version": newest}, headers=server.kiosk_headers(credential)
    )
    view = server.client.get(f"{KIOSKS}/ADM-7307-09", headers=server.staff_headers()).json()
    assert view["config_version"] == view["config_version_applied"] == newest


def test_changing_a_location_reaches_every_kiosk_placed_there(server):
    location = new_location(server)
    credential = enrolled(server, location_id=location)
    before = server.client.get(CONFIG, headers=server.kiosk_headers(credential)).json()

    changed = server.client.put(
        f"/api/v1/staff/locations/{location}",
        json={**BALAI_DESA, "enabled_services": ["akta_kelahiran", "akta_kematian"]},
        headers=server.staff_headers(),
    )

    assert changed.status_code == 200, changed.text
    after = server.client.get(CONFIG, headers=server.kiosk_headers(credential)).json()
    assert after["version"] > before["version"]
    assert [s["code"] for s in after["services"]] == ["akta_kelahiran", "akta_kematian"]


def test_a_location_offers_only_services_the_catalogue_knows(server):
    response = server.client.post(
        "/api/v1/staff/locations",
        json={**BALAI_DESA, "enabled_services": ["akta_kelahiran", "paspor"]},
        headers=server.staff_headers(),
    )
    assert response.status_code == 422 and server.reason(response) == "invalid_request"


def test_an_application_for_a_service_not_offered_at_the_kiosk_is_refused(server):
    credential = enrolled(server, location_id=new_location(server))
    headers = {**server.kiosk_headers(credential), "Idempotency-Key": "kematian-0001"}
    body = {"service": "akta_kematian", "applicant_nik": "7307054209840002", "fields": {}}

    response = server.client.post("/api/v1/kiosk/applications", json=body, headers=headers)

    assert (response.status_code, server.reason(response)) == (403, "service_not_offered")
    with server.db() as session:
        assert session.scalar(select(func.count()).select_from(Application)) == 0


def test_a_revoked_kiosk_is_refused_and_cannot_be_enrolled_again(server):
    credential = enrolled(server)

    revoked = server.client.post(
        f"{KIOSKS}/ADM-7307-09/revoke", json={"reason": "stolen"}, headers=server.staff_headers()
    )

    assert revoked.status_code == 200 and revoked.json()["revoked"] is True
    response = server.client.get(ME, headers=server.kiosk_headers(credential))
    assert (response.status_code, server.reason(response)) == (403, "kiosk_revoked")
    again = server.client.post(
        f"{KIOSKS}/ADM-7307-09/enrolment-code", headers=server.staff_headers()
    )
    assert (again.status_code, server.reason(again)) == (409, "kiosk_revoked")
