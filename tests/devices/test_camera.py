"""The OpenCV camera driver reading a simulated MJPEG camera over real loopback HTTP."""

from __future__ import annotations

import threading
import time

import cv2
import numpy as np
import pytest
import zxingcpp
from support import free_port

from devices.camera.opencv_camera import OpenCvCamera
from devices.contract import DeviceState, HealthLevel, StatusEvent, StatusKind
from devices.errors import ConfigError, DeviceError, DeviceNotReady, DeviceOffline
from devices.simulators.camera_peer import CameraPeer

NO_FRAME = 1.5
FROZEN = 1.5
MARGIN = 1.5


class Events:
    """A listener that records events and lets a test wait for the next one of a kind."""

    def __init__(self) -> None:
        self.items: list[StatusEvent] = []
        self._cursor = 0
        self._changed = threading.Condition()

    def __call__(self, event: StatusEvent) -> None:
        with self._changed:
            self.items.append(event)
            self._changed.notify_all()

    def next(self, kind: StatusKind, contains: str = "", timeout: float = 5.0) -> StatusEvent:
        """The next event of ``kind`` (detail containing ``contains``) after the last one found."""

        def find() -> int | None:
            for index in range(self._cursor, len(self.items)):
                event = self.items[index]
                if event.kind is kind and contains in event.detail:
                    return index
            return None

        with self._changed:
            self._changed.wait_for(lambda: find() is not None, timeout)
            index = find()
            if index is None:
                raise AssertionError(f"no {kind.value} {contains!r} in {timeout}s: {self.items}")
            self._cursor = index + 1
            return self.items[index]


@pytest.fixture
def peer():
    with CameraPeer(size=(320, 240), fps=15) as p:
        yield p


@pytest.fixture
def open_camera():
    cameras: list[OpenCvCamera] = []

    def make(source, **options) -> tuple[OpenCvCamera, Events]:
        settings = dict(no_frame_timeout=NO_FRAME, frozen_timeout=FROZEN, reconnect_interval=0.2)
        settings.update(options)
        camera = OpenCvCamera("camera", source, **settings)
        events = Events()
        camera.add_listener(events)
        camera.open()
        cameras.append(camera)
        return camera, events

    yield make
    for camera in cameras:
        camera.close()


def document() -> np.ndarray:
    """A paper-like test image: white page, dark title bar, coloured stamps, a QR code."""
    page = np.full((480, 640, 3), 235, np.uint8)
    page[20:80, 20:620] = (60, 40, 30)
    cv2.putText(page, "KARTU KELUARGA", (40, 65), cv2.FONT_HERSHEY_SIMPLEX, 1.4, (255, 255, 255), 3)
    page[120:220, 40:200] = (0, 0, 200)
    page[240:340, 40:200] = (0, 160, 0)
    qr = np.asarray(
        zxingcpp.create_barcode("ADMP:7KQ2-M9XD-4TRA", zxingcpp.BarcodeFormat.QRCode).to_image(
            scale=8
        )
    )
    top, left = 120, 300
    page[top : top + qr.shape[0], left : left + qr.shape[1]] = qr[..., None]
    return page


def small(image: np.ndarray) -> np.ndarray:
    return cv2.resize(image, (64, 48), interpolation=cv2.INTER_AREA).astype(np.int16)


def test_frames_flow_and_latest_frame_is_the_newest(peer, open_camera):
    seen: list[int] = []
    camera, _ = open_camera(peer.url)
    camera.add_frame_listener(lambda frame: seen.append(frame.seq))
    assert camera.state is DeviceState.IDLE
    first = camera.latest_frame()
    assert first is not None
    assert first.image.shape == (240, 320, 3) and first.image.dtype == np.uint8

    time.sleep(1.0)  # nobody reads: a queue would now hold a second of old frames
    latest = camera.latest_frame()
    assert latest is not None
    assert latest.seq > first.seq and latest.at > first.at
    assert latest.age < 0.4, "latest_frame() must be the newest frame, not a queued one"
    assert seen and seen == list(range(seen[0], seen[0] + len(seen)))
    assert camera.counters["frames"] >= latest.seq - first.seq
    assert camera.measured_fps() == pytest.approx(15, abs=3)

    called_at = time.monotonic()
    fresh = camera.capture(timeout=2)
    assert fresh.seq > latest.seq and fresh.at >= called_at
    with pytest.raises(ValueError):
        fresh.image[0, 0] = 0  # frames are shared: read-only


def test_the_image_the_peer_plays_is_what_capture_returns():
    page = document()
    with CameraPeer(images=[page], fps=15) as peer:
        camera = OpenCvCamera("camera", peer.url, reconnect_interval=0.2)
        camera.open()
        try:
            frame = camera.capture(timeout=3)
        finally:
            camera.close()
    assert frame.image.shape == page.shape
    difference = np.abs(small(frame.image) - small(page))
    assert difference.mean() < 3 and difference.max() < 40, "beyond JPEG tolerance"
    codes = [result.text for result in zxingcpp.read_barcodes(frame.image)]
    assert codes == ["ADMP:7KQ2-M9XD-4TRA"]


def test_a_frozen_picture_is_an_error_until_it_moves_again(peer, open_camera):
    camera, events = open_camera(peer.url)
    frozen_at = time.monotonic()
    peer.freeze()
    event = events.next(StatusKind.STATE, "frozen", timeout=FROZEN + MARGIN)
    assert time.monotonic() - frozen_at >= FROZEN - 0.2
    assert event.detail == "error: frozen"
    assert camera.state is DeviceState.ERROR and camera.state_detail == "frozen"
    assert camera.counters["freezes"] == 1
    report = camera.check_health()
    assert not report.ok
    assert "beku" in report.text_id and "frozen" in report.text_en
    with pytest.raises(DeviceNotReady, match="frozen"):
        camera.capture(timeout=1)

    peer.unfreeze()
    events.next(StatusKind.STATE, "idle", timeout=MARGIN)
    assert camera.state is DeviceState.IDLE
    assert camera.capture(timeout=2).seq > 0
    assert camera.counters["freezes"] == 1


def test_a_vanished_camera_goes_offline_and_comes_back_online(peer, open_camera):
    camera, events = open_camera(peer.url)
    peer.vanish()
    offline = events.next(StatusKind.OFFLINE, timeout=NO_FRAME + MARGIN)
    assert offline.detail == peer.url
    assert camera.state is DeviceState.OFFLINE
    report = camera.check_health()
    assert not report.ok and "tidak ada gambar" in report.text_id and "no picture" in report.text_en
    with pytest.raises(DeviceOffline):
        camera.capture(timeout=1)
    before = camera.latest_frame()
    assert before is not None

    time.sleep(0.5)  # a few refused reconnect attempts
    peer.reappear()
    events.next(StatusKind.ONLINE, timeout=2 + MARGIN)
    assert camera.state is DeviceState.IDLE
    assert camera.capture(timeout=2).seq > before.seq
    assert camera.counters["reconnects"] == 1
    assert camera.counters["disconnects"] == 1


def test_a_stalled_stream_is_offline_after_no_frame_timeout(peer, open_camera):
    camera, events = open_camera(peer.url)
    stalled_at = time.monotonic()
    peer.stall()
    events.next(StatusKind.OFFLINE, timeout=NO_FRAME + MARGIN)
    assert NO_FRAME - 0.2 <= time.monotonic() - stalled_at <= NO_FRAME + MARGIN
    assert f"no frame for {NO_FRAME:g} s" in camera.state_detail
    peer.resume()
    events.next(StatusKind.ONLINE, timeout=NO_FRAME + 1 + MARGIN)
    assert camera.capture(timeout=2) is not None


def test_capture_to_file_writes_readable_png_and_jpeg(peer, open_camera, tmp_path):
    camera, _ = open_camera(peer.url)
    jpeg = camera.capture_to_file(tmp_path / "frame.jpg")
    saved = cv2.imread(str(tmp_path / "frame.jpg"))
    assert saved is not None and saved.shape == jpeg.image.shape == (240, 320, 3)
    png = camera.capture_to_file(tmp_path / "frame.png")
    assert png.seq > jpeg.seq
    assert np.array_equal(cv2.imread(str(tmp_path / "frame.png")), png.image)  # lossless
    with pytest.raises(DeviceError):
        camera.capture_to_file(tmp_path / "frame.unknown")


def test_health_at_both_levels_in_indonesian_and_english(peer, open_camera):
    camera, _ = open_camera(peer.url)
    time.sleep(0.3)
    internal = camera.check_health(HealthLevel.INTERNAL)
    assert internal.ok, internal
    assert "Kamera" in internal.text_id and "gambar mengalir" in internal.text_id
    assert "frames flowing" in internal.text_en
    assert internal.details["source"] == peer.url and internal.details["fps"] > 5

    external = camera.check_health(HealthLevel.EXTERNAL)
    assert external.ok, external
    assert external.details["width"] == 320 and external.details["height"] == 240
    assert 40 < external.details["brightness"] < 220
    assert "320x240" in external.text_id and "kecerahan" in external.text_id
    assert "mean brightness" in external.text_en
    assert external.as_dict()["text"] == {"id": external.text_id, "en": external.text_en}

    peer.play([np.zeros((240, 320, 3), np.uint8), np.full((240, 320, 3), 3, np.uint8)])
    time.sleep(0.5)
    dark = camera.check_health(HealthLevel.EXTERNAL)
    assert not dark.ok
    assert "terlalu gelap" in dark.text_id and "too dark" in dark.text_en


def test_an_unreachable_stream_is_offline_at_once(open_camera):
    url = f"http://127.0.0.1:{free_port()}/stream.mjpg"
    started = time.monotonic()
    camera, events = open_camera(url)
    assert time.monotonic() - started < 1.0
    assert camera.state is DeviceState.OFFLINE
    assert events.next(StatusKind.OFFLINE, timeout=0).detail == url
    assert "cannot open" in camera.state_detail
    assert not camera.check_health(HealthLevel.EXTERNAL).ok
    with pytest.raises(DeviceOffline):
        camera.capture(timeout=0.5)


def test_a_missing_usb_camera_path_is_offline_and_named(open_camera):
    path = "/dev/v4l/by-id/usb-ADM_Test_Camera-video-index0"
    camera, _ = open_camera(path)
    assert camera.state is DeviceState.OFFLINE
    assert camera.state_detail == f"{path} does not exist"


def test_a_closed_camera_refuses_to_capture_and_closes_twice(peer, open_camera):
    camera, events = open_camera(peer.url)
    camera.close()
    camera.close()
    assert camera.state is DeviceState.CLOSED
    events.next(StatusKind.STATE, "closed", timeout=0)
    with pytest.raises(DeviceNotReady):
        camera.capture(timeout=0.5)
    assert not camera.check_health().ok


def test_bad_options_are_config_errors_and_passwords_stay_out_of_texts():
    with pytest.raises(ConfigError, match="frozen_timeout"):
        OpenCvCamera("camera", 0, frozen_timeout=0)
    with pytest.raises(ConfigError):
        OpenCvCamera("camera", " ")
    camera = OpenCvCamera("camera", "rtsp://admin:rahasia@10.0.0.5:554/stream1")
    assert camera.where == "rtsp://10.0.0.5:554/stream1"
    assert "rahasia" not in camera.check_health().text_en
    assert OpenCvCamera("camera", "2").source == 2 and OpenCvCamera("camera", "2").is_v4l2
