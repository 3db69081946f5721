"""A simulated network camera: MJPEG over HTTP on loopback, the way many IP cameras stream.

The camera driver reaches it through OpenCV's FFmpeg backend at :attr:`CameraPeer.url`, so
tests exercise real sockets and real JPEG decoding. It plays given images in a loop or a moving
test pattern with a frame counter (consecutive frames always differ). Faults: ``freeze()``
repeats the last frame, ``stall()`` keeps the connection open but sends nothing, ``vanish()``
closes the server and every connection, ``reappear()`` serves again on the same port.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

log = logging.getLogger(__name__)

BOUNDARY = "admframe"
PeerImage = npt.NDArray[np.uint8] | str | os.PathLike[str]


class CameraPeer:
    """Serves ``/stream.mjpg`` (multipart/x-mixed-replace) and ``/snapshot.jpg`` on 127.0.0.1."""

    def __init__(
        self,
        images: Sequence[PeerImage] | None = None,
        fps: float = 15.0,
        size: tuple[int, int] = (640, 480),
        quality: int = 90,
        port: int = 0,
    ) -> None:
        self.fps = fps
        self.size = size
        self.quality = quality
        self._clip: list[bytes] = []
        self._frozen = False
        self._stalled = False
        self._jpeg = b""
        self._seq = 0
        self._new_frame = threading.Condition()
        self._connections: set[socket.socket] = set()
        self._conn_lock = threading.Lock()
        self._server: _Server | None = None
        self._closed = threading.Event()
        if images:
            self.play(images)
        self._produce()  # a first frame exists before anyone connects
        self._port = port
        self._serve()
        self._producer = threading.Thread(target=self._produce_loop, name="camera-peer")
        self._producer.daemon = True
        self._producer.start()

    @property
    def port(self) -> int:
        return self._port

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._port}/stream.mjpg"

    @property
    def frames_produced(self) -> int:
        with self._new_frame:
            return self._seq

    @property
    def clients(self) -> int:
        with self._conn_lock:
            return len(self._connections)

    # -- what is shown ----------------------------------------------------------------------
    def play(self, images: Sequence[PeerImage]) -> None:
        """Loop over these images (arrays or file paths) instead of the test pattern."""
        clip = [self._encode(_load(image)) for image in images]
        if not clip:
            raise ValueError("play() needs at least one image")
        with self._new_frame:
            self._clip = clip

    def play_pattern(self) -> None:
        """Go back to the moving test pattern."""
        with self._new_frame:
            self._clip = []

    # -- faults -----------------------------------------------------------------------------
    def freeze(self) -> None:
        """Keep sending the last frame, byte for byte, as a hung camera firmware does."""
        self._frozen = True

    def unfreeze(self) -> None:
        self._frozen = False

    def stall(self) -> None:
        """Keep connections open but send nothing, like a camera whose sensor stopped."""
        self._stalled = True

    def resume(self) -> None:
        self._stalled = False

    def vanish(self) -> None:
        """Stop listening and drop every open connection, like a pulled network cable."""
        with self._conn_lock:
            server, self._server = self._server, None
            connections = list(self._connections)
        if server is None:
            return
        server.gone = True
        server.shutdown()
        server.server_close()
        for conn in connections:
            try:
                conn.shutdown(socket.SHUT_RDWR)  # the handler thread closes it when it notices
            except OSError:
                pass  # already gone

    def reappear(self) -> None:
        """Serve again on the same port."""
        if self._server is None and not self._closed.is_set():
            self._serve()

    def close(self) -> None:
        self._closed.set()
        self.vanish()
        self._producer.join(timeout=2)

    def __enter__(self) -> CameraPeer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- frames -----------------------------------------------------------------------------
    def _encode(self, image: npt.NDArray[np.uint8]) -> bytes:
        ok, jpeg = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, self.quality])
        if not ok:
            raise ValueError("cv2.imencode could not encode the image")
        return bytes(jpeg.tobytes())

    def _produce(self) -> None:
        with self._new_frame:
            if self._stalled:
                return
            if self._frozen and self._jpeg:
                jpeg = self._jpeg
            elif self._clip:
                jpeg = self._clip[self._seq % len(self._clip)]
            else:
                jpeg = self._encode(pattern_frame(self._seq, self.size))
            self._jpeg = jpeg
            self._seq += 1
            self._new_frame.notify_all()

    def _produce_loop(self) -> None:
        period = 1.0 / self.fps
        due = time.monotonic()
        while not self._closed.is_set():
            due += period
            delay = due - time.monotonic()
            if delay < -period:  # fell behind (slow machine): skip, do not burst
                due = time.monotonic()
            elif delay > 0:
                self._closed.wait(delay)
            self._produce()

    def next_frame(self, after: int, timeout: float) -> tuple[int, bytes] | None:
        """The first frame with a sequence number above ``after``, or None at the timeout."""
        with self._new_frame:
            if not self._new_frame.wait_for(lambda: self._seq > after, timeout):
                return None
            return self._seq, self._jpeg

    # -- HTTP -------------------------------------------------------------------------------
    def _serve(self) -> None:
        server = _Server(("127.0.0.1", self._port), _Handler, self)
        self._port = server.server_address[1]
        with self._conn_lock:
            self._server = server
        thread = threading.Thread(
            target=server.serve_forever, args=(0.1,), name=f"camera-peer-{self._port}"
        )
        thread.daemon = True
        thread.start()

    def _track(self, conn: socket.socket, add: bool) -> None:
        with self._conn_lock:
            if add:
                self._connections.add(conn)
            else:
                self._connections.discard(conn)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True  # reappear() binds the same port while old sockets linger

    def __init__(self, address: tuple[str, int], handler: Any, peer: CameraPeer) -> None:
        self.peer = peer
        self.gone = False
        super().__init__(address, handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client going away mid-frame is normal for a camera; never print a traceback.
        log.debug("camera peer: client %s failed", client_address, exc_info=True)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.server.peer._track(self.connection, add=True)

    def finish(self) -> None:
        self.server.peer._track(self.connection, add=False)
        try:
            super().finish()
        except OSError:
            pass  # the client left; nothing to flush to

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("camera peer: " + format, *args)

    def do_GET(self) -> None:
        peer = self.server.peer
        path = self.path.split("?", 1)[0]
        try:
            if path == "/stream.mjpg":
                self._stream(peer)
            elif path == "/snapshot.jpg":
                frame = peer.next_frame(0, timeout=1.0)
                self._send_jpeg(frame[1] if frame else b"")
            else:
                self.send_error(404, "try /stream.mjpg or /snapshot.jpg")
        except OSError as exc:  # BrokenPipe, ConnectionReset: the client hung up
            log.debug("camera peer: client left: %s", exc)

    def _send_jpeg(self, jpeg: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "image/jpeg")
        self.send_header("Content-Length", str(len(jpeg)))
        self.end_headers()
        self.wfile.write(jpeg)

    def _stream(self, peer: CameraPeer) -> None:
        self.send_response(200)
        self.send_header("Content-Type", f"multipart/x-mixed-replace; boundary={BOUNDARY}")
        self.send_header("Cache-Control", "no-cache, no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        seq = peer.frames_produced - 1  # start with the current frame
        while not self.server.gone:
            frame = peer.next_frame(seq, timeout=0.5)
            if frame is None:
                continue
            seq, jpeg = frame
            head = (
                f"--{BOUNDARY}\r\nContent-Type: image/jpeg\r\nContent-Length: {len(jpeg)}\r\n\r\n"
            ).encode("ascii")
            self.wfile.write(head + jpeg + b"\r\n")


def pattern_frame(n: int, size: tuple[int, int] = (640, 480)) -> npt.NDArray[np.uint8]:
    """Frame ``n`` of a moving pattern: colour bars that scroll, a sweeping box, the number."""
    width, height = size
    x = (np.arange(width) * 255 // max(width - 1, 1)).astype(np.uint8)
    ramp = np.roll(x, (n * 8) % width)
    image = np.empty((height, width, 3), np.uint8)
    image[..., 0] = ramp
    image[..., 1] = np.roll(ramp, width // 3)
    image[..., 2] = np.roll(ramp, 2 * width // 3)
    side = max(height // 6, 8)
    left = (n * 12) % max(width - side, 1)
    top = height // 2 - side // 2
    image[top : top + side, left : left + side] = 255
    scale = max(height / 240, 0.5)
    cv2.rectangle(image, (0, 0), (int(230 * scale), int(40 * scale)), (0, 0, 0), -1)
    org = (int(8 * scale), int(30 * scale))
    cv2.putText(image, f"ADM #{n:06d}", org, cv2.FONT_HERSHEY_SIMPLEX, scale, (255, 255, 255), 2)
    return image


def _load(image: PeerImage) -> npt.NDArray[np.uint8]:
    if isinstance(image, np.ndarray):
        return image
    loaded = cv2.imread(os.fspath(image))
    if loaded is None:
        raise ValueError(f"cannot read image {os.fspath(image)!r}")
    return np.asarray(loaded, dtype=np.uint8)
