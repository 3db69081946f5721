"""The kiosk's HTTP client against a real server process: signed calls, a wrong clock survived."""

from __future__ import annotations

from kiosk.server_client import ServerClient


def credential_of(server) -> str:
    return server.credential_file.read_text(encoding="utf-8").strip()


def test_the_kiosk_client_is_known_to_the_server_by_its_signed_requests(server):
    client = ServerClient(server.url, credential_of(server))

    me = client.whoami()
    client.heartbeat({"app_version": "0.1.0", "outbox_pending": 0, "devices": []})

    assert me["id"] == credential_of(server).partition(":")[0]
    (kiosk,) = server.staff_get("/api/v1/staff/kiosks").json()
    assert kiosk["last_heartbeat_at"] is not None


def test_a_kiosk_whose_clock_is_an_hour_behind_still_gets_through(server):
    # Village kiosks lose the time with a flat RTC battery and have no NTP: the client
    # follows the server's clock after the first refusal instead of failing every call.
    client = ServerClient(server.url, credential_of(server))
    client._auth.clock_offset = -3600.0  # what a clock an hour behind looks like to the signer

    assert client.whoami()["id"]
    assert abs(client._auth.clock_offset) < 5


def test_the_client_resolves_a_code_then_claims_by_number_and_pin(server):
    client = ServerClient(server.url, credential_of(server))
    kk = next(iter(server.codes))

    resolved = client.resolve(server.codes[kk])
    number, pin = server.pins[kk]
    job = client.claim_with_pin(number, pin)

    assert resolved["status"] == "ready"
    assert [d["number"] for d in resolved["documents"]] == [kk]
    assert [d.number for d in job.documents] == [kk]
    assert client.resolve(server.codes[kk])["status"] == "in_progress"


def test_the_client_reads_locations_services_and_sends_feedback_once(server):
    client = ServerClient(server.url, credential_of(server))

    locations = client.locations()
    services = client.services()
    body = {"category": "perangkat", "text": "Layar kurang terang."}
    first = client.submit_complaint("complaint-test-0001", body)
    again = client.submit_complaint("complaint-test-0001", body)

    assert locations[0]["name"] == "Kantor Kecamatan Sinjai Utara"
    assert "akta_kelahiran" in {s["code"] for s in services["services"]}
    assert first["ticket"] == again["ticket"]
