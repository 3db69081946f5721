"""Drivers are chosen by configuration: a driver name per device, never `if simulated`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from devices.contract import Device
from devices.errors import ConfigError


def _serial_scanner(name: str, options: dict[str, Any]) -> Device:
    from devices.scanner.serial_scanner import SerialScanner

    return SerialScanner(name, **options)


def _keyboard_wedge(name: str, options: dict[str, Any]) -> Device:
    from devices.scanner.keyboard_wedge import KeyboardWedgeScanner

    return KeyboardWedgeScanner(name, **options)


def _escpos(name: str, options: dict[str, Any]) -> Device:
    from devices.receipt.escpos_printer import EscposReceiptPrinter

    return EscposReceiptPrinter(name, **options)


def _cups(name: str, options: dict[str, Any]) -> Device:
    from devices.a4.cups import CupsPrinter

    return CupsPrinter(name, **options)


def _raw_pdf(name: str, options: dict[str, Any]) -> Device:
    from devices.a4.raw_pdf import RawPdfPrinter

    return RawPdfPrinter(name, **options)


def _opencv_camera(name: str, options: dict[str, Any]) -> Device:
    from devices.camera.opencv_camera import OpenCvCamera

    return OpenCvCamera(name, **options)


def _camera_scanner(name: str, options: dict[str, Any]) -> Device:
    from devices.camera.opencv_camera import OpenCvCamera
    from devices.scanner.camera_scanner import CameraScanner

    scanner_options = {k: options.pop(k) for k in ("repeat_after", "interval") if k in options}
    return CameraScanner(name, OpenCvCamera(f"{name}-camera", **options), **scanner_options)


DRIVERS: dict[str, Callable[[str, dict[str, Any]], Device]] = {
    "serial-scanner": _serial_scanner,
    "keyboard-wedge": _keyboard_wedge,
    "camera-scanner": _camera_scanner,
    "escpos": _escpos,
    "cups": _cups,
    "raw-pdf": _raw_pdf,
    "opencv-camera": _opencv_camera,
}


def create_device(name: str, driver: str, options: dict[str, Any]) -> Device:
    """Build the device a configuration section describes, or explain what is wrong with it."""
    factory = DRIVERS.get(driver)
    if factory is None:
        raise ConfigError(
            f"device {name!r}: unknown driver {driver!r}; known drivers: {', '.join(DRIVERS)}"
        )
    try:
        return factory(name, dict(options))
    except TypeError as exc:  # an option the driver does not take
        raise ConfigError(f"device {name!r} ({driver}): {exc}") from exc
