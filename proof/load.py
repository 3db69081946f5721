"""Load: N simulated kiosks against 1 and 2 server processes, on SQLite and on PostgreSQL.

Each configuration gets a fresh database with the demo data (``adm-server demo``: the Sinjai
location, its services and residents), N more kiosks placed at that location and enough pickup
codes, seeded straight into the database (bench/server_load.py's Seeder). Then 1 or 2
``adm-server serve`` processes share that database, as several stateless processes behind a
load balancer would; each kiosk keeps to one process (a balancer with keep-alive does that).

Every simulated kiosk is a loop on its own keep-alive connection, signing every request as the
kiosk does (bench/server_load.py's Kiosks): a heartbeat every turn, a pickup (resolve, claim,
confirm printed) every third turn, an application (akta kelahiran with four photographed papers)
every tenth. The loop stops by itself at the configuration's deadline. Figures per
configuration: requests by kind, sustained rate, p50/p99 latency, errors by status (503 "busy"
is the admission limit's intended answer under overload and counted apart).

With 2 processes the run also replays, byte for byte, signed requests that one process took to
the other one: a claim (its nonce is stored in the shared database, so the other process must
refuse it at once) and a heartbeat (its replay floor is the "heartbeat-mark" row the first
process writes; the other process must refuse it once it has read that mark, within the
heartbeat flush interval plus the credential cache's ttl: server/heartbeats.py).

Run: ``.venv/bin/python -m proof load`` (long: about 10 minutes).
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from proof.figures import ROOT, record
from proof.sample_bodies import birth_application

sys.path.append(str(ROOT / "bench"))  # the benches import each other as scripts
import server_load as bench  # noqa: E402

PART = "load"
APPLICATION_PATH = "/api/v1/kiosk/applications"
HEARTBEAT_FLUSH_SECONDS = 1.0  # server/settings.py defaults, which the servers here run with
KIOSK_CACHE_SECONDS = 5.0
REQUEST_TIMEOUT = 15.0
CLAIMS_PER_SECOND_MAX = 50


@dataclass(frozen=True)
class Config:
    engine: str  # "sqlite" or "postgresql"
    processes: int


@dataclass(frozen=True)
class Scale:
    kiosks: int
    seconds: float
    configs: tuple[Config, ...]


SCALES = {
    "short": Scale(8, 2.5, (Config("sqlite", 1), Config("sqlite", 2), Config("postgresql", 1))),
    "long": Scale(
        40,
        90.0,
        (
            Config("sqlite", 1),
            Config("sqlite", 2),
            Config("postgresql", 1),
            Config("postgresql", 2),
        ),
    ),
}


def application_body() -> bytes:
    """An akta kelahiran application by the first demo family's father, as a kiosk sends it."""
    return json.dumps(birth_application()).encode()


@dataclass
class Tally:
    """Latencies (ms) per kind of request, and failures by kind and status."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: Counter[str] = field(default_factory=Counter)
    samples: dict[str, str] = field(default_factory=dict)

    def ok(self, kind: str, ms: float) -> None:
        self.latencies.setdefault(kind, []).append(ms)

    def fail(self, kind: str, status: str, body: bytes = b"") -> None:
        self.errors[f"{kind} {status}"] += 1
        self.samples.setdefault(f"{kind} {status}", body.decode("utf-8", "replace")[:200])

    def busy(self) -> int:
        return sum(n for key, n in self.errors.items() if key.endswith(" 503"))


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1) if ordered else 0.0


async def kiosk_loop(
    fleet: bench.Kiosks,
    kiosk: tuple[str, str],
    port: int,
    codes: bench.Codes,
    tally: Tally,
    end: float,
    app_body: bytes,
) -> None:
    """One simulated kiosk on its own keep-alive connection, until ``end`` (loop time)."""
    loop = asyncio.get_running_loop()
    conn: bench.Connection | None = None

    async def call(
        kind: str, method: str, path: str, body: bytes, ok: int, header: str = ""
    ) -> bytes | None:
        nonlocal conn
        raw = fleet.request(method, path, body, kiosk)
        if header:
            raw = raw.replace(b"\r\n\r\n", f"\r\n{header}\r\n\r\n".encode(), 1)
        t0 = time.perf_counter()
        try:
            async with asyncio.timeout(REQUEST_TIMEOUT):
                if conn is None:
                    conn = await bench.Connection.open(port)
                status, answer = await conn.call(raw)
        except (TimeoutError, OSError, ConnectionError, asyncio.IncompleteReadError) as exc:
            tally.fail(kind, type(exc).__name__)
            if conn is not None:
                conn.close()
            conn = None
            return None
        if status != ok and not (kind == "application" and status == 200):
            tally.fail(kind, str(status), answer)
            return None
        tally.ok(kind, (time.perf_counter() - t0) * 1000)
        return answer

    turn = 0
    try:
        while loop.time() < end:
            turn += 1
            await call("heartbeat", "POST", bench.HEARTBEAT_PATH, bench.HEARTBEAT_BODY, 200)
            if turn % 3 == 1 and (code := codes.take()) is not None:
                body = json.dumps({"pickup_code": code}).encode()
                resolved = await call("resolve", "POST", bench.RESOLVE_PATH, body, 200)
                if resolved is not None and json.loads(resolved)["status"] == "ready":
                    claimed = await call("claim", "POST", bench.CLAIM_PATH, body, 201)
                    if claimed is not None:
                        job = json.loads(claimed)["id"]
                        path = f"{bench.CLAIM_PATH}/{job}/result"
                        await call("confirm", "POST", path, bench.OUTCOME_BODY, 200)
            if turn % 10 == 1:
                key = f"Idempotency-Key: load-{kiosk[0]}-{turn}"
                await call("application", "POST", APPLICATION_PATH, app_body, 201, key)
    finally:
        if conn is not None:
            conn.close()


async def send_raw(port: int, raw: bytes) -> tuple[int, bytes]:
    conn = await bench.Connection.open(port)
    try:
        async with asyncio.timeout(REQUEST_TIMEOUT):
            return await conn.call(raw)
    finally:
        conn.close()


def reason(status: int, body: bytes) -> str:
    if 200 <= status < 300:
        return "accepted"
    try:
        return str(json.loads(body)["detail"]["reason"])
    except (ValueError, KeyError, TypeError):
        return body.decode("utf-8", "replace")[:60]


class Deployment:
    """A fresh database with the demo data and ``processes`` servers sharing it."""

    def __init__(self, config: Config, work: Path, admin_url: str, kiosks: int, codes: int):
        self.config = config
        self.data_dir = work / f"{config.engine}-x{config.processes}"
        self.data_dir.mkdir()
        self.db = bench.Database(config.engine, self.data_dir, admin_url)
        self.servers: list[bench.ServerProcess] = []
        self.fleet = bench.Kiosks(0)
        self.codes = bench.Codes()
        self._kiosks, self._code_count = kiosks, codes

    def start(self) -> None:
        self.db.create()
        env = {
            **os.environ,
            "ADM_DATABASE_URL": "" if self.config.engine == "sqlite" else self.db.url,
        }
        argv = [str(bench.BIN / "adm-server"), "--data-dir", str(self.data_dir)]
        subprocess.run([*argv, "demo"], env=env, check=True, capture_output=True, timeout=180)
        seeder = bench.Seeder(self.db.url, self.data_dir)
        try:
            seeder.kiosks(self.fleet, self._kiosks + 1)  # +1: replays
            seeder.pickup_codes(self.codes, self._code_count)
            with seeder.engine.begin() as conn:  # at the demo location: its services are on
                from sqlalchemy import text

                conn.execute(
                    text(
                        "UPDATE kiosks SET location_id = (SELECT location_id FROM kiosks "
                        "WHERE id = 'ADM-7307-01') WHERE id LIKE 'BENCH-%'"
                    )
                )
        finally:
            seeder.close()
        for n in range(self.config.processes):
            server = bench.ServerProcess(
                f"adm-server {n + 1}",
                [*argv, "serve", "--host", bench.HOST, "--port", "{port}"],
                env,
                self.data_dir / f"server-{n + 1}.out",
                self.data_dir,
            )
            self.servers.append(server)
            server.start(probe_path="/api/v1/kiosk/me")  # one at a time: no race at start

    def stop(self) -> None:
        for server in self.servers:
            server.stop()
        self.db.drop()


async def replays_across_processes(dep: Deployment) -> dict[str, Any]:
    """Signed requests one process took, sent again to the other: refused?"""
    a, b = (s.port for s in dep.servers)
    kiosk = dep.fleet.credentials[-1]
    figures: dict[str, Any] = {}
    code = dep.codes.take()
    assert code is not None, "seed more pickup codes"
    claim = dep.fleet.request(
        "POST", bench.CLAIM_PATH, json.dumps({"pickup_code": code}).encode(), kiosk
    )
    first, _ = await send_raw(a, claim)
    again, answer = await send_raw(b, claim)
    figures["claim_replay_first_status"] = first
    figures["claim_replay_other_process"] = f"{again} {reason(again, answer)}"
    beat = dep.fleet.request("POST", bench.HEARTBEAT_PATH, bench.HEARTBEAT_BODY, kiosk)
    sent_at = time.monotonic()
    first, _ = await send_raw(a, beat)
    at_once, answer_at_once = await send_raw(b, beat)
    figures["heartbeat_replay_first_status"] = first
    figures["heartbeat_replay_other_process_at_once"] = (
        f"{at_once} {reason(at_once, answer_at_once)}"
    )
    figures["_heartbeat"] = (beat, sent_at, b)
    return figures


async def heartbeat_replay_after_window(figures: dict[str, Any]) -> None:
    beat, sent_at, port = figures.pop("_heartbeat")
    window = HEARTBEAT_FLUSH_SECONDS + KIOSK_CACHE_SECONDS + 0.5
    await asyncio.sleep(max(0.0, sent_at + window - time.monotonic()))
    status, answer = await send_raw(port, beat)
    figures["heartbeat_replay_other_process_after_window"] = f"{status} {reason(status, answer)}"
    figures["heartbeat_replay_window_seconds"] = window


async def run_config(config: Config, scale: Scale, work: Path, admin_url: str) -> dict[str, Any]:
    # a pickup every third turn; past the server's pace (under 50 claims/s here) more would only
    # fill the database with unused PDFs: when the codes run out, kiosks go on without pickups
    codes_needed = int(min(scale.kiosks * 12, CLAIMS_PER_SECOND_MAX) * scale.seconds) + 50
    dep = Deployment(config, work, admin_url, scale.kiosks, codes_needed)
    try:
        dep.start()
        replay: dict[str, Any] = {}
        if config.processes == 2:
            replay = await replays_across_processes(dep)
        tally = Tally()
        app_body = application_body()
        loop = asyncio.get_running_loop()
        start = loop.time()
        end = start + scale.seconds
        await asyncio.gather(
            *(
                kiosk_loop(
                    dep.fleet,
                    kiosk,
                    dep.servers[i % config.processes].port,
                    dep.codes,
                    tally,
                    end,
                    app_body,
                )
                for i, kiosk in enumerate(dep.fleet.credentials[: scale.kiosks])
            )
        )
        seconds = loop.time() - start
        if replay:
            await heartbeat_replay_after_window(replay)
        alive = all(s.proc is not None and s.proc.poll() is None for s in dep.servers)
    finally:
        dep.stop()
    everything = [ms for values in tally.latencies.values() for ms in values]
    result: dict[str, Any] = {
        "engine": config.engine,
        "processes": config.processes,
        "kiosks": scale.kiosks,
        "seconds": round(seconds, 1),
        "requests": len(everything),
        "requests_by_kind": {k: len(v) for k, v in sorted(tally.latencies.items())},
        "rate_per_s": round(len(everything) / seconds, 1),
        "p50_ms": pct(everything, 0.50),
        "p99_ms": pct(everything, 0.99),
        "p50_ms_by_kind": {k: pct(v, 0.50) for k, v in sorted(tally.latencies.items())},
        "p99_ms_by_kind": {k: pct(v, 0.99) for k, v in sorted(tally.latencies.items())},
        "errors_by_status": dict(sorted(tally.errors.items())),
        "errors": sum(tally.errors.values()) - tally.busy(),
        "busy_503": tally.busy(),
        "error_samples": dict(sorted(tally.samples.items())),
        "codes_ran_out": dep.codes.ran_out,
        "servers_alive_at_end": alive,
        **replay,
    }
    return result


def _postgres_url() -> str:
    if os.environ.get("ADM_TEST_POSTGRES_URL"):
        return os.environ["ADM_TEST_POSTGRES_URL"]
    done = subprocess.run(
        ["bash", str(ROOT / "scripts" / "postgres-test.sh")], capture_output=True, text=True
    )
    return done.stdout.strip() if done.returncode == 0 else ""


def _in_own_loop(work: Coroutine[Any, Any, dict[str, Any]]) -> dict[str, Any]:
    """Run ``work`` on a fresh event loop in its own thread: the caller's thread may already
    run a loop (a pytest worker that drove Playwright's sync API before), and asyncio.run()
    refuses to start inside one."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="proof-load") as pool:
        return pool.submit(asyncio.run, work).result()


def run(scale: str) -> dict[str, Any]:
    """Every configuration of the scale in turn; their figures, recorded."""
    chosen = SCALES[scale]
    admin_url = ""
    configs: list[dict[str, Any]] = []
    skipped: list[str] = []
    with tempfile.TemporaryDirectory(prefix="adm-proof-load-") as tmp:
        for config in chosen.configs:
            if config.engine == "postgresql":
                admin_url = admin_url or _postgres_url()
                if not admin_url:
                    skipped.append(f"{config.engine} x{config.processes}: no PostgreSQL")
                    continue
            configs.append(_in_own_loop(run_config(config, chosen, Path(tmp), admin_url)))
    figures: dict[str, Any] = {
        "configurations": {f"{c['engine']} x{c['processes']}": c for c in configs},
        "skipped": skipped,
        "requests": sum(c["requests"] for c in configs),
        "errors": sum(c["errors"] for c in configs),
        "busy_503": sum(c["busy_503"] for c in configs),
        "command": ".venv/bin/python -m proof load",
    }
    figures["summary"] = summary(chosen, configs, figures)
    record(PART, scale, figures)
    return figures


def summary(scale: Scale, configs: list[dict[str, Any]], figures: dict[str, Any]) -> str:
    rows = "; ".join(
        f"{c['engine']} x{c['processes']}: {c['rate_per_s']}/s, p50 {c['p50_ms']} ms, "
        f"p99 {c['p99_ms']} ms"
        for c in configs
    )
    text = (
        f"{scale.kiosks} simulated kiosks (heartbeats, resolves, claims, confirmations, "
        f"applications) for {scale.seconds:g} s per configuration: {rows}; "
        f"{figures['errors']} errors, {figures['busy_503']} answered busy (503)."
    )
    two = [c for c in configs if c["processes"] == 2]
    if two:
        c = two[0]
        text += (
            f" Replayed to the other process: a claim got {c['claim_replay_other_process']}; "
            f"a heartbeat got {c['heartbeat_replay_other_process_at_once']} at once (the "
            f"documented window of server/heartbeats.py) and "
            f"{c['heartbeat_replay_other_process_after_window']} after "
            f"{c['heartbeat_replay_window_seconds']:g} s."
        )
    return text
