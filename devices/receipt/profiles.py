"""Receipt printer differences are data: profiles.toml beside this file, overridable per kiosk."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from devices.errors import ConfigError

PROFILE_FIELDS = ("width", "codepage", "native_qr", "cut", "flow_control", "status_query")
_CHOICES = {
    "cut": ("partial", "full", "none"),
    "flow_control": ("none", "rtscts", "xonxoff", "dsrdtr"),
}


@cache
def profiles() -> dict[str, dict[str, Any]]:
    data: dict[str, dict[str, Any]] = tomllib.loads(
        (Path(__file__).with_name("profiles.toml")).read_text(encoding="utf-8")
    )
    return data


def load_profile(name: str, overrides: dict[str, Any]) -> dict[str, Any]:
    """The named profile with the kiosk's own overrides; unknown names and fields are refused."""
    if name not in profiles():
        raise ConfigError(
            f"receipt printer profile {name!r} is unknown; known: {', '.join(sorted(profiles()))}"
        )
    unknown = set(overrides) - set(PROFILE_FIELDS)
    if unknown:
        raise ConfigError(f"receipt printer: unknown option(s) {', '.join(sorted(unknown))}")
    settings = {**profiles()[name], **overrides}
    for field, choices in _CHOICES.items():
        if settings[field] not in choices:
            raise ConfigError(f"receipt printer {field} must be one of {', '.join(choices)}")
    return settings
