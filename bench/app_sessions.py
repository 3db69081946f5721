"""The kiosk app's start time and its memory over hundreds of citizen sessions, next to a bare
Kivy app measured in the same run.

Start: from spawning the process to Kivy's main loop running, with the window open and the
first screen built (both apps log Kivy's "Start application main loop"; the bare app is a Kivy
``App`` with one label). The ADM app builds only its attract screen before that and the others
right after its first frames; the time until every screen is built is shown too. ``--starts``
times each, taking turns, on a virtual
display (Xvfb) of the kiosk's size. The first start of each may read files from disk; the
median is what a kiosk sees after a reboot with a warm page cache.

Sessions: one session is what a citizen does to see their documents without printing them:
touch the attract screen, choose Bahasa Indonesia, open "print my documents", scan the pickup
code on the simulated scanner (the kiosk resolves it at the real local server: nothing is
claimed, so the same code serves every session), see the documents, and touch Home. Taps go
through xdotool, as a finger would; each step waits for the app's ``screen -> ...`` log line.
The app's resident memory (VmRSS) is read after sessions 1, 10, 25, 50 and every 50, on the
attract screen, after 2 s of rest.

Targets (issue 5): start within 2x the bare app; memory growth from session 50 to session 300
under 5%.

Run: ``.venv/bin/python bench/app_sessions.py`` (about 15 minutes on the project's 2-core
machine; ``--sessions 60`` for a quick look).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from datetime import datetime
from pathlib import Path

from scan_to_print import kiosk_config, start_server

from devices.simulators.host import SimulatorHost

BIN = Path(sys.executable).parent
CHECKPOINTS = (1, 10, 25, 50, 100, 150, 200, 250, 300)
# Where a finger touches, on the 1280x800 kiosk layout (screens/*.kv).
ATTRACT_ANYWHERE = (640, 450)
BAHASA_INDONESIA = (490, 330)
PRINT_TILE = (230, 330)  # the first tile of the menu
HOME = (1130, 738)  # the footer's Home button

BARE_APP = textwrap.dedent(
    """
    from kivy.app import App
    from kivy.uix.label import Label

    class Bare(App):
        def build(self):
            return Label(text="Anjungan Dukcapil Mandiri", font_size="60sp")

    Bare().run()
    """
)


def start_xvfb() -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        ["Xvfb", "-displayfd", "1", "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None
    number = proc.stdout.readline().strip()
    if not number.isdigit():
        raise SystemExit("Xvfb did not start")
    return proc, f":{number}"


def rss_kib(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    found = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
    assert found is not None
    return int(found.group(1))


def resources(pid: int) -> dict[str, int]:
    """What a process holds that a leak would grow: memory (KiB), open files, threads."""
    status = Path(f"/proc/{pid}/status").read_text()
    threads = re.search(r"^Threads:\s+(\d+)", status, re.M)
    assert threads is not None
    return {
        "rss_kib": rss_kib(pid),
        "fds": len(list(Path(f"/proc/{pid}/fd").iterdir())),
        "threads": int(threads.group(1)),
    }


class Kiosk:
    """``adm-kiosk app`` with simulated devices; its log tells which screen it shows."""

    def __init__(self, work: Path, env: dict[str, str], config: Path) -> None:
        self.env = env
        self.log = work / "kiosk" / "logs" / "kiosk.log"
        # the log is shared with earlier runs: only what this process writes counts
        self._read = len(self.log.read_text(encoding="utf-8")) if self.log.exists() else 0
        self.started_at = time.time()
        self.retaps = 0
        self.proc = subprocess.Popen(
            [BIN / "adm-kiosk", "app", "--config", str(config)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(work / "app.err", "a"),  # noqa: SIM115
        )

    def screen(self, name: str, timeout: float = 30) -> float:
        """Wait for ``screen -> name`` in the log, and the fade into it (0.25 s) to end."""
        at = self.logged(rf"screens: screen -> {name}$", timeout)
        time.sleep(0.4)  # a touch during the fade goes nowhere
        return at

    def main_loop(self, timeout: float = 120) -> float:
        """Wait until Kivy's main loop runs: the window and the first screen are built."""
        return self.logged(r"kivy: Base: Start application main loop$", timeout)

    def logged(self, line: str, timeout: float) -> float:
        """Wait for a log line of this process matching ``line``; the time it was written."""
        pattern = re.compile(rf"^(\S+ \S+) INFO MainThread {line}", re.M)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"the kiosk app ended (exit {self.proc.returncode})")
            text = self.log.read_text(encoding="utf-8") if self.log.exists() else ""
            found = pattern.search(text, self._read)
            if found:
                self._read = found.end()
                return datetime.strptime(found.group(1), "%Y-%m-%d %H:%M:%S,%f").timestamp()
            time.sleep(0.05)
        raise TimeoutError(f"the kiosk app did not log {line!r} within {timeout:g} s")

    def tap_until(self, point: tuple[int, int], screen: str, tries: int = 3) -> None:
        """Touch ``point`` until ``screen`` shows, as a citizen touches again when nothing
        happens (a touch that lands while the screen is still settling can be lost)."""
        for attempt in range(tries):
            self.tap(point)
            try:
                self.screen(screen, timeout=5 if attempt < tries - 1 else 30)
                return
            except TimeoutError:
                self.retaps += 1

    def tap(self, point: tuple[int, int]) -> None:
        x, y = point
        subprocess.run(
            ["xdotool", "mousemove", str(x), str(y), "click", "1"], env=self.env, check=True
        )

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def start_times(work: Path, env: dict[str, str], config: Path, starts: int) -> dict:
    bare_script = work / "bare_app.py"
    bare_script.write_text(BARE_APP)
    adm, bare, ready = [], [], []
    for _ in range(starts):
        kiosk = Kiosk(work, env, config)
        adm.append(kiosk.main_loop() - kiosk.started_at)
        ready.append(kiosk.logged(r"screens: all screens built in", 60) - kiosk.started_at)
        kiosk.stop()
        t0 = time.time()
        proc = subprocess.Popen(
            [sys.executable, str(bare_script)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert proc.stderr is not None
        for line in proc.stderr:  # Kivy logs to stderr: the same line the ADM app logs
            if "Start application main loop" in line:
                bare.append(time.time() - t0)
                break
        time.sleep(1)
        bare_rss = rss_kib(proc.pid)
        proc.terminate()
        proc.wait(timeout=15)
    return {"adm": adm, "bare": bare, "bare_rss": bare_rss, "ready": ready}


def first_frames(kiosk: Kiosk) -> None:
    """Wait until the app takes touches: main loop running, first frames drawn."""
    kiosk.main_loop()
    time.sleep(1.5)  # the first frames; a touch before them can be lost
    subprocess.run(["xdotool", "mousemove", "600", "400"], env=kiosk.env, check=True)
    time.sleep(0.3)


def citizen_session(kiosk: Kiosk, sim: SimulatorHost, code: str) -> None:
    """One citizen sees their documents and goes home (see the module's docstring)."""
    kiosk.tap_until(ATTRACT_ANYWHERE, "language")
    kiosk.tap_until(BAHASA_INDONESIA, "menu")
    kiosk.tap_until(PRINT_TILE, "scan")
    sim.scanner.scan("ADMP:" + code)
    kiosk.screen("pickup_documents")
    kiosk.tap_until(HOME, "attract")


def sessions(
    work: Path, env: dict[str, str], config: Path, sim: SimulatorHost, code: str, count: int
) -> dict[int, int]:
    kiosk = Kiosk(work, env, config)
    memory: dict[int, int] = {}
    try:
        first_frames(kiosk)
        for session in range(1, count + 1):
            citizen_session(kiosk, sim, code)
            if session in CHECKPOINTS or session == count:
                time.sleep(2)
                memory[session] = rss_kib(kiosk.proc.pid)
                print(f"session {session}: {memory[session] / 1024:.1f} MiB", file=sys.stderr)
    finally:
        kiosk.stop()
    if kiosk.retaps:
        print(f"{kiosk.retaps} touches were repeated: the first went unanswered", file=sys.stderr)
    return memory


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=300)
    parser.add_argument("--starts", type=int, default=5)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="adm-app-sessions-"))
    xvfb, display = start_xvfb()
    env = dict(os.environ, DISPLAY=display, KIVY_NO_ARGS="1")
    server, url, credential, data_dir = start_server(work, codes_out=work / "codes.json")
    sim = SimulatorHost(work / "sim")
    sim.serve()
    try:
        config = kiosk_config(work, url, credential, sim, heartbeat=30, idle_timeout=600)
        started = start_times(work, env, config, args.starts)
        code = next(iter(json.loads((work / "codes.json").read_text()).values()))
        memory = sessions(work, env, config, sim, code, args.sessions)
    finally:
        sim.close()
        server.terminate()
        server.wait(timeout=15)
        xvfb.terminate()

    adm_start, bare_start = statistics.median(started["adm"]), statistics.median(started["bare"])
    print(f"# kiosk app start and memory ({datetime.now():%Y-%m-%d %H:%M})")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}")
    print()
    print("| app | start to first screen, median of " + f"{args.starts} (s) | all starts (s) |")
    print("|---|---:|---|")
    rows = (
        ("ADM kiosk app", started["adm"]),
        ("ADM kiosk app, every screen built", started["ready"]),
        ("bare Kivy app", started["bare"]),
    )
    for name, values in rows:
        shown = ", ".join(f"{v:.2f}" for v in values)
        print(f"| {name} | {statistics.median(values):.2f} | {shown} |")
    print()
    print("| after session | ADM app resident memory (MiB) |")
    print("|---:|---:|")
    for session, kib in sorted(memory.items()):
        print(f"| {session} | {kib / 1024:.1f} |")
    print(f"| bare Kivy app, idle | {started['bare_rss'] / 1024:.1f} |")
    print()
    ratio = adm_start / bare_start
    print(
        f"start: {adm_start:.2f} s against {bare_start:.2f} s for the bare app ({ratio:.2f}x; "
        f"target at most 2x: {'met' if ratio <= 2 else 'NOT met'})"
    )
    if 50 in memory and max(memory) > 50:
        last = max(memory)
        growth = (memory[last] - memory[50]) / memory[50] * 100
        print(
            f"memory: {growth:+.1f}% from session 50 to session {last} "
            f"(target under 5%: {'met' if growth < 5 else 'NOT met'})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
