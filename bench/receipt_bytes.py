"""How many bytes the standard kiosk receipt puts on the serial link, and how long that takes.

The receipt is ``kiosk.pickup.build_receipt`` for a two-document pickup, printed by our
EscposReceiptPrinter to the simulated printer (EscposPeer) on a pty that reads no faster than
a serial line at 9600 or 115200 baud (8N1, 10 bits a byte). Once with the printer's native QR
(GS ( k), once with the QR sent as a raster image (python-escpos draws it).

Run: ``.venv/bin/python bench/receipt_bytes.py`` (about 20 s: most of it is the driver waiting
out its status-read timeout, see the last column).
"""

from __future__ import annotations

import contextlib
import io
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from importlib.metadata import version

from devices.receipt import Receipt
from devices.receipt.escpos_printer import EscposReceiptPrinter
from devices.simulators.escpos_peer import EscposPeer
from kiosk.pickup import build_receipt
from kiosk.server_client import JobDocument, PrintJob

BAUDS = (9600, 115200)
LIMIT = 1024  # bytes a native-QR receipt may take on the link
TIMEOUT = 3.0  # the driver's default, as a kiosk runs it

JOB = PrintJob(
    id="job-bench",
    receipt_number="R-20261122-7KQ2M9",
    status="claimed",
    documents=[
        JobDocument("d1", "KK", "7307051203240003", "AN*** S***", "/api/v1/documents/d1"),
        JobDocument(
            "d2", "AKTA_KELAHIRAN", "7307-LT-12032024-0001", "AN*** S***", "/api/v1/documents/d2"
        ),
    ],
)


@dataclass(frozen=True)
class Run:
    sent: bytes
    lines: list[str]
    wire: float  # first receipt byte after the status reply to the cut, at the printer
    total: float  # print_receipt called to the cut at the printer
    status_wait: float  # the driver waiting for its status read to time out


def print_once(receipt: Receipt, native_qr: bool, baud: int) -> Run:
    """Print one receipt through the driver to a fresh simulated printer at ``baud``."""
    peer = EscposPeer(baud=baud)
    try:
        printer = EscposReceiptPrinter(
            "receipt", port=peer.path, baudrate=baud, timeout=TIMEOUT, native_qr=native_qr
        )
        # python-escpos print()s a warning to stdout for every image when its profile has no
        # paper width; keep it out of the table.
        with contextlib.redirect_stdout(io.StringIO()):
            start = time.monotonic()
            printer.print_receipt(receipt)
        [parsed] = peer.wait_for_receipts(1, timeout=60)
        assert parsed.cut and not parsed.incomplete
        [timing] = peer.timings
        return Run(
            sent=quiet_link(peer),
            lines=parsed.lines,
            wire=timing.link_seconds,
            total=timing.cut - start,
            status_wait=timing.body - timing.first_byte,
        )
    finally:
        peer.close()


def quiet_link(peer: EscposPeer, quiet: float = 0.3) -> bytes:
    """Everything the driver sent, once nothing more has arrived for ``quiet`` seconds."""
    seen = -1
    while len(peer.received) != seen:
        seen = len(peer.received)
        time.sleep(quiet)
    return bytes(peer.received)


def breakdown(raw: bytes, lines: list[str]) -> dict[str, int]:
    """Bytes by kind: printed text (with its LFs), native QR, raster image, other commands."""
    parts = {"text": sum(len(line) + 1 for line in lines), "qr": 0, "image": 0}
    i = 0
    while i < len(raw):
        size = 1
        if raw.startswith(b"\x1d(k", i) and i + 5 <= len(raw):
            size = 5 + (raw[i + 3] | raw[i + 4] << 8)
            parts["qr"] += size
        elif raw.startswith(b"\x1dv0", i) and i + 8 <= len(raw):
            size = 8 + (raw[i + 4] | raw[i + 5] << 8) * (raw[i + 6] | raw[i + 7] << 8)
            parts["image"] += size
        i += size
    parts["commands"] = len(raw) - sum(parts.values())
    return parts


def main() -> int:
    receipt = build_receipt(JOB, "Kantor Dukcapil Kab. Sinjai", datetime(2026, 11, 22, 9, 30))
    results: dict[tuple[str, int], Run] = {}
    for native in (True, False):
        for baud in BAUDS:
            results[("native" if native else "image", baud)] = print_once(receipt, native, baud)

    print(f"python-escpos {version('python-escpos')}, driver timeout {TIMEOUT} s")
    print()
    print(
        "| QR     | bytes sent | s at 9600 (link) | s at 9600 (call to cut) "
        "| s at 115200 (link) | s at 115200 (call to cut) | of which status wait s |"
    )
    print(
        "|--------|-----------:|-----------------:|------------------------:"
        "|-------------------:|--------------------------:|-----------------------:|"
    )
    for mode in ("native", "image"):
        slow, fast = results[(mode, 9600)], results[(mode, 115200)]
        assert slow.sent == fast.sent, "the same receipt must be the same bytes at any speed"
        print(
            f"| {mode:<6} | {len(slow.sent):>10,} | {slow.wire:>16.2f} | {slow.total:>23.2f} "
            f"| {fast.wire:>18.2f} | {fast.total:>25.2f} | {slow.status_wait:>22.2f} |"
        )
    print()
    for mode in ("native", "image"):
        run = results[(mode, 9600)]
        parts = breakdown(run.sent, run.lines)
        print(f"{mode} QR bytes by kind: " + ", ".join(f"{k} {v}" for k, v in parts.items()))
    native_size = len(results[("native", 9600)].sent)
    verdict = "within" if native_size <= LIMIT else "OVER"
    print(f"native-QR receipt: {native_size} bytes, {verdict} the {LIMIT}-byte budget")
    return 0 if native_size <= LIMIT else 1


if __name__ == "__main__":
    sys.exit(main())
