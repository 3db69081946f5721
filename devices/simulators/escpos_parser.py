"""Parse the ESC/POS bytes a receipt printer receives into what a person would see on paper.

Used by the simulated printer and by tests. Only the commands our driver and python-escpos
send are understood in depth; every other ESC/GS command is skipped by its known length, and
an unknown one is recorded, so a byte stream never crashes the parser.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ESC, GS, DLE, LF = 0x1B, 0x1D, 0x10, 0x0A

# Number of parameter bytes after ESC <cmd> / GS <cmd> for fixed-length commands.
_ESC_ARGS = {
    ord(c): n
    for c, n in {
        "@": 0,
        "!": 1,
        "-": 1,
        "2": 0,
        "3": 1,
        "E": 1,
        "G": 1,
        "M": 1,
        "R": 1,
        "a": 1,
        "d": 1,
        "J": 1,
        "t": 1,
        "{": 1,
        "V": 1,
        " ": 1,
        "c": 2,
        "p": 3,
        "r": 1,
        "$": 2,
        "\\": 2,
    }.items()
}
_GS_ARGS = {
    ord(c): n
    for c, n in {
        "!": 1,
        "B": 1,
        "H": 1,
        "f": 1,
        "h": 1,
        "w": 1,
        "L": 2,
        "W": 2,
        "b": 1,
        "r": 1,
        "a": 1,
    }.items()
}


@dataclass
class ParsedReceipt:
    """One receipt as it came out of the printer, up to a cut."""

    lines: list[str] = field(default_factory=list)
    qr_codes: list[str] = field(default_factory=list)
    cut: bool = False


@dataclass
class EscposStream:
    """Incremental parser state; feed bytes, read receipts and queries."""

    receipts: list[ParsedReceipt] = field(default_factory=list)
    current: ParsedReceipt = field(default_factory=ParsedReceipt)
    status_queries: list[int] = field(default_factory=list)
    unknown: list[bytes] = field(default_factory=list)
    _pending: bytearray = field(default_factory=bytearray)
    _text: bytearray = field(default_factory=bytearray)
    _qr_store: bytes = b""

    def feed(self, data: bytes) -> list[int]:
        """Consume bytes; return the DLE EOT status queries (n) found, for the printer to answer."""
        self._pending.extend(data)
        queries: list[int] = []
        while self._pending:
            used = self._step(queries)
            if used == 0:  # incomplete command: wait for more bytes
                break
            del self._pending[:used]
        return queries

    def _flush_line(self) -> None:
        self.current.lines.append(self._text.decode("cp437", errors="replace"))
        self._text.clear()

    def _step(self, queries: list[int]) -> int:
        buf = self._pending
        b = buf[0]
        if b == LF:
            self._flush_line()
            return 1
        if b == DLE:
            if len(buf) < 3:
                return 0
            if buf[1] == 0x04:
                queries.append(buf[2])
                self.status_queries.append(buf[2])
                return 3
            self.unknown.append(bytes(buf[:2]))
            return 2
        if b == ESC:
            if len(buf) < 2:
                return 0
            n = _ESC_ARGS.get(buf[1])
            if n is None:
                self.unknown.append(bytes(buf[:2]))
                return 2
            if len(buf) < 2 + n:
                return 0
            if buf[1] == ord("d"):
                if self._text:
                    self._flush_line()
            return 2 + n
        if b == GS:
            return self._gs(queries)
        if b >= 0x20 or b == 0x09:
            self._text.append(b)
        return 1

    def _gs(self, queries: list[int]) -> int:
        buf = self._pending
        if len(buf) < 2:
            return 0
        cmd = buf[1]
        if cmd == ord("V"):  # cut: GS V m, or GS V m n for m in 65/66
            if len(buf) < 3:
                return 0
            size = 4 if buf[2] in (65, 66) else 3
            if len(buf) < size:
                return 0
            if self._text:
                self._flush_line()
            self.current.cut = True
            self.receipts.append(self.current)
            self.current = ParsedReceipt()
            return size
        if cmd == ord("("):  # GS ( k pL pH data: 2D codes
            if len(buf) < 5:
                return 0
            length = buf[3] | (buf[4] << 8)
            if len(buf) < 5 + length:
                return 0
            if buf[2] == ord("k") and length >= 3 and buf[5] == 49:  # cn 49: QR code
                fn = buf[6]
                if fn == 80:  # store data
                    self._qr_store = bytes(buf[8 : 5 + length])
                elif fn == 81:  # print stored data
                    self.current.qr_codes.append(self._qr_store.decode("utf-8", "replace"))
            return 5 + length
        if cmd == ord("k"):  # GS k m ...: 1D barcode
            if len(buf) < 4:
                return 0
            if buf[2] <= 6:  # NUL-terminated form
                end = buf.find(b"\x00", 3)
                return 0 if end < 0 else end + 1
            return 0 if len(buf) < 4 + buf[3] else 4 + buf[3]
        if cmd == ord("v"):  # GS v 0 m xL xH yL yH: raster image
            if len(buf) < 8:
                return 0
            size = (buf[4] | buf[5] << 8) * (buf[6] | buf[7] << 8)
            return 0 if len(buf) < 8 + size else 8 + size
        n = _GS_ARGS.get(cmd)
        if n is None:
            self.unknown.append(bytes(buf[:2]))
            return 2
        return 0 if len(buf) < 2 + n else 2 + n
