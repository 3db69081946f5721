"""A kiosk's heartbeat: staff see when it last spoke and how each of its devices is."""

from __future__ import annotations

HEARTBEAT = {
    "app_version": "0.1.0",
    "outbox_pending": 2,
    "devices": [
        {
            "name": "receipt",
            "kind": "receipt_printer",
            "state": "error",
            "detail": "paper_empty 127.0.0.1",
            "counters": {"receipts": 41, "paper_outs": 3},
        },
        {"name": "a4", "kind": "a4_printer", "state": "idle", "detail": "", "counters": {}},
    ],
}


def test_a_heartbeat_is_what_staff_see_for_that_kiosk(server):
    response = server.client.post(
        "/api/v1/kiosk/heartbeat", json=HEARTBEAT, headers=server.kiosk_headers()
    )
    assert response.status_code == 200 and response.json()["server_time"]

    fleet = server.client.get("/api/v1/staff/kiosks", headers=server.staff_headers()).json()
    [kiosk] = [k for k in fleet if k["id"] == "ADM-7307-01"]
    assert kiosk["last_heartbeat_at"] is not None
    assert kiosk["outbox_pending"] == 2
    receipt = {d["name"]: d for d in kiosk["devices"]}["receipt"]
    assert receipt["state"] == "error" and receipt["counters"]["paper_outs"] == 3


def test_a_kiosk_that_never_spoke_shows_no_heartbeat(server):
    server.add_kiosk()
    fleet = server.client.get("/api/v1/staff/kiosks", headers=server.staff_headers()).json()
    silent = [k for k in fleet if k["last_heartbeat_at"] is None]
    assert silent and silent[0]["devices"] == []


def test_a_heartbeat_needs_the_kiosks_credential(server):
    response = server.client.post("/api/v1/kiosk/heartbeat", json=HEARTBEAT)
    assert response.status_code == 401


def test_an_oversized_device_list_is_refused_with_a_reason(server):
    body = dict(HEARTBEAT, devices=HEARTBEAT["devices"] * 20)
    response = server.client.post(
        "/api/v1/kiosk/heartbeat", json=body, headers=server.kiosk_headers()
    )
    assert response.status_code == 422 and server.reason(response) == "invalid_request"


def test_the_fleet_view_is_for_staff_only(server):
    response = server.client.get("/api/v1/staff/kiosks", headers=server.kiosk_headers())
    assert response.status_code == 401
