"""A kiosk configuration is either fully valid or refused with a message naming what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import load_config
from kiosk.errors import ConfigError

SHIPPED = Path(__file__).resolve().parents[2] / "config" / "kiosk.toml"


def test_the_shipped_configuration_loads_with_every_device():
    config = load_config(SHIPPED)
    assert config.language == "id"
    assert set(config.devices) == {"scanner", "receipt", "a4"}
    assert config.devices["a4"].driver == "cups"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(text)
    return path


def test_a_corrupt_file_names_the_file_and_the_line(tmp_path):
    path = write(tmp_path, SHIPPED.read_text() + "\n[server\nurl = 3\n")
    with pytest.raises(ConfigError, match=r"kiosk\.toml is not valid TOML.*line"):
        load_config(path)


def test_binary_garbage_is_refused(tmp_path):
    path = tmp_path / "kiosk.toml"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(path)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('url = "http://127.0.0.1:8000"', 'url = "ftp://x"', r"\[server\] url"),
        ('language = "id"', 'language = "fr"', r"\[kiosk\] language"),
        ("idle_timeout = 60 ", "idle_timeout = 0 ", r"idle_timeout"),
        ('driver = "cups"', "driver = 5", r"\[devices.a4\] driver"),
        ("[devices.scanner]", "[devices.scanner_old]", r"\[devices.scanner\] is missing"),
    ],
)
def test_impossible_values_are_refused_by_name(tmp_path, old, new, message):
    text = SHIPPED.read_text()
    assert old in text
    with pytest.raises(ConfigError, match=message):
        load_config(write(tmp_path, text.replace(old, new)))


def test_a_missing_file_says_which(tmp_path):
    with pytest.raises(ConfigError, match="nope.toml"):
        load_config(tmp_path / "nope.toml")
