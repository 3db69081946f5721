"""Device faults during citizen print journeys, on a real ``adm-kiosk core`` process.

The rig: ``adm-server`` with the demo data (proof/journeys.py's ServerRig), the simulated
scanner, receipt printer and camera (devices/simulators/host.py), a cups-pdf queue of this run's
own (so stopping it never touches the shared ADM-A4), and ``adm-kiosk core`` holding them all,
its JSON events read line by line. Each journey injects one fault, then:

1. runs ``adm-diag`` (the technician's tool, as its own process) and checks that its text names
   the fault while it lasts;
2. scans the citizen's pickup code: the print fails (or, for faults that must not stop a
   pickup, succeeds) and the server counts nothing it should not;
3. clears the fault, checks that ``adm-diag`` no longer reports it, and scans the same code
   again: it prints, so the claim was released (or never taken), and the kiosk recovered.

Invariants checked per journey (a breach is a violation): a document is counted printed on the
server only when its A4 pages came out of CUPS (a PDF titled with the receipt number) and its
receipt came out of the receipt printer; nothing prints twice (one PDF and one receipt per
receipt number, the count up by exactly one); the claim is re-claimable after the fault; the
kiosk prints again once the fault is cleared.

Faults: receipt paper out, receipt cover open, the receipt printer unplugged and plugged back,
garbage bytes on the scanner line (named by ``adm-diag counters``: the scanner's rejected
lines, once the kiosk has saved its counters), a frozen camera, and the CUPS queue stopped
(``cupsdisable``). The long scale runs every fault several times.

Run: ``.venv/bin/python -m proof device_faults``.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from devices.simulators.host import SimulatorHost
from proof.figures import record
from proof.journeys import A4_QUEUE, BIN, PDF_DIR, CodePool, ServerRig, write_kiosk_config

PART = "device_faults"
PPD = "/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd"
ROUNDS = {"short": 1, "long": 5}  # journeys per fault kind
DEADLINE_SECONDS = {"short": 150, "long": 1500}
OUTCOMES = {"print_done", "print_failed", "refused"}
NOISE = b"\x00\xff\x1b[2J\xfe\x80garbage\x07" * 8 + b"\x13\x11"  # no terminator: half a line


class Kiosk:
    """``adm-kiosk core`` as its own process; its JSON events in a queue."""

    def __init__(self, config: Path, err: Path) -> None:
        self.proc = subprocess.Popen(
            [str(BIN / "adm-kiosk"), "core", "--config", str(config)],
            stdout=subprocess.PIPE,
            stderr=open(err, "a"),  # noqa: SIM115 (kept by the process)
            text=True,
        )
        self.events: queue.Queue[dict[str, Any]] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.events.put(json.loads(line))

    def next_event(self, kinds: set[str], timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                event = self.events.get(timeout=left)
            except queue.Empty:
                break
            if event["kind"] in kinds:
                return event
        raise TimeoutError(f"no {kinds} event from the kiosk within {timeout:g} s")

    def drain(self) -> None:
        while not self.events.empty():
            self.events.get_nowait()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)


@dataclass
class Rig:
    work: Path
    server: ServerRig
    sim: SimulatorHost
    queue_name: str
    config: Path
    kiosk: Kiosk | None = None

    def diag(self, *args: str) -> tuple[int, list[dict[str, Any]]]:
        """``adm-diag --json ...`` against the kiosk's configuration, while the kiosk runs."""
        done = subprocess.run(
            [str(BIN / "adm-diag"), "--config", str(self.config), "--json", *args],
            capture_output=True,
            text=True,
            timeout=60,
        )
        if "Traceback" in done.stderr:
            raise RuntimeError(f"adm-diag crashed: {done.stderr[-500:]}")
        return done.returncode, json.loads(done.stdout or "[]")


@dataclass(frozen=True)
class Fault:
    kind: str
    inject: Callable[[Rig], None]
    clear: Callable[[Rig], None]
    diag: tuple[str, ...]  # adm-diag arguments that show the fault
    names_it: str  # what adm-diag's English text says while the fault lasts
    stops_printing: bool  # a pickup during the fault fails (else it prints all the same)


def _cups(*argv: str) -> None:
    subprocess.run(list(argv), check=True, capture_output=True, timeout=30)


def _noise(rig: Rig) -> None:
    rig.sim.scanner.send_raw(NOISE)
    time.sleep(1.5)  # the scanner drops a half line after its partial timeout (1 s)
    rig.sim.scanner.send_raw(NOISE[:40] + b"\r")  # and a whole line of garbage


def _camera(rig: Rig, verb: str) -> None:
    assert rig.sim.camera is not None
    getattr(rig.sim.camera, verb)()


FAULTS = (
    Fault(
        "receipt_paper_out",
        lambda r: setattr(r.sim.printer, "paper", "empty"),
        lambda r: setattr(r.sim.printer, "paper", "ok"),
        ("health", "--device", "receipt"),
        "out of paper",
        True,
    ),
    Fault(
        "receipt_cover_open",
        lambda r: setattr(r.sim.printer, "cover_open", True),
        lambda r: setattr(r.sim.printer, "cover_open", False),
        ("health", "--device", "receipt"),
        "cover is open",
        True,
    ),
    Fault(
        "receipt_unplugged",
        lambda r: r.sim.printer.drop(),
        lambda r: r.sim.printer.reconnect(),
        ("health", "--device", "receipt"),
        "cannot be opened",
        True,
    ),
    Fault(
        "cups_queue_stopped",
        lambda r: _cups("cupsdisable", r.queue_name),
        lambda r: _cups("cupsenable", r.queue_name),
        ("health", "--device", "a4"),
        "is stopped",
        True,
    ),
    Fault(
        "camera_frozen",
        lambda r: _camera(r, "freeze"),
        lambda r: _camera(r, "unfreeze"),
        ("health", "--device", "camera"),
        "frozen",
        False,
    ),
    Fault(
        "scanner_noise",
        _noise,
        lambda r: None,
        ("counters",),
        "scans_failed",
        False,
    ),
)


@dataclass
class Tally:
    journeys: int = 0
    injected: Counter[str] = field(default_factory=Counter)
    diag_named: Counter[str] = field(default_factory=Counter)
    diag_cleared: Counter[str] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)  # kind: outcome during the fault
    violations: list[str] = field(default_factory=list)
    unnamed: list[str] = field(default_factory=list)  # what adm-diag said instead


def print_count(server: ServerRig, document_id: str, number: str) -> int:
    docs = server.staff("GET", f"/api/v1/staff/documents?number={number}").json()
    return int(next(d["print_count"] for d in docs if d["id"] == document_id))


def queue_jobs(queue_name: str, which: str) -> set[str]:
    """The ids of the jobs CUPS keeps for our queue: "all" (its history) or "not-completed"."""
    listed = subprocess.run(
        ["lpstat", "-W", which, "-o", queue_name], capture_output=True, text=True, timeout=30
    ).stdout
    return {line.split()[0] for line in listed.splitlines() if line.startswith(queue_name + "-")}


def pdfs_for(receipt_number: str) -> list[Path]:
    return [p for p in PDF_DIR.glob("*.pdf") if receipt_number.lower() in p.name.lower()]


def _wait(predicate: Callable[[], Any], timeout: float, interval: float = 0.3) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()


def diag_names(rig: Rig, fault: Fault, timeout: float) -> tuple[bool, str]:
    """Does adm-diag name the fault (within ``timeout``: a frozen picture takes seconds to tell
    from a still one, saved counters a few seconds to be written)?"""
    said = ""

    def named() -> bool:
        nonlocal said
        _, results = rig.diag(*fault.diag)
        said = " | ".join(r["text"]["en"] for r in results)
        if fault.kind == "scanner_noise":
            return any(
                r["device"] == "scanner" and r["counters"].get("scans_failed") for r in results
            )
        return any(not r["ok"] and fault.names_it in r["text"]["en"] for r in results)

    return bool(_wait(named, timeout, 1.0)), said


def diag_clear(rig: Rig, fault: Fault, timeout: float) -> bool:
    if fault.kind == "scanner_noise":
        return True  # a counter of the past, nothing to clear
    return bool(_wait(lambda: rig.diag(*fault.diag)[0] == 0, timeout, 1.0))


def scan_until_printed(rig: Rig, code: str, timeout: float) -> dict[str, Any] | None:
    """Scan the code until it prints (a released claim may take an outbox round to free)."""
    assert rig.kiosk is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rig.kiosk.drain()
        rig.sim.scanner.scan("ADMP:" + code)
        try:
            event = rig.kiosk.next_event(OUTCOMES, max(1.0, deadline - time.monotonic()))
        except TimeoutError:
            return None
        if event["kind"] == "print_done":
            return event
        time.sleep(1.0)
    return None


def journey(rig: Rig, pool: CodePool, fault: Fault, tally: Tally) -> None:
    """One citizen pickup with ``fault`` injected before the scan and cleared after."""
    assert rig.kiosk is not None
    taken = pool.take(lambda free: free[0])
    if taken is None:
        raise RuntimeError("no free pickup code")
    number, code = taken
    document = pool.documents[number]
    before = print_count(rig.server, document, number)
    receipts_before = len(rig.sim.printer.receipts)
    jobs_before = queue_jobs(rig.queue_name, "all")
    tally.journeys += 1

    fault.inject(rig)
    tally.injected[fault.kind] += 1
    named, said = diag_names(rig, fault, timeout=15 if fault.kind == "scanner_noise" else 10)
    if named:
        tally.diag_named[fault.kind] += 1
    else:
        tally.unnamed.append(f"{fault.kind}: {said[:300]}")

    rig.kiosk.drain()
    rig.sim.scanner.scan("ADMP:" + code)
    during = rig.kiosk.next_event(OUTCOMES, timeout=90)
    tally.outcomes[f"{fault.kind}: {during['kind']}"] += 1
    expected = "print_failed" if fault.stops_printing else "print_done"
    if during["kind"] != expected:
        tally.violations.append(f"{fault.kind}: the pickup during the fault ended {during}")
    time.sleep(1.0)  # a wrong count would show by now (the confirmation goes out at once)
    if during["kind"] != "print_done" and print_count(rig.server, document, number) != before:
        tally.violations.append(f"{fault.kind}: counted printed although the print failed")

    fault.clear(rig)
    if diag_clear(rig, fault, timeout=15):
        tally.diag_cleared[fault.kind] += 1
    else:
        tally.violations.append(f"{fault.kind}: adm-diag still reports a fault after it cleared")
    done = during if during["kind"] == "print_done" else scan_until_printed(rig, code, 60)
    if done is None:
        tally.violations.append(f"{fault.kind}: the code did not print again after the fault")
        return
    receipt_number = done["receipt_number"]
    counted = _wait(lambda: print_count(rig.server, document, number) == before + 1, 15)
    if not counted:
        now = print_count(rig.server, document, number)
        tally.violations.append(f"{fault.kind}: print count went {before} -> {now}, not +1")
    pdfs = _wait(lambda: pdfs_for(receipt_number), 30)
    receipts = [
        r for r in rig.sim.printer.receipts[receipts_before:] if receipt_number in r.qr_codes
    ]
    if len(pdfs) != 1 or len(receipts) != 1:
        tally.violations.append(
            f"{fault.kind}: receipt {receipt_number}: {len(pdfs)} A4 outputs, "
            f"{len(receipts)} receipts (each must be 1)"
        )
    # the attempt during the fault left no job behind that would print once the queue runs
    time.sleep(0.5)
    jobs = queue_jobs(rig.queue_name, "all") - jobs_before
    waiting = queue_jobs(rig.queue_name, "not-completed")
    if len(jobs) != 1 or waiting:
        tally.violations.append(
            f"{fault.kind}: {len(jobs)} A4 jobs for one document, {len(waiting)} still waiting"
        )
    pool.spent(number)


def _make_queue(name: str) -> None:
    _cups("lpadmin", "-p", name, "-v", "cups-pdf:/adm", "-P", PPD, "-E")


def run(scale: str) -> dict[str, Any]:
    """Every fault kind ``ROUNDS[scale]`` times, on one kiosk; the figures, recorded."""
    started = time.monotonic()
    deadline = started + DEADLINE_SECONDS[scale]
    work = Path(tempfile.mkdtemp(prefix="adm-proof-devfaults-"))
    tally = Tally()
    queue_name = f"ADM-PROOF-FAULTS-{os.getpid()}"
    server = ServerRig(work)
    sim = SimulatorHost(work / "sim", camera=True)
    rig: Rig | None = None
    skipped: list[str] = []
    try:
        _make_queue(queue_name)
        server.prepare()
        server.start()
        sim.serve()
        config = write_kiosk_config(work, server.url, server.credential_file, sim)
        text = config.read_text()
        assert f'queue = "{A4_QUEUE}"' in text
        config.write_text(text.replace(f'queue = "{A4_QUEUE}"', f'queue = "{queue_name}"'))
        rig = Rig(work, server, sim, queue_name, config)
        rig.kiosk = Kiosk(config, work / "kiosk.err")
        rig.kiosk.next_event({"ready"}, timeout=60)
        pool = CodePool(server)
        for round_ in range(ROUNDS[scale]):
            for fault in FAULTS:
                if time.monotonic() > deadline:
                    skipped.append(f"{fault.kind} round {round_ + 1}")
                    continue
                journey(rig, pool, fault, tally)
        kiosk_alive = rig.kiosk.proc.poll() is None
    finally:
        if rig is not None and rig.kiosk is not None:
            rig.kiosk.stop()
        sim.close()
        server.stop()
        subprocess.run(["cancel", "-a", queue_name], capture_output=True)
        subprocess.run(["lpadmin", "-x", queue_name], capture_output=True)
    if not tally.violations and not tally.unnamed:
        shutil.rmtree(work, ignore_errors=True)  # else kept: the kiosk's and server's logs

    injected = sum(tally.injected.values())
    figures: dict[str, Any] = {
        "journeys": tally.journeys,
        "faults_injected": injected,
        "faults_by_kind": dict(sorted(tally.injected.items())),
        "violations": len(tally.violations),
        "violation_details": tally.violations[:20],
        "diag_named": sum(tally.diag_named.values()),
        "diag_named_of": injected,
        "diag_named_by_kind": dict(sorted(tally.diag_named.items())),
        "diag_not_named": tally.unnamed[:10],
        "diag_cleared": sum(tally.diag_cleared.values()),
        "outcomes_during_fault": dict(sorted(tally.outcomes.items())),
        "kiosk_alive_at_end": kiosk_alive,
        "skipped_for_time": skipped,
        "seconds": round(time.monotonic() - started, 1),
        "command": ".venv/bin/python -m proof device_faults",
    }
    figures["summary"] = (
        f"{tally.journeys} print journeys on a real kiosk process, each with one device fault "
        f"({', '.join(f'{k} {n}' for k, n in sorted(tally.injected.items()))}): "
        f"{len(tally.violations)} invariant violations; adm-diag named the fault "
        f"{figures['diag_named']} of {injected} times, and the kiosk printed again after each."
    )
    record(PART, scale, figures)
    return figures
