"""Software time from a scanned pickup code to paper, against the printer system alone.

One journey: the simulated scanner sends ``ADMP:<code>`` down its pty; the kiosk core (its own
``adm-kiosk core`` process, as on a kiosk) claims the code at the local server, downloads the
KK's PDF, hands it to CUPS (the ADM-A4 cups-pdf queue), prints the receipt on the simulated
ESC/POS printer (a pty at full speed) while CUPS works, and confirms once CUPS reports the job
completed. Measured per journey, from the moment the scan is written:

- A4 accepted: CUPS took the job (the kiosk logs it, with milliseconds, from the driver's
  ``submitted`` step);
- receipt started: the kiosk's ``print_progress`` event for the receipt, which it prints as
  soon as CUPS accepted every document (kiosk/a4_run.py);
- receipt done: the simulated printer has the receipt's last byte and its cut;
- done: the kiosk's ``print_done`` event, once CUPS reports every A4 job completed and the
  confirmation went to the outbox.

The baseline, in the same run and on the same queue: ``lp`` of the same PDF, timed to its
return (CUPS accepted the job) and to the job showing as completed in ``lpstat``. The
difference between the kiosk's "A4 accepted" and lp's "accepted" is the kiosk's own cost
before the A4 job: the scanner line, the claim and the download.

Target (issue 5): median under 300 ms from the scan to "A4 accepted and the receipt's last
byte written".

Run: ``make cups-queue && .venv/bin/python bench/scan_to_print.py`` (about a minute and a half
for 50 journeys; ``--journeys 10`` for a quick look). Needs cupsd and the ADM-A4 queue
(``scripts/cups-queue.sh``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import queue
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

import requests
from server_load import Codes, Seeder

from devices.simulators.host import SimulatorHost

BIN = Path(sys.executable).parent
QUEUE = "ADM-A4"
ACCEPTED = re.compile(r"^(\S+ \S+) INFO .*A4 job for document 1 accepted by the printer system")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(
    work: Path, codes_out: Path | None = None
) -> tuple[subprocess.Popen[bytes], str, Path, Path]:
    """``adm-server`` with the demo data on a free port: (process, url, credential, data dir).

    ``codes_out`` keeps the demo families' pickup codes (KK number -> code) in a JSON file.
    """
    data_dir = work / "server"
    port = free_port()
    env = dict(os.environ, ADM_DATA_DIR=str(data_dir), ADM_PUBLIC_URL=f"http://127.0.0.1:{port}")
    credential = work / "kiosk-credential"
    extra = ["--codes-out", str(codes_out)] if codes_out else []
    subprocess.run(
        [BIN / "adm-server", "demo", "--credential-out", credential, *extra],
        env=env,
        check=True,
        capture_output=True,
    )
    log = open(work / "server.out", "wb")  # noqa: SIM115 (closed with the process)
    proc = subprocess.Popen(
        [BIN / "adm-server", "serve", "--port", str(port)], env=env, stdout=log, stderr=log
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(url + "/api/v1/public/signing-keys", timeout=1).ok:
                return proc, url, credential, data_dir
        except requests.RequestException:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not answer within 30 s; see " + str(work / "server.out"))


def kiosk_config(
    work: Path,
    url: str,
    credential: Path,
    sim: SimulatorHost,
    heartbeat: int = 300,
    idle_timeout: int = 60,
) -> Path:
    """A kiosk configuration with the simulated scanner and receipt printer and ADM-A4."""
    path = work / "kiosk.toml"
    path.write_text(
        f"""
[kiosk]
id = "ADM-7307-01"
idle_timeout = {idle_timeout}
heartbeat_interval = {heartbeat}
data_dir = "{work / "kiosk"}"
[server]
url = "{url}"
credential_file = "{credential}"
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
queue = "{QUEUE}"
"""
    )
    return path


class Events:
    """The kiosk core's JSON event lines, each stamped with the wall-clock time it arrived."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.lines: queue.Queue[tuple[float, dict]] = queue.Queue()
        threading.Thread(target=self._pump, args=(proc,), daemon=True).start()

    def _pump(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            self.lines.put((time.time(), json.loads(line)))

    def until(self, match, timeout: float = 60) -> tuple[float, dict]:
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise SystemExit(f"no matching kiosk event within {timeout:g} s")
            try:
                at, event = self.lines.get(timeout=left)
            except queue.Empty:
                continue
            if event.get("kind") in ("print_failed", "refused"):
                raise SystemExit(f"the journey failed: {event}")
            if match(event):
                return at, event


class ReceiptClock:
    """When the simulated printer finished each receipt (its last byte and the cut)."""

    def __init__(self, sim: SimulatorHost) -> None:
        self.done: queue.Queue[float] = queue.Queue()
        self._sim = sim
        threading.Thread(target=self._watch, daemon=True).start()

    def _watch(self) -> None:
        seen = len(self._sim.printer.receipts)
        while True:
            got = len(self._sim.printer.wait_for_receipts(seen + 1, timeout=3600))
            now = time.time()
            for _ in range(got - seen):
                self.done.put(now)
            seen = got


def accepted_times(log: Path) -> list[float]:
    """The kiosk log's "accepted" lines, as wall-clock times."""
    times = []
    for line in log.read_text(encoding="utf-8").splitlines():
        found = ACCEPTED.match(line)
        if found:
            stamp = datetime.strptime(found.group(1), "%Y-%m-%d %H:%M:%S,%f")
            times.append(stamp.timestamp())
    return times


def run_kiosk(work: Path, url: str, credential: Path, data_dir: Path, journeys: int) -> dict:
    codes = Codes()
    seeder = Seeder(f"sqlite:///{data_dir / 'adm.db'}", data_dir)
    seeder.pickup_codes(codes, journeys + 1)
    seeder.close()
    pdf = seeder._pdf or b""

    sim = SimulatorHost(work / "sim")
    sim.serve()
    clock = ReceiptClock(sim)
    config = kiosk_config(work, url, credential, sim)
    proc = subprocess.Popen(
        [BIN / "adm-kiosk", "core", "--config", str(config)],
        stdout=subprocess.PIPE,
        stderr=open(work / "kiosk.err", "w"),  # noqa: SIM115
        text=True,
    )
    events = Events(proc)
    figures: dict[str, list[float]] = {"receipt_started": [], "receipt": [], "done": []}
    starts: list[float] = []
    try:
        events.until(lambda e: e["kind"] == "ready", timeout=30)
        for index in range(journeys + 1):  # the first journey warms up (connections, caches)
            code = codes.take()
            assert code is not None
            time.sleep(0.3)
            t0 = time.time()
            sim.scanner.scan("ADMP:" + code)
            a4, _ = events.until(lambda e: e["kind"] == "print_progress" and e["step"] == "receipt")
            done, _ = events.until(lambda e: e["kind"] == "print_done")
            receipt = clock.done.get(timeout=30)
            if index == 0:
                continue
            starts.append(t0)
            figures["receipt_started"].append(a4 - t0)
            figures["receipt"].append(receipt - t0)
            figures["done"].append(done - t0)
    finally:
        proc.terminate()
        proc.wait(timeout=15)
        sim.close()
    accepted = accepted_times(work / "kiosk" / "logs" / "kiosk.log")[1:]  # warm-up dropped
    if len(accepted) != len(starts):
        raise SystemExit(f"{len(accepted)} 'accepted' log lines for {len(starts)} journeys")
    figures["a4_accepted"] = [a - t0 for a, t0 in zip(accepted, starts, strict=True)]
    figures["accepted_and_receipt"] = [
        max(a, r) for a, r in zip(figures["a4_accepted"], figures["receipt"], strict=True)
    ]
    (work / "kk.pdf").write_bytes(pdf)
    return figures


def run_lp(pdf: Path, journeys: int) -> dict:
    """``lp`` of the same PDF: to its return (accepted) and to "completed" in lpstat."""
    figures: dict[str, list[float]] = {"accepted": [], "completed": []}
    for index in range(journeys + 1):
        time.sleep(0.3)
        t0 = time.time()
        out = subprocess.run(
            ["lp", "-d", QUEUE, "-t", f"bench-lp-{index}", str(pdf)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        accepted = time.time()
        job = re.search(rf"request id is ({QUEUE}-\d+)", out)
        assert job is not None, out
        while True:
            listed = subprocess.run(
                ["lpstat", "-W", "completed", "-o", QUEUE], capture_output=True, text=True
            ).stdout
            if re.search(rf"^{job.group(1)}\s", listed, re.M):
                break
            time.sleep(0.01)
        completed = time.time()
        if index:
            figures["accepted"].append(accepted - t0)
            figures["completed"].append(completed - t0)
    return figures


def ms(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--journeys", type=int, default=50)
    args = parser.parse_args(argv)
    if shutil.which("lp") is None:
        raise SystemExit("lp not found: run `make cups-queue` (scripts/cups-queue.sh) first")
    work = Path(tempfile.mkdtemp(prefix="adm-scan-to-print-"))
    server, url, credential, data_dir = start_server(work)
    try:
        kiosk = run_kiosk(work, url, credential, data_dir, args.journeys)
    finally:
        server.terminate()
        server.wait(timeout=15)
    lp = run_lp(work / "kk.pdf", args.journeys)

    print(f"# scan to print, {args.journeys} journeys each ({datetime.now():%Y-%m-%d %H:%M})")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}")
    print()
    print("| path | from | to | median ms | p95 ms |")
    print("|---|---|---|---:|---:|")
    rows = [
        ("kiosk", "scan", "A4 job accepted by CUPS", kiosk["a4_accepted"]),
        ("kiosk", "scan", "receipt started", kiosk["receipt_started"]),
        ("kiosk", "scan", "receipt's last byte and cut", kiosk["receipt"]),
        ("kiosk", "scan", "A4 accepted and receipt done", kiosk["accepted_and_receipt"]),
        ("kiosk", "scan", "A4 completed, print confirmed (print_done)", kiosk["done"]),
        ("lp alone", "lp started", "accepted (lp returned)", lp["accepted"]),
        ("lp alone", "lp started", "completed (lpstat)", lp["completed"]),
    ]
    for path, start, end, values in rows:
        median, p95 = ms(values)
        print(f"| {path} | {start} | {end} | {median:.0f} | {p95:.0f} |")
    target = ms(kiosk["accepted_and_receipt"])[0]
    print()
    print(
        f"target: median from scan to 'A4 accepted and receipt done' under 300 ms: "
        f"{target:.0f} ms, {'met' if target < 300 else 'NOT met'}"
    )
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
