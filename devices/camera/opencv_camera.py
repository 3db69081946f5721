"""A camera read through OpenCV: a V4L2 device (USB camera) or a network stream via FFmpeg.

A reader thread owns the ``cv2.VideoCapture`` and reads without pause, because OpenCV and the
network buffer frames: a consumer that reads only when it needs a picture gets one from seconds
ago. Only the newest frame is kept. A watchdog thread judges the stream: no frame for
``no_frame_timeout`` is OFFLINE, an unchanging picture for ``frozen_timeout`` is ERROR
"frozen". A source that vanishes is reopened every ``reconnect_interval``; a
/dev/v4l/by-id/... path finds a replugged camera again even when its /dev/videoN changes.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import deque
from urllib.parse import urlsplit, urlunsplit

import cv2
import numpy as np

from devices.camera import Camera, Image
from devices.contract import DeviceState, HealthLevel, HealthReport, StatusKind
from devices.errors import ConfigError, DeviceError

log = logging.getLogger(__name__)

FROZEN_DETAIL = "frozen"
DARK_LIMIT = 8.0  # mean brightness below this: lens covered or no light
BRIGHT_LIMIT = 247.0  # above this: blinded by a lamp or sun
_SAMPLE_WIDTH = 160  # pixels across the subsampled picture the frozen check compares


class OpenCvCamera(Camera):
    """A camera on a V4L2 device path/index or any URL OpenCV's FFmpeg backend can open."""

    def __init__(
        self,
        name: str,
        source: str | int,
        width: int = 1280,
        height: int = 720,
        fps: int = 15,
        no_frame_timeout: float = 3.0,
        frozen_timeout: float = 5.0,
        reconnect_interval: float = 1.0,
        frozen_threshold: float = 0.2,
    ) -> None:
        super().__init__(name)
        if isinstance(source, str) and source.strip().isdigit():
            source = int(source)
        if isinstance(source, str) and not source.strip():
            raise ConfigError(f"{name}: source must be a device path, index or URL")
        for option, value in (
            ("no_frame_timeout", no_frame_timeout),
            ("frozen_timeout", frozen_timeout),
            ("reconnect_interval", reconnect_interval),
        ):
            if value <= 0:
                raise ConfigError(f"{name}: {option} must be positive, not {value}")
        self.source = source
        self.width = width
        self.height = height
        self.fps = fps
        self.no_frame_timeout = no_frame_timeout
        self.frozen_timeout = frozen_timeout
        self.reconnect_interval = reconnect_interval
        self.frozen_threshold = frozen_threshold
        self.where = _describe(source)
        self._stop = threading.Event()
        self._first_result = threading.Event()
        self._reader: threading.Thread | None = None
        self._watchdog: threading.Thread | None = None
        # Written by the reader thread, judged by the watchdog thread.
        self._status = threading.Lock()
        self._connected = False
        self._connected_at = 0.0
        self._last_frame_at: float | None = None
        self._changed_at = 0.0
        self._problem = ""
        self._arrivals: deque[float] = deque(maxlen=30)

    @property
    def is_v4l2(self) -> bool:
        return isinstance(self.source, int) or self.source.startswith("/dev/")

    # -- life cycle -------------------------------------------------------------------------
    def open(self) -> None:
        """Start reading; returns once the first frame arrived or the source proved unusable."""
        if self._reader is not None:
            return
        self._stop.clear()
        self._first_result.clear()
        with self._status:
            self._connected_at = 0.0  # the first connection of this open() is no reconnect
        self._reader = threading.Thread(target=self._read_loop, name=f"camera-{self.name}")
        self._reader.daemon = True
        self._reader.start()
        self._first_result.wait(self._open_timeout() + self.no_frame_timeout)
        self._evaluate()
        self._watchdog = threading.Thread(target=self._watch, name=f"camera-{self.name}-watch")
        self._watchdog.daemon = True
        self._watchdog.start()

    def close(self) -> None:
        """Stop both threads and release the source; idempotent."""
        self._stop.set()
        for thread in (self._watchdog, self._reader):
            if thread is not None:
                # A blocked read returns at the read timeout at the latest.
                thread.join(timeout=self._open_timeout() + 2)
                if thread.is_alive():
                    log.warning("camera %s: %s did not stop in time", self.name, thread.name)
        self._watchdog = self._reader = None
        self._set_state(DeviceState.CLOSED)

    def check_health(self, level: HealthLevel = HealthLevel.INTERNAL) -> HealthReport:
        """INTERNAL: frames flow and change. EXTERNAL: one fresh frame, its size and brightness."""
        details: dict[str, object] = {
            "source": self.where,
            "state": self.state.value,
            "counters": dict(self.counters),
            "fps": round(self.measured_fps(), 1),
        }
        latest = self.latest_frame()
        if latest is not None:
            details["last_frame_age"] = round(latest.age, 2)
        ok, text_id, text_en = self._internal_verdict()
        if ok and level is not HealthLevel.INTERNAL:
            ok, text_id, text_en = self._external_verdict(details)
        return HealthReport(
            device=self.name,
            level=level,
            ok=ok,
            text_id=text_id,
            text_en=text_en,
            details=details,
        )

    def measured_fps(self) -> float:
        """Frames per second over the last few frames, as they really arrive."""
        with self._status:
            arrivals = list(self._arrivals)
        if len(arrivals) < 2 or arrivals[-1] <= arrivals[0]:
            return 0.0
        return (len(arrivals) - 1) / (arrivals[-1] - arrivals[0])

    # -- health texts -----------------------------------------------------------------------
    def _internal_verdict(self) -> tuple[bool, str, str]:
        where = self.where
        state = self.state
        if state is DeviceState.CLOSED:
            return False, f"Kamera {where}: belum dibuka", f"Camera {where}: not opened"
        if state is DeviceState.OFFLINE:
            return (
                False,
                f"Kamera {where}: tidak ada gambar ({self.state_detail})",
                f"Camera {where}: no picture ({self.state_detail})",
            )
        if state is DeviceState.ERROR:
            seconds = f"{self.frozen_timeout:g}"
            return (
                False,
                f"Kamera {where}: gambar beku, tidak berubah selama {seconds} detik",
                f"Camera {where}: picture frozen, unchanged for {seconds} s",
            )
        fps = self.measured_fps()
        return (
            True,
            f"Kamera {where}: gambar mengalir ({fps:.1f} fps)",
            f"Camera {where}: frames flowing ({fps:.1f} fps)",
        )

    def _external_verdict(self, details: dict[str, object]) -> tuple[bool, str, str]:
        where = self.where
        try:
            frame = self.capture(timeout=self.no_frame_timeout)
        except DeviceError as exc:
            return (
                False,
                f"Kamera {where}: gagal mengambil gambar ({exc})",
                f"Camera {where}: capture failed ({exc})",
            )
        brightness = mean_brightness(frame.image)
        details.update(width=frame.width, height=frame.height, brightness=round(brightness, 1))
        size = f"{frame.width}x{frame.height}"
        text_id = f"Kamera {where}: gambar {size}, kecerahan rata-rata {brightness:.0f}/255"
        text_en = f"Camera {where}: picture {size}, mean brightness {brightness:.0f}/255"
        if brightness < DARK_LIMIT:
            return False, text_id + " (terlalu gelap: lensa tertutup?)", text_en + " (too dark)"
        if brightness > BRIGHT_LIMIT:
            return False, text_id + " (terlalu terang)", text_en + " (too bright)"
        return True, text_id, text_en

    # -- reader thread ----------------------------------------------------------------------
    def _open_timeout(self) -> float:
        return max(self.no_frame_timeout, 1.0)

    def _connect(self) -> cv2.VideoCapture | None:
        source = self.source
        if self.is_v4l2:
            if isinstance(source, str):
                if not os.path.exists(source):
                    self._note_problem(f"{source} does not exist")
                    return None
                source = os.path.realpath(source)  # by-id link -> the /dev/videoN of today
            capture = cv2.VideoCapture(source, cv2.CAP_V4L2)
            if capture.isOpened():
                self._configure_v4l2(capture)
        else:
            timeout_ms = int(self._open_timeout() * 1000)
            params = [
                cv2.CAP_PROP_OPEN_TIMEOUT_MSEC,
                timeout_ms,
                cv2.CAP_PROP_READ_TIMEOUT_MSEC,  # after the watchdog, which names the fault
                int((self.no_frame_timeout + 1.0) * 1000),
            ]
            capture = cv2.VideoCapture(str(source), cv2.CAP_FFMPEG, params)
        if not capture.isOpened():
            capture.release()
            self._note_problem(f"cannot open {self.where}")
            return None
        with self._status:
            reconnect = self._connected_at > 0
            self._connected = True
            self._connected_at = time.monotonic()
            self._last_frame_at = None
            self._problem = ""
            self._arrivals.clear()
        if reconnect:
            self._count("reconnects")
        log.info("camera %s: opened %s", self.name, self.where)
        return capture

    def _configure_v4l2(self, capture: cv2.VideoCapture) -> None:
        # MJPG first: uncompressed YUYV cannot carry 1280x720 at 15 fps over USB 2.
        capture.set(cv2.CAP_PROP_FOURCC, cv2.VideoWriter.fourcc(*"MJPG"))
        capture.set(cv2.CAP_PROP_FRAME_WIDTH, self.width)
        capture.set(cv2.CAP_PROP_FRAME_HEIGHT, self.height)
        capture.set(cv2.CAP_PROP_FPS, self.fps)
        got = (capture.get(cv2.CAP_PROP_FRAME_WIDTH), capture.get(cv2.CAP_PROP_FRAME_HEIGHT))
        if got != (self.width, self.height):
            wanted = (self.width, self.height)
            log.warning("camera %s: asked %dx%d, got %dx%d", self.name, *wanted, *got)

    def _note_problem(self, problem: str) -> None:
        with self._status:
            first = self._problem != problem
            self._connected = False
            self._problem = problem
        if first:  # once per distinct problem, not once per reconnect attempt
            log.warning("camera %s: %s", self.name, problem)

    def _read_loop(self) -> None:
        capture: cv2.VideoCapture | None = None
        reference: Image | None = None
        try:
            while not self._stop.is_set():
                if capture is None:
                    capture = self._connect()
                    reference = None
                    if capture is None:
                        self._first_result.set()
                        self._stop.wait(self.reconnect_interval)
                        continue
                ok, image = capture.read()
                if not ok or image is None:
                    capture.release()
                    capture = None
                    self._note_problem(f"stream from {self.where} ended or failed")
                    self._first_result.set()
                    self._stop.wait(self.reconnect_interval)
                    continue
                reference = self._accept(np.asarray(image, dtype=np.uint8), reference)
                self._first_result.set()
        finally:
            if capture is not None:
                capture.release()
            with self._status:
                self._connected = False

    def _accept(self, image: Image, reference: Image | None) -> Image:
        """Publish one frame; return the sample later frames are compared with for freezing."""
        now = time.monotonic()
        if image.ndim == 2:
            image = np.asarray(cv2.cvtColor(image, cv2.COLOR_GRAY2BGR), dtype=np.uint8)
        step = max(1, image.shape[1] // _SAMPLE_WIDTH)
        sample = np.asarray(cv2.cvtColor(image[::step, ::step], cv2.COLOR_BGR2GRAY), np.uint8)
        keep = sample
        if reference is not None and reference.shape == sample.shape:
            if float(cv2.absdiff(sample, reference).mean()) < self.frozen_threshold:
                keep = reference  # compared with the last change, so slow drift still counts
        changed = keep is sample
        with self._status:
            self._last_frame_at = now
            self._arrivals.append(now)
            if changed:
                self._changed_at = now
        self._publish(image, now)
        return keep

    # -- watchdog thread --------------------------------------------------------------------
    def _watch(self) -> None:
        period = min(0.1, self.no_frame_timeout / 10, self.frozen_timeout / 10)
        while not self._stop.wait(period):
            self._evaluate()

    def _evaluate(self) -> None:
        """Move the state machine to what the stream shows now; the only place state changes."""
        now = time.monotonic()
        with self._status:
            connected, problem = self._connected, self._problem
            last, changed = self._last_frame_at, self._changed_at
        if not connected:
            self._go_offline(problem or "not connected")
        elif last is None or now - last >= self.no_frame_timeout:
            self._go_offline(f"no frame for {self.no_frame_timeout:g} s")
        elif now - changed >= self.frozen_timeout:
            self._come_online()
            if self.state is not DeviceState.ERROR:
                log.warning("camera %s: picture frozen", self.name)
                self._count("freezes")
                self._set_state(DeviceState.ERROR, FROZEN_DETAIL)
        else:
            self._come_online()
            self._set_state(DeviceState.IDLE)

    def _go_offline(self, why: str) -> None:
        if self.state is DeviceState.OFFLINE:
            return
        log.warning("camera %s: offline: %s", self.name, why)
        self._set_state(DeviceState.OFFLINE, why)
        self._emit(StatusKind.OFFLINE, self.where)

    def _come_online(self) -> None:
        if self.state is DeviceState.OFFLINE:
            log.info("camera %s: frames flow again", self.name)
            self._emit(StatusKind.ONLINE, self.where)


def mean_brightness(image: Image) -> float:
    """Mean grey level 0..255: tells a covered lens or a glaring lamp from a usable picture."""
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
    return float(grey.mean())


def _describe(source: str | int) -> str:
    """The source as logs and health texts show it, without a password from the URL."""
    if isinstance(source, int):
        return f"/dev/video{source}"
    parts = urlsplit(source)
    if parts.password is None and parts.username is None:
        return source
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
