"""How a configured port names its device, and what happens when it is not plugged in."""

from __future__ import annotations

import queue

import pytest

from devices.contract import DeviceState
from devices.errors import ConfigError
from devices.ports import UsbId, parse_port, resolve_port
from devices.scanner.serial_scanner import SerialScanner


def test_a_path_is_used_as_it_is():
    assert resolve_port("/dev/serial/by-id/usb-Honeywell_1900-if00") == (
        "/dev/serial/by-id/usb-Honeywell_1900-if00"
    )


def test_a_usb_identity_is_read_as_hex_ids_with_an_optional_serial():
    assert parse_port("usb:0c2e:0b61") == UsbId(0x0C2E, 0x0B61)
    assert parse_port("usb:0483:5740:ADM01") == UsbId(0x0483, 0x5740, "ADM01")


@pytest.mark.parametrize("spec", ["usb:zz:0b61", "usb:0c2e", "usb:1:2:3:4"])
def test_a_malformed_usb_identity_is_a_configuration_error(spec):
    with pytest.raises(ConfigError, match="usb:VID:PID"):
        parse_port(spec)
    with pytest.raises(ConfigError):
        SerialScanner("scanner", port=spec)


def test_a_usb_scanner_that_is_not_plugged_in_is_offline_and_says_which(caplog):
    codes: queue.Queue[str] = queue.Queue()
    scanner = SerialScanner("scanner", port="usb:ffff:fffe", reconnect_interval=0.1)
    scanner.set_code_callback(codes.put)
    scanner.open()
    try:
        assert scanner.state is DeviceState.OFFLINE
        assert "usb:ffff:fffe" in caplog.text
    finally:
        scanner.close()
