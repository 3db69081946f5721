"""adm-diag against the simulated kiosk in `make run`'s configuration: what a technician reads."""

from __future__ import annotations

import json
import subprocess
import threading
import time
from pathlib import Path

from support import BIN, PDF_DIR, make_run_config


def diag(config: Path, *args: str, timeout: float = 90) -> tuple[int, list[dict]]:
    result = subprocess.run(
        [BIN / "adm-diag", "--config", str(config), "--json", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert "Traceback" not in result.stderr
    return result.returncode, json.loads(result.stdout)


def test_devices_lists_each_configured_device_with_driver_and_state(tmp_path, server, sim):
    code, results = diag(make_run_config(tmp_path, server, sim), "devices")
    assert code == 0
    assert {(r["device"], r["driver"], r["state"]) for r in results} == {
        ("scanner", "serial-scanner", "idle"),
        ("receipt", "escpos", "idle"),
        ("a4", "cups", "idle"),
    }


def test_a_healthy_kiosk_reports_every_device_and_the_server_ok(tmp_path, server, sim):
    code, reports = diag(make_run_config(tmp_path, server, sim), "health")
    assert code == 0
    assert {r["device"] for r in reports} == {"scanner", "receipt", "a4", "server"}
    assert all(r["ok"] and r["text"]["id"] and r["text"]["en"] for r in reports)


def test_an_empty_receipt_roll_is_named_as_the_fault(tmp_path, server, sim):
    sim.printer.paper = "empty"
    code, reports = diag(make_run_config(tmp_path, server, sim), "health")
    assert code == 1
    faults = [r for r in reports if not r["ok"]]
    assert [r["device"] for r in faults] == ["receipt"]
    assert "out of paper" in faults[0]["text"]["en"]


def test_a_wrong_credential_is_named_as_a_server_fault(tmp_path, server, sim):
    server.credential_file.write_text("ADM-7307-01:not-the-secret\n")
    code, reports = diag(make_run_config(tmp_path, server, sim), "health")
    assert code == 1
    [fault] = [r for r in reports if not r["ok"]]
    assert fault["device"] == "server" and "401" in fault["text"]["en"]


def test_test_receipt_reaches_the_printer_with_a_scannable_qr(tmp_path, server, sim):
    code, [result] = diag(make_run_config(tmp_path, server, sim), "test-receipt")
    assert code == 0 and result["ok"]
    [receipt] = sim.printer.wait_for_receipts(1, timeout=5)
    assert receipt.qr_codes == ["ADM-TEST-ADM-7307-01"]
    assert "ADM - TES PRINTER" in receipt.lines


def test_test_page_comes_out_of_the_a4_printer(tmp_path, server, sim):
    since = time.time() - 1.0  # a restarted cupsd may reuse the job ids of older files
    code, [result] = diag(make_run_config(tmp_path, server, sim), "test-page")
    assert code == 0 and result["ok"]
    written = [p for p in PDF_DIR.glob(f"*job_{result['job']}.pdf") if p.stat().st_mtime >= since]
    assert written


def test_scan_shows_one_code_with_pickup_codes_masked(tmp_path, server, sim):
    timer = threading.Timer(2.0, sim.scanner.scan, args=["ADMP:7KQ2-M9XD-4TRA"])
    timer.start()
    code, [result] = diag(make_run_config(tmp_path, server, sim), "scan", "--timeout", "20")
    timer.join()
    assert code == 0
    assert result["code"] == "ADMP:7KQ2-****-****"


def test_scan_without_a_code_says_so_and_fails(tmp_path, server, sim):
    code, [result] = diag(make_run_config(tmp_path, server, sim), "scan", "--timeout", "1")
    assert code == 1 and "no code within 1 s" in result["text"]["en"]


def test_counters_shows_what_the_kiosk_saved(tmp_path, server, sim):
    (tmp_path / "kiosk").mkdir()
    (tmp_path / "kiosk" / "counters.json").write_text(
        json.dumps({"receipt": {"receipts": 12, "cuts": 12}})
    )
    code, results = diag(make_run_config(tmp_path, server, sim), "counters")
    assert code == 0
    assert {r["device"]: r["counters"] for r in results}["receipt"] == {"receipts": 12, "cuts": 12}


def test_ports_lists_what_the_machine_sees_and_never_fails(tmp_path, server, sim):
    code, results = diag(make_run_config(tmp_path, server, sim), "ports")
    assert code == 0
    assert all(r["device"] in ("serial", "camera") for r in results)


def test_capture_saves_a_camera_frame_a_technician_can_open(tmp_path, server, sim):
    import cv2

    from devices.simulators.camera_peer import CameraPeer

    with CameraPeer(fps=10) as camera:
        config = make_run_config(tmp_path, server, sim)
        config.write_text(
            config.read_text()
            + f'\n[devices.camera]\ndriver = "opencv-camera"\nsource = "{camera.url}"\n'
        )
        out = tmp_path / "frame.png"
        code, [result] = diag(config, "capture", "--out", str(out))
    assert code == 0 and result["ok"]
    image = cv2.imread(str(out))
    assert image is not None and image.shape[:2] == (result["height"], result["width"])
