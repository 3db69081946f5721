"""Network faults: citizen journeys while the line to the server goes down, slows and cuts.

The kiosk (proof/kiosk_driver.py) talks to the real server through proof/chaos_proxy.py on
loopback. While journeys run, a chaos thread turns the proxy through its modes (down, seconds
of latency beyond the kiosk's timeout, connections reset mid-request), and the harness itself
SIGKILLs the real server mid-request (while a document downloads, while an application is
being sent) and starts it again. The invariants are those of the crash harness; in addition
the kiosk must show offline mode (its service state, what the touchscreen shows) while the
server is away, and come back online by itself.
"""

from __future__ import annotations

import os
import random
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from devices.simulators.host import SimulatorHost
from proof import figures, invariants
from proof.chaos_proxy import ChaosProxy
from proof.crash import drain_and_reprint, server_invariants
from proof.journeys import (
    CodePool,
    DriverProcess,
    Runner,
    ServerRig,
    Tally,
    after_print,
    write_kiosk_config,
)
from proof.kiosk_driver import APPLICANT_NIK

SCALES: dict[str, dict[str, Any]] = {
    "short": {"journeys": 12, "budget": 40, "lease": 6, "server_kills": 2},
    "long": {"journeys": 400, "budget": 540, "lease": 8, "server_kills": 40},
}
KIOSK_TIMEOUT = 3.0  # the kiosk's [server] timeout: "slow" waits longer than this
COMMAND = ".venv/bin/python -m proof network"


class Chaos:
    """Turns the proxy through its modes on a timeline, until stopped."""

    def __init__(self, proxy: ChaosProxy, rng: random.Random) -> None:
        self.proxy = proxy
        self.rng = rng
        self.switches: dict[str, int] = {}
        self.cycles = 0  # times every mode had its turn
        self.stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="chaos", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        plan = [("pass", 2.0), ("down", 4.0), ("pass", 3.0), ("reset", 3.0), ("pass", 2.0)]
        plan += [("slow", 4.0)]
        while not self.stop.is_set():
            for mode, seconds in plan:
                if self.stop.is_set():
                    break
                delay = KIOSK_TIMEOUT + self.rng.uniform(0.5, 2.0) if mode == "slow" else 0.0
                self.proxy.set_mode(mode, delay=delay, cut_after=self.rng.randint(40, 3000))
                self.switches[mode] = self.switches.get(mode, 0) + 1
                self.stop.wait(seconds * self.rng.uniform(0.8, 1.3))
            else:
                self.cycles += 1
        self.proxy.set_mode("pass")

    def end(self) -> None:
        self.stop.set()
        self._thread.join(timeout=15)
        self.proxy.set_mode("pass")


def run(scale: str) -> dict[str, Any]:
    """Run the network harness at ``scale`` ("short" or "long"); its figures, also recorded."""
    params = SCALES[scale]
    seed = int(os.environ.get("ADM_PROOF_SEED") or time.time_ns() % 2**31)
    print(f"proof network: seed {seed} (ADM_PROOF_SEED={seed} replays it)", file=sys.stderr)
    rng = random.Random(seed)
    started = time.monotonic()
    since = time.time()
    work = Path(tempfile.mkdtemp(prefix="adm-proof-network-"))
    server = ServerRig(work, lease_seconds=params["lease"])
    sim = SimulatorHost(work / "sim", camera=True)
    proxy: ChaosProxy | None = None
    chaos: Chaos | None = None
    driver: DriverProcess | None = None
    tally = Tally()
    violations: list[str] = []
    server_kills: dict[str, int] = {}
    runner: Runner | None = None
    given_back = 0  # claims whose answer was lost, asked again with their key and given back
    try:
        server.prepare()
        server.start()
        sim.serve()
        proxy = ChaosProxy(server.port).start()
        config = write_kiosk_config(
            work, proxy.url, server.credential_file, sim, timeout=KIOSK_TIMEOUT
        )
        data_dir = work / "kiosk"
        driver = DriverProcess(config, sim.run_dir, work / "kiosk-driver.err")
        driver.start()
        runner = Runner(driver, tally)
        pool = CodePool(server)  # the officer's side talks to the server directly
        chaos = Chaos(proxy, rng)
        runner.journey({"op": "apply"})  # a kiosk that was online once: it kept the catalogue
        chaos.start()
        kills_left = params["server_kills"]

        def kill_server_at(target: str) -> Any:
            def on_phase(phase: str) -> None:
                nonlocal kills_left
                if phase == target and kills_left > 0:
                    kills_left -= 1
                    time.sleep(rng.uniform(0.0, 0.3))
                    server.stop(hard=True)  # mid-request: the kiosk's call is cut
                    server_kills[phase] = server_kills.get(phase, 0) + 1
                    time.sleep(rng.uniform(1.0, 3.0))
                    server.start()

            return on_phase

        index = -1
        while index + 1 < params["journeys"] or chaos.cycles < 1:  # every mode has its turn
            index += 1
            if time.monotonic() - started > params["budget"]:
                break
            restart = kills_left > 0 and rng.random() < 0.5
            taken = pool.take(rng.choice)
            if index % 3 == 1 or taken is None:  # a third apply; all do while codes wait
                hook = kill_server_at(rng.choice(["queued", "photo"])) if restart else None
                runner.journey({"op": "apply"}, on_phase=hook)
                continue
            number, code = taken
            hook = kill_server_at(rng.choice(["download", "a4", "scan"])) if restart else None
            journey = runner.journey({"op": "print", "code": code}, on_phase=hook)
            outcome = journey.outcome or {}
            if outcome.get("result") == "refused" and outcome.get("reason") == "in_progress":
                # Only this kiosk claims, and never a code it still holds: a claim whose answer
                # was lost must have been asked again with its key and given back, not left in
                # progress for the lease.
                violations.append(f"KK {number[:4]}...: told in progress at its only kiosk")
            after_print(pool, number, journey, params["lease"])
        chaos.end()
        violations += _recovered(runner)
        violations += drain_and_reprint(params, runner, pool, data_dir, tally)
        driver.quit()
        violations += [f"after the last stop: {v}" for v in invariants.store_consistent(data_dir)]
        violations += invariants.no_delivered_personal_data(data_dir, [APPLICANT_NIK.encode()])
        violations += server_invariants(server, sim, tally, since, params["lease"])
        given_back = _claims_given_back(server)
    finally:
        if chaos is not None:
            chaos.stop.set()
        if driver is not None:
            driver.kill()
        if proxy is not None:
            proxy.close()
        server.stop()
        sim.close()
    duration = time.monotonic() - started
    changes = runner.online_changes if runner is not None else []
    result = _figures(scale, seed, tally, violations, duration, changes, server_kills, chaos)
    result["claims_given_back"] = given_back
    figures.record("network", scale, result)
    if not violations:
        shutil.rmtree(work, ignore_errors=True)
    else:
        result["work_dir"] = str(work)
    return result


def _claims_given_back(server: ServerRig) -> int:
    """Claims asked again with their key after the answer was lost, and given back."""
    db = server.db()
    try:
        row = db.execute(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'print_job.claim_repeated'"
        ).fetchone()
    finally:
        db.close()
    return int(row[0])


def _recovered(runner: Runner, timeout: float = 30) -> list[str]:
    """After the faults end, the kiosk says it is online again, by itself."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        runner.drain_lines()
        if runner.online_changes and runner.online_changes[-1]:
            return []
        time.sleep(0.2)
    return [f"the kiosk still showed offline {timeout:g} s after the network came back"]


def _figures(
    scale: str,
    seed: int,
    tally: Tally,
    violations: list[str],
    duration: float,
    online_changes: list[bool],
    server_kills: dict[str, int],
    chaos: Chaos | None,
) -> dict[str, Any]:
    journeys = sum(tally.journeys.values())
    offline_spells = sum(1 for online in online_changes if not online)
    recovered = sum(1 for i, v in enumerate(online_changes) if v and i > 0)
    switches = chaos.switches if chaos is not None else {}
    result: dict[str, Any] = {
        "seed": seed,
        "duration_s": round(duration, 1),
        "journeys": journeys,
        "journeys_print": tally.journeys["print"],
        "journeys_apply": tally.journeys["apply"],
        "journeys_completed": sum(tally.completed.values()),
        "server_kills": sum(server_kills.values()),
        "offline_shown": offline_spells,
        "online_again": recovered,
        "online_at_end": bool(online_changes and online_changes[-1]),
        "applications_queued": len(tally.queued_keys),
        "violations": len(violations),
        "violation_list": violations[:20],
        "journey_errors": tally.errors[:5],
        "summary": (
            f"{journeys} journeys through a proxy that went down, slow and reset "
            f"{sum(v for k, v in switches.items() if k != 'pass')} times, with "
            f"{sum(server_kills.values())} server kills mid-request: the kiosk showed offline "
            f"{offline_spells} times and recovered by itself; {len(violations)} invariant "
            f"violations."
        ),
        "command": COMMAND,
    }
    for mode, count in sorted(switches.items()):
        result[f"proxy_{mode}"] = count
    for phase, count in sorted(server_kills.items()):
        result[f"server_kills_at_{phase}"] = count
    for outcome, count in sorted(tally.outcomes.items()):
        result[f"outcome_{outcome}"] = count
    return result
