"""A plain A4 page for document types without a form of their own yet (akta, KIA, SKPWNI, ...).

It is honest rather than pretty: the title of the document type, its number, the recorded
fields, place and date, the signing official and the signed QR code, like every ADM paper.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

import segno
from fpdf import FPDF

from server.documents.kk_pdf import (
    FONT_BOLD,
    FONT_FAMILY,
    FONT_REGULAR,
    QR_QUIET_MODULES,
    TTE_NOTE,
    dark_runs,
    ddmmyyyy,
)

PAGE_W, PAGE_H = 210.0, 297.0
MARGIN = 20.0
CONTENT_W = PAGE_W - 2 * MARGIN
LABEL_W = 62.0
QR_MODULE = 0.7  # mm: a phone reads it from paper
SIGNATURE_W = 80.0


@dataclass(frozen=True, kw_only=True)
class GenericDocumentView:
    """Everything printed on the page, so the renderer never touches the database."""

    doc_type: str
    title: str  # in Indonesian, e.g. "Kutipan Akta Kelahiran"
    number: str
    rows: tuple[tuple[str, str], ...]  # (label, value) in print order
    issued_on: date
    issued_place: str
    official_name: str
    official_nip: str
    official_title: str
    region_code: str


def _qr(pdf: FPDF, content: str, x: float, y: float) -> float:
    """Vector QR with its top-left quiet-zone corner at (x, y); returns its size in mm."""
    matrix = segno.make(content, error="m").matrix
    pdf.set_fill_color(0)
    offset = QR_QUIET_MODULES * QR_MODULE
    for row, col, length in dark_runs(matrix):
        pdf.rect(
            x + offset + col * QR_MODULE,
            y + offset + row * QR_MODULE,
            length * QR_MODULE,
            QR_MODULE,
            style="F",
        )
    return (len(matrix) + 2 * QR_QUIET_MODULES) * QR_MODULE


def _rows(pdf: FPDF, rows: tuple[tuple[str, str], ...]) -> None:
    pdf.set_font(FONT_FAMILY, "", 10)
    for label, value in rows:
        y = pdf.get_y()
        pdf.set_xy(MARGIN, y)
        pdf.multi_cell(LABEL_W, 6, label)
        label_bottom = pdf.get_y()
        pdf.set_xy(MARGIN + LABEL_W, y)
        pdf.cell(4, 6, ":")
        pdf.set_font(FONT_FAMILY, "B", 10)
        pdf.multi_cell(CONTENT_W - LABEL_W - 4, 6, value or "-")
        pdf.set_font(FONT_FAMILY, "", 10)
        pdf.set_y(max(label_bottom, pdf.get_y()) + 1.0)


def _signature(pdf: FPDF, view: GenericDocumentView, y: float) -> None:
    x = PAGE_W - MARGIN - SIGNATURE_W
    pdf.set_xy(x, y)
    pdf.set_font(FONT_FAMILY, "", 10)
    pdf.multi_cell(SIGNATURE_W, 5, f"{view.issued_place}, {ddmmyyyy(view.issued_on)}", align="C")
    pdf.set_x(x)
    pdf.set_font(FONT_FAMILY, "B", 10)
    pdf.multi_cell(SIGNATURE_W, 5, view.official_title, align="C")
    pdf.set_x(x)
    pdf.set_font(FONT_FAMILY, "", 8)
    pdf.set_text_color(90)
    pdf.multi_cell(SIGNATURE_W, 10, "Ditandatangani secara elektronik", align="C")
    pdf.set_text_color(0)
    pdf.set_x(x)
    pdf.set_font(FONT_FAMILY, "BU", 10)
    pdf.multi_cell(SIGNATURE_W, 5, view.official_name, align="C")
    pdf.set_x(x)
    pdf.set_font(FONT_FAMILY, "", 10)
    pdf.multi_cell(SIGNATURE_W, 5, f"NIP. {view.official_nip}", align="C")


def render_generic_pdf(view: GenericDocumentView, qr_content: str) -> bytes:
    """The document as PDF bytes: one A4 portrait page, fonts embedded, dated by the issue day."""
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.add_font(FONT_FAMILY, "", str(FONT_REGULAR))
    pdf.add_font(FONT_FAMILY, "B", str(FONT_BOLD))
    pdf.set_title(f"{view.title} No. {view.number}")
    pdf.set_author(view.official_title)
    pdf.set_creator("ADM (Anjungan Dukcapil Mandiri)")
    pdf.set_lang("id")
    pdf.set_creation_date(datetime.combine(view.issued_on, time(), tzinfo=UTC))
    pdf.add_page()
    pdf.set_font(FONT_FAMILY, "B", 11)
    pdf.cell(CONTENT_W, 6, "REPUBLIK INDONESIA", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT_FAMILY, "", 9)
    pdf.multi_cell(
        CONTENT_W, 5, view.official_title.upper(), align="C", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.ln(8)
    pdf.set_font(FONT_FAMILY, "B", 16)
    pdf.multi_cell(CONTENT_W, 8, view.title.upper(), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT_FAMILY, "B", 11)
    pdf.cell(CONTENT_W, 7, f"No. {view.number}", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    _rows(pdf, view.rows)
    footer_y = max(pdf.get_y() + 10, 190.0)
    if footer_y > PAGE_H - 90:  # a long form: signature and QR go on a page of their own
        pdf.add_page()
        footer_y = MARGIN
    _signature(pdf, view, footer_y)
    size = _qr(pdf, qr_content, MARGIN - QR_QUIET_MODULES * QR_MODULE, footer_y)
    pdf.set_xy(MARGIN, footer_y + size + 2)
    pdf.set_font(FONT_FAMILY, "", 7.5)
    pdf.multi_cell(CONTENT_W - SIGNATURE_W - 5, 4, TTE_NOTE)
    pdf.set_xy(MARGIN, PAGE_H - MARGIN)
    pdf.cell(CONTENT_W, 4, f"Kode Wilayah: {view.region_code}", align="L")
    return bytes(pdf.output())
