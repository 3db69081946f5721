"""The raw PDF printer driver against a simulated JetDirect printer and a USB-like device."""

from __future__ import annotations

import os
import select
import subprocess
import threading

import pytest
from fpdf import FPDF

from devices.a4.raw_pdf import RawPdfPrinter
from devices.contract import StatusKind
from devices.errors import DeviceNotReady, DeviceOffline
from devices.simulators.pty_link import PtyLink
from devices.simulators.raw_pdf_peer import RawPdfPeer


def a_pdf(text: str) -> bytes:
    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("helvetica", size=20)
    pdf.cell(text=text)
    return bytes(pdf.output())


@pytest.fixture
def peer(tmp_path):
    p = RawPdfPeer(tmp_path / "printed")
    yield p
    p.close()


def test_a_pdf_sent_over_port_9100_comes_out_whole(peer):
    printer = RawPdfPrinter("a4", host="127.0.0.1", port=peer.port, timeout=5)
    printer.open()
    result = printer.print_pdf(a_pdf("KARTU KELUARGA 7307051203150001"), "KK-R-1")
    assert result.state == "completed"
    [job] = peer.jobs
    text = subprocess.run(["pdftotext", str(job), "-"], capture_output=True, text=True).stdout
    assert "7307051203150001" in text
    assert peer.queries >= 2  # asked before and after the job
    assert printer.counters["jobs_ok"] == 1


@pytest.mark.parametrize(
    ("code", "kind"), [(41203, StatusKind.PAPER_EMPTY), (40021, StatusKind.COVER_OPEN)]
)
def test_a_printer_reporting_a_fault_gets_no_job(peer, code, kind):
    events = []
    printer = RawPdfPrinter("a4", host="127.0.0.1", port=peer.port, timeout=5)
    printer.add_listener(events.append)
    peer.status_code = code
    with pytest.raises(DeviceNotReady, match=str(code)):
        printer.print_pdf(a_pdf("x"), "KK")
    assert peer.jobs == []
    assert kind in [e.kind for e in events]


def test_a_printer_that_is_not_there_is_offline():
    printer = RawPdfPrinter("a4", host="127.0.0.1", port=9, timeout=2)
    with pytest.raises(DeviceOffline, match="cannot be reached"):
        printer.open()
    assert not printer.check_health().ok


def test_a_pdf_written_to_a_usb_printer_device_arrives_whole(tmp_path):
    link = PtyLink(tmp_path / "lp0")
    received = bytearray()
    stop = threading.Event()

    def drain() -> None:
        while not stop.is_set():
            if select.select([link.master], [], [], 0.1)[0]:
                received.extend(os.read(link.master, 65536))

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        pdf = a_pdf("AKTA")
        printer = RawPdfPrinter("a4", transport="usb", device=link.path)
        printer.open()
        assert printer.print_pdf(pdf, "AKTA-1").state == "completed"
        deadline_ok = threading.Event()
        for _ in range(50):
            if pdf in bytes(received):
                deadline_ok.set()
                break
            stop.wait(0.1)
        assert deadline_ok.is_set()
        assert b"@PJL ENTER LANGUAGE=PDF" in bytes(received)
    finally:
        stop.set()
        reader.join(timeout=2)
        link.close()


def test_an_unplugged_usb_printer_is_offline(tmp_path):
    with pytest.raises(DeviceOffline, match="unplugged"):
        RawPdfPrinter("a4", transport="usb", device=str(tmp_path / "lp9")).open()
