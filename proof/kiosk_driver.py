"""A kiosk that a harness drives: the real kiosk core, citizen journeys on command, phases out.

Run as ``python -m proof.kiosk_driver --config kiosk.toml --sim-dir DIR``. It builds
:class:`kiosk.core.KioskCore` as ``adm-kiosk core`` does, then reads one JSON command a line on
stdin and writes one JSON line on stdout for every phase a journey passes, so a harness can
SIGKILL it at a chosen phase:

    {"op": "print", "code": "..."}   scan the code through the simulated scanner; phases
                                     scan, download, a4, receipt, ack, queued, outcome
    {"op": "apply"}                 an akta kelahiran application, papers photographed by the
                                     kiosk camera; phases draft, photo, queued, receipt, outcome
    {"op": "quit"}                   stop the core as a shutdown would

Besides phases it reports what the kiosk itself says: core events (``{"event": kind, ...}``),
outbox messages leaving the kiosk's disk (``{"phase": "delivered", "key": ...}``) and the
service state a touchscreen shows (``{"event": "service", "online": ...}``).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import threading
import time
from pathlib import Path
from typing import Any

from devices.simulators.host import send_command
from kiosk.apply import ApplicationDraft
from kiosk.apply_capture import PaperCapture
from kiosk.config import load_config
from kiosk.core import KioskCore
from kiosk.errors import ServerUnavailable
from kiosk.events import KioskEvent
from kiosk.logs import setup_logging
from proof.sample_bodies import BIRTH_FIELDS, FATHER

log = logging.getLogger("proof.driver")

APPLICANT_NIK = FATHER  # the father of the first demo family (server/demo.py)
APPLICANT_PHONE = "081244556677"
PRINT_STEPS = {"download": "download", "a4": "a4", "receipt": "receipt", "confirm": "ack"}
ENDS = {"print_done", "print_failed", "refused"}
TICKET_WAIT = 3.0  # as the apply screen waits for a ticket before printing the receipt


class Driver:
    """One kiosk core and the journeys run on it, one at a time."""

    def __init__(self, core: KioskCore, sim_dir: Path) -> None:
        self.core = core
        self.sim_dir = sim_dir
        self._out = threading.Lock()
        self._ended = threading.Condition()
        self._last_end: dict[str, Any] | None = None
        self._tickets: dict[str, str] = {}
        self._receipts: dict[str, bool] = {}
        core.add_listener(self._on_event)

    def say(self, line: dict[str, Any]) -> None:
        with self._out:
            sys.stdout.write(json.dumps(line) + "\n")
            sys.stdout.flush()

    def _on_event(self, event: KioskEvent) -> None:
        data = event.as_dict()
        kind = data.pop("kind")
        if kind == "print_progress" and data["step"] in PRINT_STEPS:
            self.say({"phase": PRINT_STEPS[data["step"]], "document": data["document"]})
        self.say({"event": kind, **data})
        with self._ended:
            if kind in ENDS:
                self._last_end = {"event": kind, **data}
            if kind == "application_delivered":
                self._tickets[data["key"]] = data["ticket"]
            if kind == "application_receipt":
                self._receipts[data["key"]] = bool(data["ok"])
            self._ended.notify_all()

    def _wait(self, test: Any, timeout: float) -> Any:
        with self._ended:
            self._ended.wait_for(test, timeout)
            return test()

    # -- journeys ------------------------------------------------------------------------------
    def print_journey(self, code: str) -> None:
        with self._ended:
            self._last_end = None
        self.say({"phase": "scan", "code": code})
        send_command(self.sim_dir, f"scan {code}")
        end = self._wait(lambda: self._last_end, 120)
        if end is None:
            self.say({"phase": "outcome", "journey": "print", "result": "timeout"})
            return
        if end["event"] == "print_done":
            self.say({"phase": "queued", "receipt_number": end["receipt_number"]})
        self.say({"phase": "outcome", "journey": "print", "result": end["event"], **end})

    def apply_journey(self) -> None:
        try:
            services = self.core.applications.services()
        except ServerUnavailable:  # offline before any catalogue was kept: the screen says so
            self.say(
                {
                    "phase": "outcome",
                    "journey": "apply",
                    "result": "refused",
                    "reason": "server_unreachable",
                }
            )
            return
        service = next(s for s in services if s.get("code") == "akta_kelahiran")
        draft = ApplicationDraft(kiosk_id=self.core.config.kiosk_id)
        draft.start(service)
        self.say({"phase": "draft", "key": draft.key})
        for paper in draft.paper_specs():
            if paper.get("required"):
                draft.keep_paper(str(paper["code"]), self._photograph(str(paper["code"])))
                self.say({"phase": "photo", "key": draft.key, "paper": paper["code"]})
        draft.nik, draft.phone, draft.fields = APPLICANT_NIK, APPLICANT_PHONE, dict(BIRTH_FIELDS)
        key = draft.key
        queued = self.core.applications.queue(draft, str(service.get("name_id", "")))
        self.say({"phase": "queued", "key": key, "reference": queued.reference})
        ticket = self._wait(lambda: self._tickets.get(key), TICKET_WAIT) or ""
        self.say({"phase": "receipt", "key": key, "ticket": ticket})
        self.core.run_on_worker(lambda: self.core.applications.print_receipt(queued, ticket))
        ok = self._wait(lambda: self._receipts.get(key), 60)
        self.say({"phase": "outcome", "journey": "apply", "key": key, "receipt_ok": bool(ok)})

    def _photograph(self, requirement: str) -> bytes:
        camera = self.core.camera
        if camera is None:
            raise RuntimeError("the kiosk has no camera configured ([devices.camera])")
        capture = PaperCapture(camera, requirement, auto=False)
        try:
            capture.take_now()
            deadline = time.monotonic() + 30
            while (photo := capture.photo()) is None:
                if time.monotonic() > deadline:
                    raise RuntimeError("the camera gave no photo within 30 s")
                time.sleep(0.05)
            return photo
        finally:
            capture.close()

    # -- what the kiosk shows by itself --------------------------------------------------------
    def watch(self, stop: threading.Event) -> None:
        """Outbox messages leaving the disk, and the online/offline state a screen shows."""
        known: set[str] = set()
        online: bool | None = None
        while not stop.wait(0.1):
            pending = {key for key, _, _ in self.core.outbox.pending()}
            for key in sorted(known - pending):
                self.say({"phase": "delivered", "key": key})
            known = pending
            now = self.core.service_state().online
            if now != online:
                online = now
                self.say({"event": "service", "online": now, "pending": len(pending)})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True)
    parser.add_argument("--sim-dir", required=True, help="the simulator host's run directory")
    args = parser.parse_args(argv)
    config = load_config(Path(args.config))
    setup_logging(config.log_dir, stderr=True)
    core = KioskCore(config)
    driver = Driver(core, Path(args.sim_dir))
    ready = threading.Event()
    core.add_listener(lambda e: ready.set() if e.kind == "ready" else None)
    stop = threading.Event()
    core.start()
    ready.wait(60)
    driver.say({"phase": "started", "pending": len(core.outbox.pending())})
    threading.Thread(target=driver.watch, args=(stop,), daemon=True).start()
    try:
        for line in sys.stdin:
            command = json.loads(line)
            op = command.get("op")
            try:
                if op == "print":
                    driver.print_journey(str(command["code"]))
                elif op == "apply":
                    driver.apply_journey()
                elif op == "quit":
                    break
                else:
                    driver.say({"phase": "error", "message": f"unknown op {op!r}"})
            except Exception as exc:  # a journey that breaks is a finding, not a dead driver
                log.exception("journey %s failed", op)
                driver.say(
                    {"phase": "outcome", "journey": op, "result": "error", "error": str(exc)}
                )
    finally:
        stop.set()
        core.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
