"""An overloaded server says "busy" (503) to what it cannot take, and keeps serving."""

from __future__ import annotations

import os
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from support import BIN, free_port, wait_until

from kiosk.request_signing import KioskAuth

HEARTBEAT = "/api/v1/kiosk/heartbeat"
ME = "/api/v1/kiosk/me"


@pytest.fixture
def narrow_server(tmp_path: Path):
    """adm-server admitting one request at a time, each waiting at most 20 ms for its turn."""
    port = free_port()
    env = dict(
        os.environ,
        ADM_DATA_DIR=str(tmp_path / "server"),
        ADM_MAX_CONCURRENT_REQUESTS="1",
        ADM_ADMISSION_WAIT_SECONDS="0.02",
    )
    credential = tmp_path / "credential"
    subprocess.run(
        [BIN / "adm-server", "demo", "--credential-out", credential],
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    log = open(tmp_path / "server.out", "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [BIN / "adm-server", "serve", "--port", str(port)], env=env, stdout=log, stderr=log
    )
    url = f"http://127.0.0.1:{port}"

    def up() -> bool:
        try:
            return requests.get(url + "/api/v1/public/locations", timeout=1).ok
        except requests.RequestException:
            return False

    try:
        wait_until(up, 30, what="the server to answer")
        yield url, credential.read_text().strip()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


def test_a_crowd_of_kiosk_requests_gets_answers_or_busy_never_a_stall_or_a_500(narrow_server):
    # GET /me reads the kiosk from the database in the thread pool, as claims do; heartbeats
    # are answered from memory in well under a millisecond, too fast to make a crowd here.
    url, credential = narrow_server

    def whoami(_: int) -> requests.Response:
        with requests.Session() as session:
            session.auth = KioskAuth(credential)
            return session.get(url + ME, timeout=20)

    with ThreadPoolExecutor(max_workers=24) as pool:
        answers = list(pool.map(whoami, range(96)))

    statuses = [a.status_code for a in answers]
    busy = [a for a in answers if a.status_code == 503]
    assert set(statuses) <= {200, 503}, statuses
    assert statuses.count(200) >= 1 and busy, statuses
    assert all(a.json()["detail"]["reason"] == "busy" for a in busy)
    assert all(a.headers["Retry-After"] == "5" for a in busy)
    # and once the crowd is gone, the next kiosk is served at once
    with requests.Session() as session:
        session.auth = KioskAuth(credential)
        body = {"app_version": "0.1.0", "outbox_pending": 0, "devices": []}
        assert session.post(url + HEARTBEAT, json=body, timeout=5).status_code == 200
        assert session.get(url + ME, timeout=5).status_code == 200
