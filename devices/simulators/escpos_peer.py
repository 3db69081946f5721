"""A simulated ESC/POS receipt printer on the far end of a pty: parses, keeps, answers status.

It fights back the way real printers do, so the driver's failure paths can be tested:
``paper`` ("ok", "near_end", "empty") and ``cover_open`` shape the DLE EOT replies and stop
printing; :meth:`paper_out_after` ends the roll after N more printed lines; :meth:`mute` stops
status replies; :meth:`drop` makes the device vanish (USB unplugged) and :meth:`reconnect`
brings it back behind the same link path; ``baud`` slows reading to what a serial line carries.
"""

from __future__ import annotations

import logging
import os
import select
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from devices.simulators.escpos_parser import EscposStream, ParsedReceipt
from devices.simulators.pty_link import PtyLink

log = logging.getLogger(__name__)

_PAPER_REPLY = {"ok": 0x12, "near_end": 0x1E, "empty": 0x72}
BITS_PER_BYTE = 10  # start bit, 8 data bits, stop bit: 8N1
READ_SLICE = 0.01  # seconds of line time read at once on a slow link


@dataclass(frozen=True)
class ReceiptTiming:
    """When a receipt's bytes reached the printer (time.monotonic), to measure the link."""

    first_byte: float
    body: float  # the first byte after the last status reply: the driver's wait is over
    cut: float

    @property
    def link_seconds(self) -> float:
        return self.cut - self.body


class EscposPeer:
    """Reads every byte the driver writes, keeps it, and answers real-time status queries."""

    def __init__(
        self,
        link: Path | None = None,
        on_receipt: Callable[[ParsedReceipt, bytes], None] | None = None,
        baud: int | None = None,
    ) -> None:
        self.link = link
        self.pty: PtyLink | None = PtyLink(link)
        self.stream = EscposStream()
        self.received = bytearray()
        self.timings: list[ReceiptTiming] = []
        self._paper = "ok"
        self.answer_status = True
        self.baud = baud
        self.on_receipt = on_receipt
        self._path = self.pty.path
        self._receipt_start = 0
        self._first_byte: float | None = None
        self._body: float | None = None
        self._wire_free = 0.0
        self._changed = threading.Condition()
        self._stop = threading.Event()
        self._thread = self._start()

    # -- what tests and the control socket set ----------------------------------------------
    @property
    def path(self) -> str:
        return self._path

    @property
    def connected(self) -> bool:
        return self.pty is not None

    @property
    def paper(self) -> str:
        return "empty" if self.stream.paper_out else self._paper

    @paper.setter
    def paper(self, level: str) -> None:
        if level not in _PAPER_REPLY:
            raise ValueError(f"paper is ok, near_end or empty, not {level!r}")
        with self._changed:
            self._paper = "ok" if level == "empty" else level
            self.stream.paper_out = level == "empty"
            self.stream.paper_left = None

    @property
    def cover_open(self) -> bool:
        return self.stream.cover_open

    @cover_open.setter
    def cover_open(self, is_open: bool) -> None:
        with self._changed:
            self.stream.cover_open = is_open

    def paper_out_after(self, lines: int) -> None:
        """End the roll after ``lines`` more printed lines; then the sensor reports empty."""
        with self._changed:
            self.stream.paper_out = lines <= 0
            self.stream.paper_left = max(lines, 0)

    def mute(self, on: bool = True) -> None:
        """Stop (or resume) answering DLE EOT, like a printer whose firmware hung."""
        self.answer_status = not on

    def set_baud(self, baud: int | None) -> None:
        """Read no faster than a serial line at ``baud`` (8N1) carries; None is full speed."""
        if baud is not None and baud <= 0:
            raise ValueError("baud must be positive")
        self.baud = baud

    def drop(self) -> None:
        """The device vanishes: the pty is closed and its stable link removed, as udev does."""
        if self.pty is None:
            return
        self._stop.set()
        self._thread.join(timeout=2)
        self.pty.close()
        self.pty = None
        if self.link is not None and self.link.is_symlink():
            self.link.unlink()
        with self._changed:
            self.stream.connection_lost()
            self._changed.notify_all()

    def reconnect(self) -> None:
        """The device is back: a new pty behind the same link path (the pts number may differ)."""
        if self.pty is not None:
            return
        self.pty = PtyLink(self.link)
        self._path = self.pty.path
        self._stop = threading.Event()
        self._thread = self._start()

    # -- what tests read --------------------------------------------------------------------
    @property
    def receipts(self) -> list[ParsedReceipt]:
        return list(self.stream.receipts)

    def wait_for_receipts(self, count: int, timeout: float) -> list[ParsedReceipt]:
        with self._changed:
            self._changed.wait_for(lambda: len(self.stream.receipts) >= count, timeout)
        return self.receipts

    # -- the printer ------------------------------------------------------------------------
    def _start(self) -> threading.Thread:
        thread = threading.Thread(target=self._run, args=(self._stop,), name="escpos-peer")
        thread.daemon = True
        thread.start()
        return thread

    def _status_byte(self, n: int) -> int:
        paper = self.paper
        if n == 4:
            return _PAPER_REPLY[paper]
        if n == 2:  # off-line cause: bit 2 cover open, bit 5 paper end stop
            return 0x12 | (0x04 if self.cover_open else 0) | (0x20 if paper == "empty" else 0)
        return 0x12 | (0x08 if self.cover_open or paper == "empty" else 0)

    def _wire_wait(self, count: int, stop: threading.Event) -> None:
        """Hold the bytes just read until a serial line at ``baud`` would have delivered them."""
        baud = self.baud
        if not baud:
            return
        now = time.monotonic()
        self._wire_free = max(now, self._wire_free) + count * BITS_PER_BYTE / baud
        stop.wait(self._wire_free - now)

    def _run(self, stop: threading.Event) -> None:
        pty = self.pty
        if pty is None:
            return
        while not stop.is_set():
            ready, _, _ = select.select([pty.master], [], [], 0.1)
            if not ready:
                continue
            baud = self.baud
            size = max(int(baud / BITS_PER_BYTE * READ_SLICE), 1) if baud else 4096
            try:
                data = os.read(pty.master, size)
            except OSError:
                return  # the pty was closed
            self._wire_wait(len(data), stop)
            if stop.is_set():
                return  # dropped while the bytes were on the wire: they never arrived
            queries = self._take(data)
            if self.answer_status and queries:
                self._answer(pty, queries)

    def _take(self, data: bytes) -> list[int]:
        now = time.monotonic()
        with self._changed:
            if self._first_byte is None:
                self._first_byte = now
            if self._body is None:
                self._body = now
            self.received.extend(data)
            before = len(self.stream.receipts)
            queries = self.stream.feed(data)
            for receipt in self.stream.receipts[before:]:
                raw = bytes(self.received[self._receipt_start :])
                self._receipt_start = len(self.received)
                first, body = self._first_byte or now, self._body or now
                self.timings.append(ReceiptTiming(first, body, now))
                self._first_byte = self._body = None
                if self.on_receipt is not None:
                    self.on_receipt(receipt, raw)
            self._changed.notify_all()
        return queries

    def _answer(self, pty: PtyLink, queries: list[int]) -> None:
        try:
            os.write(pty.master, bytes(self._status_byte(n) for n in queries))
        except OSError:
            return  # the driver went away between query and reply
        with self._changed:
            self._body = None  # what comes next is the receipt the driver decided to send

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=1)
        if self.pty is not None:
            self.pty.close()
            self.pty = None
