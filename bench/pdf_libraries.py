"""fpdf2 vs reportlab for the Kartu Keluarga page: speed, memory, size, import time.

Both renderers draw the same page: the same layout constants, text fitting and QR runs from
``server.documents.kk_pdf``, the same embedded DejaVu fonts. Only the PDF library differs. The
reportlab renderer lives here because it exists only to be measured.

Run: ``.venv/bin/python bench/pdf_libraries.py`` (30-40 s on the project's 2-core machine).
"""

from __future__ import annotations

import gc
import io
import json
import os
import pickle
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import segno
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from server.documents import kk_pdf as layout
from server.documents.kk_pdf import render_kk_pdf
from server.documents.samples import SAMPLE_KK
from server.documents.views import FamilyMemberRow, KartuKeluargaView

RENDERS = 50
WARMUP = 5
MEMORY_RENDERS = 5
FRESH_RUNS = 7
MM = 72 / 25.4  # points per millimetre
BENCH_DIR = Path(__file__).resolve().parent  # fresh interpreters import this file from here

# ---------------------------------------------------------------- the family on the page


KK = SAMPLE_KK
QR_CONTENT = (
    "https://adm.example.go.id/v/ADM1."
    "eyJ2IjoxLCJ0IjoiS0siLCJuIjoiNzMwNzA1MTIwMzI0MDAwMyIsImQiOiIyMDI0LTAzLTEyIn0."
    "BwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAhIiMkJSYnKCkqKywtLi8wMTIzNDU2Nzg5Ojs8PT4_QEFCQ0RFRkc"
)

# ---------------------------------------------------------------- reportlab, same page


REGULAR, BOLD = "DejaVuSans", "DejaVuSans-Bold"


def register_reportlab_fonts() -> None:
    """reportlab keeps registered fonts process-wide, as a server would after its first page."""
    if REGULAR not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(REGULAR, str(layout.FONT_REGULAR)))
        pdfmetrics.registerFont(TTFont(BOLD, str(layout.FONT_BOLD)))


class ReportlabKKPage:
    """The KK page of kk_pdf._KKPage, drawn with a reportlab canvas (y axis flipped)."""

    def __init__(self, canvas: Canvas) -> None:
        self.c = canvas
        self.face = REGULAR
        self.text_gray = 0.0

    def measure(self, text: str, size: float) -> float:
        return float(pdfmetrics.stringWidth(text, self.face, size)) / MM

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
        self.face = BOLD if bold else REGULAR
        fitted = layout.fit_text(text, w - 2 * layout.PAD, h, size, self.measure)
        self.c.setFont(self.face, fitted.size)
        self.c.setFillGray(self.text_gray)
        lh = fitted.line_height
        top = y + (h - lh * len(fitted.lines)) / 2
        for i, line in enumerate(fitted.lines):
            width = self.measure(line, fitted.size)
            if align == "C":
                tx = x + (w - width) / 2
            elif align == "R":
                tx = x + w - layout.PAD - width
            else:
                tx = x + layout.PAD
            baseline = top + i * lh + lh / 2 + 0.36 * fitted.size * layout.PT
            self.c.drawString(tx * MM, (layout.PAGE_H - baseline) * MM, line)

    def rect(self, x: float, y: float, w: float, h: float, fill: bool = False) -> None:
        self.c.rect(
            x * MM,
            (layout.PAGE_H - y - h) * MM,
            w * MM,
            h * MM,
            stroke=0 if fill else 1,
            fill=1 if fill else 0,
        )

    def line(self, x1: float, y1: float, x2: float, y2: float) -> None:
        self.c.line(x1 * MM, (layout.PAGE_H - y1) * MM, x2 * MM, (layout.PAGE_H - y2) * MM)

    def header(self, kk: KartuKeluargaView) -> None:
        self.text_box(
            "KARTU KELUARGA",
            layout.MARGIN,
            layout.TITLE_Y,
            layout.CONTENT_W,
            layout.TITLE_H,
            layout.TITLE_SIZE,
            True,
            "C",
        )
        self.text_box(
            f"No. {kk.kk_number}",
            layout.MARGIN,
            layout.NUMBER_Y,
            layout.CONTENT_W,
            layout.NUMBER_H,
            layout.NUMBER_SIZE,
            True,
            "C",
        )
        for fields, (x, label_w, value_w) in zip(
            layout.address_fields(kk), layout.ADDRESS_COLUMNS, strict=True
        ):
            for i, (label, value) in enumerate(fields):
                y = layout.ADDRESS_Y + i * layout.ADDRESS_ROW_H
                self.text_box(label, x, y, label_w, layout.ADDRESS_ROW_H, layout.ADDRESS_SIZE)
                self.text_box(":", x + label_w, y, 3.0, layout.ADDRESS_ROW_H, layout.ADDRESS_SIZE)
                self.text_box(
                    value,
                    x + label_w + 3.0,
                    y,
                    value_w,
                    layout.ADDRESS_ROW_H,
                    layout.ADDRESS_SIZE,
                    True,
                )

    def table(
        self,
        columns: Sequence[layout.Column],
        y: float,
        rows: Sequence[tuple[int, FamilyMemberRow]],
        first_number: int,
    ) -> None:
        self.c.setFillGray(225 / 255)
        self.rect(layout.MARGIN, y, layout.CONTENT_W, layout.TABLE_HEAD_H, fill=True)
        x = layout.MARGIN
        for number, column in enumerate(columns, start=first_number - 1):
            self.text_box(
                column.title, x, y, column.width, layout.TABLE_HEAD_H, layout.HEAD_SIZE, True, "C"
            )
            label = f"({number})" if number >= first_number else ""
            self.text_box(
                label,
                x,
                y + layout.TABLE_HEAD_H,
                column.width,
                layout.TABLE_NUM_H,
                layout.NUM_SIZE,
                False,
                "C",
            )
            x += column.width
        top = y + layout.TABLE_HEAD_H + layout.TABLE_NUM_H
        for i, (n, member) in enumerate(rows):
            x = layout.MARGIN
            for column in columns:
                row_y = top + i * layout.TABLE_ROW_H
                self.text_box(
                    column.value(n, member),
                    x,
                    row_y,
                    column.width,
                    layout.TABLE_ROW_H,
                    layout.CELL_SIZE,
                    False,
                    column.align,
                )
                x += column.width
        self.c.setStrokeGray(0)
        self.c.setLineWidth(0.15 * MM)
        for rule_y in (
            y + layout.TABLE_HEAD_H,
            *(top + i * layout.TABLE_ROW_H for i in range(layout.ROWS_PER_PAGE)),
        ):
            self.line(layout.MARGIN, rule_y, layout.MARGIN + layout.CONTENT_W, rule_y)
        x = layout.MARGIN
        for column in columns[:-1]:
            x += column.width
            self.line(x, y, x, y + layout.TABLE_H)
        self.c.setLineWidth(0.35 * MM)
        self.rect(layout.MARGIN, y, layout.CONTENT_W, layout.TABLE_H)

    def footer(self, kk: KartuKeluargaView, qr_content: str) -> None:
        labels = (
            ("Dikeluarkan Tanggal", layout.ddmmyyyy(kk.issued_on)),
            ("No. Dokumen", kk.document_number),
            ("Kode Wilayah", kk.region_code),
        )
        for i, (label, value) in enumerate(labels):
            y = layout.FOOTER_Y + i * layout.ADDRESS_ROW_H
            self.text_box(label, layout.MARGIN, y, 32.0, layout.ADDRESS_ROW_H, layout.FOOTER_SIZE)
            self.text_box(
                ":", layout.MARGIN + 32.0, y, 3.0, layout.ADDRESS_ROW_H, layout.FOOTER_SIZE
            )
            self.text_box(
                value, layout.MARGIN + 35.0, y, 80.0, layout.ADDRESS_ROW_H, layout.FOOTER_SIZE, True
            )
        note_y = layout.FOOTER_Y + 3 * layout.ADDRESS_ROW_H + 2.0
        note_w = layout.QR_RIGHT - layout.QR_MAX_SIZE - layout.MARGIN - 4.0
        self.c.setLineWidth(0.25 * MM)
        self.rect(layout.MARGIN, note_y, note_w, 13.0)
        self.text_box(layout.TTE_NOTE, layout.MARGIN + 1.0, note_y + 0.5, note_w - 2.0, 12.0, 7.5)
        self.qr(qr_content)
        self.signature(kk)

    def qr(self, qr_content: str) -> None:
        matrix = segno.make(qr_content, error="m").matrix
        total = len(matrix) + 2 * layout.QR_QUIET_MODULES
        module = layout.qr_module_size(total)
        x0 = layout.QR_RIGHT - total * module + layout.QR_QUIET_MODULES * module
        y0 = (
            layout.FOOTER_Y
            + (layout.QR_MAX_SIZE - total * module) / 2
            + layout.QR_QUIET_MODULES * module
        )
        self.c.setFillGray(0)
        for row, col, length in layout.dark_runs(matrix):
            self.rect(x0 + col * module, y0 + row * module, length * module, module, fill=True)

    def signature(self, kk: KartuKeluargaView) -> None:
        x, w = layout.SIGNATURE_X, layout.SIGNATURE_W
        y = layout.FOOTER_Y + 1.0
        place_date = f"{kk.issued_place}, {layout.ddmmyyyy(kk.issued_on)}"
        self.text_box(place_date, x, y, w, 4.5, layout.FOOTER_SIZE, False, "C")
        self.text_box(kk.official_title, x, y + 4.5, w, 11.0, layout.FOOTER_SIZE, True, "C")
        self.text_gray = 90 / 255
        self.text_box("Ditandatangani secara elektronik", x, y + 17.0, w, 5.0, 6.5, False, "C")
        self.text_gray = 0.0
        name_y = y + 28.0
        self.text_box(kk.official_name, x, name_y, w, 4.5, 8.5, True, "C")
        name_w = min(self.measure(kk.official_name, 8.5), w - 2 * layout.PAD)
        self.c.setLineWidth(0.2 * MM)
        self.line(x + (w - name_w) / 2, name_y + 3.7, x + (w + name_w) / 2, name_y + 3.7)
        self.text_box(
            f"NIP. {kk.official_nip}", x, name_y + 4.5, w, 4.5, layout.FOOTER_SIZE, False, "C"
        )


def render_kk_reportlab(kk: KartuKeluargaView, qr_content: str) -> bytes:
    """The same one-page KK through reportlab's canvas (at most ten members, bench only)."""
    register_reportlab_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(
        buffer,
        pagesize=(layout.PAGE_W * MM, layout.PAGE_H * MM),
        pageCompression=1,
        invariant=1,
        lang="id",
        initialFontName=REGULAR,  # else an unembedded Helvetica lands in the page resources
    )
    canvas.setTitle(f"Kartu Keluarga No. {kk.kk_number}")
    canvas.setSubject(f"Kartu Keluarga {kk.head_name}")
    canvas.setAuthor(kk.official_title)
    canvas.setCreator("ADM (Anjungan Dukcapil Mandiri)")
    page = ReportlabKKPage(canvas)
    rows = list(enumerate(kk.members[: layout.ROWS_PER_PAGE], start=1))
    page.header(kk)
    page.table(layout.MEMBER_COLUMNS, layout.TABLE1_Y, rows, first_number=1)
    page.table(
        layout.FAMILY_COLUMNS, layout.TABLE2_Y, rows, first_number=len(layout.MEMBER_COLUMNS)
    )
    page.footer(kk, qr_content)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


# ---------------------------------------------------------------- measuring


@dataclass(frozen=True)
class Library:
    name: str
    package: str
    render: Callable[[KartuKeluargaView, str], bytes]
    import_statement: str  # what the renderer needs from the library, timed in a fresh interpreter
    fresh_setup: str  # imported before the clock starts: what the other library's run needs too
    fresh_page: str  # timed in a fresh interpreter: library imports, font loading, one page


@dataclass(frozen=True)
class Figures:
    median_ms: float
    p95_ms: float
    peak_kib: float
    size_bytes: int
    import_ms: float
    fresh_ms: float


# The reportlab renderer borrows kk_pdf's layout, so kk_pdf (and fpdf with it) and this file's
# standard-library imports are loaded before its clock starts; segno and the data are shared.
SHARED_SETUP = f"import pickle, segno; kk, qr = pickle.loads({pickle.dumps((KK, QR_CONTENT))!r})"
LIBRARIES = (
    Library(
        "fpdf2",
        "fpdf2",
        render_kk_pdf,
        "import fpdf",
        SHARED_SETUP,
        "from server.documents.kk_pdf import render_kk_pdf as r; r(kk, qr)",
    ),
    Library(
        "reportlab",
        "reportlab",
        render_kk_reportlab,
        "from reportlab.pdfgen import canvas; from reportlab.pdfbase import pdfmetrics, ttfonts",
        SHARED_SETUP + "; import server.documents.kk_pdf, gc, io, json, statistics, subprocess,"
        " tracemalloc, importlib.metadata",
        "from pdf_libraries import render_kk_reportlab as r; r(kk, qr)",
    ),
)


def time_renders() -> dict[str, list[float]]:
    """Wall-clock ms of RENDERS pages per library after warm-up, GC on as in production.

    The libraries take turns page by page, so load from other work on the machine hits both alike.
    """
    for library in LIBRARIES:
        for _ in range(WARMUP):
            library.render(KK, QR_CONTENT)
    samples: dict[str, list[float]] = {library.name: [] for library in LIBRARIES}
    for _ in range(RENDERS):
        for library in LIBRARIES:
            start = time.perf_counter()
            library.render(KK, QR_CONTENT)
            samples[library.name].append((time.perf_counter() - start) * 1000)
    return samples


def peak_memory_kib(render: Callable[[KartuKeluargaView, str], bytes]) -> float:
    """Median over a few renders of the Python heap peak above what was live before the render."""
    peaks = []
    tracemalloc.start()
    for _ in range(MEMORY_RENDERS):
        gc.collect()
        before, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        render(KK, QR_CONTENT)
        peaks.append((tracemalloc.get_traced_memory()[1] - before) / 1024)
    tracemalloc.stop()
    return statistics.median(peaks)


def fresh_interpreter_ms(code: str, setup: str = "pass") -> float:
    """Milliseconds of `code` in a new interpreter, after `setup` that is not timed."""
    clock = "import time; t = time.perf_counter()"
    program = f"{setup}\n{clock}; {code}; print((time.perf_counter() - t) * 1000)"
    out = subprocess.run(
        [sys.executable, "-c", program], check=True, capture_output=True, text=True, cwd=BENCH_DIR
    )
    return float(out.stdout.strip().splitlines()[-1])


def fresh_runs() -> dict[str, tuple[float, float]]:
    """Median (import ms, first page ms) over FRESH_RUNS fresh interpreters, libraries in turn."""
    runs: dict[str, list[tuple[float, float]]] = {library.name: [] for library in LIBRARIES}
    for _ in range(FRESH_RUNS):
        for lib in LIBRARIES:
            imported = fresh_interpreter_ms(lib.import_statement)
            first_page = fresh_interpreter_ms(lib.fresh_page, lib.fresh_setup)
            runs[lib.name].append((imported, first_page))
    return {
        name: (statistics.median(r[0] for r in pairs), statistics.median(r[1] for r in pairs))
        for name, pairs in runs.items()
    }


def measure_all() -> dict[str, Figures]:
    samples = time_renders()
    fresh = fresh_runs()
    return {
        lib.name: Figures(
            median_ms=statistics.median(samples[lib.name]),
            p95_ms=statistics.quantiles(samples[lib.name], n=20)[18],
            peak_kib=peak_memory_kib(lib.render),
            size_bytes=len(lib.render(KK, QR_CONTENT)),
            import_ms=fresh[lib.name][0],
            fresh_ms=fresh[lib.name][1],
        )
        for lib in LIBRARIES
    }


def verdict(results: dict[str, Figures]) -> str:
    """Which library each figure favours (lower is better everywhere), and the overall count."""
    metrics = {
        "ms per page (median)": lambda f: f.median_ms,
        "ms per page (p95)": lambda f: f.p95_ms,
        "peak KiB per page": lambda f: f.peak_kib,
        "PDF bytes": lambda f: f.size_bytes,
        "import ms": lambda f: f.import_ms,
        "first page in a fresh process ms": lambda f: f.fresh_ms,
    }
    wins: dict[str, int] = dict.fromkeys(results, 0)
    lines = []
    for label, value in metrics.items():
        best = min(results, key=lambda name: value(results[name]))
        worst = max(value(figures) for figures in results.values())
        wins[best] += 1
        lines.append(f"  {label:<34} favours {best} ({worst / value(results[best]):.1f}x lower)")
    overall = max(wins, key=lambda name: wins[name])
    lines.append(
        f"Overall the figures favour {overall} ({wins[overall]} of {len(metrics)} figures)."
    )
    return "\n".join(lines)


def main() -> None:
    print(f"KK page, {RENDERS} renders after {WARMUP} warm-up; Python {sys.version.split()[0]}")
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    results = measure_all()
    titles = ("library", "median ms", "p95 ms", "peak KiB/page", "PDF bytes", "import ms")
    titles += ("first page, fresh process ms",)
    widths = [max(len(t), 17) if i == 0 else len(t) for i, t in enumerate(titles)]
    print("| " + " | ".join(t.ljust(w) for t, w in zip(titles, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for lib in LIBRARIES:
        f = results[lib.name]
        cells = (
            f"{lib.name} {version(lib.package)}",
            f"{f.median_ms:.1f}",
            f"{f.p95_ms:.1f}",
            f"{f.peak_kib:,.0f}",
            f"{f.size_bytes:,}",
            f"{f.import_ms:.0f}",
            f"{f.fresh_ms:.0f}",
        )
        pairs = enumerate(zip(cells, widths, strict=True))
        row = [c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in pairs]
        print("| " + " | ".join(row) + " |")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    print(verdict(results))
    print("raw:", json.dumps({name: vars(f) for name, f in results.items()}))


if __name__ == "__main__":
    main()
