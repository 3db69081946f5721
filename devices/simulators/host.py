"""Runs the simulated scanner and receipt printer for a demo or a test, with a control socket.

The drivers find the devices through stable links in ``run_dir`` (``scanner``,
``receipt-printer``), as a real kiosk finds them under /dev/serial/by-id. Commands arrive as
text lines on ``run_dir/sim.sock``: ``scan CODE``, ``paper ok|near_end|empty``,
``cover open|closed``, ``receipts``, and the printer faults ``paper-out-after N``,
``mute on|off``, ``drop``, ``reconnect``, ``baud N`` (0: full speed). Each receipt is kept as
``receipts/NNN.txt``, ``.bin`` and ``.png`` (how the paper looks).
"""

from __future__ import annotations

import json
import logging
import socket
import socketserver
import threading
from pathlib import Path

from devices.simulators.camera_peer import CameraPeer
from devices.simulators.escpos_parser import ParsedReceipt
from devices.simulators.escpos_peer import EscposPeer
from devices.simulators.escpos_render import save_png
from devices.simulators.scanner_peer import ScannerPeer

log = logging.getLogger(__name__)

SOCKET_NAME = "sim.sock"
CAMERA_FAULTS = ("freeze", "unfreeze", "stall", "resume", "vanish", "reappear")


class SimulatorHost:
    """Owns the peers; ``command()`` is what the control socket calls."""

    def __init__(self, run_dir: Path, camera: bool = False) -> None:
        self.run_dir = run_dir
        run_dir.mkdir(parents=True, exist_ok=True)
        self.receipt_dir = run_dir / "receipts"
        self.receipt_dir.mkdir(exist_ok=True)
        self.scanner = ScannerPeer(run_dir / "scanner")
        self.printer = EscposPeer(run_dir / "receipt-printer", on_receipt=self._keep_receipt)
        self._server: socketserver.ThreadingUnixStreamServer | None = None
        # The camera is an MJPEG stream on loopback; its URL is written where a config can read it.
        self.camera = CameraPeer() if camera else None
        if self.camera is not None:
            (run_dir / "camera-url").write_text(self.camera.url + "\n")

    def _keep_receipt(self, receipt: ParsedReceipt, raw: bytes) -> None:
        index = len(list(self.receipt_dir.glob("*.bin"))) + 1
        (self.receipt_dir / f"{index:03d}.bin").write_bytes(raw)
        text = "\n".join(receipt.lines + [f"[QR: {q}]" for q in receipt.qr_codes])
        (self.receipt_dir / f"{index:03d}.txt").write_text(text + "\n", encoding="utf-8")
        save_png(receipt, self.receipt_dir / f"{index:03d}.png")

    def command(self, line: str) -> dict[str, object]:
        """Apply one control command; bad commands get an error, never an exception."""
        verb, _, arg = line.strip().partition(" ")
        if verb == "scan" and arg:
            self.scanner.scan(arg)
            return {"ok": True}
        if verb == "paper" and arg in ("ok", "near_end", "empty"):
            self.printer.paper = arg
            return {"ok": True}
        if verb == "cover" and arg in ("open", "closed"):
            self.printer.cover_open = arg == "open"
            return {"ok": True}
        if verb == "receipts":
            return {
                "ok": True,
                "receipts": [
                    {"lines": r.lines, "qr": r.qr_codes, "incomplete": r.incomplete}
                    for r in self.printer.receipts
                ],
            }
        return self._fault(verb, arg, line)

    def _fault(self, verb: str, arg: str, line: str) -> dict[str, object]:
        """The printer faults: the roll ending, a hung firmware, an unplug, a slow line."""
        if verb == "paper-out-after" and _is_count(arg):
            self.printer.paper_out_after(int(arg))
            return {"ok": True}
        if verb == "mute" and arg in ("on", "off"):
            self.printer.mute(arg == "on")
            return {"ok": True}
        if verb == "drop" and not arg:
            self.printer.drop()
            return {"ok": True}
        if verb == "reconnect" and not arg:
            self.printer.reconnect()
            return {"ok": True, "path": self.printer.path}
        if verb == "baud" and _is_count(arg):
            self.printer.set_baud(int(arg) or None)
            return {"ok": True}
        if verb == "camera" and self.camera is not None and arg in CAMERA_FAULTS:
            getattr(self.camera, arg)()
            return {"ok": True}
        return {"ok": False, "error": f"unknown command {line.strip()[:40]!r}"}

    def serve(self) -> None:
        """Listen on the control socket in a background thread."""
        path = self.run_dir / SOCKET_NAME
        path.unlink(missing_ok=True)
        host = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                for raw in self.rfile:
                    reply = host.command(raw.decode("utf-8", "replace")[:4096])
                    self.wfile.write(json.dumps(reply).encode() + b"\n")

        self._server = socketserver.ThreadingUnixStreamServer(str(path), Handler)
        threading.Thread(target=self._server.serve_forever, name="sim-control", daemon=True).start()

    def close(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        self.scanner.close()
        self.printer.close()
        if self.camera is not None:
            self.camera.close()


def send_command(run_dir: Path, line: str, timeout: float = 5.0) -> dict[str, object]:
    """Send one command to a running simulator host and return its reply."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        sock.connect(str(run_dir / SOCKET_NAME))
        sock.sendall(line.encode() + b"\n")
        reply = b""
        while not reply.endswith(b"\n"):
            chunk = sock.recv(65536)
            if not chunk:
                break
            reply += chunk
    result: dict[str, object] = json.loads(reply)
    return result


def _is_count(text: str) -> bool:
    """A plain non-negative decimal number ("²" is a digit to str.isdigit but not to int)."""
    return text.isascii() and text.isdigit()
