"""Requests per second and p50/p99 latency of the central server under kiosk traffic.

Starts a real ``adm-server`` (uvicorn, one worker, exactly as ``adm-server serve`` runs) on a free
loopback port, against SQLite in a temporary data dir and against PostgreSQL (a fresh database
in the test cluster of ``scripts/postgres-test.sh``, dropped afterwards), seeds kiosks and pickup
codes straight into the database, and drives it with signed kiosk requests:

- heartbeat: ``POST /api/v1/kiosk/heartbeat`` with the body a kiosk with a scanner, a receipt
  printer and an A4 printer sends (``kiosk.core.KioskCore.health_payload``);
- resolve+claim+confirm: ``POST .../pickup-codes/resolve``, ``POST .../print-jobs`` (201),
  ``POST .../print-jobs/{id}/result`` with ``printed``: what a kiosk does for one pickup
  (resolve is left out, and said so, if the server has no such route).

Fleet runs (100, 1,000 and 5,000 kiosks) are open loop: heartbeats arrive at random (Poisson)
at N/30 per second, as N kiosks each sending one every 30 s, together with pickups at N/300 per
second (a busy hour: every kiosk starts a pickup every 5 minutes). Each heartbeat and each pickup
opens its own TCP connection, as a real kiosk does: uvicorn closes an idle connection after 5 s,
long before the next heartbeat. Latency is counted from the moment the request was due, so a
server (or generator) falling behind shows up in the figures instead of slowing the offered rate.

The target run offers the heartbeats of 20,000 kiosks (667 per second) to the same server. The
closed-loop runs keep 4 or 16 keep-alive connections busy back to back: the most the server does
per second, whatever the latency. The step run then raises the offered heartbeat rate until p99
passes 100 ms or a request fails, giving the highest rate that met the target.

After every run the bench waits until the server is idle and answers again. An overloaded ADM
server can stall (every thread of its pool waiting for a database connection or the SQLite
write lock that a request waiting for a thread holds): the run is then marked "stalled", and
the server killed and started again.

Every run also measures, with the same generator and the same uvicorn settings, a bare FastAPI
app of this file (``GET /ping`` answered by an ``async def``; ``POST /ping`` parsing the
heartbeat body in a plain ``def``, like most of the server's routes, which run in the thread
pool; and ``POST /ping-async``, the same in an ``async def``, as the heartbeat route is since it
works from memory), and a null server (a few lines of asyncio that answer every request with
the same bytes), which is the ceiling of the generator itself.

CPU columns come from /proc: the server process, PostgreSQL (the bench database's backends, its
own processes, and backends that ended), and this generator, per completed request.

Run: ``.venv/bin/python bench/server_load.py`` (about 10 minutes on the project's 2-core
machine); ``--quick`` for a smoke run of about a minute; ``--only target closed step`` for the
runs that measure the 667/s target (with all baselines, about 6 minutes); ``--profile DIR``
adds a py-spy profile of the server while 4 connections keep it busy (needs
``.venv/bin/pip install py-spy`` and root or ptrace rights). Figures and their reading:
docs/performance.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from kiosk.request_signing import authorization
from server.api.schemas import HeartbeatCreate

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
HEARTBEAT_PATH = "/api/v1/kiosk/heartbeat"
RESOLVE_PATH = "/api/v1/kiosk/pickup-codes/resolve"
CLAIM_PATH = "/api/v1/kiosk/print-jobs"
HEARTBEAT_SECONDS = 30
PICKUP_SECONDS = 300  # busy hour: one pickup per kiosk every 5 minutes
TARGET_KIOSKS = 20_000
TARGET_RATE = TARGET_KIOSKS / HEARTBEAT_SECONDS  # 667 heartbeats per second
TARGET_P99_MS = 100.0
CLOSED_CONNECTIONS = 16
FLOW_CONNECTIONS = 8
REQUEST_TIMEOUT = 10.0  # what the kiosk waits (kiosk/server_client.py); --quick: 2 s
MAX_OUTSTANDING = 2_000  # open loop: more requests in flight than this count as refused
CLK_TCK = os.sysconf("SC_CLK_TCK")

HEARTBEAT_BODY = json.dumps(
    {
        "app_version": "0.1.0",
        "outbox_pending": 0,
        "devices": [
            {
                "name": "scanner",
                "kind": "scanner",
                "state": "idle",
                "detail": "",
                "counters": {"scans": 1832, "errors": 0, "seconds_online": 2_419_200},
            },
            {
                "name": "receipt",
                "kind": "receipt_printer",
                "state": "idle",
                "detail": "",
                "counters": {
                    "receipts": 1210,
                    "cuts": 1210,
                    "lines": 21_780,
                    "errors": 2,
                    "seconds_online": 2_419_200,
                },
            },
            {
                "name": "a4",
                "kind": "a4_printer",
                "state": "idle",
                "detail": "",
                "counters": {
                    "jobs": 1185,
                    "jobs_failed": 3,
                    "queue_restarts": 0,
                    "errors": 3,
                    "seconds_online": 2_419_200,
                },
            },
        ],
    },
    separators=(",", ":"),
).encode()
OUTCOME_BODY = b'{"outcome":"printed","stage":null,"detail":""}'


# ---------------------------------------------------------------- the servers under test


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


class Ack(BaseModel):
    server_time: datetime


def serve_bare(port: int) -> None:
    """The baseline: FastAPI with nothing of ADM, served by uvicorn as adm-server serves."""
    import uvicorn
    from fastapi import FastAPI

    app = FastAPI()

    @app.get("/ping")
    async def ping() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/ping")
    def ping_body(body: HeartbeatCreate) -> Ack:
        return Ack(server_time=datetime.now())

    @app.post("/ping-async")
    async def ping_body_async(body: HeartbeatCreate) -> Ack:
        return Ack(server_time=datetime.now())

    uvicorn.run(app, host=HOST, port=port, log_level="info", access_log=False)


def serve_null(port: int) -> None:
    """The generator's ceiling: every request answered at once with the same bytes."""
    answer = b"HTTP/1.1 200 OK\r\ncontent-length: 15\r\ncontent-type: application/json\r\n\r\n"
    answer += b'{"status":"ok"}'

    class Answer(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            self.transport = transport
            self.buffer = b""

        def data_received(self, data: bytes) -> None:
            self.buffer += data
            requests = self.buffer.count(b"\r\n\r\n")  # GET only: no bodies to skip
            if requests:
                self.buffer = self.buffer[self.buffer.rindex(b"\r\n\r\n") + 4 :]
                self.transport.write(answer * requests)  # type: ignore[attr-defined]

    async def main() -> None:
        server = await asyncio.get_running_loop().create_server(Answer, HOST, port, backlog=4096)
        await server.serve_forever()

    asyncio.run(main())


@dataclass
class ServerProcess:
    """A server this bench started (and only this bench stops)."""

    name: str
    argv: list[str]
    env: dict[str, str]
    log_path: Path
    cwd: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None

    def start(self, probe_path: str = "/ping") -> None:
        argv = [a.replace("{port}", str(self.port)) for a in self.argv]
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                argv,
                env=self.env,
                cwd=self.cwd,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C reaches the bench, which stops it
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited; see {self.log_path}")
            try:
                with socket.create_connection((HOST, self.port), timeout=1) as sock:
                    sock.sendall(f"GET {probe_path} HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode())
                    if sock.recv(64).startswith(b"HTTP/1.1"):
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"{self.name} did not answer within 60 s; see {self.log_path}")

    def cpu_seconds(self) -> float:
        assert self.proc is not None
        return process_cpu(self.proc.pid)

    def stop(self, grace: float = 5.0) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def process_cpu(pid: int, children: bool = False) -> float:
    """User + system CPU seconds of a process so far (0 if it is gone); or of its exited
    children that it waited for."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat[stat.rindex(")") + 2 :].split()
    first = 13 if children else 11
    return (int(fields[first]) + int(fields[first + 1])) / CLK_TCK


# ---------------------------------------------------------------- HTTP/1.1 on raw sockets


class Connection:
    """One keep-alive HTTP/1.1 connection: write the request bytes, read one response."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, port: int) -> Connection:
        reader, writer = await asyncio.open_connection(HOST, port)
        return cls(reader, writer)

    async def call(self, request: bytes) -> tuple[int, bytes]:
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        at = head.lower().find(b"\r\ncontent-length:")
        if at < 0:
            raise ConnectionError("response without content-length")
        length = int(head[at + 17 : head.index(b"\r\n", at + 2)])
        body = await self.reader.readexactly(length) if length else b""
        return status, body

    def close(self) -> None:
        self.writer.close()


# ---------------------------------------------------------------- what the kiosks send


class Kiosks:
    """The fleet's credentials; every request signed on the fly with a fresh nonce."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.credentials: list[tuple[str, str]] = []
        self.active = 0  # requests come from the first `active` kiosks
        self._prefix = secrets.token_hex(8)
        self._count = 0
        self.rng = random.Random(7)

    def request(
        self, method: str, path: str, body: bytes, kiosk: tuple[str, str] | None = None
    ) -> bytes:
        kiosk_id, secret = kiosk or self.pick()
        self._count += 1
        auth = authorization(
            kiosk_id,
            secret,
            method,
            path,
            body,
            ts=int(time.time()),
            nonce=f"{self._prefix}{self._count:016x}",
        )
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: {HOST}:{self.port}\r\n"
            f"User-Agent: adm-bench\r\nAccept: */*\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nAuthorization: {auth}\r\n\r\n"
        )
        return head.encode() + body

    def pick(self) -> tuple[str, str]:
        return self.credentials[self.rng.randrange(self.active)]


@dataclass
class Recorder:
    """Latencies (ms) and errors per label, for one run."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: Counter[str] = field(default_factory=Counter)
    error_samples: dict[str, str] = field(default_factory=dict)

    def ok(self, label: str, ms: float) -> None:
        self.latencies.setdefault(label, []).append(ms)

    def fail(self, label: str, why: str, sample: str = "") -> None:
        self.errors[label] += 1
        self.error_samples.setdefault(f"{label}: {why}", sample[:200])


Job = Callable[[Connection, Recorder], Awaitable[bool]]  # one heartbeat, one pickup, ...


def heartbeat_job(kiosks: Kiosks) -> Job:
    async def job(conn: Connection, rec: Recorder) -> bool:
        t0 = time.perf_counter()
        status, body = await conn.call(kiosks.request("POST", HEARTBEAT_PATH, HEARTBEAT_BODY))
        if status != 200:
            rec.fail("heartbeat", str(status), body.decode("utf-8", "replace"))
            return False
        rec.ok("heartbeat request", (time.perf_counter() - t0) * 1000)
        return True

    return job


def whoami_job(kiosks: Kiosks) -> Job:
    """A signed GET (no nonce is stored): does the server still answer?"""

    async def job(conn: Connection, rec: Recorder) -> bool:
        status, _ = await conn.call(kiosks.request("GET", "/api/v1/kiosk/me", b""))
        return status == 200

    return job


def get_job(port: int, path: str = "/ping") -> Job:
    request = f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nUser-Agent: adm-bench\r\n\r\n"
    raw = request.encode()

    async def job(conn: Connection, rec: Recorder) -> bool:
        status, body = await conn.call(raw)
        if status != 200:
            rec.fail("get", str(status), body.decode("utf-8", "replace"))
        return status == 200

    return job


def post_job(port: int, path: str = "/ping") -> Job:
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nUser-Agent: adm-bench\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(HEARTBEAT_BODY)}\r\n\r\n"
    )
    raw = head.encode() + HEARTBEAT_BODY

    async def job(conn: Connection, rec: Recorder) -> bool:
        status, body = await conn.call(raw)
        if status != 200:
            rec.fail("post", str(status), body.decode("utf-8", "replace"))
        return status == 200

    return job


class Codes:
    """Unused pickup codes, each printed once by the flows."""

    def __init__(self) -> None:
        self.unused: list[str] = []
        self.ran_out = 0

    def take(self) -> str | None:
        if not self.unused:
            self.ran_out += 1
            return None
        return self.unused.pop()


def pickup_job(kiosks: Kiosks, codes: Codes, with_resolve: bool) -> Job:
    """resolve, claim, confirm printed: one kiosk, one code, one connection."""

    async def step(
        conn: Connection, rec: Recorder, label: str, path: str, body: bytes, kiosk: tuple[str, str]
    ) -> tuple[int, bytes]:
        t0 = time.perf_counter()
        status, answer = await conn.call(kiosks.request("POST", path, body, kiosk))
        if status in (200, 201):
            rec.ok(label, (time.perf_counter() - t0) * 1000)
        else:
            rec.fail(label, str(status), answer.decode("utf-8", "replace"))
        return status, answer

    async def job(conn: Connection, rec: Recorder) -> bool:
        code = codes.take()
        if code is None:
            rec.fail("flow", "no unused pickup code left")
            return False
        kiosk = kiosks.pick()
        body = json.dumps({"pickup_code": code}).encode()
        if with_resolve:
            status, answer = await step(conn, rec, "resolve", RESOLVE_PATH, body, kiosk)
            if status != 200 or json.loads(answer)["status"] != "ready":
                return False
        status, answer = await step(conn, rec, "claim", CLAIM_PATH, body, kiosk)
        if status != 201:
            return False
        job_id = json.loads(answer)["id"]
        status, _ = await step(
            conn, rec, "confirm", f"{CLAIM_PATH}/{job_id}/result", OUTCOME_BODY, kiosk
        )
        return status == 200

    return job


# ---------------------------------------------------------------- open and closed loops


@dataclass
class Result:
    label: str
    offered: float | None  # per second; None for a closed loop
    seconds: float
    done: int  # jobs completed without error
    latencies: list[float]  # ms of each completed job, from when it was due (open loop)
    errors: int
    rec: Recorder
    per_job: int = 1  # requests per job
    server_cpu: float = 0.0  # CPU seconds during the run, shared with runs alongside
    db_cpu: float | None = None
    db_sessions: int | None = None  # PostgreSQL connections the server opened in the run
    gen_cpu: float = 0.0
    cpu_requests: int = 0  # requests of every run the CPU figures cover
    stalled: bool = False  # the server no longer answered after the run (and was restarted)
    slow_at: list[float] = field(default_factory=list)  # s into an open loop, of jobs >= 100 ms

    @property
    def rate(self) -> float:
        return self.done / self.seconds

    def pct(self, q: float, values: list[float] | None = None) -> float:
        ordered = sorted(self.latencies if values is None else values)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def _one(
    port: int,
    job: Job,
    due: float,
    rec: Recorder,
    label: str,
    done: list[float],
    slow_at: list[float],
    start: float,
) -> None:
    loop = asyncio.get_running_loop()
    conn = None
    try:
        async with asyncio.timeout(REQUEST_TIMEOUT):
            conn = await Connection.open(port)
            ok = await job(conn, rec)
        if ok:
            latency = (loop.time() - due) * 1000
            done.append(latency)
            if latency >= TARGET_P99_MS:
                slow_at.append(due - start)
    except TimeoutError:
        rec.fail(label, "timeout")
    except (OSError, ConnectionError, asyncio.IncompleteReadError, ValueError) as exc:
        rec.fail(label, type(exc).__name__, str(exc))
    finally:
        if conn is not None:
            conn.close()


async def open_loop(
    port: int, label: str, rate: float, seconds: float, job: Job, seed: int = 1, per_job: int = 1
) -> Result:
    """Poisson arrivals at `rate` per second, a new connection each; latency from when due."""
    loop = asyncio.get_running_loop()
    rng = random.Random(seed)
    rec = Recorder()
    done: list[float] = []
    slow_at: list[float] = []
    pending: set[asyncio.Task[None]] = set()
    start = loop.time() + 0.01
    due = start
    while True:
        due += rng.expovariate(rate)
        if due >= start + seconds:
            break
        wait = due - loop.time()
        if wait > 0:
            await asyncio.sleep(wait)
        if len(pending) >= MAX_OUTSTANDING:
            rec.fail(label, "too many in flight")
            continue
        task = asyncio.create_task(_one(port, job, due, rec, label, done, slow_at, start))
        pending.add(task)
        task.add_done_callback(pending.discard)
    if pending:
        await asyncio.wait(pending, timeout=REQUEST_TIMEOUT + 1)
    errors = sum(rec.errors.values())  # achieved: completed per second of arrivals
    result = Result(label, rate, seconds, len(done), done, errors, rec, per_job)
    result.slow_at = slow_at
    return result


async def closed_loop(
    port: int,
    label: str,
    connections: int,
    seconds: float,
    job: Job,
    warmup: float = 1.0,
    per_job: int = 1,
) -> Result:
    """`connections` keep-alive connections, each sending its next request on the answer."""
    loop = asyncio.get_running_loop()
    rec = Recorder()
    done: list[float] = []
    start = loop.time() + warmup
    end = start + seconds
    stopped = end

    async def worker() -> None:
        conn = await Connection.open(port)
        try:
            while (now := loop.time()) < end:
                try:
                    async with asyncio.timeout(REQUEST_TIMEOUT):
                        ok = await job(conn, rec if now >= start else Recorder())
                except (TimeoutError, OSError, ConnectionError, asyncio.IncompleteReadError):
                    rec.fail(label, "connection lost")
                    conn.close()
                    conn = await Connection.open(port)
                    continue
                if ok and now >= start:
                    done.append((loop.time() - now) * 1000)
                elif not ok and job_exhausted(rec):
                    nonlocal stopped
                    stopped = min(stopped, loop.time())
                    return
        finally:
            conn.close()

    await asyncio.gather(*(worker() for _ in range(connections)))
    errors = sum(rec.errors.values())
    return Result(label, None, stopped - start, len(done), done, errors, rec, per_job)


def job_exhausted(rec: Recorder) -> bool:
    return any(k.endswith("no unused pickup code left") for k in rec.error_samples)


# ---------------------------------------------------------------- database and seeding


class Database:
    """SQLite in the data dir, or a fresh PostgreSQL database made for this run."""

    def __init__(self, kind: str, data_dir: Path, admin_url: str = "") -> None:
        self.kind, self.data_dir, self.admin_url = kind, data_dir, admin_url
        self._stats: Any = None  # one connection for the statistics: a new one costs CPU too
        self.name = f"adm_bench_{secrets.token_hex(4)}"
        if kind == "sqlite":
            self.url = f"sqlite:///{data_dir / 'adm.db'}"
        else:
            base = admin_url.rsplit("/", 1)[0]
            self.url = f"{base}/{self.name}"

    def _admin(self):  # type: ignore[no-untyped-def]
        import psycopg

        plain = re.sub(r"^postgresql\+psycopg://", "postgresql://", self.admin_url)
        return psycopg.connect(plain, autocommit=True)

    def create(self) -> None:
        if self.kind == "postgresql":
            with self._admin() as conn:
                conn.execute(f'CREATE DATABASE "{self.name}"')

    def drop(self) -> None:
        if self._stats is not None:
            self._stats.close()
        if self.kind == "postgresql":
            with self._admin() as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def usage(self) -> tuple[dict[int, float], float, int]:
        """CPU seconds of the live backends of this database and of PostgreSQL's own
        processes, CPU seconds of the postmaster's exited children (the backends that ended,
        of every database in the cluster), and the sessions ever opened to this database."""
        if self._stats is None:
            self._stats = self._admin()
        conn = self._stats
        conn.execute("SELECT pg_stat_clear_snapshot()")
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s OR (datname IS NULL "
            "AND backend_type <> 'client backend')",
            (self.name,),
        ).fetchall()
        (sessions,) = conn.execute(
            "SELECT sessions FROM pg_stat_database WHERE datname = %s", (self.name,)
        ).fetchone() or (0,)
        live = {int(pid): process_cpu(int(pid)) for (pid,) in rows}
        reaped = 0.0
        for pid in live:
            try:
                ppid = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
                reaped = process_cpu(ppid, children=True)
                break
            except (OSError, ValueError, IndexError):
                continue
        return live, reaped, int(sessions)


class Seeder:
    """Writes kiosks, documents and pickup codes straight into the database."""

    def __init__(self, url: str, data_dir: Path) -> None:
        from server.db import make_engine, migrate, session_factory

        self.engine = make_engine(url)
        migrate(self.engine)
        self.sessions = session_factory(self.engine)
        self.data_dir = data_dir
        self._pdf: bytes | None = None
        self._documents = 0

    def kiosks(self, fleet: Kiosks, upto: int) -> None:
        from sqlalchemy import insert

        from server.codes import hash_secret
        from server.models import Kiosk

        now = datetime.now()
        rows = []
        for i in range(len(fleet.credentials), upto):
            kiosk_id, secret = f"BENCH-{i + 1:05d}", secrets.token_urlsafe(24)
            fleet.credentials.append((kiosk_id, secret))
            rows.append(
                {
                    "id": kiosk_id,
                    "name": f"ADM bench kiosk {i + 1}",
                    "location_name": f"Kantor Desa bench {i + 1}, Kabupaten Sinjai",
                    "region_code": "73.07.05",
                    "credential_hash": hash_secret(secret),
                    "created_at": now,
                }
            )
        if rows:
            with self.engine.begin() as conn:
                conn.execute(insert(Kiosk), rows)
        fleet.active = upto

    def pickup_codes(self, codes: Codes, count: int) -> None:
        """`count` new codes, each for its own issued KK (the PDF bytes of a real one)."""
        from server.codes import new_id
        from server.db import transaction
        from server.documents.kk_pdf import render_kk_pdf
        from server.documents.samples import SAMPLE_KK
        from server.models import Document
        from server.printing import issue_pickup_code

        if self._pdf is None:
            self._pdf = render_kk_pdf(SAMPLE_KK, "https://adm.example.go.id/v/" + "A" * 150)
        now = datetime.now()
        with transaction(self.sessions) as session:
            for _ in range(count):
                self._documents += 1
                document = Document(
                    id=new_id()[:16],
                    doc_type="KK",
                    number=f"7307{self._documents:012d}",
                    version=1,
                    holder_name="ANDI MUHAMMAD RIZAL",
                    issued_at=now,
                    content_digest=secrets.token_hex(32),
                    signed_token="bench." + secrets.token_urlsafe(120),
                    key_id="bench",
                    pdf=self._pdf,
                    print_count=0,
                )
                session.add(document)
                codes.unused.append(issue_pickup_code(session, [document], 30))

    def top_up(self, codes: Codes, unused: int) -> None:
        if len(codes.unused) < unused:
            self.pickup_codes(codes, unused - len(codes.unused))

    def close(self) -> None:
        self.engine.dispose()


# ---------------------------------------------------------------- the runs


RUN_KINDS = ("fleet", "target", "closed", "step", "pickup")


@dataclass
class Plan:
    fleets: tuple[tuple[int, float], ...]  # (kiosks, seconds)
    target_seconds: float
    closed_seconds: float
    step_seconds: float
    step_fractions: tuple[float, ...]
    flow_seconds: float
    flow_codes: int
    baseline_seconds: float
    timeout: float = 10.0  # seconds a request may take before it counts as failed


FULL = Plan(
    fleets=((100, 30.0), (1_000, 20.0), (5_000, 20.0)),
    target_seconds=20.0,
    closed_seconds=10.0,
    step_seconds=5.0,
    step_fractions=(0.3, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.2),
    flow_seconds=10.0,
    flow_codes=2_500,
    baseline_seconds=8.0,
)
QUICK = Plan(  # every kind of run once, briefly: does the bench work?
    fleets=((1_000, 2.0),),
    target_seconds=2.0,
    closed_seconds=2.0,
    step_seconds=0.0,  # no step run
    step_fractions=(),
    flow_seconds=2.0,
    flow_codes=300,
    baseline_seconds=1.0,
    timeout=2.0,
)


class Meter:
    """Runs load against one server: CPU of the server, its database and this generator."""

    def __init__(
        self, server: ServerProcess, db: Database | None, probe: Job, probe_path: str = "/ping"
    ) -> None:
        self.server, self.db, self.probe, self.probe_path = server, db, probe, probe_path

    async def run(self, *runs: Awaitable[Result]) -> list[Result]:
        """Run side by side; then wait until the server is idle and answers again."""
        pg = self.db is not None and self.db.kind == "postgresql"
        if pg:
            assert self.db is not None
            live0, reaped0, sessions0 = self.db.usage()
        server0 = self.server.cpu_seconds()
        gen0 = time.process_time()
        results = list(await asyncio.gather(*runs))
        gen = time.process_time() - gen0
        server = self.server.cpu_seconds() - server0
        db_cpu, sessions = None, None
        if pg:
            assert self.db is not None
            await asyncio.sleep(1.0)  # backends publish their session counts about every second
            live, reaped, sessions1 = self.db.usage()
            # A backend that ended counts in `reaped` with all its life: take off its start.
            db_cpu = sum(live.values()) - sum(live0.values()) + reaped - reaped0
            sessions = sessions1 - sessions0
        requests = sum(r.done * r.per_job for r in results)
        for r in results:  # runs side by side (heartbeats with pickups) share the CPU figures
            r.server_cpu, r.db_cpu, r.gen_cpu, r.db_sessions = server, db_cpu, gen, sessions
            r.cpu_requests = requests
        if not await self.settle():
            for r in results:
                r.stalled = True
            await asyncio.to_thread(self.server.stop, 0.0)  # stalled: no graceful shutdown
            await asyncio.to_thread(self.server.start, self.probe_path)
        return results

    async def settle(self, limit: float = 30.0) -> bool:
        """Wait while the server works off requests whose clients gave up; False if it hangs.

        An overloaded ADM server can stall: every thread of the pool waits for a database
        connection (or the SQLite write lock) held by a request that waits for a thread.
        """
        deadline = time.monotonic() + limit
        quiet = 0
        while time.monotonic() < deadline:
            before = self.server.cpu_seconds()
            await asyncio.sleep(0.5)
            quiet = quiet + 1 if self.server.cpu_seconds() - before < 0.05 else 0
            # Idle for 1.5 s: longer than ADM's heartbeat writer waits (1 s) before it writes
            # the last second's heartbeats, which would otherwise land in the next run's start
            # (after a closed loop that is 2,000 kiosks' worth: a burst of slow answers there).
            if quiet >= 3:
                break
        try:
            async with asyncio.timeout(2.0):
                conn = await Connection.open(self.server.port)
                try:
                    return await self.probe(conn, Recorder())
                finally:
                    conn.close()
        except (TimeoutError, OSError, ConnectionError, asyncio.IncompleteReadError):
            return False


Row = tuple[str, str, Result, list[float] | None]  # server, scenario, result, request ms


class Report:
    def __init__(self) -> None:
        self.rows: list[Row] = []
        self.notes: list[str] = []
        self.flow = "resolve+claim+confirm"
        self.baseline: dict[str, Result] = {}  # closed-loop runs of the bare app, by name
        self.started = time.monotonic()

    def add(self, server: str, scenario: str, result: Result) -> None:
        if result.stalled:
            note = f"{server}, {scenario}: the server no longer answered afterwards; restarted"
            if note not in self.notes:
                self.notes.append(note)
        self.rows.append((server, scenario, result, None))
        elapsed = time.monotonic() - self.started
        print(f"  [{elapsed:3.0f} s] {server:<16} {scenario:<40} {self.line(result, None)}")
        sys.stdout.flush()
        for why, sample in list(result.rec.error_samples.items())[:3]:
            print(f"      error {why} {sample}")
        if len(result.slow_at) * 100 >= max(result.done, 1):  # enough to set the p99
            spread = self.slow_spread(result)
            print(f"      {spread}")
            self.notes.append(f"{server}, {scenario}: {spread}")

    @staticmethod
    def slow_spread(r: Result) -> str:
        """When the requests over 100 ms were due: in bursts (a stall) or all along (saturation)."""
        buckets = Counter(int(at * 4) / 4 for at in r.slow_at)
        top = ", ".join(f"{at:.2f} s: {n}" for at, n in sorted(buckets.most_common(6)))
        return (
            f"{len(r.slow_at)} requests >= {TARGET_P99_MS:.0f} ms, due in {len(buckets)} of "
            f"{int(r.seconds * 4)} quarter-seconds; the fullest: {top}"
        )

    def add_requests(self, server: str, result: Result, labels: list[str]) -> None:
        """Per-request latency rows of a pickup run (from each request's own send)."""
        for label in labels:
            values = result.rec.latencies.get(label, [])
            self.rows.append((server, f"  {label} request", result, values))

    @staticmethod
    def line(r: Result, values: list[float] | None) -> str:
        if values is not None:
            return f"n={len(values)} p50={r.pct(0.5, values):.1f} p99={r.pct(0.99, values):.1f}"
        offered = f"{r.offered:.1f}/s" if r.offered is not None else "closed"
        return (
            f"offered={offered} achieved={r.rate:.1f}/s p50={r.pct(0.5):.1f} "
            f"p99={r.pct(0.99):.1f} errors={r.errors} n={r.done}"
        )

    def table(self) -> str:
        head = ["server", "scenario", "offered/s", "achieved/s", "p50 ms", "p99 ms", "errors"]
        head += ["n", "server CPU ms/req", "PG CPU ms/req", "PG conns opened", "gen CPU ms/req"]
        rows: list[list[str]] = []
        for server, scenario, r, values in self.rows:
            if values is not None:
                p50, p99 = r.pct(0.5, values), r.pct(0.99, values)
                rows.append([server, scenario, "", "", f"{p50:.1f}", f"{p99:.1f}", ""])
                rows[-1] += [f"{len(values)}", "", "", "", ""]
                continue
            requests = max(1, r.cpu_requests)

            def per_request(cpu: float | None, r: Result = r, requests: int = requests) -> str:
                return "" if cpu is None or r.stalled else f"{1000 * cpu / requests:.2f}"

            rows.append(
                [
                    server,
                    scenario,
                    f"{r.offered:.1f}" if r.offered is not None else "closed",
                    f"{r.rate:.1f}",
                    f"{r.pct(0.5):.1f}",
                    f"{r.pct(0.99):.1f}",
                    f"{r.errors}" + (", stalled" if r.stalled else ""),
                    f"{r.done}",
                    per_request(r.server_cpu),
                    per_request(r.db_cpu),
                    "" if r.db_sessions is None else f"{r.db_sessions}",
                    per_request(r.gen_cpu),
                ]
            )
        widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(head)]
        left = {0, 1}

        def line(cells: list[str]) -> str:
            return (
                "| "
                + " | ".join(
                    c.ljust(w) if i in left else c.rjust(w)
                    for i, (c, w) in enumerate(zip(cells, widths, strict=True))
                )
                + " |"
            )

        rule = (
            "|"
            + "|".join(
                "-" * (w + 2) if i in left else "-" * (w + 1) + ":" for i, w in enumerate(widths)
            )
            + "|"
        )
        return "\n".join([line(head), rule, *(line(row) for row in rows)])


def step_rates(ceiling: float, plan: Plan) -> list[int]:
    """Fractions of what a closed loop got through, and the target rate."""
    rates = {round(f * ceiling) for f in plan.step_fractions} | {round(TARGET_RATE)}
    return sorted(r for r in rates if r >= 1)


async def step_run(
    report: Report, meter: Meter, server: str, port: int, job: Job, rates: list[int], plan: Plan
) -> float | None:
    """Offer more and more; the highest rate answered with p99 under target and no errors.

    (Arrivals are random, so a 5-s step offers its rate give or take a few per cent.)"""
    best: float | None = None
    for rate in rates:
        (r,) = await meter.run(open_loop(port, "step", rate, plan.step_seconds, job, seed=rate))
        report.add(server, f"step: heartbeat at {rate}/s", r)
        if r.pct(0.99) < TARGET_P99_MS and r.errors == 0 and not r.stalled:
            best = rate
        else:
            break
    return best


def helper_server(name: str, flag: str, work: Path) -> ServerProcess:
    """The null server or the bare FastAPI app: this file, started again with a flag."""
    argv = [sys.executable, str(Path(__file__).resolve()), flag, "{port}"]
    return ServerProcess(name, argv, dict(os.environ), work / f"{flag[2:]}.log", work)


async def run_baselines(
    report: Report, plan: Plan, work: Path, quick: bool, only: set[str]
) -> None:
    """The null server and the bare FastAPI app, with the same generator."""
    null = helper_server("null server", "--serve-null", work)
    try:
        null.start()
        job = get_job(null.port)
        meter = Meter(null, None, job)
        seconds = plan.baseline_seconds
        (r,) = await meter.run(closed_loop(null.port, "get", CLOSED_CONNECTIONS, seconds, job))
        report.add("null server", f"GET, closed, {CLOSED_CONNECTIONS} keep-alive conns", r)
        (r,) = await meter.run(open_loop(null.port, "get", TARGET_RATE, seconds, job))
        report.add("null server", f"GET at {TARGET_RATE:.0f}/s, new conn each", r)
        if plan.step_fractions and "step" in only:  # the generator's own ceiling, new conns
            rates = [1000, 1500, 2000, 3000, 4000, 6000]
            best = await step_run(report, meter, "null server", null.port, job, rates, plan)
            report.notes.append(
                f"null server: the generator opened a connection for each request at up to "
                f"{best or 'none'}/s with p99 < 100 ms (the ceiling of this generator for open "
                f"loops; steps {rates[0]}-{rates[-1]}/s)"
            )
    finally:
        null.stop()
    bare = helper_server("bare FastAPI", "--serve-bare", work)
    try:
        bare.start()
        meter = Meter(bare, None, get_job(bare.port))
        for name, job in (
            ("bare GET /ping", get_job(bare.port)),
            ("bare POST /ping", post_job(bare.port)),
            ("bare async POST", post_job(bare.port, "/ping-async")),
        ):
            (r,) = await meter.run(
                closed_loop(bare.port, name, CLOSED_CONNECTIONS, plan.baseline_seconds, job)
            )
            report.add(name, f"closed, {CLOSED_CONNECTIONS} keep-alive conns", r)
            report.baseline[name] = r
            ceiling = r.rate
            (r,) = await meter.run(
                open_loop(bare.port, name, TARGET_RATE, plan.target_seconds, job)
            )
            report.add(name, f"target: {TARGET_RATE:.0f}/s, new conn each", r)
            if plan.step_fractions and "step" in only:
                rates = step_rates(ceiling, plan)
                best = await step_run(report, meter, name, bare.port, job, rates, plan)
                report.notes.append(
                    f"{name}: highest step rate with p99 < 100 ms: {best or 'none'}/s"
                )
    finally:
        bare.stop()


async def run_adm(
    report: Report,
    plan: Plan,
    kind: str,
    work: Path,
    admin_url: str,
    profile: Path | None,
    only: set[str],
) -> None:
    label = f"ADM {kind}"
    data_dir = work / f"adm-{kind}"
    data_dir.mkdir()
    db = Database(kind, data_dir, admin_url)
    db.create()
    seeder: Seeder | None = None
    server = ServerProcess(
        label,
        [str(BIN / "adm-server"), "--data-dir", str(data_dir), "serve", "--host", HOST],
        {**os.environ, "ADM_DATABASE_URL": "" if kind == "sqlite" else db.url},
        data_dir / "server.out",
        data_dir,
    )
    server.argv += ["--port", "{port}"]
    try:
        seeder = Seeder(db.url, data_dir)
        fleet = Kiosks(server.port)
        codes = Codes()
        seeder.kiosks(fleet, plan.fleets[0][0])
        seeder.pickup_codes(codes, 4)
        server.start(probe_path="/api/v1/kiosk/me")
        meter = Meter(server, db, whoami_job(fleet), "/api/v1/kiosk/me")
        with_resolve = await has_resolve(server.port, fleet, codes)
        if not with_resolve:
            report.notes.append(f"{label}: the server has no {RESOLVE_PATH}: claim+confirm only")
        report.flow = "resolve+claim+confirm" if with_resolve else "claim+confirm"
        steps = (["resolve"] if with_resolve else []) + ["claim", "confirm"]
        heartbeat = heartbeat_job(fleet)
        pickup = pickup_job(fleet, codes, with_resolve)

        for kiosks, seconds in plan.fleets if "fleet" in only else ():
            seeder.kiosks(fleet, kiosks)
            hb_rate, flow_rate = kiosks / HEARTBEAT_SECONDS, kiosks / PICKUP_SECONDS
            seeder.top_up(codes, int(flow_rate * seconds * 1.5) + 20)
            hb, flows = await meter.run(
                open_loop(server.port, "heartbeat", hb_rate, seconds, heartbeat, seed=kiosks),
                open_loop(server.port, "flow", flow_rate, seconds, pickup, kiosks + 1, len(steps)),
            )
            report.add(label, f"{kiosks:,} kiosks: heartbeat", hb)
            report.add(label, f"{kiosks:,} kiosks: pickup flow", flows)
            report.add_requests(label, flows, steps)

        seeder.kiosks(fleet, TARGET_KIOSKS)
        if "target" in only:
            # The fleet was written to the database behind the running server's back: every
            # heartbeat is the first of its kiosk this process sees (the cache's miss path).
            (r,) = await meter.run(
                open_loop(server.port, "heartbeat", TARGET_RATE, plan.target_seconds, heartbeat, 3)
            )
            report.add(label, f"target: {TARGET_KIOSKS:,} kiosks new to it", r)
            # The everyday case: a server process started with its fleet in the database (a
            # deploy, a restart), which reads the fleet before it answers.
            server.stop()
            server.start(probe_path="/api/v1/kiosk/me")
            (r,) = await meter.run(
                open_loop(server.port, "heartbeat", TARGET_RATE, plan.target_seconds, heartbeat, 4)
            )
            report.add(label, f"target: {TARGET_KIOSKS:,} kiosks, restarted", r)
            verdict = "met" if r.pct(0.99) < TARGET_P99_MS and r.errors == 0 else "MISSED"
            report.notes.append(
                f"{label}: {TARGET_KIOSKS:,} kiosks' heartbeats at {TARGET_RATE:.0f}/s on a "
                f"started server: p99 {r.pct(0.99):.1f} ms, {r.errors} errors (target p99 < "
                f"{TARGET_P99_MS:.0f} ms) -> {verdict}"
            )

        ceiling = 0.0
        for connections in (4, CLOSED_CONNECTIONS) if only & {"closed", "step"} else ():
            (r,) = await meter.run(
                closed_loop(server.port, "heartbeat", connections, plan.closed_seconds, heartbeat)
            )
            report.add(label, f"heartbeat, closed, {connections} keep-alive conns", r)
            ceiling = max(ceiling, r.rate)
            for name in ("bare POST /ping", "bare async POST"):
                bare = report.baseline.get(name)
                if connections != CLOSED_CONNECTIONS or bare is None or not bare.done:
                    continue
                if not r.done:
                    continue
                report.notes.append(
                    f"{label} against the {name} of this run (both closed loops, "
                    f"{connections} connections): {r.rate:.0f} vs {bare.rate:.0f} requests/s "
                    f"({r.rate / bare.rate:.0%}); server CPU {1000 * r.server_cpu / r.done:.2f} "
                    f"vs {1000 * bare.server_cpu / bare.done:.2f} ms a request "
                    f"({r.server_cpu / r.done / (bare.server_cpu / bare.done):.1f}x)"
                )
        if plan.step_fractions and "step" in only:
            rates = step_rates(ceiling, plan)
            best = await step_run(report, meter, label, server.port, heartbeat, rates, plan)
            report.notes.append(
                f"{label}: highest offered heartbeat rate answered with p99 < 100 ms and no "
                f"errors: {best or 'none'}/s (target {TARGET_RATE:.0f}/s)"
            )

        if "pickup" in only:
            seeder.top_up(codes, plan.flow_codes)
            (r,) = await meter.run(
                closed_loop(
                    server.port,
                    "flow",
                    FLOW_CONNECTIONS,
                    plan.flow_seconds,
                    pickup,
                    0.5,
                    len(steps),
                )
            )
            if codes.ran_out:
                report.notes.append(
                    f"{label}: pickup codes ran out after {r.seconds:.1f} s of the closed-loop "
                    "pickup run (its rate is over that time)"
                )
            report.add(label, f"pickup flow, closed, {FLOW_CONNECTIONS} keep-alive conns", r)
            report.add_requests(label, r, steps)

        if profile is not None:
            await profile_run(report, meter, heartbeat, profile / f"{kind}.txt", plan)
    finally:
        server.stop()
        if seeder is not None:
            seeder.close()
        db.drop()


async def has_resolve(port: int, fleet: Kiosks, codes: Codes) -> bool:
    """Does this server have the resolve route? (It may be older than the bench.)"""
    conn = await Connection.open(port)
    try:
        body = json.dumps({"pickup_code": codes.unused[-1]}).encode()
        status, answer = await conn.call(fleet.request("POST", RESOLVE_PATH, body, fleet.pick()))
    finally:
        conn.close()
    return not (status == 405 or (status == 404 and b'"Not Found"' in answer))


# ---------------------------------------------------------------- profile


async def profile_run(report: Report, meter: Meter, job: Job, out: Path, plan: Plan) -> None:
    """py-spy samples the server while 4 connections keep it busy; stacks summarised.

    Busy but not overloaded: offered more than it can do, the server stalls (see Meter.settle)
    and a profile would show threads waiting.
    """
    server = meter.server
    spy = shutil.which("py-spy", path=str(BIN)) or shutil.which("py-spy")
    if spy is None or server.proc is None:
        report.notes.append("profile: py-spy not found (.venv/bin/pip install py-spy)")
        return
    seconds = max(plan.closed_seconds + 2.0, 6.0)
    raw = out.with_suffix(".collapsed")
    spy_proc = subprocess.Popen(
        [
            spy,
            "record",
            "--pid",
            str(server.proc.pid),
            "--duration",
            str(int(seconds)),
            "--rate",
            "250",
            "--format",
            "raw",
            "--nonblocking",
            "--gil",  # only the thread holding the GIL: where the one core of Python goes
            "--output",
            str(raw),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    (r,) = await meter.run(closed_loop(server.port, "heartbeat", 4, seconds - 2.0, job))
    report.add(server.name, "heartbeat, closed, 4 conns, py-spy on", r)
    _, err = await asyncio.to_thread(spy_proc.communicate)
    if not raw.exists():
        report.notes.append(f"profile: py-spy failed: {err.decode()[-300:]}")
        return
    summary = summarise_profile(raw.read_text())
    out.write_text(summary)
    print(summary)
    report.notes.append(f"profile of {server.name}: {out} (stacks: {raw})")


AREAS = (  # (area, markers in "function (path:line)"); a sample goes to its innermost match
    ("SQLAlchemy (ORM, Core, pool)", ("(sqlalchemy/",)),
    ("psycopg", ("(psycopg",)),
    ("pydantic", ("(pydantic",)),
    ("h11 (HTTP/1.1 parsing, writing)", ("(h11/",)),
    ("uvicorn", ("(uvicorn/",)),
    ("thread pool hand-offs (anyio, threading)", ("(anyio/", "(threading.py", "(queue.py")),
    ("FastAPI, Starlette (routing, dependencies)", ("(fastapi/", "(starlette/")),
    ("asyncio event loop", ("(asyncio/", "(selectors.py")),
    ("ADM code itself", ("(server/",)),
)


FRAMEWORK = ("(fastapi/", "(starlette/", "(uvicorn/", "(anyio/", "(asyncio/")
IDLE_LEAVES = ("EpollSelector.select ", "Condition.wait ", "Event.wait ", "Lock.acquire ")


def summarise_profile(collapsed: str) -> str:
    """Self time per area, and the functions with the most samples in their stack.

    Samples whose innermost frame only waits (the event loop in epoll, a pool thread for work)
    are left out: py-spy counts them when it cannot tell that a thread is idle.
    """
    total = idle = 0
    self_area: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    self_fn: Counter[str] = Counter()
    adm: Counter[str] = Counter()
    for line in collapsed.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack:
            continue
        count = int(count_text)
        frames = [f for f in stack.split(";") if f]
        leaf = frames[-1] if frames else "?"
        if leaf.startswith(IDLE_LEAVES):
            idle += count
            continue
        total += count
        self_fn[leaf] += count
        area = next(
            (
                a
                for f in reversed(frames)
                for a, marks in AREAS
                if any(m in short(f) for m in marks)
            ),
            "other",
        )
        self_area[area] += count
        for frame in set(frames):
            inclusive[frame] += count
        named = [short(f) for f in frames]
        ours = [
            i
            for i, f in enumerate(named)
            # ADM code, unless it only hands the request on to the framework (middleware)
            if "(server/" in f and not any(p in g for g in named[i + 1 :] for p in FRAMEWORK)
        ]
        if ours:  # the innermost ADM frame, with everything it called
            adm[named[ours[-1]]] += count
    if not total:
        return "no samples"
    lines = [
        f"py-spy: {total} samples of working threads ({idle} more only waited)",
        "",
        "self time by area:",
    ]
    for area, n in self_area.most_common(14):
        lines.append(f"  {100 * n / total:5.1f} %  {area}")
    lines += ["", "innermost ADM code line, with what it called (the rest: framework alone):"]
    for frame, n in adm.most_common(16):
        lines.append(f"  {100 * n / total:5.1f} %  {frame}")
    lines += ["", "functions by samples in their stack (inclusive):"]
    for frame, n in inclusive.most_common(40):
        lines.append(f"  {100 * n / total:5.1f} %  {short(frame)}")
    lines += ["", "leaf functions (self):"]
    for frame, n in self_fn.most_common(20):
        lines.append(f"  {100 * n / total:5.1f} %  {short(frame)}")
    return "\n".join(lines)


def short(frame: str) -> str:
    """'handle (uvicorn/protocols/http/h11_impl.py:123)' without the site-packages prefix."""
    return re.sub(r"\(/[^)]*?(site-packages|python3\.\d+|main)/", "(", frame)


# ---------------------------------------------------------------- main


def postgres_url(given: str) -> str:
    if given:
        return given
    if os.environ.get("ADM_BENCH_POSTGRES_URL"):
        return os.environ["ADM_BENCH_POSTGRES_URL"]
    script = ROOT / "scripts" / "postgres-test.sh"
    done = subprocess.run(["bash", str(script)], capture_output=True, text=True, check=False)
    return done.stdout.strip() if done.returncode == 0 else ""


async def run(args: argparse.Namespace) -> int:
    global REQUEST_TIMEOUT
    plan = QUICK if args.quick else FULL
    REQUEST_TIMEOUT = plan.timeout
    report = Report()
    started = time.monotonic()
    load1 = os.getloadavg()[0]
    profile = Path(args.profile).resolve() if args.profile else None
    if profile is not None:
        profile.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="adm-bench-") as tmp:
        work = Path(tmp)
        print("baselines (same generator, same uvicorn settings):")
        only = set(args.only)
        await run_baselines(report, plan, work, args.quick, only)
        for kind in args.db:
            admin_url = ""
            if kind == "postgresql":
                admin_url = postgres_url(args.postgres_url)
                if not admin_url:
                    report.notes.append("PostgreSQL skipped: no test cluster (see --postgres-url)")
                    continue
            print(f"ADM server on {kind}:")
            await run_adm(report, plan, kind, work, admin_url, profile, only)
    print()
    print(
        f"Server load, {'quick' if args.quick else 'full'} run: {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, uvicorn {version('uvicorn')} "
        f"(http={uvicorn_http()}, loop={uvicorn_loop()}), FastAPI {version('fastapi')}, "
        f"SQLAlchemy {version('sqlalchemy')}; load average {load1:.1f} before, "
        f"{os.getloadavg()[0]:.1f} after; {time.monotonic() - started:.0f} s"
    )
    print()
    print(report.table())
    print()
    for note in report.notes:
        print(f"- {note}")
    return 0


def uvicorn_http() -> str:
    try:
        import httptools  # noqa: F401
    except ImportError:
        return "h11"
    return "httptools"


def uvicorn_loop() -> str:
    try:
        import uvloop  # noqa: F401
    except ImportError:
        return "asyncio"
    return "uvloop"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run of under a minute")
    parser.add_argument(
        "--db",
        nargs="+",
        choices=("sqlite", "postgresql"),
        default=["sqlite", "postgresql"],
        help="databases to run the server on (default: both)",
    )
    parser.add_argument(
        "--postgres-url",
        default="",
        help="SQLAlchemy URL of a PostgreSQL where the bench may create a database "
        "(default: $ADM_BENCH_POSTGRES_URL, else the URL scripts/postgres-test.sh prints)",
    )
    parser.add_argument(
        "--only",
        nargs="+",
        choices=RUN_KINDS,
        default=list(RUN_KINDS),
        help="run only these kinds of ADM runs (default: all); the baselines always run, "
        "their step runs only with 'step'. '--only target step' measures the target",
    )
    parser.add_argument("--profile", metavar="DIR", help="also profile the server with py-spy")
    parser.add_argument("--serve-bare", type=int, metavar="PORT", help=argparse.SUPPRESS)
    parser.add_argument("--serve-null", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_bare:
        serve_bare(args.serve_bare)
        return 0
    if args.serve_null:
        serve_null(args.serve_null)
        return 0
    return asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
