"""Checks a technician runs on open devices: health, test receipt, test page, server connection.

``adm-diag`` opens the devices itself (the app stopped); the technician screen runs the same
checks on the devices the running app holds. Every check returns a :data:`Result`: ``ok``, the
``device`` role, and ``text`` in Indonesian and English, written for the technician.

A technician's remote health check (the web console) runs the same device checks on the
kiosk's worker and reports them to the server: :class:`RemoteHealthChecks`.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime
from typing import Any

from devices.a4 import A4Printer
from devices.a4.test_page import build_test_page
from devices.contract import Device, HealthLevel
from devices.errors import DeviceError
from devices.receipt import Receipt, ReceiptLine, ReceiptPrinter
from kiosk.errors import KioskError, ServerRefused, ServerUnavailable
from kiosk.server_client import ServerClient

log = logging.getLogger(__name__)

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


# --- a technician's remote health check (web console) ------------------------------------------

REMOTE_LEVELS = {"internal": HealthLevel.INTERNAL, "external": HealthLevel.EXTERNAL}
_TEXT_MAX = 300
_DETAILS_MAX = 32


def _scalar(value: Any) -> str | int | float | bool | None:
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)[:_TEXT_MAX]


def _detail(value: Any) -> Any:
    """A detail as the server takes it: a scalar, a list of scalars or a flat mapping."""
    if isinstance(value, dict):
        return {str(k)[:60]: _scalar(v) for k, v in list(value.items())[:64]}
    if isinstance(value, list | tuple):
        return [_scalar(v) for v in value[:32]]
    return _scalar(value)


def remote_result(role: str, result: Result) -> Result:
    """One device's check as reported to the office: device, ok, level, text, details.

    Device checks report ports, queues, states and counters, never a citizen's data; only
    those keys are sent, bounded in size.
    """
    text = result.get("text") if isinstance(result.get("text"), dict) else {}
    details = result.get("details") if isinstance(result.get("details"), dict) else {}
    return {
        "device": role,
        "ok": result.get("ok") is True,
        "level": str(result.get("level", ""))[:20],
        "text": {
            "id": str((text or {}).get("id", ""))[:_TEXT_MAX],
            "en": str((text or {}).get("en", ""))[:_TEXT_MAX],
        },
        "details": {
            str(k)[:60]: _detail(v) for k, v in list((details or {}).items())[:_DETAILS_MAX]
        },
    }


def remote_checks(devices: dict[str, Device], level: str) -> list[Result]:
    """Every device's health at the level asked for (external when it is not one we know)."""
    chosen = REMOTE_LEVELS.get(level, HealthLevel.EXTERNAL)
    return [remote_result(role, health(role, device, chosen)) for role, device in devices.items()]


class RemoteHealthChecks:
    """The health check requests a heartbeat answer carries, each run once and reported.

    The server repeats a request in every heartbeat answer until the result arrives, so a
    lost answer or a lost report costs only a heartbeat: an id already run is reported again
    (the same result), an id reported is ignored. ``offer`` is called on the heartbeat thread;
    ``run`` on the core's worker, where device work is serialised with printing.
    """

    def __init__(self, server: ServerClient) -> None:
        self.server = server
        self._lock = threading.Lock()
        self._queued: int | None = None  # on the worker, or running
        self._results: dict[int, list[Result]] = {}  # run, not yet reported
        self._reported: set[int] = set()

    def offer(self, order: Any, busy_with_citizen: bool) -> tuple[int, str] | None:
        """The order to queue on the worker now, or None (already run, queued, or waiting).

        A result not yet delivered is sent again here.
        """
        if not isinstance(order, dict) or not isinstance(order.get("id"), int):
            return None
        request_id, level = order["id"], str(order.get("level") or "external")
        with self._lock:
            if request_id in self._reported or self._queued == request_id:
                return None
            ready = request_id in self._results
            if not ready:
                if busy_with_citizen:
                    log.info("health check %s waits for the citizen's session to end", request_id)
                    return None
                self._queued = request_id
                return request_id, level
        self.report(request_id)
        return None

    def run(self, request_id: int, level: str, devices: dict[str, Device]) -> None:
        """On the worker, devices held: check each device, then report."""
        try:
            checks = remote_checks(devices, level)
            with self._lock:
                self._results[request_id] = checks
        finally:
            with self._lock:
                self._queued = None
        self.report(request_id)

    def cancel(self, request_id: int) -> None:
        """A citizen came before the queued check ran: it runs after their session."""
        with self._lock:
            if self._queued == request_id:
                self._queued = None

    def report(self, request_id: int) -> None:
        with self._lock:
            checks = self._results.get(request_id)
        if checks is None:
            return
        try:
            self.server.report_health_check(request_id, checks)
        except ServerUnavailable as exc:  # the next heartbeat answer asks again: sent then
            log.warning("health check %s result not delivered: %s", request_id, exc)
            return
        except ServerRefused as exc:  # e.g. the request is unknown: nothing to retry
            log.warning("health check %s result refused: %s", request_id, exc)
        with self._lock:
            self._results.pop(request_id, None)
            self._reported.add(request_id)
        log.info(
            "health check %s reported: %s",
            request_id,
            ", ".join(f"{c['device']} {'ok' if c['ok'] else 'fault'}" for c in checks),
        )
