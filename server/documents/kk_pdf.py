"""Kartu Keluarga as an A4 landscape PDF (fpdf2), laid out like the form Dukcapil issues.

Geometry is in millimetres from the top-left corner and font sizes in points. The layout
constants, :func:`fit_text` and :func:`dark_runs` are public so that another renderer (the
reportlab comparison in ``bench/pdf_libraries.py``) can draw exactly the same page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path

import segno
from fpdf import FPDF

from server.documents.views import FamilyMemberRow, KartuKeluargaView

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")  # Debian package fonts-dejavu-core
FONT_REGULAR = FONT_DIR / "DejaVuSans.ttf"
FONT_BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"
FONT_FAMILY = "DejaVuSans"

PT = 25.4 / 72  # millimetres per point
PAGE_W, PAGE_H = 297.0, 210.0
MARGIN = 8.0
CONTENT_W = PAGE_W - 2 * MARGIN
PAD = 0.8  # horizontal padding inside a table cell
LINE_SPACING = 1.15
MIN_FONT = 4.0
ROWS_PER_PAGE = 10

TITLE_Y, TITLE_H, TITLE_SIZE = 7.0, 7.0, 16.0
NUMBER_Y, NUMBER_H, NUMBER_SIZE = 14.0, 5.0, 11.0
ADDRESS_Y, ADDRESS_ROW_H, ADDRESS_SIZE = 21.5, 4.4, 8.0
TABLE_HEAD_H, TABLE_NUM_H, TABLE_ROW_H = 7.5, 3.2, 4.6
HEAD_SIZE, NUM_SIZE, CELL_SIZE = 7.0, 5.5, 7.5
TABLE_H = TABLE_HEAD_H + TABLE_NUM_H + ROWS_PER_PAGE * TABLE_ROW_H
TABLE1_Y = 41.5
TABLE2_Y = TABLE1_Y + TABLE_H + 2.8
FOOTER_Y = TABLE2_Y + TABLE_H + 2.8
FOOTER_BOTTOM = PAGE_H - 5.0
FOOTER_SIZE = 8.0
SIGNATURE_X, SIGNATURE_W = 203.0, PAGE_W - MARGIN - 203.0
QR_QUIET_MODULES = 4
QR_MIN_MODULE, QR_MAX_MODULE = 0.6, 0.8  # mm: a phone camera reads 0.6 mm modules on paper
QR_MAX_SIZE = FOOTER_BOTTOM - FOOTER_Y
QR_RIGHT = SIGNATURE_X - 3.0  # the QR sits just left of the signature block

TTE_NOTE = (
    "Dokumen ini telah ditandatangani secara elektronik (tanda tangan elektronik/TTE), "
    "sehingga tidak memerlukan tanda tangan basah dan cap/stempel. "
    "Pindai kode QR untuk memeriksa keaslian dokumen ini."
)


@dataclass(frozen=True)
class Column:
    """One table column: header text, width in mm, how to read the value, alignment."""

    title: str
    width: float
    value: Callable[[int, FamilyMemberRow], str]
    align: str = "L"


def ddmmyyyy(day: date) -> str:
    """Dates on Dukcapil documents read DD-MM-YYYY."""
    return day.strftime("%d-%m-%Y")


MEMBER_COLUMNS: tuple[Column, ...] = (
    Column("No", 8.0, lambda n, m: str(n), "C"),
    Column("Nama Lengkap", 65.0, lambda n, m: m.name),
    Column("NIK", 31.0, lambda n, m: m.nik, "C"),
    Column("Jenis Kelamin", 22.0, lambda n, m: m.sex, "C"),
    Column("Tempat Lahir", 28.0, lambda n, m: m.birth_place),
    Column("Tanggal Lahir", 22.0, lambda n, m: ddmmyyyy(m.birth_date), "C"),
    Column("Agama", 18.0, lambda n, m: m.religion, "C"),
    Column("Pendidikan", 40.0, lambda n, m: m.education),
    Column("Jenis Pekerjaan", 47.0, lambda n, m: m.occupation),
)
FAMILY_COLUMNS: tuple[Column, ...] = (
    Column("No", 8.0, lambda n, m: str(n), "C"),
    Column("Status Perkawinan", 38.0, lambda n, m: m.marital_status, "C"),
    Column("Status Hubungan Dalam Keluarga", 45.0, lambda n, m: m.relation, "C"),
    Column("Kewarganegaraan", 28.0, lambda n, m: m.nationality, "C"),
    Column("Nama Ayah", 81.0, lambda n, m: m.father_name),
    Column("Nama Ibu", 81.0, lambda n, m: m.mother_name),
)


def address_fields(kk: KartuKeluargaView) -> tuple[tuple[tuple[str, str], ...], ...]:
    """The two label/value columns under the title, in the order the real form prints them."""
    left = (
        ("Nama Kepala Keluarga", kk.head_name),
        ("Alamat", kk.address),
        ("RT/RW", kk.rt_rw),
        ("Desa/Kelurahan", kk.village),
    )
    right = (
        ("Kecamatan", kk.district),
        ("Kabupaten/Kota", kk.regency),
        ("Kode Pos", kk.postal_code),
        ("Provinsi", kk.province),
    )
    return left, right


# x, label width, value width of the two address columns
ADDRESS_COLUMNS: tuple[tuple[float, float, float], ...] = (
    (MARGIN, 38.0, 120.0),
    (190.0, 29.0, PAGE_W - MARGIN - 190.0 - 29.0 - 3.0),
)


@dataclass(frozen=True)
class FittedText:
    """Text broken into lines at a font size that fits a box."""

    size: float
    lines: tuple[str, ...]

    @property
    def line_height(self) -> float:
        return line_height(self.size)


def line_height(size: float) -> float:
    """Baseline-to-baseline distance in mm for a font size in points."""
    return size * PT * LINE_SPACING


Measure = Callable[[str, float], float]  # (text, size in pt) -> width in mm


def _wrap(text: str, width: float, size: float, measure: Measure) -> list[str]:
    """Greedy word wrap; a word wider than the box is broken between characters."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if measure(candidate, size) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = ""
        for char in word:
            if current and measure(current + char, size) > width:
                lines.append(current)
                current = ""
            current += char
    if current:
        lines.append(current)
    return lines


def fit_text(
    text: str, width: float, height: float, max_size: float, measure: Measure
) -> FittedText:
    """Largest size (down to MIN_FONT) at which text fits the box, wrapping when it must.

    Names on a KK may be long; shrinking before wrapping keeps short values on one line. If
    even MIN_FONT cannot hold it, the last line that fits ends in an ellipsis: never overflow.
    """
    size = max_size
    while size >= MIN_FONT:
        lines = _wrap(text, width, size, measure)
        if len(lines) * line_height(size) <= height:
            return FittedText(size, tuple(lines))
        size = round(size - 0.25, 2)
    lines = _wrap(text, width, MIN_FONT, measure)
    keep = max(1, int(height // line_height(MIN_FONT)))
    last = lines[keep - 1]
    while last and measure(last + "…", MIN_FONT) > width:
        last = last[:-1]
    return FittedText(MIN_FONT, (*lines[: keep - 1], last.rstrip() + "…"))


def dark_runs(matrix: Sequence[Sequence[int]]) -> list[tuple[int, int, int]]:
    """Horizontal runs (row, first column, length) of dark QR modules, one rectangle each."""
    runs: list[tuple[int, int, int]] = []
    for row, cells in enumerate(matrix):
        start = -1
        for col, dark in enumerate((*cells, 0)):
            if dark and start < 0:
                start = col
            elif not dark and start >= 0:
                runs.append((row, start, col - start))
                start = -1
    return runs


def qr_module_size(modules: int) -> float:
    """Module size in mm for a QR of this many modules (quiet zone included) in the footer."""
    size = min(QR_MAX_MODULE, QR_MAX_SIZE / modules)
    if size < QR_MIN_MODULE:
        raise ValueError(
            f"QR content too long: {modules} modules would be {size:.2f} mm each on paper"
        )
    return size


class _KKPage:
    """Draws KK pages on one FPDF document; each method draws one part of the form."""

    def __init__(self, pdf: FPDF) -> None:
        self.pdf = pdf

    def measure(self, text: str, size: float) -> float:
        self.pdf.set_font_size(size)
        return float(self.pdf.get_string_width(text))

    def font(self, size: float, bold: bool = False) -> None:
        self.pdf.set_font(FONT_FAMILY, "B" if bold else "", size)

    def text_box(
        self,
        text: str,
        x: float,
        y: float,
        w: float,
        h: float,
        size: float,
        bold: bool = False,
        align: str = "L",
    ) -> None:
        """Text fitted into a box, centred vertically; the box itself is not drawn."""
        self.font(size, bold)
        fitted = fit_text(text, w - 2 * PAD, h, size, self.measure)
        self.pdf.set_font_size(fitted.size)
        lh = fitted.line_height
        top = y + (h - lh * len(fitted.lines)) / 2
        for i, line in enumerate(fitted.lines):
            width = self.measure(line, fitted.size)
            if align == "C":
                tx = x + (w - width) / 2
            elif align == "R":
                tx = x + w - PAD - width
            else:
                tx = x + PAD
            baseline = top + i * lh + lh / 2 + 0.36 * fitted.size * PT
            self.pdf.text(tx, baseline, line)

    def header(self, kk: KartuKeluargaView) -> None:
        self.text_box("KARTU KELUARGA", MARGIN, TITLE_Y, CONTENT_W, TITLE_H, TITLE_SIZE, True, "C")
        self.text_box(
            f"No. {kk.kk_number}", MARGIN, NUMBER_Y, CONTENT_W, NUMBER_H, NUMBER_SIZE, True, "C"
        )
        for fields, (x, label_w, value_w) in zip(address_fields(kk), ADDRESS_COLUMNS, strict=True):
            for i, (label, value) in enumerate(fields):
                y = ADDRESS_Y + i * ADDRESS_ROW_H
                self.text_box(label, x, y, label_w, ADDRESS_ROW_H, ADDRESS_SIZE)
                self.text_box(":", x + label_w, y, 3.0, ADDRESS_ROW_H, ADDRESS_SIZE)
                self.text_box(
                    value, x + label_w + 3.0, y, value_w, ADDRESS_ROW_H, ADDRESS_SIZE, True
                )

    def table(
        self,
        columns: Sequence[Column],
        y: float,
        rows: Sequence[tuple[int, FamilyMemberRow]],
        first_number: int,
    ) -> None:
        """A bordered table of ROWS_PER_PAGE rows; unused rows stay empty, like the form."""
        pdf = self.pdf
        pdf.set_fill_color(225)
        pdf.rect(MARGIN, y, CONTENT_W, TABLE_HEAD_H, style="F")
        x = MARGIN
        for number, column in enumerate(columns, start=first_number - 1):
            self.text_box(column.title, x, y, column.width, TABLE_HEAD_H, HEAD_SIZE, True, "C")
            label = f"({number})" if number >= first_number else ""
            self.text_box(
                label, x, y + TABLE_HEAD_H, column.width, TABLE_NUM_H, NUM_SIZE, False, "C"
            )
            x += column.width
        top = y + TABLE_HEAD_H + TABLE_NUM_H
        for i, (n, member) in enumerate(rows):
            x = MARGIN
            for column in columns:
                row_y = top + i * TABLE_ROW_H
                value = column.value(n, member)
                self.text_box(
                    value, x, row_y, column.width, TABLE_ROW_H, CELL_SIZE, False, column.align
                )
                x += column.width
        pdf.set_draw_color(0)
        pdf.set_line_width(0.15)
        rules = (y + TABLE_HEAD_H, *(top + i * TABLE_ROW_H for i in range(ROWS_PER_PAGE)))
        for rule_y in rules:
            pdf.line(MARGIN, rule_y, MARGIN + CONTENT_W, rule_y)
        x = MARGIN
        for column in columns[:-1]:
            x += column.width
            pdf.line(x, y, x, y + TABLE_H)
        pdf.set_line_width(0.35)
        pdf.rect(MARGIN, y, CONTENT_W, TABLE_H)

    def footer(self, kk: KartuKeluargaView, qr_content: str) -> None:
        labels = (
            ("Dikeluarkan Tanggal", ddmmyyyy(kk.issued_on)),
            ("No. Dokumen", kk.document_number),
            ("Kode Wilayah", kk.region_code),
        )
        for i, (label, value) in enumerate(labels):
            y = FOOTER_Y + i * ADDRESS_ROW_H
            self.text_box(label, MARGIN, y, 32.0, ADDRESS_ROW_H, FOOTER_SIZE)
            self.text_box(":", MARGIN + 32.0, y, 3.0, ADDRESS_ROW_H, FOOTER_SIZE)
            self.text_box(value, MARGIN + 35.0, y, 80.0, ADDRESS_ROW_H, FOOTER_SIZE, True)
        note_y = FOOTER_Y + 3 * ADDRESS_ROW_H + 2.0
        note_w = QR_RIGHT - QR_MAX_SIZE - MARGIN - 4.0
        self.pdf.set_line_width(0.25)
        self.pdf.rect(MARGIN, note_y, note_w, 13.0)
        self.text_box(TTE_NOTE, MARGIN + 1.0, note_y + 0.5, note_w - 2.0, 12.0, 7.5)
        self.qr(qr_content)
        self.signature(kk)

    def qr(self, qr_content: str) -> None:
        """Vector QR (one filled rectangle per run of dark modules), quiet zone left blank."""
        matrix = segno.make(qr_content, error="m").matrix
        total = len(matrix) + 2 * QR_QUIET_MODULES
        module = qr_module_size(total)
        x0 = QR_RIGHT - total * module + QR_QUIET_MODULES * module
        y0 = FOOTER_Y + (QR_MAX_SIZE - total * module) / 2 + QR_QUIET_MODULES * module
        self.pdf.set_fill_color(0)
        for row, col, length in dark_runs(matrix):
            self.pdf.rect(x0 + col * module, y0 + row * module, length * module, module, style="F")

    def signature(self, kk: KartuKeluargaView) -> None:
        x, w = SIGNATURE_X, SIGNATURE_W
        y = FOOTER_Y + 1.0
        place_date = f"{kk.issued_place}, {ddmmyyyy(kk.issued_on)}"
        self.text_box(place_date, x, y, w, 4.5, FOOTER_SIZE, False, "C")
        self.text_box(kk.official_title, x, y + 4.5, w, 11.0, FOOTER_SIZE, True, "C")
        self.pdf.set_text_color(90)
        self.text_box("Ditandatangani secara elektronik", x, y + 17.0, w, 5.0, 6.5, False, "C")
        self.pdf.set_text_color(0)
        name_y = y + 28.0
        self.text_box(kk.official_name, x, name_y, w, 4.5, 8.5, True, "C")
        self.font(8.5, True)
        name_w = min(self.measure(kk.official_name, 8.5), w - 2 * PAD)
        self.pdf.set_line_width(0.2)
        underline_y = name_y + 3.7
        self.pdf.line(x + (w - name_w) / 2, underline_y, x + (w + name_w) / 2, underline_y)
        self.text_box(f"NIP. {kk.official_nip}", x, name_y + 4.5, w, 4.5, FOOTER_SIZE, False, "C")

    def page_label(self, page: int, pages: int) -> None:
        self.text_box(
            f"Halaman {page} dari {pages}",
            SIGNATURE_X,
            FOOTER_BOTTOM,
            SIGNATURE_W,
            4.0,
            6.5,
            False,
            "R",
        )


def _new_document(kk: KartuKeluargaView) -> FPDF:
    """An A4 landscape FPDF with DejaVu embedded and metadata fixed by the issue date."""
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.c_margin = 0
    pdf.add_font(FONT_FAMILY, "", str(FONT_REGULAR))
    pdf.add_font(FONT_FAMILY, "B", str(FONT_BOLD))
    pdf.set_title(f"Kartu Keluarga No. {kk.kk_number}")
    pdf.set_subject(f"Kartu Keluarga {kk.head_name}")
    pdf.set_author(kk.official_title)
    pdf.set_creator("ADM (Anjungan Dukcapil Mandiri)")
    pdf.set_lang("id")
    pdf.set_creation_date(datetime.combine(kk.issued_on, time(), tzinfo=UTC))
    return pdf


def render_kk_pdf(kk: KartuKeluargaView, qr_content: str) -> bytes:
    """The KK as PDF bytes; ten members per page, like the printed form (more: extra pages)."""
    if not kk.members:
        raise ValueError("a Kartu Keluarga lists at least its head of family")
    pdf = _new_document(kk)
    page = _KKPage(pdf)
    numbered = list(enumerate(kk.members, start=1))
    chunks = [numbered[i : i + ROWS_PER_PAGE] for i in range(0, len(numbered), ROWS_PER_PAGE)]
    for index, rows in enumerate(chunks, start=1):
        pdf.add_page()
        page.header(kk)
        page.table(MEMBER_COLUMNS, TABLE1_Y, rows, first_number=1)
        # the form numbers data columns across both tables: (1)..(8), then (9)..(13)
        page.table(FAMILY_COLUMNS, TABLE2_Y, rows, first_number=len(MEMBER_COLUMNS))
        page.footer(kk, qr_content)
        if len(chunks) > 1:
            page.page_label(index, len(chunks))
    return bytes(pdf.output())
