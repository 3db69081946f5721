"""Bugs the device-fault, load and soak harnesses (proof/) found, each kept fixed by a test."""

from __future__ import annotations

import json
import subprocess

from support import BIN, make_run_config

from devices.simulators.camera_peer import CameraPeer


def camera_health(config) -> tuple[int, dict]:
    result = subprocess.run(
        [BIN / "adm-diag", "--config", str(config), "--json", "health", "--device", "camera"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "Traceback" not in result.stderr
    [report] = json.loads(result.stdout)
    return result.returncode, report


def test_regression_diag_called_a_frozen_camera_frames_flowing(tmp_path, server, sim):
    """adm-diag asked the camera at once after opening it, before a frozen picture could be
    told from a live one, and said "frames flowing (0.0 fps)" of a hung camera."""
    with CameraPeer(fps=10) as camera:
        config = make_run_config(tmp_path, server, sim)
        config.write_text(
            config.read_text()
            + f'\n[devices.camera]\ndriver = "opencv-camera"\nsource = "{camera.url}"\n'
        )
        code, report = camera_health(config)
        assert code == 0 and report["ok"], report  # a live camera passes

        camera.freeze()
        code, report = camera_health(config)
        assert code == 1 and not report["ok"]
        assert "picture frozen" in report["text"]["en"]
