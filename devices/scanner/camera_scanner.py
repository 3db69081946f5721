"""The kiosk camera used as a QR scanner: frames in, codes out, decoding supplied by the owner.

The device layer only moves frames; reading a QR code from a phone screen is the kiosk's QR
pipeline (kiosk/), handed in with :meth:`set_decoder`. The same code seen in consecutive frames
is delivered once.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from devices.camera import Camera
from devices.contract import DeviceState, HealthLevel, HealthReport, Listener
from devices.errors import DeviceError
from devices.scanner import ThreadedScanner

log = logging.getLogger(__name__)

Decoder = Callable[[Any], str | None]  # a BGR frame -> the code in it, if any


class CameraScanner(ThreadedScanner):
    """Decodes the newest camera frame on its own thread, so the preview never waits for it."""

    def __init__(
        self,
        name: str,
        camera: Camera,
        repeat_after: float = 3.0,
        interval: float = 0.05,
    ) -> None:
        super().__init__(name)
        self.camera = camera
        self.repeat_after = repeat_after
        self.interval = interval
        self._decoder: Decoder | None = None
        self._last_code = ""
        self._last_seen = 0.0

    def set_decoder(self, decoder: Decoder | None) -> None:
        self._decoder = decoder

    def add_listener(self, listener: Listener) -> None:
        super().add_listener(listener)
        self.camera.add_listener(listener)  # the camera's faults are the scanner's faults

    def _connect(self) -> bool:
        try:
            self.camera.open()
        except DeviceError as exc:
            log.warning("camera scanner %s: %s", self.name, exc)
        self._set_state(DeviceState.IDLE)
        return True

    def _disconnect(self) -> None:
        self.camera.close()

    def _run(self) -> None:
        last_seq = -1
        while not self._stop.wait(self.interval):
            frame = self.camera.latest_frame()
            decoder = self._decoder
            if frame is None or decoder is None or frame.seq == last_seq:
                continue
            last_seq = frame.seq
            try:
                code = decoder(frame.image)
            except Exception:  # a decoder bug must not stop scanning
                log.exception("camera scanner %s: decoder failed", self.name)
                continue
            if code is None:
                continue
            now = time.monotonic()
            if code == self._last_code and now - self._last_seen < self.repeat_after:
                self._last_seen = now  # still the same phone in front of the camera
                continue
            self._last_code, self._last_seen = code, now
            self._deliver(code)

    def check_health(self, level: HealthLevel = HealthLevel.INTERNAL) -> HealthReport:
        camera = self.camera.check_health(level)
        ok = camera.ok and self._decoder is not None
        why_id = camera.text_id if self._decoder else "tidak ada dekoder QR"
        why_en = camera.text_en if self._decoder else "no QR decoder attached"
        return HealthReport(
            device=self.name,
            level=level,
            ok=ok,
            text_id=f"Pemindai kamera: {why_id}",
            text_en=f"Camera scanner: {why_en}",
            details={"camera": camera.details, "counters": self.counter_snapshot()},
        )
