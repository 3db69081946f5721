"""Crash consistency: citizen journeys while the kiosk process is SIGKILLed at random phases.

A real server (adm-server demo + serve), the simulated scanner, receipt printer and camera,
the CUPS queue ADM-A4, and the kiosk core in proof/kiosk_driver.py. The harness runs print and
apply journeys; for a share of them it picks a phase (scan, download, A4, receipt,
acknowledgement, outbox queued, outbox delivered; for applications: draft, photo, queued,
receipt, delivered) and a small delay, SIGKILLs the kiosk there, checks its files, and starts
it again on the same data directory. At the end the kiosk drains its outbox, every code is
printed once more after its lease, and the invariants (proof/invariants.py) are checked.

The seed is printed and recorded; ``ADM_PROOF_SEED=<seed>`` replays the same choices.
"""

from __future__ import annotations

import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from devices.simulators.host import SimulatorHost
from proof import figures, invariants
from proof.journeys import (
    APPLY_PHASES,
    KIOSK_ID,
    PDF_DIR,
    PRINT_PHASES,
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
    # journeys, kill share, wall budget for the loop (s), lease (s)
    "short": {"journeys": 14, "kill_share": 0.6, "budget": 50, "lease": 6},
    "long": {"journeys": 400, "kill_share": 0.4, "budget": 540, "lease": 8},
}
COMMAND = ".venv/bin/python -m proof crash"


def run(scale: str) -> dict[str, Any]:
    """Run the crash harness at ``scale`` ("short" or "long"); its figures, also recorded."""
    params = SCALES[scale]
    seed = int(os.environ.get("ADM_PROOF_SEED") or time.time_ns() % 2**31)
    print(f"proof crash: seed {seed} (ADM_PROOF_SEED={seed} replays it)", file=sys.stderr)
    rng = random.Random(seed)
    started = time.monotonic()
    since = time.time()
    work = Path(tempfile.mkdtemp(prefix="adm-proof-crash-"))
    server = ServerRig(work, lease_seconds=params["lease"])
    sim = SimulatorHost(work / "sim", camera=True)
    driver: DriverProcess | None = None
    tally = Tally()
    violations: list[str] = []
    try:
        server.prepare()
        server.start()
        sim.serve()
        config = write_kiosk_config(work, server.url, server.credential_file, sim)
        data_dir = work / "kiosk"
        driver = DriverProcess(config, sim.run_dir, work / "kiosk-driver.err")
        driver.start()
        runner = Runner(driver, tally)
        pool = CodePool(server)
        violations += _journeys(params, rng, runner, pool, driver, data_dir, tally, started)
        violations += drain_and_reprint(params, runner, pool, data_dir, tally)
        driver.quit()
        violations += [f"after the last stop: {v}" for v in invariants.store_consistent(data_dir)]
        violations += invariants.no_delivered_personal_data(data_dir, [APPLICANT_NIK.encode()])
        violations += server_invariants(server, sim, tally, since, params["lease"])
    finally:
        if driver is not None:
            driver.kill()
        server.stop()
        sim.close()
    duration = time.monotonic() - started
    result = _figures(scale, seed, tally, violations, duration)
    figures.record("crash", scale, result)
    if not violations:
        shutil.rmtree(work, ignore_errors=True)
    else:
        result["work_dir"] = str(work)
    return result


def _journeys(
    params: dict[str, Any],
    rng: random.Random,
    runner: Runner,
    pool: CodePool,
    driver: DriverProcess,
    data_dir: Path,
    tally: Tally,
    started: float,
) -> list[str]:
    violations: list[str] = []
    lease = params["lease"]
    # Every phase gets its turn before chance takes over, so a short run still covers them.
    print_turns = list(PRINT_PHASES)
    apply_turns = list(APPLY_PHASES)
    rng.shuffle(print_turns)
    rng.shuffle(apply_turns)
    for index in range(params["journeys"]):
        if time.monotonic() - started > params["budget"]:
            break
        kind = "apply" if index % 3 == 1 else "print"  # a third of citizens apply
        turns, phases = (
            (apply_turns, APPLY_PHASES) if kind == "apply" else (print_turns, PRINT_PHASES)
        )
        kill_at = None
        if rng.random() < params["kill_share"]:
            kill_at = turns.pop() if turns else rng.choice(phases)
        delay = rng.uniform(0.0, 0.4)
        if kind == "print":
            taken = pool.take(rng.choice)
            if taken is None:
                time.sleep(1.0)  # every code waits for the lease of a killed kiosk's claim
                continue
            number, code = taken
            journey = runner.journey({"op": "print", "code": code}, kill_at, delay)
            after_print(pool, number, journey, lease)
        else:
            journey = runner.journey({"op": "apply"}, kill_at, delay)
        if journey.killed_at is not None:
            for problem in invariants.store_consistent(data_dir):
                violations.append(f"after a kill at {journey.killed_at}: {problem}")
            driver.start()
            tally.restarts += 1
    return violations


def drain_and_reprint(
    params: dict[str, Any], runner: Runner, pool: CodePool, data_dir: Path, tally: Tally
) -> list[str]:
    """The kiosk empties its outbox by itself; then every code prints after its lease."""
    violations = []
    deadline = time.monotonic() + 60
    while invariants.outbox_waiting(data_dir) and time.monotonic() < deadline:
        runner.drain_lines()
        time.sleep(0.2)
    waiting = invariants.outbox_waiting(data_dir)
    if waiting:
        violations.append(f"{waiting} outbox message(s) still waiting 60 s after the last journey")
    time.sleep(max(max(pool.busy_until.values(), default=0) - time.monotonic() + 0.5, 0))
    for number in sorted(pool.codes):
        code = pool.codes[number]
        journey = runner.journey({"op": "print", "code": code})
        outcome = journey.outcome or {}
        if outcome.get("reason") == "already_printed":  # its print was delivered late
            pool.spent(number)
            journey = runner.journey({"op": "print", "code": pool.codes[number]})
            outcome = journey.outcome or {}
        if outcome.get("reason") == "in_progress":  # a claim whose answer was lost: one lease
            time.sleep(params["lease"] + 1)
            journey = runner.journey({"op": "print", "code": pool.codes[number]})
            outcome = journey.outcome or {}
        if outcome.get("result") != "print_done":
            violations.append(
                f"KK {number[:4]}...: its code did not print after the lease: "
                f"{outcome.get('result')} {outcome.get('reason', '')}".strip()
            )
        else:
            pool.spent(number)
    deadline = time.monotonic() + 30
    while invariants.outbox_waiting(data_dir) and time.monotonic() < deadline:
        time.sleep(0.2)
    runner.drain_lines()
    return violations


def server_invariants(
    server: ServerRig, sim: SimulatorHost, tally: Tally, since: float, lease: int
) -> list[str]:
    db = server.db()
    try:
        violations = invariants.applications_exactly_once(
            db, KIOSK_ID, tally.queued_keys, tally.started_keys
        )
        jobs = invariants.print_jobs(db, KIOSK_ID)
        a4 = invariants.a4_outputs(PDF_DIR, [j[2] for j in jobs], since)
        complete, torn = invariants.receipt_outputs(sim.printer.receipts)
        tally.outcomes["torn_receipts"] = sum(torn.values())
        tally.outcomes["jobs_claimed"] = len(jobs)
        tally.outcomes["jobs_printed"] = sum(1 for j in jobs if j[3] == "printed")
        violations += invariants.counted_only_when_both_printed(jobs, a4, complete)
        violations += invariants.printed_once_per_approval(jobs, a4, complete)
        violations += invariants.no_claim_beyond_lease(db, KIOSK_ID, lease)
    finally:
        db.close()
    return violations


def _figures(
    scale: str, seed: int, tally: Tally, violations: list[str], duration: float
) -> dict[str, Any]:
    kills = sum(tally.kills.values())
    journeys = sum(tally.journeys.values())
    result: dict[str, Any] = {
        "seed": seed,
        "duration_s": round(duration, 1),
        "journeys": journeys,
        "journeys_print": tally.journeys["print"],
        "journeys_apply": tally.journeys["apply"],
        "journeys_completed": sum(tally.completed.values()),
        "kills": kills,
        "restarts": tally.restarts,
        "applications_queued": len(tally.queued_keys),
        "applications_started": len(tally.started_keys),
        "violations": len(violations),
        "violation_list": violations[:20],
        "journey_errors": tally.errors[:5],
        "summary": (
            f"{journeys} journeys ({tally.journeys['print']} print, {tally.journeys['apply']} "
            f"apply) with {kills} SIGKILLs of the kiosk at {len(tally.kills)} phases and "
            f"{tally.restarts} restarts: {len(violations)} invariant violations."
        ),
        "command": COMMAND,
    }
    for phase, count in sorted(tally.kills.items()):
        result[f"kills_at_{phase}"] = count
    for outcome, count in sorted(tally.outcomes.items()):
        result[f"outcome_{outcome}"] = count
    return result
