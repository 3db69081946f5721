"""adm-diag: a technician's view of the kiosk's devices and server, over SSH or at the screen.

Every command prints lines a technician can read, or JSON with --json, and exits non-zero when
something required is unhealthy. Run it while the kiosk app is stopped: it opens the devices
itself, as the app would.
"""

from __future__ import annotations

import argparse
import glob
import json
import queue
import sys
import time
from collections.abc import Callable
from pathlib import Path

from devices.a4 import A4Printer
from devices.camera import Camera
from devices.contract import Device, DeviceState, HealthLevel
from devices.errors import DeviceError
from devices.ports import serial_ports
from devices.receipt import ReceiptPrinter
from devices.registry import create_device
from devices.scanner import Scanner
from devices.scanner.camera_scanner import CameraScanner
from kiosk.config import KioskConfig, load_config
from kiosk.device_checks import Result, fault, health, server_check, test_page, test_receipt
from kiosk.errors import ConfigError, KioskError
from kiosk.logs import mask_personal
from kiosk.server_client import ServerClient


def _open(config: KioskConfig, role: str) -> Device:
    spec = config.devices[role]
    device = create_device(role, spec.driver, spec.options)
    try:
        device.open()
    except DeviceError:
        pass  # health and the commands below say what is wrong, in the technician's words
    return device


def _watch_camera(device: Device) -> None:
    """Watch a camera as long as a frozen picture takes to tell from a still one.

    adm-diag opens the camera itself and asks at once; a hung camera that keeps sending its
    last frame would then pass as "frames flowing", since the driver only calls a picture
    frozen after ``frozen_timeout`` seconds without change.
    """
    camera = device.camera if isinstance(device, CameraScanner) else device
    if not isinstance(camera, Camera):
        return
    deadline = time.monotonic() + float(getattr(camera, "frozen_timeout", 0.0)) + 1.0
    while time.monotonic() < deadline and camera.state in (DeviceState.IDLE, DeviceState.BUSY):
        time.sleep(0.2)


def cmd_devices(config: KioskConfig, args: argparse.Namespace) -> list[Result]:
    """Each configured device: driver, where it is, and the state it reaches when opened."""
    results = []
    for role, spec in config.devices.items():
        try:
            device = _open(config, role)
            state = device.state.value
            device.close()
        except DeviceError as exc:
            state = f"error: {exc}"
        ok = state in ("idle", "busy")
        results.append(
            {
                "device": role,
                "ok": ok,
                "driver": spec.driver,
                "options": spec.options,
                "state": state,
                "text": {
                    "id": f"{role}: {spec.driver}, status {state}",
                    "en": f"{role}: {spec.driver}, state {state}",
                },
            }
        )
    return results


def cmd_health(config: KioskConfig, args: argparse.Namespace) -> list[Result]:
    """Health checks at the chosen level, and the server connection."""
    results = []
    for role in config.devices:
        if args.device and role != args.device:
            continue
        try:
            device = _open(config, role)
        except DeviceError as exc:
            results.append(fault(role, exc))
            continue
        _watch_camera(device)
        results.append(health(role, device, HealthLevel(args.level)))
        device.close()
    if not args.device:
        results.append(_server_check(config))
    return results


def _server_check(config: KioskConfig) -> Result:
    try:
        client = ServerClient(config.server_url, config.credential(), 5.0, config.ca_bundle)
    except KioskError as exc:
        return fault("server", exc)
    return server_check(client)


def cmd_test_receipt(config: KioskConfig, args: argparse.Namespace) -> list[Result]:
    """Print a test receipt with a QR code the technician can scan back."""
    device = _open(config, "receipt")
    if not isinstance(device, ReceiptPrinter):
        raise ConfigError("[devices.receipt] is not a receipt printer")
    try:
        return [test_receipt(device, config.kiosk_id)]
    finally:
        device.close()


def cmd_test_page(config: KioskConfig, args: argparse.Namespace) -> list[Result]:
    """Print one A4 test page and wait until the printer reports it done."""
    device = _open(config, "a4")
    if not isinstance(device, A4Printer):
        raise ConfigError("[devices.a4] is not an A4 printer")
    try:
        return [test_page(device, config.kiosk_id)]
    finally:
        device.close()


def cmd_scan(config: KioskConfig, args: argparse.Namespace) -> list[Result]:
    """Wait for one scan and show it (pickup codes masked)."""
    device = _open(config, "scanner")
    if not isinstance(device, Scanner):
        raise ConfigError("[devices.scanner] is not a scanner")
    codes: queue.Queue[str] = queue.Queue()
    device.set_code_callback(codes.put)
    try:
        code = codes.get(timeout=args.timeout)
    except queue.Empty:
        return [
            {
                "device": "scanner",
                "ok": False,
                "text": {
                    "id": f"tidak ada kode dalam {args.timeout:g} detik",
                    "en": f"no code within {args.timeout:g} s",
                },
            }
        ]
    finally:
        device.close()
    shown = mask_personal(code)
    return [
        {
            "device": "scanner",
            "ok": True,
            "code": shown,
            "text": {"id": f"terbaca: {shown}", "en": f"read: {shown}"},
        }
    ]


def cmd_capture(config: KioskConfig, args: argparse.Namespace) -> list[Result]:
    """Save one fresh camera frame to a file, to check focus, framing and light."""
    role = args.device or ("camera" if "camera" in config.devices else "scanner")
    if role not in config.devices:
        raise ConfigError(f"no [devices.{role}] in the configuration")
    device = _open(config, role)
    camera = device.camera if isinstance(device, CameraScanner) else device
    if not isinstance(camera, Camera):
        device.close()
        raise ConfigError(f"[devices.{role}] is not a camera")
    try:
        frame = camera.capture_to_file(Path(args.out), timeout=args.timeout)
    except DeviceError as exc:
        return [fault(role, exc)]
    finally:
        device.close()
    return [
        {
            "device": role,
            "ok": True,
            "path": args.out,
            "width": frame.width,
            "height": frame.height,
            "text": {
                "id": f"gambar {frame.width}x{frame.height} disimpan di {args.out}",
                "en": f"{frame.width}x{frame.height} frame saved to {args.out}",
            },
        }
    ]


def cmd_counters(config: KioskConfig, args: argparse.Namespace) -> list[Result]:
    """The saved statistics of every device (from the kiosk's counters file)."""
    path = config.data_dir / "counters.json"
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        saved = {}
    return [
        {
            "device": role,
            "ok": True,
            "counters": saved.get(role, {}),
            "text": {
                "id": f"{role}: {saved.get(role, {})}",
                "en": f"{role}: {saved.get(role, {})}",
            },
        }
        for role in config.devices
    ]


def cmd_ports(config: KioskConfig, args: argparse.Namespace) -> list[Result]:
    """Serial ports and cameras this machine can see, by their stable names where there are."""
    results: list[Result] = []
    for port in serial_ports():
        ids = f"{port.vid:04x}:{port.pid:04x}" if port.vid is not None else "-"
        results.append(
            {
                "device": "serial",
                "ok": True,
                "path": port.device,
                "usb": ids,
                "text": {
                    "id": f"{port.device} ({ids}) {port.description}",
                    "en": f"{port.device} ({ids}) {port.description}",
                },
            }
        )
    for link in sorted(glob.glob("/dev/serial/by-id/*")):
        results.append(
            {"device": "serial", "ok": True, "path": link, "text": {"id": link, "en": link}}
        )
    for camera in sorted(glob.glob("/dev/v4l/by-id/*") or glob.glob("/dev/video*")):
        results.append(
            {"device": "camera", "ok": True, "path": camera, "text": {"id": camera, "en": camera}}
        )
    return results


COMMANDS: dict[str, Callable[[KioskConfig, argparse.Namespace], list[Result]]] = {
    "devices": cmd_devices,
    "health": cmd_health,
    "test-receipt": cmd_test_receipt,
    "test-page": cmd_test_page,
    "scan": cmd_scan,
    "capture": cmd_capture,
    "counters": cmd_counters,
    "ports": cmd_ports,
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="adm-diag",
        description="Diagnose an ADM kiosk: devices and their state, health checks (internal "
        "self-test, external test print), test receipt and A4 page, one scan, counters, the "
        "ports this machine sees, and the connection to the central server. Stop the kiosk "
        "app first: adm-diag opens the devices itself.",
    )
    parser.add_argument("--config", default="config/kiosk.toml", help="kiosk configuration file")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--lang", choices=["id", "en"], default="id", help="language of the text")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("devices", help="the configured devices, their drivers and state")
    health = sub.add_parser("health", help="check every device (or one) and the server")
    health.add_argument("--level", choices=[lv.value for lv in HealthLevel], default="internal")
    health.add_argument("--device", help="only this device role (scanner, receipt, a4)")
    sub.add_parser("test-receipt", help="print a test receipt")
    sub.add_parser("test-page", help="print an A4 test page")
    scan = sub.add_parser("scan", help="read one code from the scanner")
    scan.add_argument("--timeout", type=float, default=30.0)
    capture = sub.add_parser("capture", help="save one camera frame to a file")
    capture.add_argument("--out", default="adm-camera.png", help="image file (.png or .jpg)")
    capture.add_argument("--device", help="the role with the camera (default: camera)")
    capture.add_argument("--timeout", type=float, default=10.0)
    sub.add_parser("counters", help="device statistics saved by the kiosk")
    sub.add_parser("ports", help="serial ports and cameras this machine sees")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        config = load_config(Path(args.config))
        results = COMMANDS[args.command](config, args)
    except (ConfigError, DeviceError) as exc:
        sys.stderr.write(f"adm-diag: {exc}\n")
        return 2
    if args.json:
        sys.stdout.write(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    else:
        for r in results:
            sys.stdout.write(f"[{'OK' if r['ok'] else 'FAULT':5}] {r['text'][args.lang]}\n")
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
