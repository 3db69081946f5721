"""Signed kiosk requests: a recorded request cannot be replayed, altered or sent much later."""

from __future__ import annotations

import json
import time

from sqlalchemy import select

from kiosk.request_signing import authorization
from server.demo import DEMO_KIOSK_ID
from server.models import Kiosk, PrintJob

HEARTBEAT = "/api/v1/kiosk/heartbeat"
CLAIM = "/api/v1/kiosk/print-jobs"
ME = "/api/v1/kiosk/me"


def signed(server, method: str, target: str, body: bytes = b"", **kwargs) -> dict[str, str]:
    """Headers of one request signed once, as a kiosk would send it, so a test can send it again."""
    kiosk_id, _, secret = server.kiosk_credential.partition(":")
    header = authorization(kiosk_id, secret, method, target, body, **kwargs)
    return {"Authorization": header, "Content-Type": "application/json"}


def heartbeat_body(outbox_pending: int) -> bytes:
    return json.dumps(
        {"app_version": "0.1.0", "outbox_pending": outbox_pending, "devices": []}
    ).encode()


def test_a_replayed_heartbeat_is_refused_and_changes_nothing(server):
    body = heartbeat_body(3)
    headers = signed(server, "POST", HEARTBEAT, body)
    first = server.client.post(HEARTBEAT, content=body, headers=headers)
    assert first.status_code == 200, first.text
    # The kiosk goes on: its outbox empties and it says so.
    assert server.client.post(
        HEARTBEAT,
        content=heartbeat_body(0),
        headers=signed(server, "POST", HEARTBEAT, heartbeat_body(0)),
    ).is_success

    replay = server.client.post(HEARTBEAT, content=body, headers=headers)

    assert replay.status_code == 401
    assert server.reason(replay) == "replayed"
    # The office's view writes the pending heartbeats first: the old figure did not come back.
    assert outbox_in_fleet_view(server) == 0
    with server.db() as session:
        kiosk = session.get(Kiosk, DEMO_KIOSK_ID)
        assert kiosk is not None and kiosk.outbox_pending == 0


def outbox_in_fleet_view(server) -> int:
    fleet = server.client.get("/api/v1/staff/kiosks", headers=server.staff_headers()).json()
    [kiosk] = [k for k in fleet if k["id"] == DEMO_KIOSK_ID]
    return int(kiosk["outbox_pending"])


def test_a_heartbeat_replayed_after_a_restart_is_refused(make_server):
    # Heartbeats keep no stored nonce; the kiosk's newest heartbeat time is what survives.
    server = make_server()
    body = heartbeat_body(4)
    headers = signed(server, "POST", HEARTBEAT, body)
    assert server.client.post(HEARTBEAT, content=body, headers=headers).status_code == 200
    assert outbox_in_fleet_view(server) == 4  # written

    restarted = make_server()
    replay = restarted.client.post(HEARTBEAT, content=body, headers=headers)

    assert (replay.status_code, restarted.reason(replay)) == (401, "replayed")
    # The next heartbeat (a second later at the soonest: the record keeps whole seconds).
    fresh, next_second = heartbeat_body(1), int(time.time()) + 1
    after = restarted.client.post(
        HEARTBEAT,
        content=fresh,
        headers=signed(restarted, "POST", HEARTBEAT, fresh, ts=next_second),
    )
    assert after.status_code == 200, after.text


def test_heartbeats_overtaking_each_other_are_each_taken_once(server):
    now = int(time.time())
    late, early = heartbeat_body(2), heartbeat_body(1)
    late_headers = signed(server, "POST", HEARTBEAT, late, ts=now)
    early_headers = signed(server, "POST", HEARTBEAT, early, ts=now - 3)  # sent first, slower

    answers = [
        server.client.post(HEARTBEAT, content=late, headers=late_headers).status_code,
        server.client.post(HEARTBEAT, content=early, headers=early_headers).status_code,
        server.client.post(HEARTBEAT, content=early, headers=early_headers).status_code,
    ]

    assert answers == [200, 200, 401]
    assert outbox_in_fleet_view(server) == 2  # the newest state, whatever the arrival order


def test_a_heartbeat_older_than_the_newest_by_more_than_the_reorder_window_is_refused(server):
    now = int(time.time())
    newest, old = heartbeat_body(0), heartbeat_body(9)
    assert server.client.post(
        HEARTBEAT, content=newest, headers=signed(server, "POST", HEARTBEAT, newest, ts=now)
    ).is_success

    stale = server.client.post(
        HEARTBEAT, content=old, headers=signed(server, "POST", HEARTBEAT, old, ts=now - 60)
    )

    assert (stale.status_code, server.reason(stale)) == (401, "replayed")
    assert outbox_in_fleet_view(server) == 0


def test_a_replayed_claim_is_refused_and_makes_no_second_job(server):
    body = json.dumps({"pickup_code": server.code(0)}).encode()
    headers = signed(server, "POST", CLAIM, body)
    first = server.client.post(CLAIM, content=body, headers=headers)
    assert first.status_code == 201, first.text
    job_id = first.json()["id"]
    assert server.report(job_id, "failed", stage="a4", detail="paper jam").is_success

    replay = server.client.post(CLAIM, content=body, headers=headers)

    assert replay.status_code == 401
    assert server.reason(replay) == "replayed"
    with server.db() as session:
        assert session.scalars(select(PrintJob.status)).all() == ["failed"]


def test_a_signed_request_with_another_body_is_refused(server):
    headers = signed(server, "POST", HEARTBEAT, heartbeat_body(1))

    response = server.client.post(HEARTBEAT, content=heartbeat_body(99), headers=headers)

    assert response.status_code == 401
    assert server.reason(response) == "unauthenticated"


def test_a_signed_request_sent_to_another_path_is_refused(server):
    body = json.dumps({"pickup_code": server.code(0)}).encode()
    headers = signed(server, "POST", CLAIM, body)

    response = server.client.post(HEARTBEAT, content=body, headers=headers)

    assert response.status_code == 401
    assert server.reason(response) == "unauthenticated"


def test_a_request_signed_ten_minutes_ago_is_refused_with_the_server_time(server):
    headers = signed(server, "GET", ME, ts=int(time.time()) - 600)

    response = server.client.get(ME, headers=headers)

    assert response.status_code == 401
    assert server.reason(response) == "clock_skew"
    assert abs(response.json()["detail"]["server_time"] - time.time()) < 5


def test_a_read_may_be_sent_twice(server):
    # Reads change nothing, so a retried GET (a flaky link, a proxy) is answered again.
    headers = signed(server, "GET", ME)

    assert [server.client.get(ME, headers=headers).status_code for _ in range(2)] == [200, 200]
