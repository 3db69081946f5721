"""A phone in front of the kiosk camera: frames over real HTTP (MJPEG), the real camera driver,
the camera scanner and the kiosk's QR reader, as kiosk/core.py wires them."""

from __future__ import annotations

import importlib.util
import queue
import sys
import time
from pathlib import Path

import pytest

from devices.camera.opencv_camera import OpenCvCamera
from devices.scanner.camera_scanner import CameraScanner
from devices.simulators.camera_peer import CameraPeer
from kiosk.vision.qr import QrReader

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("gen_qr_set", ROOT / "bench" / "gen_qr_set.py")
assert _spec is not None and _spec.loader is not None
gen = importlib.util.module_from_spec(_spec)
sys.modules["gen_qr_set"] = gen
_spec.loader.exec_module(gen)


@pytest.fixture
def peer():
    with CameraPeer(fps=10) as p:
        yield p


def scanning(peer: CameraPeer, reader: QrReader) -> tuple[CameraScanner, queue.Queue[str]]:
    codes: queue.Queue[str] = queue.Queue()
    scanner = CameraScanner("scanner", OpenCvCamera("camera", peer.url, frozen_timeout=30))
    scanner.set_decoder(reader.decode)
    scanner.set_code_callback(codes.put)
    scanner.open()
    return scanner, codes


def test_a_dark_mode_phone_at_an_angle_is_read_once_through_the_camera(peer):
    scene = gen.Scene(
        "ADMP:7KQ2-M9XD-4TRA", dark_mode=True, qr_px=260, tilt_x=25, tilt_y=-20, roll=15
    )
    peer.play([gen.render(scene, 3)])  # 1280x720, JPEG-compressed again by the stream
    reader = QrReader()
    scanner, codes = scanning(peer, reader)
    try:
        assert codes.get(timeout=15) == "ADMP:7KQ2-M9XD-4TRA"
        time.sleep(1.5)  # about 15 more frames of the same phone
        assert codes.empty()
        assert reader.hint() is None
    finally:
        scanner.close()


def test_a_hostile_qr_code_reaches_nobody_and_the_citizen_is_told_it_is_not_ours(peer):
    scene = gen.Scene("ADMP:7KQ2-M9XD-4TRA\n'; DROP TABLE print_jobs; --", qr_px=300)
    peer.play([gen.render(scene, 4)])
    reader = QrReader()
    scanner, codes = scanning(peer, reader)
    try:
        deadline = time.monotonic() + 15
        while reader.hint() != "qr.hint.not_ours" and time.monotonic() < deadline:
            time.sleep(0.1)
        assert reader.hint() == "qr.hint.not_ours"
        time.sleep(0.5)
        assert codes.empty()
    finally:
        scanner.close()
