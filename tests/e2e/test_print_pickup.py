"""A citizen scans a pickup code and walks away with a KK on A4 and a receipt, on real parts."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import cv2
import zxingcpp
from support import cups_output_for, require_tools, wait_until

KK_NUMBER = "7307051203150001"


def printed_pages(pdf: Path, tmp: Path, dpi: int = 300) -> list[Path]:
    """Rasterise what CUPS wrote, as the paper would look."""
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(tmp / "page")], check=True)
    return sorted(tmp.glob("page*.png"))


def ocr_header(png: Path, tmp: Path) -> str:
    """Read the top of a KK page with tesseract, whichever way pdftopdf turned the landscape page.

    cups-pdf only takes PostScript, and the PDF->PS step keeps the fonts' shapes but not their
    text, so the page is read back the way a person reads it: from its pixels.
    """
    image = cv2.imread(str(png))
    turns = [None]
    if image.shape[0] > image.shape[1]:  # a landscape KK on portrait A4 was rotated
        turns = [cv2.ROTATE_90_CLOCKWISE, cv2.ROTATE_90_COUNTERCLOCKWISE]
    text = ""
    for turn in turns:
        upright = image if turn is None else cv2.rotate(image, turn)
        header = upright[: upright.shape[0] // 5]
        cv2.imwrite(str(tmp / "header.png"), header)
        text += subprocess.run(
            ["tesseract", str(tmp / "header.png"), "-", "--psm", "6"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    return text


def decode_qr_codes(pages: list[Path]) -> list[str]:
    texts = []
    for png in pages:
        # QR codes only: a linear-barcode reading of the page's print can be a false "A69B"
        found = zxingcpp.read_barcodes(cv2.imread(str(png)), formats=zxingcpp.BarcodeFormat.QRCode)
        texts += [r.text for r in found]
    return texts


def test_scanned_code_prints_kk_and_receipt_once(server, sim, kiosk_core, tmp_path):
    require_tools("pdftoppm", "tesseract")
    code = server.codes[KK_NUMBER]

    sim.scanner.scan("ADMP:" + code)
    done = kiosk_core.next_event({"print_done", "print_failed", "refused"}, timeout=90)
    assert done["kind"] == "print_done", kiosk_core.seen
    receipt_number = done["receipt_number"]
    steps = [e["step"] for e in kiosk_core.seen if e["kind"] == "print_progress"]
    assert steps == ["download", "a4", "receipt", "confirm"]

    # (a) CUPS wrote the KK: its text carries the KK number, its QR verifies at the server.
    pdf = cups_output_for(receipt_number)
    pages = printed_pages(pdf, tmp_path)
    assert len(pages) == 1
    assert KK_NUMBER in ocr_header(pages[0], tmp_path).replace(" ", "")
    qr_texts = decode_qr_codes(pages)
    assert len(qr_texts) == 1
    assert qr_texts[0].startswith(server.url + "/v/ADM1.")
    verdict = server.staff_get(qr_texts[0][len(server.url) :]).json()
    assert verdict["status"] == "genuine" and verdict["number"] == KK_NUMBER

    # (b) The receipt printer received a native QR code (GS ( k) holding the receipt number.
    receipts = sim.printer.wait_for_receipts(1, timeout=10)
    assert receipts[0].qr_codes == [receipt_number]
    store = b"\x1d(k" + bytes([len(receipt_number) + 3, 0]) + b"1P0" + receipt_number.encode()
    assert store in bytes(sim.printer.received)
    assert any(receipt_number in line for line in receipts[0].lines)
    assert receipts[0].cut

    # (c) The server counts the document printed exactly once.
    def counted() -> list:
        docs = server.staff_get(f"/api/v1/staff/documents?number={KK_NUMBER}").json()
        return docs if docs and docs[0]["print_count"] == 1 else []

    wait_until(counted, 15, what="the server to count the print")

    # (d) The same code again prints nothing, and the kiosk says why.
    pdfs_before = set(Path(pdf.parent).glob("*.pdf"))
    sim.scanner.scan(code)
    refused = kiosk_core.next_event({"refused", "print_done", "print_failed"}, timeout=30)
    assert refused["kind"] == "refused"
    assert refused["reason"] == "already_printed"
    assert refused["message"] == "refused.already_printed"
    assert refused["params"]["printed_at"]
    assert len(sim.printer.receipts) == 1
    assert set(Path(pdf.parent).glob("*.pdf")) == pdfs_before
    docs = server.staff_get(f"/api/v1/staff/documents?number={KK_NUMBER}").json()
    assert docs[0]["print_count"] == 1


def test_scanned_text_that_is_no_pickup_code_is_refused(server, sim, kiosk_core):
    sim.scanner.scan("https://example.com/not-ours")
    event = kiosk_core.next_event({"refused", "print_done", "print_failed"}, timeout=20)
    assert event["reason"] == "not_a_code"
    assert sim.printer.receipts == []


def test_device_counters_after_a_journey_are_saved_when_the_kiosk_stops(
    server, sim, kiosk_core, tmp_path
):
    sim.scanner.scan(server.codes[KK_NUMBER])
    assert kiosk_core.next_event({"print_done", "print_failed"}, timeout=90)["kind"] == "print_done"
    sim.scanner.scan("noise-that-is-not-a-code")
    kiosk_core.next_event({"refused"}, timeout=20)
    kiosk_core.proc.terminate()
    kiosk_core.proc.wait(timeout=20)

    counters = json.loads((tmp_path / "kiosk" / "counters.json").read_text())
    assert counters["scanner"]["scans_good"] == 2
    assert counters["receipt"]["receipts"] == 1 and counters["receipt"]["cuts"] == 1
    assert counters["a4"]["jobs_ok"] == 1 and counters["a4"]["pages"] == 1
    assert counters["a4"]["seconds_online"] >= 0
