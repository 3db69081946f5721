"""What the simulated printer draws is what a thermal printer would put on paper.

The bytes come from python-escpos itself (its Dummy printer) and from our driver over a real
pty; the checks are made on the PNG: the QR decodes, bold is darker, double is twice as tall,
centred is centred, the cut is drawn, a raster image is its own pixels.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pytest
import zxingcpp
from escpos.printer import Dummy
from PIL import Image

from devices.receipt import Receipt, ReceiptLine
from devices.receipt.escpos_printer import EscposReceiptPrinter
from devices.simulators.escpos_parser import (
    Cut,
    EscposStream,
    ParsedReceipt,
    QrCode,
    TextLine,
)
from devices.simulators.escpos_peer import EscposPeer
from devices.simulators.escpos_render import (
    CUT_DASH,
    CUT_GAP,
    CUT_THICKNESS,
    PAPER_DOTS,
    render,
    save_png,
)
from devices.simulators.host import SimulatorHost

QR_DATA = "R-20261122-7KQ2M9"
WORD = "HALO KIOSK"  # capitals only: no descenders, so heights compare cleanly
CENTRED = "TENGAH"


@dataclass
class Box:
    top: int
    bottom: int  # exclusive
    left: int
    right: int  # exclusive
    ink: int  # black pixels inside

    @property
    def height(self) -> int:
        return self.bottom - self.top

    @property
    def width(self) -> int:
        return self.right - self.left


def ink_bands(black: np.ndarray, min_gap: int = 8) -> list[Box]:
    """Bounding boxes of ink separated by at least ``min_gap`` white rows, top to bottom."""
    rows = np.flatnonzero(black.any(axis=1))
    bands: list[Box] = []
    start = prev = None
    for y in [*rows.tolist(), None]:
        if start is not None and (y is None or y - prev > min_gap):
            part = black[start : prev + 1]
            cols = np.flatnonzero(part.any(axis=0))
            bands.append(Box(start, prev + 1, int(cols[0]), int(cols[-1]) + 1, int(part.sum())))
            start = None
        if y is not None:
            start = y if start is None else start
            prev = y
    return bands


def load(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """The PNG as cv2 reads it (for zxing) and as a boolean 'is black' array."""
    image = cv2.imread(str(path))
    assert image is not None, f"cv2 cannot read {path}"
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    return image, gray < 128


def checkerboard(squares_x: int = 8, squares_y: int = 4, side: int = 8) -> Image.Image:
    """A black-and-white checkerboard whose corners are black, so its ink box is the image."""
    image = Image.new("1", (squares_x * side, squares_y * side), 1)
    for sy in range(squares_y):
        for sx in range(squares_x):
            if (sx + sy) % 2 == 0:
                box = (sx * side, sy * side, (sx + 1) * side, (sy + 1) * side)
                image.paste(0, box)
    return image


def dummy_bytes(with_image: bool) -> bytes:
    """The sample receipt as python-escpos itself encodes it."""
    p = Dummy()
    p.text(WORD + "\n")
    p.set(bold=True)
    p.text(WORD + "\n")
    p.set(bold=False, double_height=True, double_width=True)
    p.text(WORD + "\n")
    p.set(normal_textsize=True, align="center")
    p.text(CENTRED + "\n")
    p.qr(QR_DATA, native=True, size=6)
    p.set(align="left")
    if with_image:
        p.image(checkerboard(), impl="bitImageRaster")
    p.cut(mode="PART")
    return bytes(p.output)


SAMPLE_RECEIPT = Receipt(
    lines=[
        ReceiptLine(WORD),
        ReceiptLine(WORD, bold=True),
        ReceiptLine(WORD, double=True),
        ReceiptLine(CENTRED, align="center"),
    ],
    qr=QR_DATA,
)


@pytest.fixture
def peer(tmp_path):
    p = EscposPeer(tmp_path / "receipt")
    yield p
    p.close()


def parse_one(data: bytes) -> ParsedReceipt:
    stream = EscposStream()
    stream.feed(data)
    assert len(stream.receipts) == 1, stream.unknown
    return stream.receipts[0]


def printed_by(source: str, peer: EscposPeer, native_qr: bool = True) -> ParsedReceipt:
    if source == "dummy":
        return parse_one(dummy_bytes(with_image=False))
    printer = EscposReceiptPrinter("receipt", port=peer.path, timeout=0.3, native_qr=native_qr)
    printer.print_receipt(SAMPLE_RECEIPT)
    [receipt] = peer.wait_for_receipts(1, timeout=5)
    return receipt


@pytest.mark.parametrize("source", ["dummy", "driver"])
def test_the_rendered_receipt_reads_like_the_paper(source, peer, tmp_path):
    receipt = printed_by(source, peer)
    png = tmp_path / "receipt.png"
    save_png(receipt, png)
    image, black = load(png)
    assert image.shape[1] == PAPER_DOTS
    assert black.mean() < 0.2  # white paper, black print

    assert [r.text for r in zxingcpp.read_barcodes(image)] == [QR_DATA]

    regular, bold, double, centred, qr, cut = ink_bands(black)
    assert bold.ink > 1.2 * regular.ink, "bold must put down more dots than regular"
    assert 1.8 <= double.height / regular.height <= 2.2
    assert 1.8 <= double.width / regular.width <= 2.2
    assert abs((centred.left + centred.right) / 2 - PAPER_DOTS / 2) <= 6
    assert abs((qr.left + qr.right) / 2 - PAPER_DOTS / 2) <= 6  # the driver centres the QR
    assert max(regular.left, bold.left, double.left) <= 4  # left aligned: at the edge

    assert cut.height == CUT_THICKNESS
    assert cut.left == 0 and cut.right >= PAPER_DOTS - CUT_GAP
    row = black[cut.top]
    runs = np.flatnonzero(np.diff(np.concatenate(([0], row.astype(int), [0]))) == 1)
    assert len(runs) == -(-PAPER_DOTS // (CUT_DASH + CUT_GAP)), "the cut is a dashed line"


def test_the_native_qr_is_kept_with_its_module_size_and_drawn_at_that_size(tmp_path):
    receipt = parse_one(dummy_bytes(with_image=False))
    [qr] = [e for e in receipt.elements if isinstance(e, QrCode)]
    assert (qr.data, qr.module_size, qr.error_level, qr.align) == (QR_DATA, 6, "L", "center")
    _, black = load_rendered(receipt, tmp_path)
    band = ink_bands(black)[4]
    assert band.width == band.height == 21 * 6  # version 1: 21 modules of 6 dots


def load_rendered(receipt: ParsedReceipt, tmp_path: Path) -> tuple[np.ndarray, np.ndarray]:
    png = tmp_path / "r.png"
    save_png(receipt, png)
    return load(png)


def test_a_raster_image_appears_as_its_pixels(tmp_path):
    source = checkerboard()
    receipt = parse_one(dummy_bytes(with_image=True))
    [raster] = receipt.images
    assert (raster.width, raster.height) == source.size
    _, black = load_rendered(receipt, tmp_path)
    band = ink_bands(black)[5]
    assert (band.width, band.height) == source.size
    drawn = black[band.top : band.bottom, band.left : band.right]
    expected = np.array(source) == 0  # mode "1": False is black
    assert np.array_equal(drawn, expected)


def test_an_image_qr_from_the_driver_decodes_too(peer, tmp_path):
    receipt = printed_by("driver", peer, native_qr=False)
    assert receipt.qr_codes == []  # no GS ( k: python-escpos sent the QR as a raster image
    assert len(receipt.images) == 1
    image, _ = load_rendered(receipt, tmp_path)
    assert [r.text for r in zxingcpp.read_barcodes(image)] == [QR_DATA]


def test_per_line_style_is_kept():
    lines = [
        e for e in parse_one(dummy_bytes(with_image=False)).elements if isinstance(e, TextLine)
    ]
    styles = [(x.text, x.style.bold, x.style.width, x.style.height, x.style.align) for x in lines]
    assert styles == [
        (WORD, False, 1, 1, "left"),
        (WORD, True, 1, 1, "left"),
        (WORD, False, 2, 2, "left"),
        (CENTRED, False, 1, 1, "center"),
    ]


def test_gs_excl_sizes_and_esc_at_reset_are_understood():
    data = b"\x1d!\x21BIG\n\x1b@half-done line\x1b@ok\n\x1dV\x00"
    receipt = parse_one(data)
    [big, ok] = [e for e in receipt.elements if isinstance(e, TextLine)]
    assert (big.style.width, big.style.height) == (3, 2)
    assert ok.text == "ok" and ok.style.width == 1  # ESC @ dropped the unprinted text
    assert receipt.elements[-1] == Cut(partial=False)


def test_the_simulator_host_keeps_a_png_of_each_receipt(tmp_path):
    host = SimulatorHost(tmp_path / "sim")
    try:
        EscposReceiptPrinter("receipt", port=host.printer.path, timeout=0.3).print_receipt(
            SAMPLE_RECEIPT
        )
        host.printer.wait_for_receipts(1, timeout=5)
        png = host.receipt_dir / "001.png"
        assert png.is_file() and (host.receipt_dir / "001.txt").is_file()
        image, _ = load(png)
        assert [r.text for r in zxingcpp.read_barcodes(image)] == [QR_DATA]
    finally:
        host.close()


def command_soup(rng: random.Random) -> bytes:
    """Plausible ESC/POS with random arguments: the commands the parser understands in depth."""
    pieces = [
        b"\x1b!" + bytes([rng.randrange(256)]),
        b"\x1d!" + bytes([rng.randrange(256)]),
        b"\x1bE" + bytes([rng.randrange(256)]),
        b"\x1ba" + bytes([rng.randrange(256)]),
        b"\x1b3" + bytes([rng.randrange(256)]),
        b"\x1bd" + bytes([rng.randrange(256)]),
        b"\x1bt" + bytes([rng.randrange(256)]),
        b"\x1d(k\x03\x001C" + bytes([rng.randrange(256)]),
        b"\x1d(k\x03\x001E" + bytes([rng.randrange(256)]),
        b"\x1d(k\x0b\x001P0" + bytes(rng.randrange(256) for _ in range(8)),
        b"\x1d(k\x03\x001Q0",
        b"\x1dv0" + bytes([rng.randrange(4), rng.randrange(1, 4), 0, rng.randrange(1, 9), 0]),
        b"\x1dV" + bytes([rng.choice([0, 1, 48, 49, 65, 66]), rng.randrange(256)]),
        bytes(rng.randrange(256) for _ in range(rng.randrange(1, 12))),
        b"text\n",
    ]
    return b"".join(rng.choice(pieces) for _ in range(rng.randrange(1, 40)))


def test_command_soup_never_crashes_the_parser_or_the_renderer():
    rng = random.Random(11)
    for _ in range(300):
        stream = EscposStream()
        stream.feed(command_soup(rng))
        stream.feed(b"\x1b@\x1dV\x00")
        for receipt in stream.receipts:
            assert render(receipt).width == PAPER_DOTS


def test_python_escpos_leaves_double_size_on_when_told_false():
    """Surprise: set(double_*=False) sends nothing; only normal_textsize=True sends ESC ! 0."""
    p = Dummy()
    p.set(double_height=True, double_width=True)
    p.text("A\n")
    p.set(double_height=False, double_width=False)
    p.text("B\n")
    p.cut()
    a, b = [e for e in parse_one(bytes(p.output)).elements if isinstance(e, TextLine)]
    assert (a.style.height, b.style.height) == (2, 2)


def test_the_driver_prints_a_normal_line_after_a_double_one(peer):
    printer = EscposReceiptPrinter("receipt", port=peer.path, timeout=0.3)
    printer.print_receipt(Receipt(lines=[ReceiptLine(WORD, double=True), ReceiptLine(WORD)]))
    [receipt] = peer.wait_for_receipts(1, timeout=5)
    heights = [e.style.height for e in receipt.elements if isinstance(e, TextLine)]
    assert heights == [2, 1]
