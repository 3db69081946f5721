"""Shared fixtures: real processes on real ports and ptys, never mocks of our own parts."""

from __future__ import annotations

import json
import os
import queue
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from devices.simulators.host import SimulatorHost

BIN = Path(sys.executable).parent
PDF_DIR = Path(os.environ.get("ADM_PDF_DIR", "/var/spool/adm-pdf"))
A4_QUEUE = os.environ.get("ADM_A4_QUEUE", "ADM-A4")
STAFF_TOKEN = "staff-token-for-tests"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(predicate, timeout: float, interval: float = 0.1, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


@dataclass
class ServerProcess:
    url: str
    data_dir: Path
    credential_file: Path
    codes: dict[str, str]
    proc: subprocess.Popen

    def staff_get(self, path: str) -> requests.Response:
        return requests.get(
            self.url + path, headers={"Authorization": f"Bearer {STAFF_TOKEN}"}, timeout=10
        )


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
    subprocess.run(
        [BIN / "adm-server", "demo", "--credential-out", credential, "--codes-out", codes_file],
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
        yield ServerProcess(url, data_dir, credential, json.loads(codes_file.read_text()), proc)
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


def write_kiosk_config(
    tmp_path: Path, server: ServerProcess, sim: SimulatorHost, a4_queue: str = A4_QUEUE
) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(
        f"""
[kiosk]
id = "ADM-7307-01"
language = "id"
idle_timeout = 60
data_dir = "{tmp_path / "kiosk"}"

[server]
url = "{server.url}"
credential_file = "{server.credential_file}"
timeout = 10

[devices.scanner]
driver = "serial-scanner"
port = "{sim.scanner.path}"
terminator = "CR"

[devices.receipt]
driver = "escpos"
transport = "serial"
port = "{sim.printer.path}"

[devices.a4]
driver = "cups"
queue = "{a4_queue}"
"""
    )
    return path


@dataclass
class KioskProcess:
    proc: subprocess.Popen
    events: queue.Queue = field(default_factory=queue.Queue)
    seen: list[dict] = field(default_factory=list)

    def next_event(self, kinds: set[str], timeout: float) -> dict:
        """The next event of one of ``kinds``; events of other kinds are kept in ``seen``."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no {kinds} event within {timeout}s; saw {self.seen}")
            try:
                event = self.events.get(timeout=remaining)
            except queue.Empty:
                continue
            self.seen.append(event)
            if event["kind"] in kinds:
                return event


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


def cups_output_for(receipt_number: str, timeout: float = 30) -> Path:
    """The PDF that the cups-pdf queue wrote for the job titled with this receipt number."""

    def find() -> Path | None:
        matches = [p for p in PDF_DIR.glob("*.pdf") if receipt_number.lower() in p.name.lower()]
        return matches[0] if matches and matches[0].stat().st_size > 0 else None

    return wait_until(find, timeout, what=f"cups-pdf output for {receipt_number}")


def require_tools(*names: str) -> None:
    missing = [n for n in names if shutil.which(n) is None]
    if missing:
        pytest.fail(f"missing system tools {missing}: run `make test`, which installs them")
