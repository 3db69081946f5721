"""The camera as a QR scanner: a phone held in front of it yields its code once."""

from __future__ import annotations

import queue
import time

import numpy as np
import pytest
import zxingcpp

from devices.camera.opencv_camera import OpenCvCamera
from devices.scanner.camera_scanner import CameraScanner
from devices.simulators.camera_peer import CameraPeer
from kiosk.qr_pipeline import decode_frame


def phone_showing(text: str, dark_mode: bool = False) -> np.ndarray:
    """A 640x480 scene with a QR code on it, as a phone screen would show it."""
    qr = zxingcpp.write_barcode_to_image(
        zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode), scale=6
    )
    code = np.array(qr)
    if dark_mode:
        code = 255 - code
    scene = np.full((480, 640, 3), 90, np.uint8)
    y, x = (480 - code.shape[0]) // 2, (640 - code.shape[1]) // 2
    scene[y : y + code.shape[0], x : x + code.shape[1]] = code[..., None]
    return scene


@pytest.fixture
def peer():
    with CameraPeer(fps=10) as p:
        yield p


def scanner_on(peer) -> tuple[CameraScanner, queue.Queue[str]]:
    codes: queue.Queue[str] = queue.Queue()
    scanner = CameraScanner("scanner", OpenCvCamera("camera", peer.url, frozen_timeout=30))
    scanner.set_decoder(decode_frame)
    scanner.set_code_callback(codes.put)
    scanner.open()
    return scanner, codes


@pytest.mark.parametrize("dark_mode", [False, True])
def test_a_code_held_in_front_of_the_camera_is_read_once(peer, dark_mode):
    peer.play([phone_showing("ADMP:7KQ2-M9XD-4TRA", dark_mode)])
    scanner, codes = scanner_on(peer)
    try:
        assert codes.get(timeout=10) == "ADMP:7KQ2-M9XD-4TRA"
        time.sleep(1.0)  # many more frames of the same phone
        assert codes.empty()
    finally:
        scanner.close()


def test_without_a_decoder_the_scanner_reports_itself_unhealthy(peer):
    scanner = CameraScanner("scanner", OpenCvCamera("camera", peer.url))
    scanner.open()
    try:
        report = scanner.check_health()
        assert not report.ok and "no QR decoder" in report.text_en
    finally:
        scanner.close()
