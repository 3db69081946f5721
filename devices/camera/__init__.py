"""Cameras: the kiosk photographs papers and reads QR codes off phone screens.

The contract is "newest frame wins": a driver keeps only the most recent picture, so a slow
consumer never works on a stale queue. :meth:`Camera.capture` waits for a frame that arrived
after the call, which is what a citizen holding a paper up to the camera expects.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt

from devices.contract import Device, DeviceState
from devices.errors import DeviceError, DeviceNotReady, DeviceOffline

log = logging.getLogger(__name__)

Image = npt.NDArray[np.uint8]


@dataclass(frozen=True, eq=False)
class Frame:
    """One picture: BGR pixels (read-only, shared), when it arrived, and its place in the stream."""

    image: Image
    at: float  # time.monotonic() when the driver received it
    seq: int  # increases by one per frame for the life of the Camera object

    @property
    def width(self) -> int:
        return int(self.image.shape[1])

    @property
    def height(self) -> int:
        return int(self.image.shape[0])

    @property
    def age(self) -> float:
        """Seconds since the frame arrived, to judge whether it shows the present."""
        return time.monotonic() - self.at


FrameListener = Callable[[Frame], None]


class Camera(Device):
    """Contract: after :meth:`open`, frames flow in; the newest is kept, older ones dropped."""

    kind = "camera"

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.state_detail = ""
        self._frame: Frame | None = None
        self._seq = 0
        self._frame_ready = threading.Condition()
        self._frame_listeners: list[FrameListener] = []

    # -- frames -----------------------------------------------------------------------------
    def latest_frame(self) -> Frame | None:
        """The newest frame received (possibly old if the camera stopped); None before the first."""
        with self._frame_ready:
            return self._frame

    def capture(self, timeout: float = 3.0) -> Frame:
        """Wait for a frame that arrives after this call, so the picture shows the present."""
        with self._frame_ready:
            self._refuse_unless_ready()
            start = self._seq
            self._frame_ready.wait_for(
                lambda: self._seq > start or not self._ready(), timeout=timeout
            )
            self._refuse_unless_ready()
            if self._seq <= start or self._frame is None:
                raise DeviceNotReady(f"camera {self.name}: no new frame within {timeout:g} s")
            return self._frame

    def capture_to_file(self, path: str | Path, timeout: float = 3.0) -> Frame:
        """Capture a fresh frame and save it (format from the suffix, e.g. .png, .jpg)."""
        frame = self.capture(timeout)
        try:
            written = cv2.imwrite(str(path), frame.image)
        except cv2.error as exc:  # unknown suffix
            raise DeviceError(f"camera {self.name}: cannot save {path}: {exc}") from exc
        if not written:
            raise DeviceError(f"camera {self.name}: cannot save {path}")
        return frame

    def add_frame_listener(self, listener: FrameListener) -> None:
        """Call ``listener`` with every new frame, on the driver's reader thread; keep it quick."""
        with self._lock:
            self._frame_listeners.append(listener)

    def remove_frame_listener(self, listener: FrameListener) -> None:
        with self._lock:
            if listener in self._frame_listeners:
                self._frame_listeners.remove(listener)

    # -- for drivers ------------------------------------------------------------------------
    def _publish(self, image: Image, at: float) -> Frame:
        """Make ``image`` the newest frame and hand it to frame listeners."""
        image.flags.writeable = False  # shared by every consumer; nobody may draw on it
        with self._frame_ready:
            self._seq += 1
            frame = Frame(image=image, at=at, seq=self._seq)
            self._frame = frame
            self._frame_ready.notify_all()
        self._count("frames")
        with self._lock:
            listeners = list(self._frame_listeners)
        for listener in listeners:
            try:
                listener(frame)
            except Exception:  # a faulty listener must not stop the camera
                log.exception("frame listener failed on camera %s", self.name)
        return frame

    def _set_state(self, state: DeviceState, detail: str = "") -> None:
        self.state_detail = detail
        super()._set_state(state, detail)
        with self._frame_ready:  # wake capture() so it fails now rather than at its timeout
            self._frame_ready.notify_all()

    def _ready(self) -> bool:
        return self.state in (DeviceState.IDLE, DeviceState.BUSY)

    def _refuse_unless_ready(self) -> None:
        state = self.state
        if state is DeviceState.OFFLINE:
            raise DeviceOffline(f"camera {self.name} is offline: {self.state_detail}")
        if state is DeviceState.CLOSED:
            raise DeviceNotReady(f"camera {self.name} is not open")
        if state is DeviceState.ERROR:
            raise DeviceNotReady(f"camera {self.name}: {self.state_detail or 'error'}")
