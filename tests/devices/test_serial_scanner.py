"""The serial scanner driver reading from a simulated scanner on a real pty."""

from __future__ import annotations

import os
import queue
import time

import pytest

from devices.contract import DeviceState, StatusKind
from devices.scanner.serial_scanner import SerialScanner
from devices.simulators.scanner_peer import ScannerPeer


@pytest.fixture
def peer(tmp_path):
    p = ScannerPeer(tmp_path / "scanner")
    yield p
    p.close()


def open_scanner(path, **options):
    codes: queue.Queue[str] = queue.Queue()
    scanner = SerialScanner(
        "scanner", port=str(path), partial_timeout=0.3, reconnect_interval=0.1, **options
    )
    scanner.set_code_callback(codes.put)
    scanner.open()
    return scanner, codes


def test_a_code_ended_by_cr_is_delivered_once(peer):
    scanner, codes = open_scanner(peer.path)
    try:
        peer.scan("ADMP:7KQ2-M9XD-4TRA")
        assert codes.get(timeout=3) == "ADMP:7KQ2-M9XD-4TRA"
        time.sleep(0.3)
        assert codes.empty()
        assert scanner.counters["scans_good"] == 1
    finally:
        scanner.close()


def test_crlf_framing_with_prefix_and_suffix_is_stripped(peer):
    scanner, codes = open_scanner(peer.path, terminator="CRLF", prefix="]Q1", suffix="#")
    try:
        peer.send_raw(b"]Q1HELLO-123#\r\n")
        assert codes.get(timeout=3) == "HELLO-123"
    finally:
        scanner.close()


def test_line_noise_is_dropped_and_counted_and_the_next_code_gets_through(peer):
    scanner, codes = open_scanner(peer.path)
    try:
        peer.send_raw(b"\x00\xff\x13\x07garbage\x1b\r")
        peer.scan("GOOD")
        assert codes.get(timeout=3) == "GOOD"
        assert codes.empty()
        assert scanner.counters["scans_failed"] == 1
    finally:
        scanner.close()


def test_a_half_line_is_discarded_after_the_partial_timeout(peer):
    scanner, codes = open_scanner(peer.path)
    try:
        peer.send_raw(b"ADMP:7KQ2-M9")  # the citizen pulled the phone away mid-read
        time.sleep(0.8)
        peer.scan("WHOLE")
        assert codes.get(timeout=3) == "WHOLE"
        assert scanner.counters["scans_failed"] == 1
    finally:
        scanner.close()


def test_a_line_longer_than_the_limit_is_dropped(peer):
    scanner, codes = open_scanner(peer.path, max_length=64)
    try:
        peer.send_raw(b"A" * 500 + b"\r")
        peer.scan("SHORT")
        assert codes.get(timeout=3) == "SHORT"
        assert codes.empty()
        assert scanner.counters["scans_failed"] == 1
    finally:
        scanner.close()


def test_unplugged_scanner_goes_offline_and_comes_back_on_the_same_path(tmp_path):
    link = tmp_path / "by-id-scanner"
    first = ScannerPeer(link)
    events: queue.Queue = queue.Queue()
    scanner, codes = open_scanner(link)
    scanner.add_listener(events.put)
    try:
        first.scan("BEFORE")
        assert codes.get(timeout=3) == "BEFORE"
        first.close()  # the cable is pulled: the pty disappears
        os.unlink(link)
        deadline = time.monotonic() + 5
        while scanner.state is not DeviceState.OFFLINE and time.monotonic() < deadline:
            time.sleep(0.05)
        assert scanner.state is DeviceState.OFFLINE
        second = ScannerPeer(link)  # plugged in again: a new tty behind the same stable name
        try:
            deadline = time.monotonic() + 5
            while scanner.state is not DeviceState.IDLE and time.monotonic() < deadline:
                time.sleep(0.05)
            second.scan("AFTER")
            assert codes.get(timeout=3) == "AFTER"
            kinds = []
            while not events.empty():
                kinds.append(events.get().kind)
            assert StatusKind.OFFLINE in kinds and StatusKind.ONLINE in kinds
        finally:
            second.close()
    finally:
        scanner.close()


def test_a_missing_port_at_start_reports_offline_not_a_crash(tmp_path):
    scanner, _ = open_scanner(tmp_path / "nothing-here")
    try:
        assert scanner.state is DeviceState.OFFLINE
        report = scanner.check_health()
        assert not report.ok and "tidak terhubung" in report.text_id
    finally:
        scanner.close()


def test_a_second_process_cannot_take_a_scanner_that_is_in_use(peer, caplog):
    first, codes = open_scanner(peer.path)
    second, _ = open_scanner(peer.path)
    try:
        assert first.state is DeviceState.IDLE
        assert second.state is DeviceState.OFFLINE
        assert "Resource temporarily unavailable" in caplog.text or "lock" in caplog.text.lower()
        peer.scan("ONLY-ONCE")
        assert codes.get(timeout=3) == "ONLY-ONCE"
    finally:
        second.close()
        first.close()
