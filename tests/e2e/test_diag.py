"""adm-diag tells a technician which part of the kiosk is at fault."""

from __future__ import annotations

import json
import subprocess

from support import BIN, write_kiosk_config


def diag(config, *args) -> tuple[int, list[dict]]:
    result = subprocess.run(
        [BIN / "adm-diag", "--config", str(config), "--json", "health", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result.returncode, json.loads(result.stdout)


def test_a_healthy_kiosk_reports_every_device_and_the_server_ok(tmp_path, server, sim):
    code, reports = diag(write_kiosk_config(tmp_path, server, sim))
    assert code == 0
    assert {r["device"] for r in reports} == {"scanner", "receipt", "a4", "server"}
    assert all(r["ok"] for r in reports)


def test_an_empty_receipt_roll_is_named_as_the_fault(tmp_path, server, sim):
    sim.printer.paper = "empty"
    code, reports = diag(write_kiosk_config(tmp_path, server, sim))
    assert code == 1
    faults = [r for r in reports if not r["ok"]]
    assert [r["device"] for r in faults] == ["receipt"]
    assert "out of paper" in faults[0]["text"]["en"]


def test_a_wrong_credential_is_named_as_a_server_fault(tmp_path, server, sim):
    server.credential_file.write_text("ADM-7307-01:not-the-secret\n")
    code, reports = diag(write_kiosk_config(tmp_path, server, sim))
    assert code == 1
    [fault] = [r for r in reports if not r["ok"]]
    assert fault["device"] == "server" and "401" in fault["text"]["en"]
