"""Staff place kiosk locations; citizens see where kiosks are and when, and check papers."""

from __future__ import annotations

BALAI_DESA = {
    "name": "Balai Desa Samataring",
    "address": "Jl. Poros Sinjai-Bone, Samataring",
    "region_code": "73.07.02.2007",
    "latitude": -5.137,
    "longitude": 120.262,
    "opening_hours": {"mon": "08:00-15:00", "fri": "08:00-11:30"},
    "enabled_services": ["akta_kelahiran", "kia"],
}


def test_a_location_staff_create_is_listed_publicly_with_its_hours(server):
    created = server.client.post(
        "/api/v1/staff/locations", json=BALAI_DESA, headers=server.staff_headers()
    )
    assert created.status_code == 201 and created.json()["config_version"] == 1
    listed = server.client.get("/api/v1/public/locations").json()
    [place] = [p for p in listed if p["name"] == "Balai Desa Samataring"]
    assert place["opening_hours"]["fri"] == "08:00-11:30"


def test_changing_a_location_raises_its_config_version(server):
    location = server.client.post(
        "/api/v1/staff/locations", json=BALAI_DESA, headers=server.staff_headers()
    ).json()
    ramadan = dict(BALAI_DESA, opening_hours={"mon": "08:00-14:00"})
    updated = server.client.put(
        f"/api/v1/staff/locations/{location['id']}", json=ramadan, headers=server.staff_headers()
    )
    assert updated.status_code == 200
    assert updated.json()["config_version"] == 2
    assert updated.json()["opening_hours"] == {"mon": "08:00-14:00"}


def test_nonsense_hours_and_region_codes_are_refused_with_a_reason(server):
    for bad in (
        {"opening_hours": {"mon": "16:00-08:00"}},
        {"opening_hours": {"holiday": "x"}},
        {"region_code": "Sinjai"},
    ):
        response = server.client.post(
            "/api/v1/staff/locations", json=dict(BALAI_DESA, **bad), headers=server.staff_headers()
        )
        assert response.status_code == 422 and server.reason(response) == "invalid_request"


def test_only_staff_create_locations(server):
    response = server.client.post(
        "/api/v1/staff/locations", json=BALAI_DESA, headers=server.kiosk_headers()
    )
    assert response.status_code == 401


def test_a_paper_is_checked_by_its_type_and_number_when_its_qr_is_unreadable(server):
    answer = server.client.get(f"/api/v1/public/documents/kk/{server.kk(0)}").json()
    assert answer["status"] == "genuine" and answer["number"] == server.kk(0)
    unknown = server.client.get("/api/v1/public/documents/KK/0000000000000000").json()
    assert unknown["status"] == "unknown"
