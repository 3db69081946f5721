"""A citizen shows the pickup QR on a phone in dark mode to the kiosk camera, and it prints.

Real parts: the server process, `adm-kiosk core` as its own process with the camera scanner
configured, the simulated network camera streaming MJPEG over HTTP, the receipt printer
simulator and the CUPS queue. The phone is drawn by bench/gen_qr_set.py.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import threading
import time
from pathlib import Path

from support import BIN, KioskProcess, write_kiosk_config

from devices.simulators.camera_peer import CameraPeer

KK_NUMBER = "7307051203150001"
ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("gen_qr_set", ROOT / "bench" / "gen_qr_set.py")
assert _spec is not None and _spec.loader is not None
gen = importlib.util.module_from_spec(_spec)
sys.modules["gen_qr_set"] = gen
_spec.loader.exec_module(gen)

SERIAL_SCANNER = 'driver = "serial-scanner"'


def start_core(config: Path, tmp_path: Path) -> KioskProcess:
    proc = subprocess.Popen(
        [BIN / "adm-kiosk", "core", "--config", str(config)],
        stdout=subprocess.PIPE,
        stderr=open(tmp_path / "kiosk.err", "w"),  # noqa: SIM115
        text=True,
    )
    kiosk = KioskProcess(proc)

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            kiosk.events.put(json.loads(line))

    threading.Thread(target=pump, daemon=True).start()
    return kiosk


def test_a_pickup_code_on_a_dark_mode_phone_held_to_the_camera_prints_once(tmp_path, server, sim):
    code = server.codes[KK_NUMBER]
    phone = gen.Scene(f"ADMP:{code}", dark_mode=True, qr_px=280, tilt_x=20, tilt_y=-15, roll=10)
    with CameraPeer(fps=10) as camera:
        camera.play([gen.render(gen.Scene(None, qr_px=280), 1)])  # the phone shows no code yet
        config = write_kiosk_config(tmp_path, server, sim)
        text = config.read_text()
        assert SERIAL_SCANNER in text
        scanner_port = f'port = "{sim.scanner.path}"\nterminator = "CR"'
        text = text.replace(SERIAL_SCANNER, 'driver = "camera-scanner"').replace(
            scanner_port, f'source = "{camera.url}"'
        )
        config.write_text(text)
        kiosk = start_core(config, tmp_path)
        try:
            kiosk.next_event({"ready"}, timeout=30)
            camera.play([gen.render(phone, 2)])

            accepted = kiosk.next_event({"code_accepted", "refused"}, timeout=30)
            assert accepted["kind"] == "code_accepted"
            assert accepted["masked_code"] == code[:4] + "-****-****"
            done = kiosk.next_event({"print_done", "print_failed", "refused"}, timeout=120)
            assert done["kind"] == "print_done"

            time.sleep(2)  # the phone is still in front of the camera
            assert not any(e["kind"] == "code_accepted" for e in _drain(kiosk))
            assert len(sim.printer.receipts) == 1
        finally:
            kiosk.proc.terminate()
            kiosk.proc.wait(timeout=15)


def _drain(kiosk: KioskProcess) -> list[dict]:
    events = []
    while not kiosk.events.empty():
        events.append(kiosk.events.get_nowait())
    return events
