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
    with server.db() as session:
        kiosk = session.get(Kiosk, DEMO_KIOSK_ID)
        assert kiosk is not None and kiosk.outbox_pending == 0  # the old figure did not come back


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
