"""A technician or a test drives the simulated printer's faults from the command line."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from support import BIN, wait_until

from devices.errors import DeviceOffline
from devices.receipt import Receipt, ReceiptLine
from devices.receipt.escpos_printer import EscposReceiptPrinter
from devices.simulators.host import SimulatorHost

RECEIPT = Receipt(lines=[ReceiptLine("TES")])


@pytest.fixture
def host(tmp_path):
    h = SimulatorHost(tmp_path / "sim")
    h.serve()
    yield h
    h.close()


def sim(host: SimulatorHost, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [BIN / "adm-kiosk", "sim", "--run-dir", str(host.run_dir), *args],
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_mute_makes_the_printer_stop_answering_and_off_brings_it_back(host):
    printer = EscposReceiptPrinter("receipt", port=host.printer.path, timeout=1.0)
    assert sim(host, "mute", "on").returncode == 0
    with pytest.raises(DeviceOffline):
        printer.print_receipt(RECEIPT)
    assert sim(host, "mute", "off").returncode == 0
    printer.print_receipt(RECEIPT)


def test_drop_unplugs_the_printer_and_reconnect_plugs_it_back_on_the_same_path(host):
    link = Path(host.printer.path)
    assert sim(host, "drop").returncode == 0
    wait_until(lambda: not link.exists(), 5, what="the link to disappear")
    assert sim(host, "reconnect").returncode == 0
    wait_until(link.exists, 5, what="the link to come back")
    EscposReceiptPrinter("receipt", port=str(link), timeout=1.0).print_receipt(RECEIPT)


def test_an_unknown_command_is_refused_and_changes_nothing(host):
    result = sim(host, "baud", "-5")
    assert result.returncode == 1
    EscposReceiptPrinter("receipt", port=host.printer.path, timeout=1.0).print_receipt(RECEIPT)


def test_camera_faults_are_set_from_the_command_line(tmp_path):
    from devices.camera.opencv_camera import OpenCvCamera
    from devices.contract import DeviceState

    host = SimulatorHost(tmp_path / "sim", camera=True)
    host.serve()
    camera = OpenCvCamera(
        "camera",
        (host.run_dir / "camera-url").read_text().strip(),
        frozen_timeout=1.0,
        no_frame_timeout=1.0,
    )
    camera.open()
    try:
        wait_until(lambda: camera.state is DeviceState.IDLE, 10, what="frames")
        assert sim(host, "camera", "freeze").returncode == 0
        wait_until(lambda: camera.state is DeviceState.ERROR, 10, what="the frozen camera")
        assert sim(host, "camera", "unfreeze").returncode == 0
        wait_until(lambda: camera.state is DeviceState.IDLE, 10, what="a moving picture")
    finally:
        camera.close()
        host.close()
