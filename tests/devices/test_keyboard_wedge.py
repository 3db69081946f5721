"""The keyboard-wedge driver decoding real kernel input_event records.

This machine has no /dev/input and no /dev/uinput, so the simulated scanner writes the same
input_event bytes a kernel would into a FIFO and the driver runs with grab=False; the grab
itself (EVIOCGRAB) is only exercised as the clear refusal of a file that is not an input device.
"""

from __future__ import annotations

import queue
import time

import pytest

from devices.contract import DeviceState, StatusKind
from devices.scanner.keyboard_wedge import KeyboardWedgeScanner
from devices.simulators.keyboard_peer import KeyboardPeer, typed


@pytest.fixture
def peer(tmp_path):
    p = KeyboardPeer(tmp_path / "event-kbd")
    yield p
    p.close()


def start(path, **options):
    codes: queue.Queue[str] = queue.Queue()
    scanner = KeyboardWedgeScanner("scanner", device=str(path), grab=False, **options)
    scanner.set_code_callback(codes.put)
    scanner.open()
    return scanner, codes


def test_a_typed_code_with_capitals_and_symbols_arrives_exactly(peer):
    scanner, codes = start(peer.path)
    try:
        peer.type("ADMP:7KQ2-M9XD-4TRA")
        peer.type("https://adm.example.go.id/v/ADM1.1~ab")
        assert codes.get(timeout=3) == "ADMP:7KQ2-M9XD-4TRA"
        assert codes.get(timeout=3) == "https://adm.example.go.id/v/ADM1.1~ab"
        assert scanner.counters["scans_good"] == 2
    finally:
        scanner.close()


def test_events_split_anywhere_still_make_the_same_code(peer):
    scanner, codes = start(peer.path)
    try:
        data = typed("R-20261122-7KQ2M9")
        for i in range(0, len(data), 7):  # the kernel may hand over partial batches
            peer.send_raw(data[i : i + 7])
        assert codes.get(timeout=3) == "R-20261122-7KQ2M9"
    finally:
        scanner.close()


def test_a_key_that_types_nothing_drops_the_code_and_counts_it(peer):
    scanner, codes = start(peer.path)
    try:
        import struct

        f1 = struct.pack("llHHi", 0, 0, 1, 59, 1)  # KEY_F1 pressed mid-code
        peer.send_raw(typed("ABC", enter=False) + f1 + typed("DEF"))
        peer.type("GOOD")
        assert codes.get(timeout=3) == "DEF"  # what followed the bad key is a code of its own
        assert codes.get(timeout=3) == "GOOD"
        assert scanner.counters["scans_failed"] == 1
    finally:
        scanner.close()


def test_a_vanished_scanner_goes_offline(tmp_path):
    peer = KeyboardPeer(tmp_path / "event-kbd")
    events = []
    scanner, _ = start(peer.path, reconnect_interval=0.1)
    scanner.add_listener(events.append)
    try:
        # Unplugged: the device node goes first, then its events end. (The other order let the
        # driver reopen the FIFO in between, and a FIFO that never had a writer never says EOF.)
        (tmp_path / "event-kbd").unlink()
        peer.close()
        deadline = time.monotonic() + 10
        while scanner.state is not DeviceState.OFFLINE and time.monotonic() < deadline:
            time.sleep(0.05)
        assert scanner.state is DeviceState.OFFLINE
        assert StatusKind.OFFLINE in [e.kind for e in events]
    finally:
        scanner.close()


def test_grabbing_something_that_is_not_an_input_device_is_refused_clearly(tmp_path, caplog):
    path = tmp_path / "not-an-input-device"
    path.write_bytes(b"")
    scanner = KeyboardWedgeScanner("scanner", device=str(path), grab=True)
    scanner.open()
    try:
        assert scanner.state is DeviceState.OFFLINE
        assert "not an input device" in caplog.text
        assert not scanner.check_health().ok
    finally:
        scanner.close()
