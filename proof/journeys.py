"""The harness's side of citizen journeys: a real server, simulators, a kiosk driver to kill.

Shared by the crash and network harnesses (proof/crash.py, proof/network.py) and the
reliability tests: :class:`ServerRig` runs ``adm-server demo`` + ``serve`` on a free loopback
port, :func:`write_kiosk_config` points a kiosk at it (directly or through a proxy),
:class:`DriverProcess` runs proof/kiosk_driver.py and reads its phase lines, and
:class:`CodePool` hands out the demo's pickup codes, asking an officer for a reprint approval
(a new one-time code) for a document once its code was spent.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from devices.simulators.host import SimulatorHost

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[1]
PDF_DIR = Path(os.environ.get("ADM_PDF_DIR", "/var/spool/adm-pdf"))
A4_QUEUE = os.environ.get("ADM_A4_QUEUE", "ADM-A4")
STAFF_TOKEN = "staff-token-for-the-proof"  # noqa: S105 (a throwaway local server)
KIOSK_ID = "ADM-7307-01"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ServerRig:
    """``adm-server`` on loopback with the Sinjai demo data; stop and start it at will."""

    def __init__(self, work: Path, lease_seconds: int = 600, port: int | None = None) -> None:
        self.work = work
        self.data_dir = work / "server"
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.lease_seconds = lease_seconds
        self.credential_file = work / "kiosk-credential"
        self.codes: dict[str, str] = {}
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0
        self.env = dict(
            os.environ,
            ADM_DATA_DIR=str(self.data_dir),
            ADM_STAFF_TOKEN=STAFF_TOKEN,
            ADM_PUBLIC_URL=self.url,
            ADM_CLAIM_LEASE_SECONDS=str(lease_seconds),
        )

    def prepare(self) -> None:
        """Load the demo: a kiosk credential and one pickup code per demo family."""
        codes_file = self.work / "codes.json"
        subprocess.run(
            [
                str(BIN / "adm-server"),
                "demo",
                "--credential-out",
                str(self.credential_file),
                "--codes-out",
                str(codes_file),
                "--pins-out",
                str(self.work / "pins.json"),
            ],
            env=self.env,
            check=True,
            capture_output=True,
            timeout=180,
        )
        self.codes = json.loads(codes_file.read_text())

    def start(self, timeout: float = 60) -> None:
        log = open(self.work / "server.out", "a")  # noqa: SIM115 (kept by the process)
        self.proc = subprocess.Popen(
            [str(BIN / "adm-server"), "serve", "--port", str(self.port)],
            env=self.env,
            stdout=log,
            stderr=log,
        )
        log.close()
        self.starts += 1
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"adm-server serve ended with {self.proc.returncode}")
            try:
                if requests.get(self.url + "/api/v1/public/signing-keys", timeout=1).ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"the server did not answer within {timeout}s")

    def stop(self, hard: bool = False) -> None:
        """Stop the server: SIGTERM (a shutdown), or SIGKILL (a power cut) when ``hard``."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL if hard else signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self.proc = None

    def staff(self, method: str, path: str, **kw: Any) -> requests.Response:
        headers = {"Authorization": f"Bearer {STAFF_TOKEN}"}
        return requests.request(method, self.url + path, headers=headers, timeout=30, **kw)

    def db(self) -> sqlite3.Connection:
        """The server's SQLite database, read-only: what the office's records say."""
        path = self.data_dir / "adm.db"
        return sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)


def write_kiosk_config(
    work: Path, server_url: str, credential: Path, sim: SimulatorHost, timeout: float = 10
) -> Path:
    """A kiosk pointed at ``server_url``, the simulators, the ADM-A4 queue and the sim camera."""
    assert sim.camera is not None, "the harness's simulator host needs its camera"
    path = work / "kiosk.toml"
    path.write_text(
        f"""
[kiosk]
id = "{KIOSK_ID}"
language = "id"
idle_timeout = 60
heartbeat_interval = 1
data_dir = "{work / "kiosk"}"

[server]
url = "{server_url}"
credential_file = "{credential}"
timeout = {timeout}

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
queue = "{A4_QUEUE}"

[devices.camera]
driver = "opencv-camera"
source = "{sim.camera.url}"
width = 640
height = 480
"""
    )
    return path


@dataclass
class DriverProcess:
    """proof/kiosk_driver.py as its own process; its lines arrive in ``lines``."""

    config: Path
    sim_dir: Path
    log_path: Path
    proc: subprocess.Popen[str] | None = None
    lines: queue.Queue[dict[str, Any]] = field(default_factory=queue.Queue)
    seen: list[dict[str, Any]] = field(default_factory=list)

    def start(self, timeout: float = 60) -> dict[str, Any]:
        self.lines = queue.Queue()
        err = open(self.log_path, "a")  # noqa: SIM115 (kept by the process)
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "proof.kiosk_driver",
                "--config",
                str(self.config),
                "--sim-dir",
                str(self.sim_dir),
            ],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
        )
        err.close()
        threading.Thread(target=self._pump, args=(self.proc, self.lines), daemon=True).start()
        return self.wait_phase({"started"}, timeout)

    @staticmethod
    def _pump(proc: subprocess.Popen[str], lines: queue.Queue[dict[str, Any]]) -> None:
        assert proc.stdout is not None
        for raw in proc.stdout:
            try:
                lines.put(json.loads(raw))
            except ValueError:
                lines.put({"phase": "garbage", "text": raw[:200]})
        lines.put({"phase": "exited"})

    def send(self, command: dict[str, Any]) -> None:
        assert self.proc is not None and self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(command) + "\n")
        self.proc.stdin.flush()

    def next_line(self, timeout: float) -> dict[str, Any] | None:
        try:
            line = self.lines.get(timeout=max(timeout, 0.0))
        except queue.Empty:
            return None
        self.seen.append(line)
        return line

    def wait_phase(self, phases: set[str], timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while (line := self.next_line(deadline - time.monotonic())) is not None:
            if line.get("phase") in phases:
                return line
            if line.get("phase") == "exited":
                raise RuntimeError(f"the kiosk driver exited while waiting for {phases}")
        raise TimeoutError(f"no {phases} from the kiosk driver within {timeout}s")

    def kill(self) -> None:
        """SIGKILL: the power cut. Nothing of the kiosk runs after this returns."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
        if self.proc is not None:
            self.proc.wait(timeout=15)
            if self.proc.stdin is not None:
                try:
                    self.proc.stdin.close()
                except OSError:
                    pass
        self.proc = None

    def quit(self, timeout: float = 30) -> None:
        """A clean stop (the outbox closed, the devices closed), then SIGKILL if it hangs."""
        if self.proc is None:
            return
        try:
            self.send({"op": "quit"})
            self.proc.wait(timeout=timeout)
        except (OSError, subprocess.TimeoutExpired):
            pass
        self.kill()


@dataclass
class CodePool:
    """One live pickup code per demo document; a spent code is replaced by a reprint approval."""

    server: ServerRig
    codes: dict[str, str] = field(default_factory=dict)  # KK number -> code
    busy_until: dict[str, float] = field(default_factory=dict)  # in progress elsewhere
    approvals: Counter[str] = field(default_factory=Counter)  # code -> 1 when approved
    documents: dict[str, str] = field(default_factory=dict)  # KK number -> document id

    def __post_init__(self) -> None:
        self.codes = dict(self.server.codes)
        for number in self.codes:
            docs = self.server.staff("GET", f"/api/v1/staff/documents?number={number}").json()
            self.documents[number] = docs[-1]["id"]

    def take(self, rng_choice: Any) -> tuple[str, str] | None:
        """A (KK number, code) not in progress, or None when every code waits for its lease."""
        now = time.monotonic()
        free = [n for n in sorted(self.codes) if self.busy_until.get(n, 0) <= now]
        if not free:
            return None
        number = rng_choice(free)
        return number, self.codes[number]

    def spent(self, number: str) -> None:
        """The code printed (or was already printed): an officer approves the next print."""
        answer = self.server.staff(
            "POST",
            f"/api/v1/staff/documents/{self.documents[number]}/reprints",
            json={"reason": "proof harness: the next citizen journey"},
        )
        answer.raise_for_status()
        self.codes[number] = answer.json()["pickup_code"]
        self.approvals[self.codes[number]] += 1
        self.busy_until.pop(number, None)

    def in_progress(self, number: str, seconds: float) -> None:
        """Claimed by a kiosk that died: the code is free again when the lease has run out."""
        self.busy_until[number] = time.monotonic() + seconds


@dataclass
class Tally:
    """What a harness did, for its figures."""

    journeys: Counter[str] = field(default_factory=Counter)  # kind -> started
    completed: Counter[str] = field(default_factory=Counter)  # kind -> reached its outcome
    outcomes: Counter[str] = field(default_factory=Counter)  # print_done, refused, ...
    kills: Counter[str] = field(default_factory=Counter)  # phase -> SIGKILLs
    restarts: int = 0
    started_keys: set[str] = field(default_factory=set)  # applications begun at the kiosk
    queued_keys: set[str] = field(default_factory=set)  # ... that the kiosk said were queued
    printed_receipts: set[str] = field(default_factory=set)  # receipts the kiosk said printed
    errors: list[str] = field(default_factory=list)  # journeys that broke inside the driver


PRINT_PHASES = ("scan", "download", "a4", "receipt", "ack", "queued", "delivered")
APPLY_PHASES = ("draft", "photo", "queued", "receipt", "delivered")


@dataclass
class Journey:
    """How one journey went, as the harness saw it."""

    kind: str
    outcome: dict[str, Any] | None = None  # the driver's outcome line, None when killed
    killed_at: str | None = None
    key: str = ""  # an application's idempotency key


class Runner:
    """Sends journeys to the driver and reads its lines; kills it at a phase when asked."""

    def __init__(self, driver: DriverProcess, tally: Tally) -> None:
        self.driver = driver
        self.tally = tally
        self.online_changes: list[bool] = []  # the service state's "online", as it changed
        self.receipts_ok = 0

    def note(self, line: dict[str, Any]) -> None:
        """Keep what matters from any line, in or between journeys."""
        phase, event = line.get("phase"), line.get("event")
        if phase == "draft":
            self.tally.started_keys.add(line["key"])
        elif phase == "queued" and "key" in line:
            self.tally.queued_keys.add(line["key"])
        elif event == "service":
            self.online_changes.append(bool(line["online"]))
        elif event == "print_done":
            self.tally.printed_receipts.add(line["receipt_number"])

    def drain_lines(self) -> None:
        while (line := self.driver.next_line(0)) is not None:
            self.note(line)

    def journey(
        self,
        command: dict[str, Any],
        kill_at: str | None = None,
        delay: float = 0.0,
        timeout: float = 180,
        on_phase: Callable[[str], None] | None = None,
    ) -> Journey:
        kind = str(command["op"])
        self.drain_lines()
        self.tally.journeys[kind] += 1
        result = Journey(kind)
        self.driver.send(command)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.driver.next_line(deadline - time.monotonic())
            if line is None:
                break
            self.note(line)
            phase = line.get("phase")
            if phase == "draft":
                result.key = line["key"]
            if on_phase is not None and isinstance(phase, str):
                on_phase(phase)
            if phase == "exited":
                raise RuntimeError(f"the kiosk driver died by itself during a {kind} journey")
            if kill_at is not None and phase == kill_at:
                time.sleep(delay)
                self.driver.kill()
                result.killed_at = kill_at
                self.tally.kills[kill_at] += 1
                return result
            if phase == "outcome":
                result.outcome = line
                self.tally.completed[kind] += 1
                self.tally.outcomes[str(line.get("result", "apply"))] += 1
                if line.get("result") == "error":
                    self.tally.errors.append(f"{kind}: {line.get('error', '')}"[:200])
                if kill_at == "delivered":  # the outbox is sending now or soon
                    self._kill_at_delivery(result, delay)
                return result
        raise TimeoutError(f"a {kind} journey did not end within {timeout}s")

    def _kill_at_delivery(self, result: Journey, delay: float) -> None:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            line = self.driver.next_line(deadline - time.monotonic())
            if line is None:
                break
            self.note(line)
            if line.get("phase") == "delivered":
                break
        time.sleep(delay)
        self.driver.kill()
        result.killed_at = "delivered"
        self.tally.kills["delivered"] += 1


def after_print(pool: CodePool, number: str, journey: Journey, lease: float) -> None:
    """What the journey means for the code it used: spent, busy for a lease, or still good."""
    if journey.killed_at is not None:
        if journey.killed_at != "scan":
            pool.in_progress(number, lease + 1)
        return
    outcome = journey.outcome or {}
    result, reason = outcome.get("result"), outcome.get("reason")
    if result == "print_done" or (result == "refused" and reason == "already_printed"):
        pool.spent(number)
    elif result == "print_failed" or (
        result == "refused" and reason in ("in_progress", "server_unreachable")
    ):
        # A claim whose answer was lost on the line, or a failure whose report still waits in
        # the outbox, holds the code until its lease ends (the server's rule).
        pool.in_progress(number, lease + 1)
    elif result == "refused" and reason == "unknown_code":
        pool.spent(number)  # should not happen: the invariants will show what went wrong
