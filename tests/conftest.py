"""Shared fixtures: real processes on real ports and ptys, never mocks of our own parts."""

from __future__ import annotations

import json
import os
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from support import (
    A4_QUEUE,
    BIN,
    STAFF_TOKEN,
    KioskProcess,
    ServerProcess,
    free_port,
    wait_until,
    write_kiosk_config,
)

from devices.simulators.host import SimulatorHost

# Every kiosk process a test starts refuses blocking device or server calls on its UI thread
# (devices/io_guard.py): a regression fails the test instead of freezing a real touchscreen.
os.environ.setdefault("ADM_STRICT_THREADS", "1")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    """`adm-server serve` on a free port with the Sinjai demo data loaded."""
    data_dir = tmp_path / "server"
    port = free_port()
    env = dict(
        os.environ,
        ADM_DATA_DIR=str(data_dir),
        ADM_STAFF_TOKEN=STAFF_TOKEN,
        ADM_PUBLIC_URL=f"http://127.0.0.1:{port}",
    )
    credential = tmp_path / "kiosk-credential"
    codes_file = tmp_path / "codes.json"
    pins_file = tmp_path / "pins.json"
    subprocess.run(
        [
            BIN / "adm-server",
            "demo",
            "--credential-out",
            credential,
            "--codes-out",
            codes_file,
            "--pins-out",
            pins_file,
        ],
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
            return requests.get(url + "/api/v1/public/signing-keys", timeout=1).ok
        except requests.RequestException:
            return False

    try:
        wait_until(up, 30, what="the server to answer")
        codes = json.loads(codes_file.read_text())
        pins = json.loads(pins_file.read_text())
        yield ServerProcess(url, data_dir, credential, codes, proc, pins)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[SimulatorHost]:
    """Simulated scanner and receipt printer on real ptys, with the control socket."""
    host = SimulatorHost(tmp_path / "sim")
    host.serve()
    yield host
    host.close()


@pytest.fixture
def a4_queue() -> str:
    """The CUPS queue the kiosk prints A4 on; tests of printer faults override this."""
    return A4_QUEUE


@pytest.fixture
def kiosk_core(
    tmp_path: Path, server: ServerProcess, sim: SimulatorHost, a4_queue: str
) -> Iterator[KioskProcess]:
    """`adm-kiosk core` as its own process, its JSON event lines collected."""
    config = write_kiosk_config(tmp_path, server, sim, a4_queue)
    proc = subprocess.Popen(
        [BIN / "adm-kiosk", "core", "--config", str(config)],
        stdout=subprocess.PIPE,
        stderr=open(tmp_path / "kiosk.err", "w"),  # noqa: SIM115
        text=True,
    )
    kiosk = KioskProcess(proc)

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            kiosk.events.put(json.loads(line))

    threading.Thread(target=pump, daemon=True).start()
    try:
        kiosk.next_event({"ready"}, timeout=30)
        yield kiosk
    finally:
        proc.terminate()
        proc.wait(timeout=15)
