"""Bugs the network harness (proof/network.py) found, each pinned with the real server, a real
kiosk process and the loopback chaos proxy (proof/chaos_proxy.py) between them.

Each test is named for what broke; it fails on the code before the fix.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from devices.simulators.host import SimulatorHost
from kiosk.server_client import ServerClient
from proof import invariants
from proof.chaos_proxy import ChaosProxy
from proof.journeys import KIOSK_ID, PDF_DIR, DriverProcess, ServerRig, write_kiosk_config

LEASE = 600  # the server's default: a citizen must never have to wait this out


@pytest.fixture
def long_lease_server(tmp_path: Path) -> Iterator[ServerRig]:
    rig = ServerRig(tmp_path, lease_seconds=LEASE)
    rig.prepare()
    rig.start()
    try:
        yield rig
    finally:
        rig.stop()


def claim_request_size(credential_file: Path, code: str) -> int:
    """How many bytes the kiosk's claim of ``code`` takes on the wire, headers and body.

    The kiosk's own ServerClient sends the claim to a listener that reads the request and
    closes without answering (the client's retries are stopped by closing the listener too).
    Every field of the request has a fixed length (time, nonce, signature, key), so the real
    claim through the proxy is the same size.
    """
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]
    received: list[bytes] = []

    def read_one() -> None:
        conn, _ = listener.accept()
        with conn:
            data = b""
            while b"\r\n\r\n" not in data:
                data += conn.recv(65536)
            head, _, body = data.partition(b"\r\n\r\n")
            length = next(
                int(line.split(b":", 1)[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            )
            while len(body) < length:
                body += conn.recv(65536)
            received.append(head + b"\r\n\r\n" + body)
        listener.close()

    reader = threading.Thread(target=read_one, daemon=True)
    reader.start()
    client = ServerClient(f"http://127.0.0.1:{port}", credential_file.read_text().strip(), 3.0)
    with pytest.raises(Exception):  # noqa: B017 (no answer is the point: only the bytes count)
        client.claim(code, "claim-" + "0" * 32)
    reader.join(5)
    assert received, "the measuring listener got no claim request"
    return len(received[0])


def test_regression_a_claim_whose_answer_was_lost_left_the_code_in_progress_for_the_lease(
    long_lease_server: ServerRig, sim_with_camera: SimulatorHost, tmp_path: Path
):
    """The server claimed the code but its answer was cut on the line: the kiosk told the
    citizen the server was unreachable, and the code stayed "in progress" for the whole lease
    (600 s), even for the same citizen scanning again at the same kiosk. Now the kiosk asks
    again with the same idempotency key and gets the same job: printed once, at once."""
    server, sim = long_lease_server, sim_with_camera
    number, code = sorted(server.codes.items())[0]
    request_size = claim_request_size(server.credential_file, code)
    proxy = ChaosProxy(server.port).start()
    config = write_kiosk_config(tmp_path, proxy.url, server.credential_file, sim, timeout=3)
    driver = DriverProcess(config, sim.run_dir, tmp_path / "kiosk-driver.err")
    since = time.time()
    try:
        driver.start()
        proxy.set_mode("down")  # no connection opened before survives to carry the claim
        # The whole claim reaches the server; its answer is cut after 20 bytes.
        proxy.set_mode("reset", cut_after=request_size + 20)
        started = time.monotonic()
        driver.send({"op": "print", "code": code})
        deadline = time.monotonic() + 30
        while not _jobs(server) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert _jobs(server), "the claim never reached the server through the proxy"
        proxy.set_mode("pass")  # the line is good again for the kiosk's retry
        outcome = driver.wait_phase({"outcome"}, 120)
        took = time.monotonic() - started
        deadline = time.monotonic() + 30  # the kiosk's outbox tells the server "printed"
        while any(job[3] == "claimed" for job in _jobs(server)) and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        driver.kill()
        proxy.close()

    assert outcome["result"] == "print_done", outcome
    assert took < 60, f"the citizen waited {took:.0f} s"
    jobs = _jobs(server)
    assert [(status, docs) for _, _, _, status, docs in jobs] == [("printed", jobs[0][4])]
    receipt_number = jobs[0][2]
    assert outcome["receipt_number"] == receipt_number
    # The answer really was lost after the server had claimed: the retry got the job back.
    assert _audit_actions(server).count("print_job.claim_repeated") >= 1
    a4 = invariants.a4_outputs(PDF_DIR, [receipt_number], since)
    assert a4[receipt_number] == jobs[0][4]  # each document once
    complete, _torn = invariants.receipt_outputs(sim.printer.receipts)
    assert complete[receipt_number] == 1 and sum(complete.values()) == 1
    docs = server.staff("GET", f"/api/v1/staff/documents?number={number}").json()
    assert docs[-1]["print_count"] == 1


def _jobs(server: ServerRig) -> list[tuple[str, int, str, str, int]]:
    db = server.db()
    try:
        return invariants.print_jobs(db, KIOSK_ID)
    finally:
        db.close()


def _audit_actions(server: ServerRig) -> list[str]:
    db = server.db()
    try:
        return [row[0] for row in db.execute("SELECT action FROM audit_log ORDER BY id")]
    finally:
        db.close()
