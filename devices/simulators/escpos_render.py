"""Draw a parsed receipt the way 80 mm thermal paper shows it, so a person can check it by eye.

576 dots across (72 mm at 203 dpi), black dots on white. Text sits in the printer's character
cells (font A 12x24, font B 9x17) and is doubled dot by dot like the print head does; the native
QR is drawn from its data at the module size the printer was told; raster images are their dots.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import qrcode
from PIL import Image, ImageDraw, ImageFont
from qrcode.exceptions import DataOverflowError

from devices.simulators.escpos_parser import (
    Cut,
    Element,
    Feed,
    ParsedReceipt,
    QrCode,
    RasterImage,
    TextLine,
)

PAPER_DOTS = 576
MARGIN_TOP = 24
MAX_HEIGHT = 60_000  # a runaway stream stops growing the picture here
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
CELLS = {"a": (12, 24), "b": (9, 17)}
FONT_SIZES = {"a": 20, "b": 14}  # DejaVuSansMono sizes whose advance and height fill a cell
INK_THRESHOLD = 140  # grey below this becomes a dot: thermal paper has no grey
QR_QUIET_MODULES = 4
CUT_DASH, CUT_GAP, CUT_THICKNESS, CUT_SPACE = 16, 8, 2, 24
TAB = 8
_QR_LEVELS = {
    "L": qrcode.constants.ERROR_CORRECT_L,
    "M": qrcode.constants.ERROR_CORRECT_M,
    "Q": qrcode.constants.ERROR_CORRECT_Q,
    "H": qrcode.constants.ERROR_CORRECT_H,
}

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@dataclass(frozen=True)
class _Placed:
    image: Image.Image  # mode "1"
    x: int
    y: int


@lru_cache(maxsize=8)
def _font(font: str, bold: bool) -> tuple[Font, bool]:
    """The font for a printer font; the flag says whether bold must be faked by overstriking."""
    size = FONT_SIZES.get(font, FONT_SIZES["a"])
    name = "DejaVuSansMono-Bold.ttf" if bold else "DejaVuSansMono.ttf"
    for candidate in (FONT_DIR / name, FONT_DIR / "DejaVuSansMono.ttf"):
        if candidate.is_file():
            return ImageFont.truetype(str(candidate), size), bold and candidate.name != name
    return ImageFont.load_default(size=size), bold


def _aligned_x(width: int, align: str) -> int:
    if align == "center":
        return max((PAPER_DOTS - width) // 2, 0)
    if align == "right":
        return max(PAPER_DOTS - width, 0)
    return 0


def _ink(image: Image.Image) -> Image.Image:
    """Grey anti-aliasing to dots: dark becomes black, the rest white paper."""
    return image.point(lambda v: 0 if v < INK_THRESHOLD else 255).convert("1")


def _text_rows(line: TextLine) -> list[str]:
    """The line as the printer wraps it: tabs expanded, then cut at the paper's width."""
    cell_w, _ = CELLS.get(line.style.font, CELLS["a"])
    per_row = max(PAPER_DOTS // (cell_w * line.style.width), 1)
    text = line.text.expandtabs(TAB)
    return [text[i : i + per_row] for i in range(0, len(text), per_row)] or [""]


def _draw_text_row(text: str, line: TextLine) -> Image.Image:
    style = line.style
    cell_w, cell_h = CELLS.get(style.font, CELLS["a"])
    font, overstrike = _font(style.font, style.bold)
    canvas = Image.new("L", (max(len(text), 1) * cell_w, cell_h), 255)
    draw = ImageDraw.Draw(canvas)
    for i, char in enumerate(text):
        if char.isspace():
            continue
        x = i * cell_w + (cell_w - draw.textlength(char, font=font)) / 2
        draw.text((x, 0), char, font=font, fill=0)
        if overstrike:  # what the print head does for emphasis: strike again one dot over
            draw.text((x + 1, 0), char, font=font, fill=0)
    if style.underline:
        thickness = min(style.underline, 2)
        draw.rectangle((0, cell_h - thickness, canvas.width - 1, cell_h - 1), fill=0)
    inked = _ink(canvas)
    if style.width > 1 or style.height > 1:
        size = (inked.width * style.width, inked.height * style.height)
        inked = inked.resize(size, Image.Resampling.NEAREST)
    return inked


def _text(line: TextLine, y: int) -> tuple[list[_Placed], int]:
    style = line.style
    _, cell_h = CELLS.get(style.font, CELLS["a"])
    advance = max(style.line_spacing, cell_h * style.height)
    placed = []
    for row in _text_rows(line):
        if row.strip():
            image = _draw_text_row(row, line)
            placed.append(_Placed(image, _aligned_x(image.width, style.align), y))
        y += advance
    return placed, y


def qr_matrix(code: QrCode) -> list[list[bool]] | None:
    """The QR modules for the stored data at its error level, or None when it cannot fit."""
    qr = qrcode.QRCode(error_correction=_QR_LEVELS.get(code.error_level), border=0)
    try:
        text = code.payload.decode("utf-8") if code.payload else code.data
        qr.add_data(text)
    except UnicodeDecodeError:
        qr.add_data(code.payload)
    try:
        qr.make(fit=True)
    except (DataOverflowError, ValueError):
        return None
    matrix: list[list[bool]] = qr.get_matrix()
    return matrix


def _qr(code: QrCode, y: int) -> tuple[list[_Placed], int]:
    matrix = qr_matrix(code)
    module = code.module_size
    quiet = QR_QUIET_MODULES * module
    if matrix is None:  # the printer would print nothing; show where it was meant to go
        box = Image.new("1", (96, 96), 1)
        ImageDraw.Draw(box).rectangle((0, 0, 95, 95), outline=0, width=2)
        ImageDraw.Draw(box).line((0, 0, 95, 95), fill=0, width=2)
        return [_Placed(box, _aligned_x(96, code.align), y + quiet)], y + 96 + 2 * quiet
    side = len(matrix) * module
    symbol = Image.new("1", (side, side), 1)
    draw = ImageDraw.Draw(symbol)
    for row, cells in enumerate(matrix):
        for col, dark in enumerate(cells):
            if dark:
                x0, y0 = col * module, row * module
                draw.rectangle((x0, y0, x0 + module - 1, y0 + module - 1), fill=0)
    return [_Placed(symbol, _aligned_x(side, code.align), y + quiet)], y + side + 2 * quiet


def raster_to_image(raster: RasterImage) -> Image.Image:
    """The raster's dots as a 1-bit picture (a set bit is black), scaled as the printer would."""
    image = Image.frombytes("1", (raster.width, raster.height), raster.bitmap, "raw", "1;I")
    if raster.scale_x > 1 or raster.scale_y > 1:
        size = (raster.width * raster.scale_x, raster.height * raster.scale_y)
        image = image.resize(size, Image.Resampling.NEAREST)
    return image


def _raster(raster: RasterImage, y: int) -> tuple[list[_Placed], int]:
    image = raster_to_image(raster)
    return [_Placed(image, _aligned_x(image.width, raster.align), y)], y + image.height


def _cut(y: int) -> tuple[list[_Placed], int]:
    mark = Image.new("1", (PAPER_DOTS, CUT_THICKNESS), 1)
    draw = ImageDraw.Draw(mark)
    for x in range(0, PAPER_DOTS, CUT_DASH + CUT_GAP):
        draw.rectangle((x, 0, min(x + CUT_DASH, PAPER_DOTS) - 1, CUT_THICKNESS - 1), fill=0)
    middle = y + CUT_SPACE // 2
    return [_Placed(mark, 0, middle)], y + CUT_SPACE


def _layout(element: Element, y: int) -> tuple[list[_Placed], int]:
    if isinstance(element, TextLine):
        return _text(element, y)
    if isinstance(element, QrCode):
        return _qr(element, y)
    if isinstance(element, RasterImage):
        return _raster(element, y)
    if isinstance(element, Feed):
        return [], y + element.lines * element.line_spacing + element.dots
    if isinstance(element, Cut):
        return _cut(y)
    return [], y


def render(receipt: ParsedReceipt) -> Image.Image:
    """The receipt as a 576-dot-wide 1-bit picture of the paper that came out."""
    placed: list[_Placed] = []
    y = MARGIN_TOP
    for element in receipt.elements:
        if y >= MAX_HEIGHT:
            break
        more, y = _layout(element, y)
        placed.extend(more)
    paper = Image.new("1", (PAPER_DOTS, min(max(y, MARGIN_TOP * 2), MAX_HEIGHT)), 1)
    for item in placed:
        paper.paste(item.image, (item.x, item.y))
    return paper


def save_png(receipt: ParsedReceipt, path: Path) -> None:
    """Write the rendered receipt as a PNG, for a person or a test to look at."""
    render(receipt).save(path, format="PNG")
