"""The satisfaction survey and the complaint flow in the real app, against a real server.

A citizen taps through each flow (the on-screen keyboard and keypad included); the tests read
the screen back with OCR and ask the server's staff API what arrived. One complaint is sent
while the server is stopped: the kiosk keeps it and delivers it when the server is back.
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
import time
from pathlib import Path

import ocr
import pytest
import requests
from ocr import shows
from PIL import Image
from support import BIN, STAFF_TOKEN, wait_until
from ui import test_kiosk_app as kiosk_ui

pytestmark = pytest.mark.ui

# the virtual display and the app in it, as the first UI tests start them
display, app = kiosk_ui.display, kiosk_ui.app
shot, tap = kiosk_ui.shot, kiosk_ui.tap

LANGUAGE = {"id": (490, 330), "en": (865, 330)}
TILE_WORDS = {  # words of the menu tile (title, then body), found on the menu by OCR
    ("complaint", "id"): ("Pengaduan", "keluhan", "Sampaikan"),
    ("complaint", "en"): ("complaint", "wrong"),
    ("survey", "id"): ("Survei", "kepuasan", "sentuhan"),
    ("survey", "en"): ("Satisfaction", "survey", "taps"),
}
FOOTER_NEXT = (1137, 738)  # Lanjut / Kirim / Lewati & kirim, rightmost in the footer
FOOTER_DONE = (1128, 738)  # Selesai / Done on the last screens

# screens/complaint.kv: the category tiles, three to a row
CATEGORY = {"layanan": (232, 316), "dokumen": (640, 316), "perangkat": (1048, 316)}
# the on-screen keyboard (screens/keys.py) under the typed text: 32 dp margins, 76 dp keys
KEY_ROWS = ("1234567890", "QWERTYUIOP", "ASDFGHJKL-", "ZXCVBNM.,/")
KEYS_LEFT, KEYS_RIGHT, KEYS_TOP, KEY_HEIGHT, KEY_GAP = 32, 1248, 257, 76, 8
# the keypad of the phone screen: three columns, four rows
PAD_X, PAD_Y = (825, 993, 1161), (169, 273, 377, 481)
PAD_CLEAR = (825, 481)
# screens/survey.kv: five rating tiles; the four answers of a question
RATING_X, RATING_Y = (152, 396, 640, 884, 1128), 470
ANSWER_X, ANSWER_Y = (182, 487, 792, 1097), 420
RATING_WORDS = (40, 480, 1240, 600)  # the band of the tiles' words, under the faces
MORE_YES, MORE_NO = (340, 425), (937, 425)

TICKET = re.compile(r"PGD-\d{4}-\d{4}-[0-9A-Z]{6}")


# tesseract takes a second or two: read each screenshot once
screen_words = functools.cache(ocr.screen_words)


def words_in(png: Path, box: tuple[int, int, int, int]) -> str:
    """The words in one part of a screenshot (left, top, right, bottom), read as a block."""
    part = png.with_name(f"{png.stem}-{'-'.join(map(str, box))}.part")
    Image.open(png).crop(box).save(part, format="PNG")  # not *.png: not a screenshot
    try:
        return screen_words(part, psm=6)
    finally:
        part.unlink()


def staff_json(server, path: str):
    response = server.staff_get(path)
    assert response.ok, response.text
    return response.json()


def shots_of(shots: Path) -> list[str]:
    """Screenshot names in the order taken, without their numbers."""
    ordered = sorted(shots.glob("[0-9]*.png"), key=lambda p: int(p.stem.split("-")[0]))
    return [p.stem.split("-", 1)[1] for p in ordered]


def next_shot(shots: Path, pattern: str, after: int, timeout: float = 20) -> Path:
    """The first screenshot matching ``pattern`` numbered above ``after``."""

    def find() -> Path | None:
        found = [p for p in shots.glob(pattern) if int(p.stem.split("-")[0]) > after]
        return min(found, key=lambda p: int(p.stem.split("-")[0])) if found else None

    return wait_until(find, timeout, what=f"a screenshot {pattern} after {after}")


def number(png: Path) -> int:
    return int(png.stem.split("-")[0])


def word_boxes(png: Path) -> list[tuple[str, int, int]]:
    """Every word tesseract reads, with the centre of its box."""
    tsv = subprocess.run(
        ["tesseract", str(png), "-", "--psm", "3", "tsv"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    words = []
    for line in tsv.splitlines()[1:]:
        cols = line.split("\t")
        if len(cols) == 12 and cols[11].strip():
            left, top, width, height = (int(c) for c in cols[6:10])
            words.append((cols[11].strip(), left + width // 2, top + height // 2))
    return words


def latest(shots: Path) -> int:
    return max((number(p) for p in shots.glob("[0-9]*.png")), default=0)


def open_flow(app, flow: str, language: str) -> Path:
    """Attract -> language -> the flow's menu tile (found by OCR); its first screenshot."""
    shots, env = app["shots"], app["env"]
    after = number(next_shot(shots, "*-attract*.png", latest(shots) - 1))
    # The first click on the new window only gives it the focus: touch twice (the second touch,
    # should it reach the language screen, lands on nothing there).
    taps(env, [(640, 450), (640, 450)])
    after = number(next_shot(shots, "*-language.png", after))
    tap(env, *LANGUAGE[language])
    menu = next_shot(shots, "*-menu.png", after)
    read = word_boxes(menu)
    wanted = TILE_WORDS[(flow, language)]
    spots = [(x, y) for word in wanted for text, x, y in read if text.strip(".,;:") == word]
    assert spots, f"no tile with {wanted} on the menu: {[text for text, _, _ in read]}"
    tap(env, *spots[0])
    return next_shot(shots, f"*-{flow}.png", number(menu))


def taps(env: dict, points: list[tuple[float, float]]) -> None:
    """Touch the points one after the other, in one xdotool run (one process per key is slow).

    The same key twice is touched 0.3 s apart, as a person would: the kiosk takes a second
    touch of one key within its debounce window (screens/base.py) for a bounce.
    """
    command = ["xdotool"]
    for index, (x, y) in enumerate(points):
        if index and points[index - 1] == (x, y):
            command += ["sleep", "0.3"]
        command += ["mousemove", str(int(x)), str(int(y)), "click", "1", "sleep", "0.04"]
    subprocess.run(command, env=env, check=True)


def type_on_keyboard(env: dict, text: str) -> None:
    width = (KEYS_RIGHT - KEYS_LEFT - 9 * KEY_GAP) / 10
    pitch = KEY_HEIGHT + KEY_GAP
    points = []
    for char in text:
        if char == " ":  # the space bar: three fifths of the last row, after the case key
            unit = (KEYS_RIGHT - KEYS_LEFT - 2 * KEY_GAP) / 5
            points.append((KEYS_LEFT + 2.5 * unit + KEY_GAP, KEYS_TOP + 4 * pitch + KEY_HEIGHT / 2))
        else:
            row = next(r for r, keys in enumerate(KEY_ROWS) if char in keys)
            col = KEY_ROWS[row].index(char)
            x = KEYS_LEFT + col * (width + KEY_GAP) + width / 2
            points.append((x, KEYS_TOP + row * pitch + KEY_HEIGHT / 2))
    taps(env, points)


def type_on_keypad(env: dict, digits: str) -> None:
    taps(
        env,
        [
            (PAD_X[1], PAD_Y[3]) if d == 0 else (PAD_X[(d - 1) % 3], PAD_Y[(d - 1) // 3])
            for d in map(int, digits)
        ],
    )


def start_server_again(server) -> subprocess.Popen:
    """`adm-server serve` on the same port and data as the `server` fixture's process."""
    port = server.url.rsplit(":", 1)[1]
    env = dict(
        os.environ,
        ADM_DATA_DIR=str(server.data_dir),
        ADM_STAFF_TOKEN=STAFF_TOKEN,
        ADM_PUBLIC_URL=server.url,
    )
    log = open(server.data_dir.parent / "server-again.out", "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [BIN / "adm-server", "serve", "--port", port], env=env, stdout=log, stderr=log
    )

    def up() -> bool:
        try:
            return requests.get(server.url + "/api/v1/public/signing-keys", timeout=1).ok
        except requests.RequestException:
            return False

    wait_until(up, 30, what="the server to answer again")
    return proc


# --- complaints ---------------------------------------------------------------------------------


def test_a_complaint_typed_on_the_screen_reaches_the_server_once_and_shows_its_ticket(server, app):
    shots, env = app["shots"], app["env"]
    text = "AKTA ANAK SAYA BELUM JADI 3 MINGGU, MOHON DICEK"
    words = screen_words(open_flow(app, "complaint", "id"))
    assert "Tentang apa pengaduan Anda" in words, words
    assert "Perangkat ADM" in words and "Petugas" in words, words

    tap(env, *CATEGORY["dokumen"])
    entered = shot(shots, "*-complaint_text.png", 20)
    tap(env, *FOOTER_NEXT)  # nothing typed yet: the screen says what to do
    assert "Tulis pengaduan Anda dulu" in screen_words(shot(shots, "*-complaint_text-empty.png"))
    type_on_keyboard(env, text)
    typed = next_shot(shots, "*-complaint_text.png", number(entered))
    words = screen_words(typed)
    assert "MOHON DICEK" in words and f"{len(text)}/1000" in words.replace(" ", ""), words

    tap(env, *FOOTER_NEXT)
    shot(shots, "*-complaint_phone.png", 20)
    type_on_keypad(env, "0812345")  # too short for a mobile number
    tap(env, *FOOTER_NEXT)
    words = screen_words(shot(shots, "*-complaint_phone-invalid.png", 20))
    assert "Nomor HP belum benar" in words, words
    type_on_keypad(env, "67890")
    tap(env, *FOOTER_NEXT)

    words = screen_words(shot(shots, "*-complaint_review.png", 20))
    assert "Dokumen" in words and "MOHON DICEK" in words and "0812 3456 7890" in words, words
    tap(env, *FOOTER_NEXT)  # Kirim
    sent = shot(shots, "*-complaint_sent-ticket.png", 30)

    complaints = staff_json(server, "/api/v1/staff/complaints")
    assert len(complaints) == 1, complaints
    complaint = complaints[0]
    assert complaint["category"] == "dokumen"
    assert complaint["text"] == text
    assert complaint["contact_phone"] == "+6281234567890"
    assert TICKET.fullmatch(complaint["ticket"])
    assert shows(screen_words(sent), complaint["ticket"]), screen_words(sent)
    words = screen_words(sent)
    assert "WhatsApp" in words and "0812 **** 7890" in words, words

    tap(env, *FOOTER_DONE)  # Selesai: the next citizen finds nothing of this one
    next_shot(shots, "*-attract*.png", number(sent))
    open_flow(app, "complaint", "id")
    tap(env, *CATEGORY["layanan"])
    later = next_shot(shots, "*-complaint_text*.png", number(sent))
    words = screen_words(later)
    assert "MOHON" not in words and "0/1000" in words.replace(" ", ""), words
    assert len(staff_json(server, "/api/v1/staff/complaints")) == 1  # sent once, not again
    order = [name.split("-")[0] for name in shots_of(shots)]
    assert order.index("complaint_review") < order.index("complaint_sent")


def test_a_complaint_sent_while_the_server_is_down_is_kept_and_delivered_later(
    server, app, request
):
    shots, env = app["shots"], app["env"]
    text = "SCANNER DOES NOT WORK"
    words = screen_words(open_flow(app, "complaint", "en"))
    assert "What is your complaint about" in words, words
    tap(env, *CATEGORY["perangkat"])
    entered = shot(shots, "*-complaint_text.png", 20)
    tap(env, *FOOTER_NEXT)
    shot(shots, "*-complaint_text-empty.png")  # (read in Indonesian by the test above)
    type_on_keyboard(env, text)
    next_shot(shots, "*-complaint_text.png", number(entered))
    tap(env, *FOOTER_NEXT)
    words = screen_words(shot(shots, "*-complaint_phone.png", 20))
    assert "Mobile number for the answer" in words, words
    type_on_keypad(env, "0212")  # not a mobile number
    tap(env, *FOOTER_NEXT)
    shot(shots, "*-complaint_phone-invalid.png", 20)
    tap(env, *PAD_CLEAR)
    tap(env, *FOOTER_NEXT)  # Skip: no phone
    words = screen_words(shot(shots, "*-complaint_review.png", 20))
    assert "the answer cannot be sent to you" in words, words

    server.proc.terminate()
    server.proc.wait(timeout=10)
    tap(env, *FOOTER_NEXT)  # Send, with the server gone
    # The outbox tries at once, then backs off (1, 2, 4, 8 s...). Bring the server back while
    # it waits for its try at 8 s: the screen has said "saved" after 5 s whatever the server does.
    time.sleep(4.5)
    again = start_server_again(server)
    request.addfinalizer(lambda: (again.terminate(), again.wait(timeout=10)))
    saved = shot(shots, "*-complaint_sent-saved.png", 30)
    words = " ".join(screen_words(saved).split())
    assert "saved on this kiosk" in words and "sent automatically" in words, words
    assert "no mobile number" in words, words

    # the outbox retries with back-off (at most a few seconds here); the citizen is still there
    ticket_shot = shot(shots, "*-complaint_sent-ticket.png", 40)
    complaints = staff_json(server, "/api/v1/staff/complaints")
    assert [(c["category"], c["text"], c["contact_phone"]) for c in complaints] == [
        ("perangkat", text, None)
    ]
    assert shows(screen_words(ticket_shot), complaints[0]["ticket"]), screen_words(ticket_shot)


# --- surveys ------------------------------------------------------------------------------------


def test_a_survey_sends_the_rating_and_the_answers_given_then_skips_the_rest(server, app):
    shots, env = app["shots"], app["env"]
    words = words_in(open_flow(app, "survey", "id"), RATING_WORDS)
    for label in ("Sangat tidak", "Tidak puas", "Cukup puas", "Sangat puas"):
        assert label in words, words

    tap(env, RATING_X[3], RATING_Y)  # 4: Puas
    words = screen_words(shot(shots, "*-survey_more.png", 20))
    assert "Pilihan Anda: Puas" in words and "9 pertanyaan" in words, words
    tap(env, *MORE_YES)
    words = screen_words(shot(shots, "*-survey_question-persyaratan.png", 20))
    assert "Pertanyaan 1 dari 9" in words and "Sangat sesuai" in words, words
    tap(env, ANSWER_X[3], ANSWER_Y)  # persyaratan: 4
    shot(shots, "*-survey_question-prosedur.png", 20)
    tap(env, ANSWER_X[2], ANSWER_Y)  # prosedur: 3
    words = screen_words(shot(shots, "*-survey_question-waktu.png", 20))
    assert "Pertanyaan 3 dari 9" in words, words
    tap(env, *FOOTER_NEXT)  # Lewati & kirim
    words = screen_words(shot(shots, "*-survey_thanks.png", 20))
    assert "Terima kasih" in words, words

    def summary():
        found = staff_json(server, "/api/v1/staff/surveys/summary")
        return found if found["count"] >= 1 else None

    found = wait_until(summary, 15, what="the survey at the server")
    assert found["count"] == 1 and found["ratings"]["4"] == 1
    means = {q["id"]: (q["count"], q["mean"]) for q in found["questions"]}
    assert means["persyaratan"] == (1, 4.0) and means["prosedur"] == (1, 3.0)
    assert means["waktu"] == (0, None) and found["ikm"] is None

    # the next citizen rates and walks away: the rating alone still counts, once
    tap(env, *FOOTER_DONE)
    again = open_flow(app, "survey", "id")
    tap(env, RATING_X[0], RATING_Y)  # 1: Sangat tidak puas
    next_shot(shots, "*-survey_more.png", number(again))
    tap(env, 1128, 738)  # Beranda

    def two():
        found = staff_json(server, "/api/v1/staff/surveys/summary")
        return found if found["count"] >= 2 else None

    found = wait_until(two, 15, what="the second survey at the server")
    assert found["count"] == 2 and found["ratings"]["1"] == 1
    time.sleep(1)
    assert staff_json(server, "/api/v1/staff/surveys/summary")["count"] == 2


def test_the_survey_in_english_all_nine_questions_give_the_office_its_index(server, app):
    shots, env = app["shots"], app["env"]
    first = open_flow(app, "survey", "en")
    assert "How satisfied are you" in screen_words(first), screen_words(first)
    words = words_in(first, RATING_WORDS)
    for label in ("Unsatisfied", "Fairly satisfied", "Very satisfied"):
        assert label in words, words
    tap(env, RATING_X[4], RATING_Y)  # 5: Very satisfied
    shot(shots, "*-survey_more.png", 20)
    tap(env, *MORE_YES)
    questions = (
        "persyaratan",
        "prosedur",
        "waktu",
        "biaya",
        "produk",
        "kompetensi",
        "perilaku",
        "pengaduan",
        "sarana",
    )
    for i, question in enumerate(questions):
        asked = shot(shots, f"*-survey_question-{question}.png", 20)
        if i in (0, 7):  # reading every screen takes long; the names say which question it is
            words = screen_words(asked)
            assert f"Question {i + 1} of 9" in words, words
        tap(env, ANSWER_X[3 if i % 2 == 0 else 2], ANSWER_Y)  # 4, 3, 4, 3, ...
    words = screen_words(shot(shots, "*-survey_thanks.png", 20))
    assert "Thank you" in words, words

    def summary():
        found = staff_json(server, "/api/v1/staff/surveys/summary")
        return found if found["count"] >= 1 else None

    found = wait_until(summary, 15, what="the survey at the server")
    assert found["count"] == 1 and found["ratings"]["5"] == 1
    assert all(q["count"] == 1 for q in found["questions"]), found["questions"]
    assert found["ikm"] == pytest.approx((5 * 4 + 4 * 3) / 9 * 25, abs=0.01)
