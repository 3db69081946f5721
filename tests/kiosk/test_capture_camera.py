"""From the camera to the capture: a paper slides into view, is held still, and is taken.

The simulated network camera (devices/simulators/camera_peer.py) streams MJPEG over real HTTP
on loopback; the real driver (devices/camera/opencv_camera.py) decodes it with OpenCV's FFmpeg
backend and hands each frame to the capture gate, as the apply screen's preview does.
"""

from __future__ import annotations

import threading

import numpy as np
import pytest
from doc_scenes import docgen as load_docgen

from devices.camera.opencv_camera import OpenCvCamera
from devices.simulators.camera_peer import CameraPeer
from kiosk.vision.capture import CaptureGate, CaptureVerdict, flatten

HELD = np.array([[470.0, 80.0], [860.0, 105.0], [885.0, 650.0], [445.0, 630.0]])
SLIDE_FRAMES = 12  # 1.2 s at 10 fps from partly outside the frame to the place it is held
HOLD_FRAMES = 18  # then 1.8 s held still


def clip() -> list[np.ndarray]:
    docgen = load_docgen()
    background = docgen.wood(np.random.default_rng(4))
    frames = []
    for step in range(SLIDE_FRAMES):
        progress = step / (SLIDE_FRAMES - 1)
        corners = HELD + np.array([520.0, 60.0]) * (1 - progress)  # starts off the right edge
        rng = np.random.default_rng(7)  # the same paper and light in every frame
        frames.append(docgen.make_scene(rng, "wood", "a4", corners, background).frame)
    return frames + [frames[-1]] * HOLD_FRAMES


@pytest.fixture
def camera():
    with CameraPeer(images=clip(), fps=10) as peer:
        driver = OpenCvCamera("camera", peer.url, frozen_timeout=30)
        driver.open()
        try:
            yield driver
        finally:
            driver.close()


def test_a_paper_moved_into_view_and_held_still_is_captured_near_its_true_corners(camera):
    gate = CaptureGate("a4", steady_seconds=0.6)
    verdicts: list[CaptureVerdict] = []
    taken: list[tuple[CaptureVerdict, np.ndarray]] = []
    done = threading.Event()

    def on_frame(frame):
        if done.is_set():
            return
        verdict = gate.feed(frame.image, frame.at)
        verdicts.append(verdict)
        if verdict.ready:
            taken.append((verdict, frame.image))
            done.set()

    camera.add_frame_listener(on_frame)
    try:
        assert done.wait(30), [v.reason for v in verdicts]
    finally:
        camera.remove_frame_listener(on_frame)
    verdict, image = taken[0]
    assert np.abs(verdict.corners - HELD).max() < 4.0  # pixels, after JPEG over HTTP
    assert verdict.steady_for >= 0.6
    # On the way the citizen was told to move back (cut off) or to hold still, never "ready".
    before = [v.reason for v in verdicts[:-1]]
    assert "capture.hold_still" in before
    assert set(before) <= {"capture.cut_off", "capture.hold_still", "capture.no_paper"}
    page = flatten(image, verdict.corners, "a4")
    assert page.shape == (1754, 1240, 3)
    assert float(page[:30].mean()) > 170  # the page's own white margin, not the wooden table
