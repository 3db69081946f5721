"""Kiosk configuration from TOML: which server, which credential, which driver for each device.

A corrupt or incomplete file stops the kiosk with one message naming the file and the key,
before any device is touched.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.errors import ConfigError
from kiosk.i18n import LANGUAGES
from kiosk.technician_pin import PinFormatError, check_hash_format

DEVICE_ROLES = ("scanner", "receipt", "a4")
TOUCH_PROVIDERS = ("mtdev", "hidinput")  # Kivy's readers of a Linux touchscreen's event device
DISPLAY_KEYS = ("touch_device", "touch_provider", "debounce_key_ms", "debounce_action_ms")
OPTIONAL_ROLES = ("camera",)  # document capture; a kiosk without one offers no applications


@dataclass(frozen=True)
class DeviceConfig:
    driver: str
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DisplayConfig:
    """The touchscreen: which input reads it, and how long a button ignores a second release.

    ``touch_device`` empty: touches arrive as the window's mouse pointer only (development, tests,
    or a kiosk whose X server drives the touchscreen). ``"probe"``: Kivy finds the touchscreen
    among /dev/input's devices. A path (``/dev/input/by-id/...-event-if00``): that device, read
    by ``touch_provider``. Either of the last two turns the mouse off, so one touch is one touch.
    """

    touch_device: str = ""
    touch_provider: str = "mtdev"
    # A bouncing screen or shaky finger re-touches within tens of milliseconds; a quick person
    # typing "11" lifts and taps again after 150 ms or more. Action buttons (Next, Print) take a
    # desktop double-click (up to 500 ms) as one press; nobody means the same one twice so fast.
    debounce_key_ms: int = 120
    debounce_action_ms: int = 500

    @property
    def touchscreen(self) -> bool:
        return bool(self.touch_device)


@dataclass(frozen=True)
class KioskConfig:
    kiosk_id: str
    server_url: str
    credential_file: Path
    data_dir: Path
    language: str = "id"
    idle_timeout: float = 60.0
    heartbeat_interval: float = 30.0
    server_timeout: float = 10.0
    ca_bundle: str = ""
    audio_volume: int = 80  # spoken guidance, 0-100
    speech_dir: str = ""  # set: spoken guidance is written there as WAV files, not played
    follow_opening_hours: bool = False  # outside the location's hours: no printing, no applying
    technician_pin_hash: str = ""  # empty: no technician mode at the screen (adm-diag still works)
    devices: dict[str, DeviceConfig] = field(default_factory=dict)
    display: DisplayConfig = field(default_factory=DisplayConfig)

    @property
    def log_dir(self) -> Path:
        return self.data_dir / "logs"

    def credential(self) -> str:
        """The kiosk's secret, read when needed so it is never kept in the config object."""
        try:
            text = self.credential_file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(f"kiosk credential file {self.credential_file}: {exc}") from exc
        if ":" not in text:
            raise ConfigError(f"kiosk credential file {self.credential_file} is not id:secret")
        return text


def _section(data: dict[str, Any], name: str, path: Path) -> dict[str, Any]:
    value = data.get(name)
    if not isinstance(value, dict):
        raise ConfigError(f"{path}: section [{name}] is missing")
    return value


def _get(section: dict[str, Any], key: str, kind: type, path: Path, where: str) -> Any:
    value = section.get(key)
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise ConfigError(f"{path}: [{where}] {key} must be a {kind.__name__}")
    return value


def _display(data: dict[str, Any], path: Path) -> DisplayConfig:
    display = data.get("display", {})
    if not isinstance(display, dict):
        raise ConfigError(f"{path}: [display] must be a section")
    unknown = set(display) - set(DISPLAY_KEYS)
    if unknown:  # a misspelt touch_device would silently leave the mouse on
        raise ConfigError(
            f"{path}: [display] unknown key(s) {', '.join(sorted(unknown))}; "
            f"known: {', '.join(DISPLAY_KEYS)}"
        )
    device = display.get("touch_device", "")
    if not isinstance(device, str) or not (
        device in ("", "probe") or device.startswith("/dev/input/") and "," not in device
    ):
        raise ConfigError(
            f'{path}: [display] touch_device must be "" (mouse only), "probe", '
            "or a device path under /dev/input/"
        )
    provider = display.get("touch_provider", "mtdev")
    if provider not in TOUCH_PROVIDERS:
        raise ConfigError(
            f"{path}: [display] touch_provider must be one of {', '.join(TOUCH_PROVIDERS)}"
        )
    windows = {}
    for key, low, high in (("debounce_key_ms", 0, 250), ("debounce_action_ms", 0, 2000)):
        value = display.get(key, getattr(DisplayConfig, key))
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise ConfigError(f"{path}: [display] {key} must be a whole number, {low} to {high}")
        windows[key] = value
    return DisplayConfig(device, provider, **windows)


def load_config(path: Path) -> KioskConfig:
    """Read and check the kiosk's TOML file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read kiosk configuration {path}: {exc}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from exc
    except RecursionError:  # tomllib parses nested arrays and tables by recursion
        raise ConfigError(f"{path} is not valid TOML: arrays or tables nested too deep") from None

    kiosk = _section(data, "kiosk", path)
    server = _section(data, "server", path)
    url = _get(server, "url", str, path, "server")
    if not url.startswith(("http://", "https://")):
        raise ConfigError(f"{path}: [server] url must start with http:// or https://")
    language = kiosk.get("language", "id")
    if language not in LANGUAGES:
        raise ConfigError(f"{path}: [kiosk] language must be one of {', '.join(LANGUAGES)}")
    idle = kiosk.get("idle_timeout", 60)
    if not isinstance(idle, int | float) or isinstance(idle, bool) or not 5 <= idle <= 3600:
        raise ConfigError(f"{path}: [kiosk] idle_timeout must be 5 to 3600 seconds")

    heartbeat = kiosk.get("heartbeat_interval", 30)
    if (
        not isinstance(heartbeat, int | float)
        or isinstance(heartbeat, bool)
        or not (0.5 <= heartbeat <= 3600)
    ):
        raise ConfigError(f"{path}: [kiosk] heartbeat_interval must be 0.5 to 3600 seconds")

    devices_section = _section(data, "devices", path)
    devices: dict[str, DeviceConfig] = {}
    for role in DEVICE_ROLES:
        spec = devices_section.get(role)
        if not isinstance(spec, dict):
            raise ConfigError(f"{path}: section [devices.{role}] is missing")
        options = dict(spec)
        driver = options.pop("driver", None)
        if not isinstance(driver, str):
            raise ConfigError(f"{path}: [devices.{role}] driver must be a string")
        devices[role] = DeviceConfig(driver, options)
    for role in OPTIONAL_ROLES:
        spec = devices_section.get(role)
        if spec is None:
            continue
        if not isinstance(spec, dict) or not isinstance(spec.get("driver"), str):
            raise ConfigError(f"{path}: [devices.{role}] driver must be a string")
        options = dict(spec)
        devices[role] = DeviceConfig(options.pop("driver"), options)
    unknown = set(devices_section) - set(DEVICE_ROLES) - set(OPTIONAL_ROLES)
    if unknown:
        raise ConfigError(f"{path}: unknown device section(s) {', '.join(sorted(unknown))}")

    technician = data.get("technician", {})
    pin_hash = technician.get("pin_hash", "") if isinstance(technician, dict) else None
    if not isinstance(pin_hash, str):
        raise ConfigError(f"{path}: [technician] pin_hash must be a string")
    if pin_hash:
        try:
            check_hash_format(pin_hash)
        except PinFormatError as exc:
            raise ConfigError(f"{path}: [technician] {exc}") from exc

    audio = data.get("audio", {})
    volume = audio.get("volume", 80) if isinstance(audio, dict) else None
    if not isinstance(volume, int) or isinstance(volume, bool) or not 0 <= volume <= 100:
        raise ConfigError(f"{path}: [audio] volume must be a whole number from 0 to 100")
    speech_dir = audio.get("speech_dir", "") if isinstance(audio, dict) else ""
    if not isinstance(speech_dir, str):
        raise ConfigError(f"{path}: [audio] speech_dir must be a string")

    data_dir = kiosk.get("data_dir", "var/kiosk")
    if not isinstance(data_dir, str):
        raise ConfigError(f"{path}: [kiosk] data_dir must be a string")
    timeout = server.get("timeout", 10)
    if not isinstance(timeout, int | float) or isinstance(timeout, bool) or not 0 < timeout <= 600:
        raise ConfigError(f"{path}: [server] timeout must be more than 0 and at most 600 seconds")
    ca_bundle = server.get("ca_bundle", "")
    if not isinstance(ca_bundle, str):
        raise ConfigError(f"{path}: [server] ca_bundle must be a string")

    follow_hours = kiosk.get("follow_opening_hours", False)
    if not isinstance(follow_hours, bool):
        raise ConfigError(f"{path}: [kiosk] follow_opening_hours must be true or false")

    return KioskConfig(
        kiosk_id=_get(kiosk, "id", str, path, "kiosk"),
        server_url=url.rstrip("/"),
        credential_file=Path(_get(server, "credential_file", str, path, "server")),
        data_dir=Path(data_dir),
        language=language,
        idle_timeout=float(idle),
        heartbeat_interval=float(heartbeat),
        server_timeout=float(timeout),
        ca_bundle=ca_bundle,
        audio_volume=volume,
        speech_dir=speech_dir,
        follow_opening_hours=follow_hours,
        technician_pin_hash=pin_hash,
        devices=devices,
        display=_display(data, path),
    )
