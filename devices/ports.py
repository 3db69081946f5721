"""Finding a serial device again after it was unplugged: by stable path or by USB identity.

A port may be given as a path (best: /dev/serial/by-id/usb-..., which udev keeps stable across
replugging) or as ``usb:VID:PID`` / ``usb:VID:PID:SERIAL`` (hex ids, e.g. usb:0483:5740), which
is looked up among the serial ports present now, each time the driver (re)connects.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from devices.errors import ConfigError

try:
    from serial.tools import list_ports
except ImportError:  # pragma: no cover - pyserial is a dependency of the kiosk extra
    list_ports = None


@dataclass(frozen=True)
class UsbId:
    vid: int
    pid: int
    serial: str | None = None

    def matches(self, vid: int | None, pid: int | None, serial: str | None) -> bool:
        return (
            vid == self.vid and pid == self.pid and (self.serial is None or serial == self.serial)
        )


def parse_port(spec: str) -> str | UsbId:
    """A device path, or the USB identity a ``usb:VID:PID[:SERIAL]`` spec names."""
    if not spec.startswith("usb:"):
        return spec
    parts = spec.split(":")
    if len(parts) not in (3, 4):
        raise ConfigError(f"port {spec!r}: write usb:VID:PID or usb:VID:PID:SERIAL (hex ids)")
    try:
        vid, pid = int(parts[1], 16), int(parts[2], 16)
    except ValueError as exc:
        raise ConfigError(f"port {spec!r}: write usb:VID:PID with hexadecimal ids") from exc
    return UsbId(vid, pid, parts[3] if len(parts) == 4 else None)


def resolve_port(spec: str) -> str | None:
    """The device path to open now, or None when a USB-identified device is not plugged in."""
    target = parse_port(spec)
    if isinstance(target, str):
        return target
    for port in serial_ports():
        if target.matches(port.vid, port.pid, port.serial_number):
            return str(port.device)
    return None


def serial_ports() -> list[Any]:
    """The serial ports the system sees now (for discovery and for adm-diag)."""
    if list_ports is None:
        return []
    return sorted(list_ports.comports(), key=lambda p: p.device)
