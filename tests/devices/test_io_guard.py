"""Blocking device and server calls are refused on the UI thread, allowed on any other."""

from __future__ import annotations

import importlib
import threading

import pytest

from devices.contract import BLOCKING_METHODS, Device
from devices.io_guard import IoOnUiThread, allow_io_on_every_thread, forbid_io_on_this_thread
from devices.receipt import Receipt, ReceiptLine
from devices.receipt.escpos_printer import EscposReceiptPrinter
from devices.simulators.escpos_peer import EscposPeer
from kiosk.server_client import ServerClient

DRIVER_MODULES = (
    "devices.receipt.escpos_printer",
    "devices.a4.cups",
    "devices.a4.raw_pdf",
    "devices.scanner.serial_scanner",
    "devices.scanner.keyboard_wedge",
    "devices.scanner.camera_scanner",
    "devices.camera.opencv_camera",
)


@pytest.fixture
def ui_thread(monkeypatch):
    """This test's thread plays the app's UI thread, in the strict mode the tests run in."""
    monkeypatch.setenv("ADM_STRICT_THREADS", "1")
    forbid_io_on_this_thread()
    yield
    allow_io_on_every_thread()


@pytest.fixture
def peer(tmp_path):
    p = EscposPeer(tmp_path / "receipt-printer")
    yield p
    p.close()


def on_worker(call) -> object:
    result: list[object] = []
    worker = threading.Thread(target=lambda: result.append(call()))
    worker.start()
    worker.join(timeout=30)
    return result[0]


def test_a_receipt_printed_from_the_ui_thread_is_refused_and_nothing_reaches_paper(ui_thread, peer):
    printer = EscposReceiptPrinter("receipt", transport="serial", port=peer.path, timeout=0.5)
    on_worker(printer.open)

    with pytest.raises(IoOnUiThread, match="print_receipt"):
        printer.print_receipt(Receipt(lines=[ReceiptLine("from the UI thread")]))

    on_worker(lambda: printer.print_receipt(Receipt(lines=[ReceiptLine("from a worker")])))
    [receipt] = peer.wait_for_receipts(1, timeout=5)
    assert receipt.lines == ["from a worker"]
    on_worker(printer.close)


def test_a_server_call_from_the_ui_thread_is_refused_before_it_leaves(ui_thread):
    client = ServerClient("http://127.0.0.1:9", "ADM-0000-00:secret", timeout=1)

    with pytest.raises(IoOnUiThread, match="server GET /api/v1/kiosk/me"):
        client.whoami()


def all_subclasses(cls: type) -> set[type]:
    found = set(cls.__subclasses__())
    for sub in list(found):
        found |= all_subclasses(sub)
    return found


def test_every_driver_guards_every_blocking_method_it_defines():
    for module in DRIVER_MODULES:
        importlib.import_module(module)
    drivers = all_subclasses(Device)
    checked = 0
    for cls in drivers:
        for method in BLOCKING_METHODS:
            if method in cls.__dict__:
                assert getattr(cls.__dict__[method], "__io_guarded__", False), (cls, method)
                checked += 1
    names = {cls.__name__ for cls in drivers}
    assert {"EscposReceiptPrinter", "CupsPrinter", "SerialScanner", "OpenCvCamera"} <= names
    assert checked >= 10
