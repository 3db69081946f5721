"""A simulated ESC/POS receipt printer on the far end of a pty: parses, keeps, answers status.

Tests and the demo set ``paper`` to "ok", "near_end" or "empty" and ``cover_open`` to make it
answer DLE EOT queries the way a real printer would.
"""

from __future__ import annotations

import logging
import os
import select
import threading
from collections.abc import Callable
from pathlib import Path

from devices.simulators.escpos_parser import EscposStream, ParsedReceipt
from devices.simulators.pty_link import PtyLink

log = logging.getLogger(__name__)

_PAPER_REPLY = {"ok": 0x12, "near_end": 0x1E, "empty": 0x72}


class EscposPeer:
    """Reads every byte the driver writes, keeps it, and answers real-time status queries."""

    def __init__(
        self,
        link: Path | None = None,
        on_receipt: Callable[[ParsedReceipt, bytes], None] | None = None,
    ) -> None:
        self.pty = PtyLink(link)
        self.stream = EscposStream()
        self.received = bytearray()
        self.paper = "ok"
        self.cover_open = False
        self.answer_status = True
        self.on_receipt = on_receipt
        self._receipt_start = 0
        self._stop = threading.Event()
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="escpos-peer", daemon=True)
        self._thread.start()

    @property
    def path(self) -> str:
        return self.pty.path

    @property
    def receipts(self) -> list[ParsedReceipt]:
        return list(self.stream.receipts)

    def wait_for_receipts(self, count: int, timeout: float) -> list[ParsedReceipt]:
        with self._changed:
            self._changed.wait_for(lambda: len(self.stream.receipts) >= count, timeout)
        return self.receipts

    def _status_byte(self, n: int) -> int:
        if n == 4:
            return _PAPER_REPLY[self.paper]
        if n == 2:  # off-line cause: bit 2 cover open, bit 5 paper end stop
            return 0x12 | (0x04 if self.cover_open else 0) | (0x20 if self.paper == "empty" else 0)
        return 0x12 | (0x08 if self.cover_open or self.paper == "empty" else 0)

    def _run(self) -> None:
        while not self._stop.is_set():
            ready, _, _ = select.select([self.pty.master], [], [], 0.1)
            if not ready:
                continue
            try:
                data = os.read(self.pty.master, 4096)
            except OSError:
                return  # the pty was closed
            with self._changed:
                self.received.extend(data)
                before = len(self.stream.receipts)
                queries = self.stream.feed(data)
                for receipt in self.stream.receipts[before:]:
                    raw = bytes(self.received[self._receipt_start :])
                    self._receipt_start = len(self.received)
                    if self.on_receipt is not None:
                        self.on_receipt(receipt, raw)
                self._changed.notify_all()
            if self.answer_status:
                for n in queries:
                    os.write(self.pty.master, bytes([self._status_byte(n)]))

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=1)
        self.pty.close()
