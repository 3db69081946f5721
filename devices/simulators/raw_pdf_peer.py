"""A simulated raw (port 9100) PDF printer: takes PJL-wrapped PDF jobs, answers PJL status."""

from __future__ import annotations

import re
import socketserver
import threading
from pathlib import Path

UEL = b"\x1b%-12345X"
_LANGUAGE = re.compile(rb"@PJL ENTER LANGUAGE\s*=\s*PDF\r?\n")


class RawPdfPeer:
    """Listens on 127.0.0.1; every PDF it receives is written to ``out_dir/NNN.pdf``."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        out_dir.mkdir(parents=True, exist_ok=True)
        self.status_code = 10001  # PJL: ready
        self.jobs: list[Path] = []
        self.queries = 0
        peer = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                data = b""
                self.request.settimeout(5)
                while True:
                    try:
                        chunk = self.request.recv(65536)
                    except (TimeoutError, OSError):
                        break
                    if not chunk:
                        break
                    data += chunk
                    if b"@PJL INFO STATUS" in data and b"ENTER LANGUAGE" not in data:
                        peer.queries += 1
                        reply = f"@PJL INFO STATUS\r\nCODE={peer.status_code}\r\n\x0c"
                        self.request.sendall(reply.encode())
                        return
                peer._keep(data)

        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def _keep(self, data: bytes) -> None:
        match = _LANGUAGE.search(data)
        if match is None:
            return  # not a job we understand: a real printer would print garbage; we drop it
        body = data[match.end() :]
        end = body.find(UEL)
        pdf = body if end < 0 else body[:end]
        path = self.out_dir / f"{len(self.jobs) + 1:03d}.pdf"
        path.write_bytes(pdf)
        self.jobs.append(path)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
