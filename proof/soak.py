"""Soak: the kiosk app (Kivy, on a virtual display) through many citizen sessions, watching for
what a leak grows: resident memory, open file handles and threads.

A session is bench/app_sessions.py's: touch the attract screen, choose Bahasa Indonesia, open
"print my documents", scan a pickup code on the simulated scanner (resolved at a real local
server, nothing claimed), see the documents, touch Home. Taps go through xdotool as a finger
would. The app is measured on the attract screen after 2 s of rest: once before the first
citizen, once after the first (the screens the first session builds are not a leak), after the
50th (bench/app_sessions.py's target: under 5% growth from there) and after
the last. Growth per 100 sessions is taken from after the first session to the end.

Run: ``.venv/bin/python -m proof soak`` (long: 300 sessions, about 15 minutes).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from devices.simulators.host import SimulatorHost
from proof.figures import ROOT, record

sys.path.append(str(ROOT / "bench"))  # the benches import each other as scripts
import app_sessions  # noqa: E402
from scan_to_print import kiosk_config, start_server  # noqa: E402

PART = "soak"
SESSIONS = {"short": 5, "long": 300}
DEADLINE_SECONDS = {"short": 120, "long": 3600}  # the run stops here, whatever it reached
REST_SECONDS = 2.0
MIN_TREND_SESSIONS = 20
WARM_SESSIONS = 50  # bench/app_sessions.py's target: under 5% growth from session 50 on


def _measure(pid: int) -> dict[str, int]:
    time.sleep(REST_SECONDS)
    return app_sessions.resources(pid)


def run(scale: str) -> dict[str, Any]:
    """Soak the kiosk app for the scale's number of sessions; its figures, recorded."""
    count = SESSIONS[scale]
    deadline = time.monotonic() + DEADLINE_SECONDS[scale]
    work = Path(tempfile.mkdtemp(prefix="adm-proof-soak-"))
    xvfb, display = app_sessions.start_xvfb()
    env = dict(os.environ, DISPLAY=display, KIVY_NO_ARGS="1")
    server = sim = kiosk = None
    try:
        server, url, credential, _ = start_server(work, codes_out=work / "codes.json")
        sim = SimulatorHost(work / "sim")
        sim.serve()
        config = kiosk_config(work, url, credential, sim, heartbeat=30, idle_timeout=600)
        code = next(iter(json.loads((work / "codes.json").read_text()).values()))
        kiosk = app_sessions.Kiosk(work, env, config)
        app_sessions.first_frames(kiosk)
        before = _measure(kiosk.proc.pid)
        done = 0
        after_first = before
        warm: dict[str, int] | None = None
        started = time.monotonic()
        while done < count and time.monotonic() < deadline:
            app_sessions.citizen_session(kiosk, sim, code)
            done += 1
            if done == 1:
                after_first = _measure(kiosk.proc.pid)
            if done == WARM_SESSIONS:
                warm = _measure(kiosk.proc.pid)
        seconds = time.monotonic() - started
        end = _measure(kiosk.proc.pid)
        alive = kiosk.proc.poll() is None
    finally:
        if kiosk is not None:
            kiosk.stop()
        if sim is not None:
            sim.close()
        if server is not None:
            server.terminate()
            server.wait(timeout=15)
        xvfb.terminate()
        xvfb.wait(timeout=10)
    shutil.rmtree(work, ignore_errors=True)  # a run that raised keeps it: the app's log

    mib = 1024.0
    growth_kib = end["rss_kib"] - after_first["rss_kib"]
    # from a handful of sessions, allocator noise would be multiplied into a "trend"
    per_100 = growth_kib / mib / (done - 1) * 100 if done > MIN_TREND_SESSIONS else None
    figures: dict[str, Any] = {
        "sessions": done,
        "sessions_planned": count,
        "seconds": round(seconds, 1),
        "app_alive_at_end": alive,
        "retaps": kiosk.retaps if kiosk is not None else 0,
        "rss_start_mib": round(before["rss_kib"] / mib, 1),
        "rss_after_first_mib": round(after_first["rss_kib"] / mib, 1),
        "rss_end_mib": round(end["rss_kib"] / mib, 1),
        "rss_growth_mib": round(growth_kib / mib, 1),
        "rss_growth_mib_per_100_sessions": None if per_100 is None else round(per_100, 2),
        "rss_at_50_mib": None if warm is None else round(warm["rss_kib"] / mib, 1),
        "rss_growth_from_50_pct": (
            None
            if warm is None or done <= WARM_SESSIONS
            else round((end["rss_kib"] - warm["rss_kib"]) / warm["rss_kib"] * 100, 1)
        ),
        "fds_start": before["fds"],
        "fds_after_first": after_first["fds"],
        "fds_end": end["fds"],
        "threads_start": before["threads"],
        "threads_after_first": after_first["threads"],
        "threads_end": end["threads"],
        "command": ".venv/bin/python -m proof soak",
    }
    trend = "too few sessions for a trend" if per_100 is None else f"{per_100:+.2f} MiB per 100"
    figures["summary"] = (
        f"The kiosk app served {done} citizen sessions under Xvfb: resident memory "
        f"{figures['rss_after_first_mib']} MiB after the first and {figures['rss_end_mib']} MiB "
        f"after the last ({trend}), open files "
        f"{after_first['fds']} -> {end['fds']}, threads {after_first['threads']} -> "
        f"{end['threads']}."
    )
    record(PART, scale, figures)
    return figures
