"""What the technician screen shows and does, on the devices the running kiosk holds.

The same checks as ``adm-diag`` (:mod:`kiosk.device_checks`), without stopping the app: device
list with live state, health checks, test receipt and page, a test scan, a camera frame,
counters, recent problems from the log, the server connection, and the location this kiosk
believes it is at, which the technician confirms on site. Every method may block (devices,
network): the screen calls them off the UI thread.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from devices.camera import Camera
from devices.contract import HealthLevel
from devices.errors import DeviceError
from devices.scanner.camera_scanner import CameraScanner
from kiosk import device_checks
from kiosk.device_checks import Result
from kiosk.logs import RECENT_PROBLEMS, mask_personal

if TYPE_CHECKING:
    from kiosk.core import KioskCore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeviceRow:
    role: str
    kind: str
    driver: str
    state: str  # the device's own state word: idle, busy, offline, fault, ...
    detail: str  # the last status event, e.g. "paper_out"


@dataclass(frozen=True)
class LocationShown:
    name: str
    address: str
    config_version: int
    confirmed_version: int  # the config version a technician last confirmed on site (0: never)


class TechnicianDesk:
    def __init__(self, core: KioskCore) -> None:
        self.core = core
        self._confirmed_file = core.config.data_dir / "location-confirmed.json"

    def devices(self) -> list[DeviceRow]:
        specs = self.core.config.devices
        details = self.core.device_details()
        return [
            DeviceRow(
                role,
                device.kind,
                specs[role].driver if role in specs else "?",
                device.state.value,
                details.get(device.name, ""),
            )
            for role, device in self.core.devices.items()
        ]

    def health_checks(self, level: HealthLevel = HealthLevel.INTERNAL) -> list[Result]:
        """Every device's health at ``level``, then the server; waits for a running print job."""
        with self.core.devices_held():
            results = [
                device_checks.health(role, device, level)
                for role, device in self.core.devices.items()
            ]
        results.append(self.network_check())
        return results

    def network_check(self) -> Result:
        return device_checks.server_check(self.core.server)

    def test_receipt(self) -> Result:
        with self.core.devices_held():
            return device_checks.test_receipt(self.core.receipt, self.core.config.kiosk_id)

    def test_page(self) -> Result:
        with self.core.devices_held():
            return device_checks.test_page(self.core.a4, self.core.config.kiosk_id)

    def test_scan(self, timeout: float = 30.0) -> Result:
        """The next code the scanner reads, masked, instead of starting a print."""
        codes: queue.Queue[str] = queue.Queue()
        self.core.divert_codes(codes.put)
        try:
            code = codes.get(timeout=timeout)
        except queue.Empty:
            return {
                "device": "scanner",
                "ok": False,
                "text": {
                    "id": f"tidak ada kode dalam {timeout:g} detik",
                    "en": f"no code within {timeout:g} s",
                },
            }
        finally:
            self.core.divert_codes(None)
        shown = mask_personal(code)[:80]
        return {
            "device": "scanner",
            "ok": True,
            "code": shown,
            "text": {"id": f"terbaca: {shown}", "en": f"read: {shown}"},
        }

    def camera(self) -> Camera | None:
        """The camera that photographs papers, or the one the scanner reads with."""
        device = self.core.devices.get("camera") or self.core.devices.get("scanner")
        if isinstance(device, CameraScanner):
            return device.camera
        return device if isinstance(device, Camera) else None

    def camera_frame(self, timeout: float = 5.0) -> Any | None:
        """A fresh BGR frame for the preview, or None when there is no working camera."""
        camera = self.camera()
        if camera is None:
            return None
        try:
            return camera.capture(timeout=timeout).image
        except DeviceError as exc:
            log.warning("camera preview: %s", exc)
            return None

    def counters(self) -> dict[str, dict[str, int]]:
        return {role: device.counter_snapshot() for role, device in self.core.devices.items()}

    def recent_problems(self) -> list[str]:
        """The newest warnings and errors of the kiosk's log, personal data masked, newest first."""
        return list(reversed(RECENT_PROBLEMS.lines()))

    def location(self) -> LocationShown:
        remote = self.core.remote_config
        place = remote.get("location") or {}
        return LocationShown(
            name=str(place.get("name", "")),
            address=str(place.get("address", "")),
            config_version=remote.version,
            confirmed_version=self._confirmed_version(),
        )

    def _confirmed_version(self) -> int:
        try:
            data = json.loads(self._confirmed_file.read_text(encoding="utf-8"))
            return int(data["config_version"])
        except (OSError, ValueError, KeyError, TypeError):
            return 0

    def confirm_location(self) -> LocationShown:
        """The technician stands at the kiosk and says: this is where it is."""
        shown = self.location()
        record = {"config_version": shown.config_version, "name": shown.name, "at": time.time()}
        tmp = self._confirmed_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, self._confirmed_file)
        log.info(
            "technician confirmed the location %r (config version %d)",
            shown.name,
            shown.config_version,
        )
        return self.location()
