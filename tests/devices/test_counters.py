"""Device counters survive a restart of the kiosk, and a damaged counter file costs nothing."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time

from devices.contract import Device, DeviceState, StatusKind
from devices.counters import CounterStore


class Gadget(Device):
    """The base contract alone: counting is the behaviour under test."""


def test_counters_continue_after_a_restart(tmp_path):
    store = CounterStore(tmp_path / "counters.json")
    first = Gadget("receipt")
    store.attach(first)
    first._count("lines", 12)
    first._emit(StatusKind.COVER_OPEN)
    store.close()

    store = CounterStore(tmp_path / "counters.json")
    again = Gadget("receipt")  # a new process, a new driver object
    store.attach(again)
    again._count("lines", 3)
    assert again.counter_snapshot()["lines"] == 15
    assert again.counter_snapshot()["cover_opens"] == 1


def test_counters_flushed_before_a_kill_are_kept(tmp_path):
    path = tmp_path / "counters.json"
    script = textwrap.dedent(f"""
        import os, time
        from pathlib import Path
        from devices.contract import Device
        from devices.counters import CounterStore
        store = CounterStore(Path({str(path)!r}), interval=0.05)
        device = Device("scanner")
        store.attach(device)
        store.start()
        device._count("scans_good", 7)
        time.sleep(0.5)
        os.kill(os.getpid(), 9)
    """)
    assert subprocess.run([sys.executable, "-c", script], timeout=30).returncode == -9
    assert json.loads(path.read_text())["scanner"]["scans_good"] == 7


def test_time_online_accumulates_across_states(tmp_path):
    device = Gadget("a4")
    device._set_state(DeviceState.IDLE)
    time.sleep(1.1)
    device._set_state(DeviceState.OFFLINE)
    assert device.counter_snapshot()["seconds_online"] == 1
    assert "disconnects" not in device.counter_snapshot()  # a state is not an OFFLINE event
    device._set_state(DeviceState.ERROR)
    assert device.counter_snapshot()["errors"] == 1


def test_a_corrupt_counter_file_is_set_aside_and_counting_starts_from_zero(tmp_path):
    path = tmp_path / "counters.json"
    path.write_text("{not json")
    store = CounterStore(path)
    device = Gadget("scanner")
    store.attach(device)
    device._count("scans_good")
    store.close()
    assert json.loads(path.read_text())["scanner"]["scans_good"] == 1
    assert (tmp_path / "counters.corrupt").read_text() == "{not json"
