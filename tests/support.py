"""Helpers the tests share: process handles, waiting, where CUPS puts its output."""

from __future__ import annotations

import os
import queue
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx2 as httpx
import pytest
import requests

from devices.simulators.host import SimulatorHost
from kiosk.request_signing import authorization

BIN = Path(sys.executable).parent
PDF_DIR = Path(os.environ.get("ADM_PDF_DIR", "/var/spool/adm-pdf"))
A4_QUEUE = os.environ.get("ADM_A4_QUEUE", "ADM-A4")
STAFF_TOKEN = "staff-token-for-tests"


SIGN_AS = "X-Test-Sign-As"  # test-only: the credential the test client signs this request with


class SignMarked(httpx.Auth):
    """Signs, as the kiosk would, every request that carries the SIGN_AS header (then drops it).

    Set as a TestClient's auth, so a test says `headers=server.kiosk_headers()` and still gets
    a request signed over its final method, path, query and body.
    """

    requires_request_body = True

    def auth_flow(self, request: httpx.Request):  # type: ignore[no-untyped-def]
        credential = request.headers.pop(SIGN_AS, None)
        if credential:
            kiosk_id, _, secret = credential.partition(":")
            target = request.url.raw_path.decode()
            request.headers["Authorization"] = authorization(
                kiosk_id, secret, request.method, target, request.content
            )
        yield request


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
    pins: dict[str, list[str]] = field(default_factory=dict)  # KK -> [registration no., PIN]

    def staff_get(self, path: str) -> requests.Response:
        return requests.get(
            self.url + path, headers={"Authorization": f"Bearer {STAFF_TOKEN}"}, timeout=10
        )


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
heartbeat_interval = 1
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


SHIPPED_CONFIG = Path(__file__).resolve().parents[1] / "config" / "kiosk.toml"


def make_run_config(tmp_path: Path, server: ServerProcess, sim: SimulatorHost) -> Path:
    """config/kiosk.toml as `make run` uses it, pointed at this test's server and simulators."""
    text = SHIPPED_CONFIG.read_text()
    for old, new in [
        ('"var/sim/scanner"', f'"{sim.scanner.path}"'),
        ('"var/sim/receipt-printer"', f'"{sim.printer.path}"'),
        ('"http://127.0.0.1:8000"', f'"{server.url}"'),
        ('"var/kiosk/credential"', f'"{server.credential_file}"'),
        ('"var/kiosk"', f'"{tmp_path / "kiosk"}"'),
    ]:
        assert old in text, f"config/kiosk.toml no longer has {old}"
        text = text.replace(old, new)
    path = tmp_path / "make-run-kiosk.toml"
    path.write_text(text)
    return path
