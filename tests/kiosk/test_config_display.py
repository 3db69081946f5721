"""[display]: which input reads the touchscreen, and the debounce windows; bad values refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import load_config
from kiosk.errors import ConfigError
from screens.cli import kivy_input

SHIPPED = Path(__file__).resolve().parents[2] / "config" / "kiosk.toml"


def with_display(tmp_path: Path, lines: str) -> Path:
    text = SHIPPED.read_text()
    start = text.index("[display]")
    end = text.index("[audio]")
    path = tmp_path / "kiosk.toml"
    path.write_text(text[:start] + "[display]\n" + lines + "\n\n" + text[end:])
    return path


def test_the_shipped_file_reads_the_mouse_only_with_multitouch_emulation_off():
    display = load_config(SHIPPED).display
    assert kivy_input(display) == {"mouse": "mouse,disable_multitouch"}
    assert (display.debounce_key_ms, display.debounce_action_ms) == (120, 500)


def test_a_touchscreen_device_is_read_by_its_provider_and_the_mouse_is_off(tmp_path):
    path = with_display(
        tmp_path, 'touch_device = "/dev/input/adm-touchscreen"\ntouch_provider = "hidinput"'
    )
    assert kivy_input(load_config(path).display) == {
        "touchscreen": "hidinput,/dev/input/adm-touchscreen"
    }


def test_probe_finds_the_touchscreen_with_mtdev_and_the_mouse_is_off(tmp_path):
    path = with_display(tmp_path, 'touch_device = "probe"')
    assert kivy_input(load_config(path).display) == {"touchscreen": "probesysfs,provider=mtdev"}


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ('touch_device = "event3"', r"\[display\] touch_device must be"),
        ('touch_device = "/dev/input/event3,invert_x=1"', r"\[display\] touch_device must be"),
        ("touch_device = 3", r"\[display\] touch_device must be"),
        ('touch_provider = "wm_touch"', r"\[display\] touch_provider must be one of mtdev"),
        ('touch_devise = "probe"', r"\[display\] unknown key\(s\) touch_devise"),
        ("debounce_key_ms = 300", r"\[display\] debounce_key_ms must be a whole number, 0 to 250"),
        ("debounce_action_ms = -1", r"debounce_action_ms must be a whole number"),
        ("debounce_action_ms = 0.5", r"debounce_action_ms must be a whole number"),
        ("debounce_key_ms = true", r"debounce_key_ms must be a whole number"),
    ],
)
def test_an_impossible_display_setting_is_refused_by_name(tmp_path, lines, message):
    with pytest.raises(ConfigError, match=message):
        load_config(with_display(tmp_path, lines))


def test_display_must_be_a_section(tmp_path):
    path = tmp_path / "kiosk.toml"
    path.write_text('display = "fullscreen"\n' + SHIPPED.read_text().replace("[display]", "[x]"))
    with pytest.raises(ConfigError, match=r"\[display\] must be a section"):
        load_config(path)
