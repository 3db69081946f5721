"""Checks a technician runs on open devices: health, test receipt, test page, server connection.

``adm-diag`` opens the devices itself (the app stopped); the technician screen runs the same
checks on the devices the running app holds. Every check returns a :data:`Result`: ``ok``, the
``device`` role, and ``text`` in Indonesian and English, written for the technician.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from devices.a4 import A4Printer
from devices.a4.test_page import build_test_page
from devices.contract import Device, HealthLevel
from devices.errors import DeviceError
from devices.receipt import Receipt, ReceiptLine, ReceiptPrinter
from kiosk.errors import KioskError
from kiosk.server_client import ServerClient

Result = dict[str, Any]


def fault(role: str, exc: Exception) -> Result:
    return {"device": role, "ok": False, "text": {"id": str(exc), "en": str(exc)}}


def health(role: str, device: Device, level: HealthLevel) -> Result:
    """The device's own health check at ``level``; a driver error is a fault, not a crash."""
    try:
        return device.check_health(level).as_dict()
    except DeviceError as exc:
        return fault(role, exc)


def server_check(client: ServerClient) -> Result:
    """Who the server says this kiosk is, and how long the round trip took."""
    started = time.monotonic()
    try:
        me = client.whoami()
    except KioskError as exc:
        return {
            "device": "server",
            "ok": False,
            "text": {"id": f"server: {exc}", "en": f"server: {exc}"},
        }
    ms = round((time.monotonic() - started) * 1000)
    return {
        "device": "server",
        "ok": True,
        "round_trip_ms": ms,
        "text": {
            "id": f"server: terhubung sebagai {me['id']} ({me['name']}), {ms} ms",
            "en": f"server: connected as {me['id']} ({me['name']}), {ms} ms",
        },
    }


def test_receipt(printer: ReceiptPrinter, kiosk_id: str) -> Result:
    """A test receipt with a QR code the technician can scan back."""
    now = datetime.now()
    receipt = Receipt(
        lines=[
            ReceiptLine("ADM - TES PRINTER", bold=True, align="center", double=True),
            ReceiptLine(f"Anjungan {kiosk_id}", align="center"),
            ReceiptLine(f"{now:%d-%m-%Y %H:%M:%S}", align="center"),
            ReceiptLine("Huruf: AaBbCc 0123456789 éü", align="left"),
        ],
        qr=f"ADM-TEST-{kiosk_id}",
        footer=[ReceiptLine("Printer tanda terima baik", align="center")],
    )
    try:
        printer.print_receipt(receipt)
    except DeviceError as exc:
        return fault("receipt", exc)
    return {
        "device": "receipt",
        "ok": True,
        "text": {"id": "tanda terima uji tercetak", "en": "test receipt printed"},
    }


def test_page(printer: A4Printer, kiosk_id: str, timeout: float = 120) -> Result:
    """One A4 test page, waited for until the printer reports it done."""
    try:
        result = printer.print_pdf(
            build_test_page(f"ADM test page - {kiosk_id}"), "ADM-test-page", timeout=timeout
        )
    except DeviceError as exc:
        return fault("a4", exc)
    return {
        "device": "a4",
        "ok": True,
        "job": result.job_id,
        "text": {
            "id": f"halaman uji tercetak (pekerjaan {result.job_id})",
            "en": f"test page printed (job {result.job_id})",
        },
    }
