"""The systemd units in deploy/systemd/ load in systemd and start commands we really have.

``systemd-analyze verify`` reads each unit as systemd would (unknown keys, bad values, missing
programs); the program is looked for where the unit says, so the unit's install prefix
/opt/adm/venv is pointed at this checkout's .venv. Every adm-* command line is then parsed by
the console script's own argparse parser, so an option the program does not have fails here,
not on a kiosk at 6 in the morning.
"""

from __future__ import annotations

import configparser
import shlex
import subprocess
from pathlib import Path

import pytest
from support import BIN, require_tools

from kiosk import diag
from screens import cli as kiosk_cli
from server import cli as server_cli

UNITS = sorted((Path(__file__).resolve().parents[1] / "deploy" / "systemd").glob("*.service"))
PREFIX = "/opt/adm/venv/bin/"
PARSERS = {
    "adm-kiosk": kiosk_cli.build_parser,
    "adm-server": server_cli.build_parser,
    "adm-diag": diag.build_parser,
}


def service(unit: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(unit)
    return parser["Service"]


def adm_commands(unit: Path) -> list[list[str]]:
    """Every adm-* command line of ExecStart, also one started by xinit."""
    found = []
    for line in service(unit)["ExecStart"].splitlines():
        words = shlex.split(line)
        if Path(words[0]).name == "xinit":
            words = words[1 : words.index("--")] if "--" in words else words[1:]
        if words and words[0].startswith(PREFIX):
            found.append(words)
    return found


def test_there_is_a_unit_for_the_server_and_for_the_kiosk():
    assert {u.name for u in UNITS} == {"adm-server.service", "adm-kiosk.service"}


@pytest.mark.parametrize("unit", UNITS, ids=lambda u: u.name)
def test_systemd_accepts_the_unit(unit, tmp_path):
    require_tools("systemd-analyze")
    here = tmp_path / unit.name
    here.write_text(unit.read_text().replace(PREFIX, f"{BIN}/"))
    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(here)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0 and result.stderr == "", result.stderr


@pytest.mark.parametrize("unit", UNITS, ids=lambda u: u.name)
def test_every_adm_command_exists_with_the_options_it_is_given(unit):
    commands = adm_commands(unit)
    assert commands, f"{unit.name} starts no adm-* command"
    for words in commands:
        program = Path(words[0]).name
        assert (BIN / program).exists(), f"{program} is not one of our console scripts"
        try:
            PARSERS[program]().parse_args(words[1:])
        except SystemExit:
            pytest.fail(f"{unit.name}: {program} refuses {' '.join(words[1:])}")


def test_the_kiosk_runs_fullscreen_on_an_x_without_cursor():
    unit = next(u for u in UNITS if u.name == "adm-kiosk.service")
    words = shlex.split(service(unit)["ExecStart"])
    assert Path(words[0]).name == "xinit"
    app = kiosk_cli.build_parser().parse_args(adm_commands(unit)[0][1:])
    assert app.command == "app" and app.fullscreen
    assert "-nocursor" in words[words.index("--") :]


@pytest.mark.parametrize("unit", UNITS, ids=lambda u: u.name)
def test_the_unit_writes_only_its_state_directory(unit):
    settings = service(unit)
    assert settings["NoNewPrivileges"] == "yes"
    assert settings["ProtectSystem"] == "strict"
    state = "/var/lib/" + settings["StateDirectory"]
    assert settings["ReadWritePaths"] == state
    assert settings["Restart"] == "always"
