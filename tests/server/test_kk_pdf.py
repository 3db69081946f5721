"""The KK PDF, checked the way a citizen and a verifier see it: text, page, fonts, QR."""

from __future__ import annotations

import base64
import json
import re
import subprocess
from dataclasses import replace
from pathlib import Path

import cv2
import pytest
import zxingcpp

from server.documents.kk_pdf import (
    MARGIN,
    MEMBER_COLUMNS,
    PAD,
    TABLE1_Y,
    TABLE_HEAD_H,
    TABLE_NUM_H,
    TABLE_ROW_H,
    fit_text,
    line_height,
    render_kk_pdf,
)
from server.documents.samples import SAMPLE_KK, SAMPLE_MEMBERS


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _qr_content() -> str:
    payload = {"v": 1, "t": "KK", "n": "7307051203240003", "d": "2024-03-12"}
    body = _b64(json.dumps(payload, separators=(",", ":")).encode())
    signature = _b64(bytes(range(7, 7 + 64)))  # stands in for an Ed25519 signature
    return f"https://adm.example.go.id/v/ADM1.{body}.{signature}"


QR_CONTENT = _qr_content()


MEMBERS = SAMPLE_MEMBERS
KK = SAMPLE_KK


def _run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def kk_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("kk") / "kk.pdf"
    path.write_bytes(render_kk_pdf(KK, QR_CONTENT))
    return path


def test_sample_niks_follow_the_nik_rule() -> None:
    for member in MEMBERS:
        day = member.birth_date.day + (40 if member.sex == "PEREMPUAN" else 0)
        assert re.fullmatch(r"\d{16}", member.nik)
        assert member.nik[:6] == "730705"
        assert member.nik[6:12] == f"{day:02d}{member.birth_date:%m%y}"


def test_text_has_kk_number_names_and_niks(kk_pdf: Path) -> None:
    text = _run("pdftotext", "-layout", str(kk_pdf), "-")
    assert "KARTU KELUARGA" in text
    assert "No. 7307051203240003" in text
    for member in MEMBERS:
        assert member.name in text
        assert member.nik in text
        assert member.birth_date.strftime("%d-%m-%Y") in text
    for wording in ("Dikeluarkan Tanggal", "12-03-2024", "BIRINGERE", "SINJAI UTARA", "92611"):
        assert wording in text
    assert "NIP. 19750812 200003 1 004" in text
    assert "TTE" in text and "cap/stempel" in text


def test_one_a4_landscape_page(kk_pdf: Path) -> None:
    info = _run("pdfinfo", str(kk_pdf))
    assert re.search(r"^Pages:\s+1$", info, re.M)
    size = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info, re.M)
    assert size is not None
    width, height = float(size.group(1)), float(size.group(2))
    assert abs(width - 842) < 1 and abs(height - 595) < 1


def test_every_font_is_embedded(kk_pdf: Path) -> None:
    rows = _run("pdffonts", str(kk_pdf)).splitlines()[2:]
    assert len(rows) >= 2
    for row in rows:
        emb = row.split()[-5]  # name type encoding... emb sub uni object ID
        assert emb == "yes", row
    assert any("DejaVuSans-Bold" in row or "DejaVuSansBold" in row for row in rows)


def test_qr_decodes_to_the_content(kk_pdf: Path) -> None:
    assert 140 <= len(QR_CONTENT) <= 200
    _run("pdftoppm", "-r", "150", "-png", "-singlefile", str(kk_pdf), str(kk_pdf.with_suffix("")))
    image = cv2.imread(str(kk_pdf.with_suffix(".png")))
    assert image is not None
    results = zxingcpp.read_barcodes(image)
    assert [r.text for r in results if r.format == zxingcpp.BarcodeFormat.QRCode] == [QR_CONTENT]


def test_rendering_is_deterministic() -> None:
    assert render_kk_pdf(KK, QR_CONTENT) == render_kk_pdf(KK, QR_CONTENT)


def test_ten_members_fit_one_page_and_more_continue(tmp_path: Path) -> None:
    ten = replace(KK, members=MEMBERS * 2 + MEMBERS[:2])
    path = tmp_path / "ten.pdf"
    path.write_bytes(render_kk_pdf(ten, QR_CONTENT))
    assert re.search(r"^Pages:\s+1$", _run("pdfinfo", str(path)), re.M)

    twelve = replace(KK, members=MEMBERS * 3)
    path.write_bytes(render_kk_pdf(twelve, QR_CONTENT))
    assert re.search(r"^Pages:\s+2$", _run("pdfinfo", str(path)), re.M)
    second_page = _run("pdftotext", "-f", "2", "-l", "2", "-layout", str(path), "-")
    assert "Halaman 2 dari 2" in second_page
    assert MEMBERS[3].nik in second_page


def test_long_name_stays_inside_its_cell(tmp_path: Path) -> None:
    long_name = "ANDI MUHAMMAD FADHIL RAMADHAN TENRI SAU DAENG MAPPAJANCI BIN ANDI BACO PATUNRUI"
    family = replace(KK, members=(replace(MEMBERS[0], name=long_name), *MEMBERS[1:]))
    path = tmp_path / "long.pdf"
    path.write_bytes(render_kk_pdf(family, QR_CONTENT))
    html = _run("pdftotext", "-bbox", str(path), "-")
    pt = 72 / 25.4
    left = (MARGIN + MEMBER_COLUMNS[0].width) * pt
    right = left + MEMBER_COLUMNS[1].width * pt
    top = (TABLE1_Y + TABLE_HEAD_H + TABLE_NUM_H) * pt
    bottom = top + TABLE_ROW_H * pt
    words = [
        (float(x0), float(y0), float(x1), float(y1), word)
        for x0, y0, x1, y1, word in re.findall(
            r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]+)<', html
        )
    ]
    # every word that starts in the first row's name cell must end inside it, too
    in_cell = [w for w in words if left <= w[0] < right and top <= (w[1] + w[3]) / 2 < bottom]
    assert " ".join(w[4] for w in in_cell) == long_name
    for _x0, y0, x1, y1, word in in_cell:
        assert x1 <= right and top <= y0 and y1 <= bottom, word


def test_fit_text_never_exceeds_its_box() -> None:
    def measure(text: str, size: float) -> float:
        return len(text) * size * 0.2  # a crude monospace: 0.2 mm per character per point

    fitted = fit_text("X" * 500, 40.0, 4.6, 7.5, measure)
    assert fitted.lines[-1].endswith("…")
    assert len(fitted.lines) * line_height(fitted.size) <= 4.6
    assert all(measure(line, fitted.size) <= 40.0 for line in fitted.lines)
    short = fit_text("ISLAM", 18.0 - 2 * PAD, 4.6, 7.5, measure)
    assert short.lines == ("ISLAM",) and short.size == 7.5


def test_qr_too_long_to_scan_on_paper_is_refused() -> None:
    with pytest.raises(ValueError, match="QR content too long"):
        render_kk_pdf(KK, QR_CONTENT + "A" * 300)
    with pytest.raises(ValueError, match="at least its head"):
        render_kk_pdf(replace(KK, members=()), QR_CONTENT)
