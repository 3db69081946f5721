"""Print my documents in the real app: number + PIN, a wrong PIN, and the documents shown first.

Each test walks the flow as a citizen does (taps on a virtual display) against a real server
with demo data, the simulated receipt printer and the real CUPS queue, and reads the screen
back with OCR. The screenshots stay in var/test-screenshots/<test name>/ for a person to see.
"""

# ruff: noqa: F811 (the fixtures imported from test_kiosk_app are parameters here)

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import cv2
import pytest
from ocr import shows
from PIL import Image
from support import cups_output_for, wait_until
from ui.test_kiosk_app import app, display, screen_words, tap  # noqa: F401 (fixtures)

from kiosk.errors import ServerRefused
from kiosk.server_client import ServerClient

pytestmark = pytest.mark.ui

KK_NUMBER = "7307051203150001"
OTHER_KK = "7307021508180004"
LANGUAGE = {"id": (490, 330), "en": (865, 330)}
LANGUAGE_SWITCH = (1145, 48)  # the header's language button
PRINT_TILE = {"id": "Dokumen", "en": "Finished"}  # the tile's body: its title sits under a bar
TYPE_INSTEAD = (490, 616)  # scan screen: "Ketik nomor registrasi dan PIN", bottom right column
# screens/pickup_pin.kv: the KeyPad's keys (156 x 92 dp, 12 dp apart) and Continue
PAD_X = (817, 985, 1153)
PAD_Y = (250, 354, 458, 562)
CONTINUE = (208, 552)
FIELD_LABELS = ((60, 204, 690, 246), (60, 360, 690, 402))  # the labels above the two rows
PRINT_BUTTON = (1042, 385)  # screens/pickup_documents.kv: the big green "Cetak" / "Print"


def number(png: Path) -> int:
    return int(png.stem.split("-")[0])


def screens_in_order(shots: Path) -> list[str]:
    """The screens shown, in order, each once per visit (from the screenshot names)."""
    names = [p.stem.split("-")[1] for p in sorted(shots.glob("[0-9]*.png"), key=number)]
    return [n for i, n in enumerate(names) if i == 0 or n != names[i - 1]]


def next_shot(shots: Path, pattern: str, after: int = 0, timeout: float = 30) -> Path:
    """The first screenshot matching ``pattern`` taken after number ``after``."""

    def find() -> Path | None:
        found = [p for p in shots.glob(pattern) if number(p) > after]
        return min(found, key=number) if found else None

    return wait_until(find, timeout, what=f"a screenshot {pattern} after {after}")


def words_in(png: Path, box: tuple[int, int, int, int], tmp: Path) -> str:
    """The words inside ``box`` (left, top, right, bottom) of a screenshot, read as one block."""
    crop = tmp / f"crop-{png.stem}-{box[1]}.png"
    Image.open(png).crop(box).save(crop)
    command = ["tesseract", str(crop), "-", "--psm", "6"]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def green_button(png: Path) -> tuple[int, int] | None:
    """The centre of the green (primary) button between header and footer, if there is one:
    white on green is hard for OCR, the colour is not."""
    content = cv2.imread(str(png))[110:670]
    mask = cv2.inRange(content, (0x47, 0x73, 0x15), (0x47, 0x73, 0x15))  # #157347 as BGR
    ys, xs = mask.nonzero()
    return (int(xs.mean()), int(ys.mean()) + 110) if len(xs) > 1000 else None


def word_boxes(png: Path) -> list[tuple[str, int, int]]:
    """Every word tesseract reads on a screenshot, with the centre of its box."""
    command = ["tesseract", str(png), "-", "--psm", "3", "tsv"]
    tsv = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    words = []
    for line in tsv.splitlines()[1:]:
        cols = line.split("\t")
        if len(cols) == 12 and cols[11].strip():
            left, top, width, height = (int(c) for c in cols[6:10])
            words.append((cols[11].strip(), left + width // 2, top + height // 2))
    return words


def tap_word(env: dict, png: Path, word: str) -> None:
    spots = [(x, y) for text, x, y in word_boxes(png) if text.strip(".,;:") == word]
    assert spots, f"no {word!r} on {png.name}"
    tap(env, *spots[0])


def open_scan_screen(app, language: str) -> Path:
    """Attract -> language -> the print tile (found by OCR): the scan screen's screenshot."""
    shots, env = app["shots"], app["env"]
    for _ in range(5):  # a touch in the first moments of a new window can get lost
        tap(env, 640, 450)
        try:
            language_shot = next_shot(shots, "*-language.png", timeout=3)
            break
        except AssertionError:
            continue
    else:
        raise AssertionError("touching the attract screen did not open the language choice")
    tap(env, *LANGUAGE[language])
    menu = next_shot(shots, "*-menu.png", number(language_shot))
    tap_word(env, menu, PRINT_TILE[language])
    return next_shot(shots, "*-scan.png", number(menu))


def type_digits(env: dict, digits: str) -> None:
    """Touch the keypad's keys, in one xdotool run; a repeated digit 0.3 s later (debounce)."""
    command = ["xdotool"]
    for index, d in enumerate(map(int, digits)):
        x, y = (PAD_X[1], PAD_Y[3]) if d == 0 else (PAD_X[(d - 1) % 3], PAD_Y[(d - 1) // 3])
        if index and digits[index - 1] == digits[index]:
            command += ["sleep", "0.3"]
        command += ["mousemove", str(x), str(y), "click", "1", "sleep", "0.05"]
    subprocess.run(command, env=env, check=True)


def type_number_and_pin(app, after: Path, registration: str, pin: str) -> Path:
    """On the PIN screen: the number, then the PIN, then Continue; the next screenshot."""
    env, shots = app["env"], app["shots"]
    type_digits(env, registration)
    on_pin = next_shot(shots, "*-pickup_pin.png", number(after))  # the PIN row is next
    type_digits(env, pin)
    tap(env, *CONTINUE)
    return on_pin


def kiosk_client(server) -> ServerClient:
    return ServerClient(server.url, server.credential_file.read_text(encoding="utf-8").strip())


def print_count(server, kk: str) -> int:
    docs = server.staff_get(f"/api/v1/staff/documents?number={kk}").json()
    return int(docs[0]["print_count"])


def test_number_and_pin_show_the_documents_then_print_the_kk_and_a_receipt(
    server, sim, app, tmp_path
):
    shots, env = app["shots"], app["env"]
    sim.printer.set_baud(2400)  # a serial receipt printer: the printing screen stays a while
    registration, pin = server.pins[KK_NUMBER]
    scan = open_scan_screen(app, "id")
    assert "Ketik nomor registrasi dan PIN" in screen_words(scan)

    tap(env, *TYPE_INSTEAD)
    entry = next_shot(shots, "*-pickup_pin.png", number(scan))
    assert "Ketik nomor registrasi dengan tombol angka" in screen_words(entry)
    assert "Nomor registrasi (12 angka)" in words_in(entry, FIELD_LABELS[0], tmp_path)
    assert "PIN (6 angka)" in words_in(entry, FIELD_LABELS[1], tmp_path)
    on_pin = type_number_and_pin(app, entry, registration, pin)
    documents = next_shot(shots, "*-pickup_documents.png", number(on_pin))

    words = screen_words(documents)
    assert "Dokumen Anda siap dicetak" in words and "Kartu Keluarga" in words, words
    assert shows(words, "7307********0001", max_edits=1), words
    assert "An** Ba** Ra****" in words, words
    assert sim.printer.receipts == []  # shown, nothing printed yet

    tap(env, *PRINT_BUTTON)
    done = next_shot(shots, "*-done.png", number(documents), timeout=90)

    receipt = sim.printer.wait_for_receipts(1, timeout=10)[0]
    receipt_number = receipt.qr_codes[0]
    assert cups_output_for(receipt_number).stat().st_size > 0  # the KK on A4
    assert shows(screen_words(done), receipt_number), screen_words(done)
    wait_until(lambda: print_count(server, KK_NUMBER) == 1, 15, what="the print to be counted")
    assert screens_in_order(shots)[-5:] == [
        "scan",
        "pickup_pin",
        "pickup_documents",
        "printing",
        "done",
    ]
    assert len(sim.printer.receipts) == 1


def test_a_wrong_pin_is_refused_in_plain_words_and_a_locked_number_says_until_when(
    server, sim, app
):
    shots, env = app["shots"], app["env"]
    registration, pin = server.pins[KK_NUMBER]
    wrong = "000000" if pin != "000000" else "111111"
    scan = open_scan_screen(app, "en")
    tap(env, *TYPE_INSTEAD)
    entry = next_shot(shots, "*-pickup_pin.png", number(scan))

    on_pin = type_number_and_pin(app, entry, registration, wrong)
    refused = next_shot(shots, "*-pickup_pin-refused.png", number(on_pin))

    # the title sits beside the header's buttons: page segmentation (psm 3) may skip it
    words = " ".join((screen_words(refused) + " " + screen_words(refused, psm=11)).split())
    assert "Cannot print yet" in words, words
    assert "registration number or PIN does not match" in words, words
    assert "locked" in words, words
    client = kiosk_client(server)
    assert client.resolve(server.codes[KK_NUMBER])["status"] == "ready"  # nothing claimed

    # Four more wrong PINs (from anywhere) lock the number; the right PIN is then refused too.
    for _ in range(4):
        with pytest.raises(ServerRefused, match="wrong_pin"):
            client.claim_with_pin(registration, wrong)
    try_again = green_button(refused)
    assert try_again, "no Try again button"
    tap(env, *try_again)
    again = next_shot(shots, "*-pickup_pin.png", number(refused))
    assert "does not match" not in screen_words(again)
    type_digits(env, pin)  # the number is still there: only the PIN is typed again
    tap(env, *CONTINUE)
    locked = next_shot(shots, "*-pickup_pin-refused.png", number(again))

    words = " ".join(screen_words(locked).split())
    assert "locked for a while" in words, words
    assert re.search(r"after \d\d:\d\d", words), words
    assert "officer" in words, words
    assert green_button(locked) is None  # no "Try again" button: nothing to try until then
    assert sim.printer.receipts == []
    assert print_count(server, KK_NUMBER) == 0


def test_a_scanned_code_shows_its_documents_in_both_languages_and_back_claims_nothing(
    server, sim, app
):
    shots, env = app["shots"], app["env"]
    scan = open_scan_screen(app, "id")

    sim.scanner.scan("ADMP:" + server.codes[OTHER_KK])
    documents = next_shot(shots, "*-pickup_documents.png", number(scan))
    words = screen_words(documents)
    assert "Dokumen Anda siap dicetak" in words and "Kartu Keluarga" in words, words
    assert "Cetak" in words and "Jumlah dokumen: 1" in words, words
    assert shows(words, "7307********0004", max_edits=1), words

    tap(env, *LANGUAGE_SWITCH)
    english = next_shot(shots, "*-pickup_documents.png", number(documents))
    words = screen_words(english)
    assert "Your documents are ready to print" in words and "Family Card" in words, words
    assert "Print" in words and "Documents: 1" in words, words

    tap(env, 150, 737)  # Back
    back = next_shot(shots, "*-scan.png", number(english))
    assert "Family Card" not in screen_words(back)
    assert kiosk_client(server).resolve(server.codes[OTHER_KK])["status"] == "ready"
    assert sim.printer.receipts == []


def test_paper_running_out_in_the_middle_of_the_receipt_is_told_and_nothing_counts(
    server, sim, app
):
    shots, env = app["shots"], app["env"]
    scan = open_scan_screen(app, "en")
    sim.printer.paper_out_after(2)  # the roll ends two lines into the receipt
    sim.scanner.scan("ADMP:" + server.codes[KK_NUMBER])
    documents = next_shot(shots, "*-pickup_documents.png", number(scan))
    tap(env, *PRINT_BUTTON)

    failed = next_shot(shots, "*-done-failed.png", number(documents), timeout=90)
    words = " ".join(screen_words(failed).split())
    assert "receipt printer has a problem" in words, words
    assert "show this screen to an officer" in words, words
    assert sim.printer.wait_for_receipts(1, timeout=10)[0].incomplete  # the torn-off stub
    # the kiosk reported "failed": nothing counts as printed, and the code works again
    assert print_count(server, KK_NUMBER) == 0
    client = kiosk_client(server)
    wait_until(
        lambda: client.resolve(server.codes[KK_NUMBER])["status"] == "ready",
        15,
        what="the code to be printable again",
    )
