"""The simulated MJPEG camera itself, spoken to over raw sockets like any HTTP client would."""

from __future__ import annotations

import socket
import struct
import time

import cv2
import numpy as np
import pytest
from support import wait_until

from devices.simulators.camera_peer import BOUNDARY, CameraPeer


@pytest.fixture
def peer():
    with CameraPeer(size=(160, 120), fps=20) as p:
        yield p


def connect(peer: CameraPeer, path: str = "/stream.mjpg") -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", peer.port), timeout=3)
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: camera\r\n\r\n".encode())
    return sock


def read_until(sock: socket.socket, buffer: bytearray, marker: bytes) -> bytes:
    while marker not in buffer:
        chunk = sock.recv(65536)
        if not chunk:
            raise EOFError("connection closed")
        buffer.extend(chunk)
    head, _, rest = bytes(buffer).partition(marker)
    buffer[:] = rest
    return head


def read_parts(sock: socket.socket, count: int) -> tuple[bytes, list[bytes]]:
    """The HTTP head and ``count`` JPEG parts of a multipart stream."""
    buffer = bytearray()
    head = read_until(sock, buffer, b"\r\n\r\n")
    parts = []
    for _ in range(count):
        part_head = read_until(sock, buffer, b"\r\n\r\n").decode()
        length = int(part_head.lower().split("content-length:")[1].split()[0])
        while len(buffer) < length + 2:
            buffer.extend(sock.recv(65536))
        parts.append(bytes(buffer[:length]))
        del buffer[: length + 2]
    return head, parts


def decode(jpeg: bytes) -> np.ndarray:
    image = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
    assert image is not None
    return image


def test_the_stream_is_multipart_jpeg_and_consecutive_frames_differ(peer):
    with connect(peer) as sock:
        head, parts = read_parts(sock, 3)
    assert head.startswith(b"HTTP/1.0 200")
    assert f"multipart/x-mixed-replace; boundary={BOUNDARY}".encode() in head
    images = [decode(part) for part in parts]
    assert all(image.shape == (120, 160, 3) for image in images)
    assert np.abs(images[1].astype(int) - images[2].astype(int)).mean() > 1


def test_freeze_repeats_the_same_bytes_and_unfreeze_moves_again(peer):
    peer.freeze()
    with connect(peer) as sock:
        _, parts = read_parts(sock, 3)
    assert parts[1] == parts[2]
    peer.unfreeze()
    with connect(peer) as sock:
        _, parts = read_parts(sock, 3)
    assert parts[1] != parts[2]


def test_clients_that_hang_up_anyhow_never_hurt_the_peer(peer):
    for n in range(20):
        sock = connect(peer)
        sock.recv(100 + n * 37)  # stop in the middle of a head or a frame
        if n % 2:  # some reset the connection instead of closing it
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()
    silent = socket.create_connection(("127.0.0.1", peer.port), timeout=3)
    silent.close()  # connected, said nothing
    half = socket.create_connection(("127.0.0.1", peer.port), timeout=3)
    half.sendall(b"GET /stream.mjpg HT")
    half.close()
    with connect(peer) as sock:
        _, parts = read_parts(sock, 2)
    assert len(parts) == 2
    wait_until(lambda: peer.clients == 0, 3, what="handlers of departed clients to end")


def test_unknown_paths_get_404_and_a_snapshot_is_one_jpeg(peer):
    with connect(peer, "/nothing") as sock:
        assert sock.recv(100).startswith(b"HTTP/1.0 404")
    with connect(peer, "/snapshot.jpg") as sock:
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    assert b"image/jpeg" in head
    assert decode(body).shape == (120, 160, 3)


def test_vanish_drops_every_connection_and_reappear_serves_on_the_same_port(peer):
    port = peer.port
    sock = connect(peer)
    read_parts(sock, 1)
    peer.vanish()
    deadline = time.monotonic() + 3
    with pytest.raises((EOFError, ConnectionError)):
        while time.monotonic() < deadline:
            if not sock.recv(65536):
                raise EOFError
    sock.close()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=3)
    peer.reappear()
    assert peer.port == port
    with connect(peer) as again:
        _, parts = read_parts(again, 1)
    assert decode(parts[0]).shape == (120, 160, 3)


def test_a_played_image_file_is_served(tmp_path):
    image = np.zeros((90, 120, 3), np.uint8)
    image[:, 60:] = (0, 200, 255)
    cv2.imwrite(str(tmp_path / "paper.png"), image)
    with CameraPeer(images=[tmp_path / "paper.png"], fps=20) as peer:
        with connect(peer) as sock:
            _, parts = read_parts(sock, 1)
    assert np.abs(decode(parts[0]).astype(int) - image).mean() < 3
    with pytest.raises(ValueError):
        CameraPeer(images=[tmp_path / "missing.png"])
