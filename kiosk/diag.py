"""adm-diag: a technician's view of the kiosk's devices and server, over SSH or at the screen."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from devices.contract import HealthLevel
from devices.errors import DeviceError
from devices.registry import create_device
from kiosk.config import load_config
from kiosk.errors import ConfigError, KioskError
from kiosk.server_client import ServerClient


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="adm-diag",
        description="Diagnose an ADM kiosk: device health (internal self-test or external test "
        "print) and the connection to the central server.",
    )
    parser.add_argument("--config", default="config/kiosk.toml", help="kiosk configuration file")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    sub = parser.add_subparsers(dest="command", required=True)
    health = sub.add_parser("health", help="check every device (or one) and the server")
    health.add_argument("--level", choices=[lv.value for lv in HealthLevel], default="internal")
    health.add_argument("--device", help="only this device role (scanner, receipt, a4)")
    sub.add_parser("devices", help="list the configured devices and their drivers")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        config = load_config(Path(args.config))
    except ConfigError as exc:
        sys.stderr.write(f"adm-diag: {exc}\n")
        return 2
    if args.command == "devices":
        for role, spec in config.devices.items():
            sys.stdout.write(f"{role:8} {spec.driver:15} {json.dumps(spec.options)}\n")
        return 0

    reports = []
    for role, spec in config.devices.items():
        if args.device and role != args.device:
            continue
        try:
            device = create_device(role, spec.driver, spec.options)
            try:
                device.open()
            except DeviceError:
                pass  # the health report below says what is wrong, in the technician's words
            report = device.check_health(HealthLevel(args.level)).as_dict()
            device.close()
        except DeviceError as exc:
            report = {"device": role, "ok": False, "text": {"id": str(exc), "en": str(exc)}}
        reports.append(report)
    if not args.device:
        try:
            me = ServerClient(
                config.server_url, config.credential(), 5.0, config.ca_bundle
            ).whoami()
            reports.append(
                {
                    "device": "server",
                    "ok": True,
                    "text": {
                        "id": f"server: terhubung sebagai {me['id']}",
                        "en": f"server: connected as {me['id']}",
                    },
                }
            )
        except KioskError as exc:
            reports.append(
                {
                    "device": "server",
                    "ok": False,
                    "text": {"id": f"server: {exc}", "en": f"server: {exc}"},
                }
            )
    if args.json:
        sys.stdout.write(json.dumps(reports, indent=2) + "\n")
    else:
        for r in reports:
            sys.stdout.write(f"[{'OK' if r['ok'] else 'FAULT':5}] {r['text']['en']}\n")
    return 0 if all(r["ok"] for r in reports) else 1


if __name__ == "__main__":
    sys.exit(main())
