"""Every console script explains itself with --help and refuses a broken config clearly."""

from __future__ import annotations

import subprocess

import pytest
from support import BIN


@pytest.mark.parametrize(
    ("command", "words"),
    [
        ("adm-server", ["serve", "demo"]),
        ("adm-kiosk", ["app", "core", "sim"]),
        ("adm-diag", ["health", "devices"]),
    ],
)
def test_help_lists_the_subcommands(command, words):
    result = subprocess.run([BIN / command, "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    for word in words:
        assert word in result.stdout


@pytest.mark.parametrize("command", [["adm-kiosk", "core"], ["adm-kiosk", "app"], ["adm-diag"]])
def test_a_corrupt_config_stops_with_one_clear_line_and_no_traceback(tmp_path, command):
    config = tmp_path / "kiosk.toml"
    config.write_text("[kiosk\nid = ")
    args = [BIN / command[0], *command[1:], "--config", str(config)]
    if command[0] == "adm-diag":
        args.append("health")
    result = subprocess.run(args, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "is not valid TOML" in result.stderr
    assert "Traceback" not in result.stderr
