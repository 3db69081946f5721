"""The NIK screen of an application takes the NIK from the barcode scanner, and nothing else.

In the real app, with the simulated camera and scanner and the real server: a citizen applying
for a change of family card reaches the NIK screen, which tells them they may type or scan the
NIK. A pickup code scanned there is answered on that screen, in plain words, and prints nothing,
claims nothing and leaves what was typed; a scanned NIK with an impossible birth date is refused
as a typed one is; a scanned NIK in dots fills the field, and Next goes on to the phone screen.
Both languages, in one app run; the screenshots stay in var/test-screenshots/<test name>/.
"""

# ruff: noqa: F811 (the fixtures imported from test_apply_flow are parameters here)

from __future__ import annotations

import time
from pathlib import Path

import pytest
from ocr import shows
from ui import test_apply_flow as apply_flow
from ui import test_feedback_flows as flows

from kiosk.server_client import ServerClient
from proof.sample_bodies import FATHER

pytestmark = pytest.mark.ui

display, sim, app = apply_flow.display, apply_flow.sim, apply_flow.app
next_shot, number, screen_words, words_in = (
    flows.next_shot,
    flows.number,
    flows.screen_words,
    flows.words_in,
)
tap, type_on_keypad = apply_flow.tap, flows.type_on_keypad
FOOTER_NEXT = flows.FOOTER_NEXT
LANGUAGE_SWITCH = (1145, 48)  # the header's language button
LEFT = (30, 110, 720, 670)  # the NIK screen's text, field and message, beside the keypad
KK_NUMBER = "7307051203150001"  # the first demo family: its KK waits for a pickup code


def left_words(png: Path) -> str:
    return " ".join(words_in(png, LEFT).split())


def shots_after(shots: Path, after: int) -> list[str]:
    return sorted(p.name for p in shots.glob("[0-9]*.png") if number(p) > after)


def test_the_nik_screen_takes_a_scanned_nik_and_answers_a_pickup_code_without_printing(
    server, sim, app
):
    shots, env = app["shots"], app["env"]
    code = server.codes[KK_NUMBER]
    client = ServerClient(server.url, server.credential_file.read_text(encoding="utf-8").strip())

    services = apply_flow.open_apply(app, "id")
    apply_flow.tap_word(app, services, "Perubahan")
    needs = next_shot(shots, "*-apply_requirements-perubahan_kk.png", number(services))
    tap(env, *FOOTER_NEXT)  # Mulai memotret (the paper is already in view)
    after = apply_flow.photograph_papers(app, sim, number(needs), required=2, optional=1)

    nik = next_shot(shots, "*-apply_nik.png", after)
    words = left_words(nik)
    assert "Ketik NIK atau pindai barcode-nya" in words, words

    # a pickup code, scanned by a citizen who typed a little first: told here, nothing else
    type_on_keypad(env, "7307")
    time.sleep(0.3)
    sim.scanner.scan("ADMP:" + code)
    refused = next_shot(shots, "*-apply_nik-scan_refused.png", number(nik))
    words = left_words(refused)
    assert "kode untuk mengambil dokumen, bukan NIK" in words, words
    assert "7307" in words and "Belum ada angka" not in words, words  # what was typed stays
    time.sleep(3)  # a print would have shown its screens by now
    assert [n for n in shots_after(shots, number(nik)) if "apply_nik" not in n] == []
    assert sim.printer.receipts == []
    assert client.resolve(code)["status"] == "ready"  # not claimed, still good for printing

    tap(env, *LANGUAGE_SWITCH)
    english = next_shot(shots, "*-apply_nik-scan_refused.png", number(refused))
    words = left_words(english)
    assert "Type the NIK or scan its barcode" in words, words
    assert "code for collecting documents, not a NIK" in words, words

    # a NIK born on 30 February, scanned: refused in the same words as when typed
    sim.scanner.scan("7307 0530 0280 0003")
    invalid = next_shot(shots, "*-apply_nik-invalid.png", number(english))
    words = left_words(invalid)
    assert "This NIK is not right" in words and "impossible" in words, words
    assert shows(words, "7307 0530 0280 0003"), words

    # the NIK as a family paper prints it, in dots: in the field, and Next takes it
    sim.scanner.scan("7307.0514.0580.0003")
    filled = next_shot(shots, "*-apply_nik.png", number(invalid))
    words = left_words(filled)
    assert shows(words, "7307 0514 0580 0003"), words
    assert "not right" not in words and "16 of 16 digits" in words, words
    tap(env, *FOOTER_NEXT)
    phone = next_shot(shots, "*-apply_phone.png", number(filled))
    assert "Mobile number" in left_words(phone)
    assert sim.printer.receipts == [] and client.resolve(code)["status"] == "ready"
    log = app["log"].read_text()
    assert "NIK scanned: 7307**********03" in log and FATHER not in log, log[-2000:]
