"""Parse the ESC/POS bytes a receipt printer receives into what a person would see on paper.

Used by the simulated printer, its renderer and by tests. The commands our driver and
python-escpos send are understood in depth (text style, alignment, native QR, raster images,
feeds, cuts); every other ESC/GS command is skipped by its known length, and an unknown one is
recorded, so a byte stream never crashes the parser.

The stream also models the paper roll and the cover: while the paper is out or the cover is
open, nothing more comes out of the printer, and the receipt is marked ``incomplete``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

ESC, GS, DLE, LF, HT = 0x1B, 0x1D, 0x10, 0x0A, 0x09

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
        "i": 0,
        "m": 0,
        "=": 1,
        "%": 1,
        "U": 1,
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
        "I": 1,
    }.items()
}
_ALIGN = {0: "left", 48: "left", 1: "center", 49: "center", 2: "right", 50: "right"}
_UNDERLINE = {0: 0, 1: 1, 2: 2, 48: 0, 49: 1, 50: 2}
_QR_LEVEL = {48: "L", 49: "M", 50: "Q", 51: "H"}
_CODEPAGES = {0: "cp437", 2: "cp850", 3: "cp860", 5: "cp865", 16: "cp1252", 19: "cp858"}
DEFAULT_LINE_SPACING = 30  # dots between baselines with ESC 2, as on common 203 dpi printers
MAX_RASTER_WIDTH_BYTES = 255  # beyond this GS v 0 is garbage, not an image: skip its header
MAX_RASTER_HEIGHT = 4095


@dataclass(frozen=True)
class TextStyle:
    """How the printer would print the next character."""

    bold: bool = False
    underline: int = 0
    width: int = 1  # character width multiplier, 1..8
    height: int = 1  # character height multiplier, 1..8
    align: str = "left"
    font: str = "a"
    line_spacing: int = DEFAULT_LINE_SPACING


@dataclass(frozen=True)
class TextLine:
    """One printed line of text, in the style of its first character."""

    text: str
    style: TextStyle = field(default_factory=TextStyle)


@dataclass(frozen=True)
class QrCode:
    """A native QR symbol (GS ( k), printed from the stored data at the given module size."""

    data: str
    module_size: int = 3
    error_level: str = "L"
    align: str = "left"
    payload: bytes = b""


@dataclass(frozen=True)
class RasterImage:
    """A GS v 0 raster bit image: rows of ``width`` dots, MSB first, a set bit is black."""

    width: int
    height: int
    bitmap: bytes
    scale_x: int = 1
    scale_y: int = 1
    align: str = "left"

    def dot(self, x: int, y: int) -> bool:
        """Whether the dot at (x, y) is black; outside the image nothing is."""
        row_bytes = self.width // 8
        if not (0 <= x < self.width and 0 <= y < self.height):
            return False
        index = y * row_bytes + x // 8
        return index < len(self.bitmap) and bool(self.bitmap[index] & (0x80 >> (x % 8)))


@dataclass(frozen=True)
class Feed:
    """Blank paper: ``lines`` at the current line spacing plus ``dots``."""

    lines: int = 0
    dots: int = 0
    line_spacing: int = DEFAULT_LINE_SPACING


@dataclass(frozen=True)
class Cut:
    """The cutter went through the paper."""

    partial: bool = True


Element = TextLine | QrCode | RasterImage | Feed | Cut


@dataclass
class ParsedReceipt:
    """One receipt as it came out of the printer, up to a cut."""

    elements: list[Element] = field(default_factory=list)
    cut: bool = False
    incomplete: bool = False  # the paper ran out or the cover was open while it was sent

    @property
    def lines(self) -> list[str]:
        return [e.text for e in self.elements if isinstance(e, TextLine)]

    @property
    def qr_codes(self) -> list[str]:
        return [e.data for e in self.elements if isinstance(e, QrCode)]

    @property
    def images(self) -> list[RasterImage]:
        return [e for e in self.elements if isinstance(e, RasterImage)]


@dataclass
class EscposStream:
    """Incremental parser state; feed bytes, read receipts and queries."""

    receipts: list[ParsedReceipt] = field(default_factory=list)
    current: ParsedReceipt = field(default_factory=ParsedReceipt)
    status_queries: list[int] = field(default_factory=list)
    unknown: list[bytes] = field(default_factory=list)
    style: TextStyle = field(default_factory=TextStyle)
    # Printed lines until the roll ends (a text line, a QR or an image count one, a feed of n
    # lines n); None is a roll that does not end.
    paper_left: int | None = None
    paper_out: bool = False
    cover_open: bool = False
    dropped: int = 0  # elements that never came out (no paper, cover open)
    _pending: bytearray = field(default_factory=bytearray)
    _text: bytearray = field(default_factory=bytearray)
    _line_style: TextStyle | None = None
    _codepage: str = "cp437"
    _qr_data: bytes = b""
    _qr_size: int = 3
    _qr_level: str = "L"

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

    def connection_lost(self) -> None:
        """Forget a command cut off mid-way; a receipt under way will never get its cut."""
        self._pending.clear()
        if self.current.elements or self._text:
            self.current.incomplete = True

    @property
    def can_print(self) -> bool:
        return not self.paper_out and not self.cover_open

    # -- what comes out of the printer ------------------------------------------------------
    def _put(self, element: Element, lines: int = 1) -> None:
        if not self.can_print:
            self.dropped += 1
            self.current.incomplete = True
            return
        self.current.elements.append(element)
        if self.paper_left is not None:
            self.paper_left -= lines
            if self.paper_left <= 0:
                self.paper_left = 0
                self.paper_out = True

    def _flush_line(self) -> None:
        style = self._line_style or self.style
        text = self._text.decode(self._codepage, errors="replace")
        self._text.clear()
        self._line_style = None
        self._put(TextLine(text, style))

    def _flush_if_text(self) -> None:
        if self._text:
            self._flush_line()

    def _cut(self, partial: bool) -> None:
        self._flush_if_text()
        if self.can_print:
            self.current.elements.append(Cut(partial))
            self.current.cut = True
        else:
            self.current.incomplete = True
        self.receipts.append(self.current)
        self.current = ParsedReceipt()

    # -- the command decoder ----------------------------------------------------------------
    def _step(self, queries: list[int]) -> int:
        buf = self._pending
        b = buf[0]
        if b == LF:
            self._flush_line()
            return 1
        if b == DLE:
            return self._dle(queries)
        if b == ESC:
            return self._esc()
        if b == GS:
            return self._gs()
        if b >= 0x20 or b == HT:
            if not self._text:
                self._line_style = self.style
            self._text.append(b)
        return 1

    def _dle(self, queries: list[int]) -> int:
        buf = self._pending
        if len(buf) < 3:
            return 0
        if buf[1] == 0x04:
            queries.append(buf[2])
            self.status_queries.append(buf[2])
            return 3
        self.unknown.append(bytes(buf[:2]))
        return 2

    def _esc(self) -> int:
        buf = self._pending
        if len(buf) < 2:
            return 0
        cmd = buf[1]
        if cmd == ord("*"):  # ESC * m nL nH d: bit image in columns, skipped
            if len(buf) < 5:
                return 0
            columns = buf[3] | buf[4] << 8
            size = 5 + columns * (3 if buf[2] in (32, 33) else 1)
            return 0 if len(buf) < size else size
        n = _ESC_ARGS.get(cmd)
        if n is None:
            self.unknown.append(bytes(buf[:2]))
            return 2
        if len(buf) < 2 + n:
            return 0
        arg = buf[2] if n else 0
        self._esc_command(chr(cmd), arg)
        return 2 + n

    def _esc_command(self, cmd: str, arg: int) -> None:
        style = self.style
        if cmd == "@":  # initialize: unprinted text is discarded, modes reset
            self._text.clear()
            self._line_style = None
            self.style = TextStyle()
            self._codepage = "cp437"
        elif cmd == "!":
            self.style = replace(
                style,
                font="b" if arg & 0x01 else "a",
                bold=bool(arg & 0x08),
                height=2 if arg & 0x10 else 1,
                width=2 if arg & 0x20 else 1,
                underline=1 if arg & 0x80 else 0,
            )
        elif cmd == "E":
            self.style = replace(style, bold=bool(arg & 0x01))
        elif cmd == "-":
            self.style = replace(style, underline=_UNDERLINE.get(arg, style.underline))
        elif cmd == "M":
            self.style = replace(style, font="b" if arg in (1, 49) else "a")
        elif cmd == "a":
            self.style = replace(style, align=_ALIGN.get(arg, style.align))
        elif cmd == "2":
            self.style = replace(style, line_spacing=DEFAULT_LINE_SPACING)
        elif cmd == "3":
            self.style = replace(style, line_spacing=arg)
        elif cmd == "t":
            self._codepage = _CODEPAGES.get(arg, "cp437")
        elif cmd == "d":
            self._flush_if_text()
            if arg:
                self._put(Feed(lines=arg, line_spacing=style.line_spacing), lines=arg)
        elif cmd == "J":
            self._flush_if_text()
            if arg:
                self._put(Feed(dots=arg), lines=0)
        elif cmd in ("i", "m"):  # old partial cut commands
            self._cut(partial=True)

    def _gs(self) -> int:
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
            if size == 4 and buf[3]:
                self._flush_if_text()
                self._put(Feed(dots=buf[3]), lines=0)
            self._cut(partial=buf[2] in (1, 49, 66))
            return size
        if cmd == ord("!"):
            if len(buf) < 3:
                return 0
            self.style = replace(self.style, width=(buf[2] >> 4 & 7) + 1, height=(buf[2] & 7) + 1)
            return 3
        if cmd == ord("("):  # GS ( X pL pH data: 2D codes, graphics, ...
            if len(buf) < 5:
                return 0
            length = buf[3] | (buf[4] << 8)
            if len(buf) < 5 + length:
                return 0
            if buf[2] == ord("k") and length >= 3 and buf[5] == 49:  # cn 49: QR code
                self._qr(buf[6], bytes(buf[7 : 5 + length]))
            return 5 + length
        if cmd == ord("8"):  # GS 8 L p1..p4 data: large graphics, skipped
            if len(buf) < 7:
                return 0
            length = buf[3] | buf[4] << 8 | buf[5] << 16 | buf[6] << 24
            return 0 if len(buf) < 7 + length else 7 + length
        if cmd == ord("k"):  # GS k m ...: 1D barcode
            if len(buf) < 4:
                return 0
            if buf[2] <= 6:  # NUL-terminated form
                end = buf.find(b"\x00", 3)
                return 0 if end < 0 else end + 1
            return 0 if len(buf) < 4 + buf[3] else 4 + buf[3]
        if cmd == ord("v"):
            return self._raster()
        n = _GS_ARGS.get(cmd)
        if n is None:
            self.unknown.append(bytes(buf[:2]))
            return 2
        return 0 if len(buf) < 2 + n else 2 + n

    def _qr(self, fn: int, params: bytes) -> None:
        # params: everything after fn; for fn 80/81 it starts with m ("0").
        if fn == 67 and params:
            self._qr_size = min(max(params[0], 1), 16)
        elif fn == 69 and params:
            self._qr_level = _QR_LEVEL.get(params[0], self._qr_level)
        elif fn == 80:
            self._qr_data = params[1:]
        elif fn == 81 and self._qr_data:
            self._flush_if_text()
            qr = QrCode(
                data=self._qr_data.decode("utf-8", "replace"),
                module_size=self._qr_size,
                error_level=self._qr_level,
                align=self.style.align,
                payload=self._qr_data,
            )
            self._put(qr)

    def _raster(self) -> int:
        # GS v 0 m xL xH yL yH d1...dk: raster bit image, k = (xL + xH*256) * (yL + yH*256)
        buf = self._pending
        if len(buf) < 8:
            return 0
        if buf[2] not in (0, 48):
            self.unknown.append(bytes(buf[:3]))
            return 3
        width_bytes, height = buf[4] | buf[5] << 8, buf[6] | buf[7] << 8
        if not (0 < width_bytes <= MAX_RASTER_WIDTH_BYTES and 0 < height <= MAX_RASTER_HEIGHT):
            self.unknown.append(bytes(buf[:8]))
            return 8
        size = width_bytes * height
        if len(buf) < 8 + size:
            return 0
        mode = buf[3] & 0x03 if buf[3] < 48 else (buf[3] - 48) & 0x03
        self._flush_if_text()
        image = RasterImage(
            width=width_bytes * 8,
            height=height,
            bitmap=bytes(buf[8 : 8 + size]),
            scale_x=2 if mode & 1 else 1,
            scale_y=2 if mode & 2 else 1,
            align=self.style.align,
        )
        self._put(image)
        return 8 + size
