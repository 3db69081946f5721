"""The technician PIN: only a hash in the configuration, and a lock a guesser cannot reset."""

from __future__ import annotations

import subprocess

import pytest
from support import BIN

from kiosk.config import load_config
from kiosk.errors import ConfigError
from kiosk.technician_pin import PinFormatError, PinLock, hash_pin

PIN = "482916"


def test_the_hash_checks_the_right_pin_and_no_other(tmp_path):
    lock = PinLock(hash_pin(PIN), tmp_path / "pin.json")
    assert lock.check(PIN).ok
    assert not lock.check("482917").ok
    assert PIN not in hash_pin(PIN)
    assert hash_pin(PIN) != hash_pin(PIN)  # salted


@pytest.mark.parametrize("pin", ["12345", "123456789", "12a456", "١٢٣٤٥٦", ""])
def test_a_pin_that_is_not_6_to_8_digits_is_refused(pin):
    with pytest.raises(PinFormatError):
        hash_pin(pin)


def test_five_wrong_pins_lock_even_the_right_one_and_a_restart_does_not_unlock(tmp_path):
    state = tmp_path / "pin.json"
    lock = PinLock(hash_pin(PIN), state, max_failures=5, lockout_s=300)
    now = 1_000_000.0
    tries = [lock.check("000000", now=now).tries_left for _ in range(4)]
    assert tries == [4, 3, 2, 1]
    locked = lock.check("000000", now=now)
    assert not locked.ok and locked.locked_for == 300

    again = PinLock(hash_pin(PIN), state)  # the kiosk restarted
    refused = again.check(PIN, now=now + 60)
    assert not refused.ok and refused.locked_for == pytest.approx(240)
    assert again.check(PIN, now=now + 301).ok  # the lock ends by itself


def test_the_right_pin_clears_the_count_of_wrong_ones(tmp_path):
    lock = PinLock(hash_pin(PIN), tmp_path / "pin.json", max_failures=3)
    lock.check("111111")
    lock.check("222222")
    assert lock.check(PIN).ok
    assert lock.check("333333").tries_left == 2


def test_a_damaged_lock_file_counts_as_locked_not_as_open(tmp_path):
    state = tmp_path / "pin.json"
    state.write_text("{not json")
    verdict = PinLock(hash_pin(PIN), state).check(PIN)
    assert not verdict.ok and verdict.locked_for > 0


def _config(tmp_path, technician: str):
    path = tmp_path / "kiosk.toml"
    path.write_text(
        f"""
[kiosk]
id = "ADM-1"
[server]
url = "http://127.0.0.1:1"
credential_file = "x"
[devices.scanner]
driver = "serial-scanner"
[devices.receipt]
driver = "escpos"
[devices.a4]
driver = "cups"
{technician}
"""
    )
    return path


def test_the_config_takes_a_hash_and_refuses_a_plain_pin(tmp_path):
    good = hash_pin(PIN)
    assert load_config(_config(tmp_path, f'[technician]\npin_hash = "{good}"')).technician_pin_hash
    assert load_config(_config(tmp_path, "")).technician_pin_hash == ""
    with pytest.raises(ConfigError, match=r"\[technician\]"):
        load_config(_config(tmp_path, f'[technician]\npin_hash = "{PIN}"'))


def test_adm_kiosk_technician_pin_prints_a_line_the_config_accepts(tmp_path):
    done = subprocess.run(
        [BIN / "adm-kiosk", "technician-pin"],
        input=f"{PIN}\n{PIN}\n",
        capture_output=True,
        text=True,
        check=True,
    )
    assert PIN not in done.stdout
    config = load_config(_config(tmp_path, done.stdout))
    assert PinLock(config.technician_pin_hash, tmp_path / "s.json").check(PIN).ok

    typo = subprocess.run(
        [BIN / "adm-kiosk", "technician-pin"],
        input=f"{PIN}\n482917\n",
        capture_output=True,
        text=True,
    )
    assert typo.returncode == 1 and "differ" in typo.stderr and typo.stdout == ""
