"""Heartbeats taken into memory and written in batches, by real server processes.

What a peer observes: the office's view (served by another process on the same database) shows
a heartbeat within the flush interval; a kiosk revoked through one process is refused by the
other within the credential cache's ttl; SIGTERM writes what is pending before the process
ends. Every test runs on SQLite and on PostgreSQL, two or one `adm-server serve` processes.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from support import BIN, free_port, wait_until

from kiosk.request_signing import KioskAuth
from server.demo import DEMO_KIOSK_ID
from server.models import Kiosk

HEARTBEAT = "/api/v1/kiosk/heartbeat"
FLUSH_SECONDS = 0.5
CACHE_SECONDS = 2.0


@dataclass
class Process:
    url: str
    proc: subprocess.Popen[bytes]

    def beat(self, credential: str, **body: object) -> requests.Response:
        beat = {"app_version": "0.1.0", "outbox_pending": 0, "devices": [], **body}
        with requests.Session() as session:
            session.auth = KioskAuth(credential)
            return session.post(self.url + HEARTBEAT, json=beat, timeout=10)


Start = Callable[..., Process]


@pytest.fixture
def start(server, tmp_path: Path) -> Iterator[Start]:
    """Start `adm-server serve` on this test's copy of the demo data (the `server` fixture's)."""
    started: list[Process] = []

    def start_one(**env: str) -> Process:
        port = free_port()
        environment = {
            **os.environ,
            "ADM_DATA_DIR": str(server.settings.data_dir),
            "ADM_DATABASE_URL": server.settings.database_url,
            "ADM_STAFF_TOKEN": server.settings.staff_token,
            "ADM_HEARTBEAT_FLUSH_SECONDS": str(FLUSH_SECONDS),
            "ADM_KIOSK_CACHE_SECONDS": str(CACHE_SECONDS),
            **env,
        }
        log = open(tmp_path / f"server-{port}.out", "wb")  # noqa: SIM115
        proc = subprocess.Popen(
            [BIN / "adm-server", "serve", "--port", str(port)],
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        process = Process(f"http://127.0.0.1:{port}", proc)
        started.append(process)

        def up() -> bool:
            try:
                return requests.get(process.url + "/api/v1/public/locations", timeout=1).ok
            except requests.RequestException:
                return False

        wait_until(up, 60, what="the server to answer")
        return process

    yield start_one
    for process in started:
        if process.proc.poll() is None:
            process.proc.terminate()
            process.proc.wait(timeout=20)


def stored_heartbeat(server) -> tuple[object, int, str]:
    """What the database holds for the demo kiosk (read directly: no server flushes for it)."""
    with server.db() as session:
        kiosk = session.get(Kiosk, DEMO_KIOSK_ID)
        assert kiosk is not None
        return kiosk.last_heartbeat_at, kiosk.outbox_pending, kiosk.device_health


def test_another_process_shows_the_heartbeat_after_the_flush(server, start):
    kiosk_side, office_side = start(), start()
    assert office_side_view(server, office_side)["config_version_applied"] != 41

    answer = kiosk_side.beat(server.kiosk_credential, config_version=41, outbox_pending=7)

    assert answer.status_code == 200, answer.text
    wait_until(
        lambda: office_side_view(server, office_side)["config_version_applied"] == 41,
        FLUSH_SECONDS + 2,
        what="the heartbeat in the other process's fleet view",
    )
    last_heartbeat_at, outbox, _ = stored_heartbeat(server)
    assert last_heartbeat_at is not None and outbox == 7


def office_side_view(server, process: Process) -> dict:
    response = requests.get(
        f"{process.url}/api/v1/staff/kiosks/{DEMO_KIOSK_ID}",
        headers=server.staff_headers(),
        timeout=10,
    )
    assert response.status_code == 200, response.text
    view: dict = response.json()
    return view


def test_a_kiosk_revoked_through_one_process_is_refused_by_the_other_within_the_ttl(server, start):
    first, second = start(), start()
    credential = server.kiosk_credential
    # Both processes have the kiosk in their credential cache.
    assert first.beat(credential).status_code == 200
    assert second.beat(credential).status_code == 200

    revoked = requests.post(
        f"{first.url}/api/v1/staff/kiosks/{DEMO_KIOSK_ID}/revoke",
        json={"reason": "dicuri"},
        headers=server.staff_headers(),
        timeout=10,
    )
    at = time.monotonic()
    assert revoked.status_code == 200, revoked.text

    here = first.beat(credential)
    assert (here.status_code, server.reason(here)) == (403, "kiosk_revoked")  # at once
    wait_until(
        lambda: second.beat(credential).status_code == 403,
        CACHE_SECONDS + 2,
        interval=0.05,
        what="the other process to refuse the revoked kiosk",
    )
    # The bound documented in docs/server.md: the other process's ttl (plus this test's polling
    # and a loaded machine's scheduling).
    assert time.monotonic() - at <= CACHE_SECONDS + 1.0


def test_sigterm_writes_the_pending_heartbeats_before_the_process_ends(server, start):
    # A flush interval far beyond the test: only the shutdown can write the heartbeat.
    process = start(ADM_HEARTBEAT_FLUSH_SECONDS="600")
    devices = [{"name": "a4", "kind": "a4_printer", "state": "error", "detail": "paper jam"}]

    answer = process.beat(server.kiosk_credential, outbox_pending=5, devices=devices)

    assert answer.status_code == 200, answer.text
    time.sleep(1)
    assert stored_heartbeat(server)[1] != 5  # still only in the server's memory
    process.proc.send_signal(signal.SIGTERM)
    # uvicorn shuts down gracefully, then ends by the same signal (so -15 here).
    assert process.proc.wait(timeout=20) in (0, -signal.SIGTERM)
    last_heartbeat_at, outbox, device_health = stored_heartbeat(server)
    assert last_heartbeat_at is not None and outbox == 5
    assert json.loads(device_health)[0]["detail"] == "paper jam"
