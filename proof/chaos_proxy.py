"""A TCP proxy on loopback that the harness turns into a bad network: down, slow, or cutting.

Modes (:meth:`ChaosProxy.set_mode`), applied to every connection from the moment they are set:

- ``pass``: bytes flow both ways untouched.
- ``down``: new connections are accepted and closed at once, open ones are closed (the kiosk
  sees "connection refused/reset", as when the office's line is cut).
- ``slow``: each burst of bytes (a request, an answer) waits ``delay`` seconds before it is
  forwarded: the latency of a congested line, not a narrow one.
- ``reset``: each connection forwards ``cut_after`` bytes of the request or the answer, then
  both sides are closed: a request cut mid-way, or an answer lost after the server acted.

It listens on 127.0.0.1 only and forwards to one upstream address on loopback.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time

MODES = ("pass", "down", "slow", "reset")


class ChaosProxy:
    """Forwards 127.0.0.1:<port> to ``upstream`` through the current mode."""

    def __init__(self, upstream_port: int, upstream_host: str = "127.0.0.1") -> None:
        if upstream_host not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError("the chaos proxy forwards to loopback only")
        self.upstream = (upstream_host, upstream_port)
        self.mode = "pass"
        self.delay = 0.0
        self.cut_after = 0
        self.counts = {mode: 0 for mode in MODES}  # connections served in each mode
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self.port = int(self._listener.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._closed = False
        self._thread = threading.Thread(target=self._accept, name="chaos-proxy", daemon=True)

    def start(self) -> ChaosProxy:
        self._thread.start()
        return self

    def set_mode(self, mode: str, delay: float = 0.0, cut_after: int = 0) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; one of {MODES}")
        with self._lock:
            self.mode, self.delay, self.cut_after = mode, delay, cut_after
            if mode == "down":
                for sock in list(self._open):
                    _close(sock)
                self._open.clear()

    def close(self) -> None:
        self._closed = True
        _close(self._listener)
        with self._lock:
            for sock in list(self._open):
                _close(sock)
            self._open.clear()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                mode = self.mode
                self.counts[mode] += 1
            if mode == "down":
                _close(client)
                continue
            try:
                upstream = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                _close(client)  # the server itself is down: the kiosk sees the same as "down"
                continue
            upstream.settimeout(None)
            with self._lock:
                self._open.update((client, upstream))
            budget = [self.cut_after] if mode == "reset" else None
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(
                    target=self._pipe, args=(src, dst, budget), name="chaos-pipe", daemon=True
                ).start()

    def _pipe(self, src: socket.socket, dst: socket.socket, budget: list[int] | None) -> None:
        last = 0.0
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                with self._lock:
                    mode, delay = self.mode, self.delay
                if mode == "down":
                    break
                if mode == "slow" and delay > 0 and time.monotonic() - last > 0.05:
                    time.sleep(delay)  # a new burst: the line's latency
                last = time.monotonic()
                if budget is not None:
                    with self._lock:
                        allowed = max(budget[0], 0)
                        budget[0] -= len(data)
                    dst.sendall(data[:allowed])
                    if len(data) > allowed:
                        break
                    continue
                dst.sendall(data)
        except OSError:
            pass
        finally:
            with self._lock:
                self._open.discard(src)
                self._open.discard(dst)
            _close(src)
            _close(dst)


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        sock.close()
