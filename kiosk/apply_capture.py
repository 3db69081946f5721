"""Photographing one paper: frames from the camera, the capture gate's verdict, the photo.

The camera's reader thread only hands over its newest frame; a thread of this class judges it
with :class:`kiosk.vision.capture.CaptureGate` (where are the corners, is it sharp, still, well
lit), so neither the camera nor the screen waits on the analysis. The screen asks
:meth:`PaperCapture.snapshot` for the newest frame and verdict at its own pace (the preview),
and :meth:`PaperCapture.photo` for the result: the paper flattened to a straight page and
encoded as a JPEG, taken by itself once the gate says ready, or at once when the citizen
presses "take photo" (then the whole picture, flattened if the corners were found).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from devices.camera import Camera, Frame
from kiosk.vision.capture import CaptureGate, PaperKind, encode_jpeg, flatten

log = logging.getLogger(__name__)

Image = npt.NDArray[np.uint8]
MAX_JPEG = 600_000  # bytes per paper: six papers stay well under the server's 8 MB


def paper_kind(requirement: str) -> PaperKind:
    """What shape the paper has: an identity card (KTP-el, KIA) or a page (a4)."""
    return "id_card" if requirement.startswith(("ktp", "kia")) else "a4"


@dataclass(frozen=True)
class Snapshot:
    """The newest judged frame: its pixels (read-only), the corners found, what is wrong."""

    image: Image
    seq: int
    corners: Any  # 4x2 float32 (TL, TR, BR, BL) in image pixels, or None
    ready: bool
    reason: str | None  # an i18n key such as "capture.too_far", or None


class PaperCapture:
    """One paper being photographed; :meth:`close` lets go of the camera and the photo."""

    def __init__(self, camera: Camera, requirement: str, auto: bool = True) -> None:
        self.camera = camera
        self.kind = paper_kind(requirement)
        self.auto = auto
        self._gate = CaptureGate(kind=self.kind)
        self._lock = threading.Lock()
        self._new = threading.Condition(self._lock)
        self._frame: Frame | None = None
        self._snapshot: Snapshot | None = None
        self._photo: bytes | None = None
        self._take_now = False
        self._seen = 0
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="paper-capture", daemon=True)
        camera.add_frame_listener(self._on_frame)
        self._thread.start()

    # -- for the screen ----------------------------------------------------------------------
    def snapshot(self) -> Snapshot | None:
        with self._lock:
            return self._snapshot

    def photo(self) -> bytes | None:
        """The JPEG once taken (automatically or by :meth:`take_now`), else None."""
        with self._lock:
            return self._photo

    def take_now(self) -> None:
        """The citizen pressed "take photo": use the next frame whatever the gate says."""
        with self._lock:
            self._take_now = True
            self._new.notify_all()

    def close(self) -> None:
        self.camera.remove_frame_listener(self._on_frame)
        with self._lock:
            self._closed = True
            self._frame = None
            self._snapshot = None
            self._photo = None
            self._new.notify_all()
        # not joined: the thread ends by itself at its next look, and the screen must not wait
        # for a photo being encoded

    # -- threads -----------------------------------------------------------------------------
    def _on_frame(self, frame: Frame) -> None:
        """On the camera's reader thread: keep the newest frame, nothing else."""
        with self._lock:
            self._frame = frame
            self._new.notify_all()

    def _something_to_do(self) -> bool:
        frame = self._frame
        return self._closed or (frame is not None and (frame.seq > self._seen or self._take_now))

    def _run(self) -> None:
        seen = 0
        while True:
            with self._lock:
                self._new.wait_for(
                    lambda: (
                        self._closed
                        or (self._frame is not None and self._frame.seq > seen)
                        or (self._take_now and self._frame is not None)
                    ),
                    timeout=1.0,
                )
                if self._closed or self._photo is not None:
                    return
                frame = self._frame
                take_now = self._take_now
            if frame is None:
                continue
            self._seen = frame.seq
            try:
                verdict = self._gate.feed(frame.image, frame.at)
                snapshot = Snapshot(
                    frame.image, frame.seq, verdict.corners, bool(verdict.ready), verdict.reason
                )
                photo = None
                if take_now or (self.auto and snapshot.ready):
                    started = time.monotonic()
                    flat = (
                        flatten(frame.image, verdict.corners, self.kind)
                        if verdict.corners is not None
                        else frame.image
                    )
                    photo = bytes(encode_jpeg(flat, max_bytes=MAX_JPEG))
                    log.info(
                        "paper photographed (%s, %s, %d bytes, %.0f ms)",
                        self.kind,
                        "by hand" if take_now else "automatically",
                        len(photo),
                        (time.monotonic() - started) * 1000,
                    )
            except Exception:  # a bad frame must not end the preview
                log.exception("capture gate failed on a frame")
                continue
            with self._lock:
                if self._closed:
                    return
                self._snapshot = snapshot
                if photo is not None:
                    self._photo = photo
                    return
