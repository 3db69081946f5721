"""Kiosk commands without a screen: the headless core and the device simulators.

``adm-kiosk`` (screens/cli.py) adds the touchscreen app and hands these subcommands here.
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import signal
import sys
import threading
from pathlib import Path

from kiosk.config import load_config
from kiosk.errors import ConfigError, ServerRefused, ServerUnavailable
from kiosk.events import KioskEvent
from kiosk.logs import setup_logging

log = logging.getLogger("kiosk")

DEFAULT_CONFIG = "config/kiosk.toml"
DEFAULT_SIM_DIR = "var/sim"


def add_subcommands(sub: argparse._SubParsersAction) -> None:
    core = sub.add_parser("core", help="run the kiosk core without a screen, events as JSON lines")
    core.add_argument("--config", default=DEFAULT_CONFIG)
    enrol = sub.add_parser(
        "enrol", help="exchange the office's one-time enrolment code for this kiosk's credential"
    )
    enrol.add_argument("code", help="the enrolment code, e.g. 7KQ2-M9XD-4TRA-B8CW")
    enrol.add_argument("--config", default=DEFAULT_CONFIG)
    sub.add_parser(
        "technician-pin",
        help="hash a technician PIN (6-8 digits, typed twice) for [technician] pin_hash",
    )
    sim = sub.add_parser("sim", help="simulated devices for demos and tests")
    sim.add_argument("--run-dir", default=DEFAULT_SIM_DIR, help="where the simulator lives")
    sim_sub = sim.add_subparsers(dest="sim_command", required=True)
    devices = sim_sub.add_parser("devices", help="run the simulated scanner and receipt printer")
    devices.add_argument("--camera", action="store_true", help="also a camera (MJPEG on loopback)")
    scan = sim_sub.add_parser("scan", help="scan a code with the simulated scanner")
    scan.add_argument("code")
    paper = sim_sub.add_parser("paper", help="set the simulated receipt paper")
    paper.add_argument("state", choices=["ok", "near_end", "empty"])
    cover = sim_sub.add_parser("cover", help="open or close the simulated printer cover")
    cover.add_argument("state", choices=["open", "closed"])
    sim_sub.add_parser("receipts", help="show the receipts the simulated printer received")
    out = sim_sub.add_parser("paper-out-after", help="end the receipt roll after N more lines")
    out.add_argument("lines", type=int)
    mute = sim_sub.add_parser("mute", help="stop (on) or resume (off) printer status replies")
    mute.add_argument("state", choices=["on", "off"])
    sim_sub.add_parser("drop", help="unplug the simulated receipt printer (its link disappears)")
    sim_sub.add_parser("reconnect", help="plug the simulated receipt printer back in")
    baud = sim_sub.add_parser("baud", help="slow the printer's link to N baud (0: full speed)")
    baud.add_argument("rate", type=int)
    camera = sim_sub.add_parser("camera", help="camera faults (sim devices --camera)")
    camera.add_argument(
        "fault", choices=["freeze", "unfreeze", "stall", "resume", "vanish", "reappear"]
    )


def run_subcommand(args: argparse.Namespace) -> int:
    if args.command == "core":
        return run_core(Path(args.config))
    if args.command == "sim":
        return run_sim(args)
    if args.command == "enrol":
        return run_enrol(Path(args.config), args.code)
    if args.command == "technician-pin":
        return run_technician_pin()
    raise SystemExit(f"unknown command {args.command}")


def _wait_for_signal() -> None:
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()


def run_core(config_path: Path) -> int:
    """Headless kiosk: every event is one JSON line on stdout, logs go to the log file."""
    from kiosk.core import KioskCore

    try:
        config = load_config(config_path)
        setup_logging(config.log_dir, stderr=True)
        core = KioskCore(config)
    except ConfigError as exc:
        sys.stderr.write(f"adm-kiosk: {exc}\n")
        return 2
    out_lock = threading.Lock()

    def print_event(event: KioskEvent) -> None:
        with out_lock:
            sys.stdout.write(json.dumps(event.as_dict()) + "\n")
            sys.stdout.flush()

    core.add_listener(print_event)
    core.start()
    _wait_for_signal()
    core.stop()
    return 0


def run_enrol(config_path: Path, code: str) -> int:
    """For the technician at a new kiosk: say plainly what happened and what to do next."""
    from kiosk.enrolment import enrol

    try:
        config = load_config(config_path)
        done = enrol(config, code)
    except ConfigError as exc:
        sys.stderr.write(f"adm-kiosk enrol: {exc}\n")
        return 2
    except ServerRefused as exc:
        sys.stderr.write(f"adm-kiosk enrol: the server refused the code ({exc.reason}): {exc}\n")
        return 1
    except ServerUnavailable as exc:
        sys.stderr.write(f"adm-kiosk enrol: server not reachable: {exc}\n")
        return 1
    sys.stdout.write(
        f"enrolled as {done.kiosk_id} ({done.name}); credential in {done.credential_file}\n"
    )
    if not done.config_id_matches:
        sys.stdout.write(
            f"note: {config_path} says [kiosk] id = {config.kiosk_id!r}; "
            f"set it to {done.kiosk_id!r}\n"
        )
    return 0


def run_technician_pin() -> int:
    """Ask for the PIN twice (hidden on a terminal, one line each on a pipe); print the line."""
    from kiosk.technician_pin import PinFormatError, hash_pin

    def ask(prompt: str) -> str:
        if sys.stdin.isatty():
            return getpass.getpass(prompt)
        return sys.stdin.readline().strip()

    first, second = ask("technician PIN: "), ask("again: ")
    if first != second:
        sys.stderr.write("adm-kiosk technician-pin: the two PINs differ; nothing changed\n")
        return 1
    try:
        line = hash_pin(first)
    except PinFormatError as exc:
        sys.stderr.write(f"adm-kiosk technician-pin: {exc}\n")
        return 1
    sys.stdout.write(f'[technician]\npin_hash = "{line}"\n')
    return 0


def run_sim(args: argparse.Namespace) -> int:
    from devices.simulators.host import SimulatorHost, send_command

    run_dir = Path(args.run_dir)
    if args.sim_command == "devices":
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
        host = SimulatorHost(run_dir, camera=args.camera)
        host.serve()
        sys.stdout.write(
            f"simulated scanner at {host.scanner.path}, receipt printer at {host.printer.path}\n"
            f"scan a code with: adm-kiosk sim --run-dir {run_dir} scan CODE\n"
        )
        sys.stdout.flush()
        _wait_for_signal()
        host.close()
        return 0
    line = {
        "scan": lambda: f"scan {args.code}",
        "paper": lambda: f"paper {args.state}",
        "cover": lambda: f"cover {args.state}",
        "receipts": lambda: "receipts",
        "paper-out-after": lambda: f"paper-out-after {args.lines}",
        "mute": lambda: f"mute {args.state}",
        "drop": lambda: "drop",
        "reconnect": lambda: "reconnect",
        "baud": lambda: f"baud {args.rate}",
        "camera": lambda: f"camera {args.fault}",
    }[args.sim_command]()
    try:
        reply = send_command(run_dir, line)
    except OSError as exc:
        sys.stderr.write(f"adm-kiosk: no simulator running in {run_dir}: {exc}\n")
        return 1
    sys.stdout.write(json.dumps(reply, indent=2) + "\n")
    return 0 if reply.get("ok") else 1
