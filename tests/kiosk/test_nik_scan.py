"""A NIK from the scanner: the barcode on a letter or family paper fills the NIK, nothing else does.

The parser (kiosk.codes.nik_from_scan) takes 16 digits as people print them and refuses anything
else with a reason the NIK screen shows, never an exception. The kiosk core, told that the NIK
screen is up (ScanMode.NIK), hands a scanned NIK to its face and refuses the rest there: a
pickup code scanned then prints nothing and claims nothing. Real parts: the server process, the
simulated scanner and receipt printer on ptys, the kiosk core.
"""

from __future__ import annotations

import logging
import queue

import pytest
from support import write_kiosk_config

from kiosk.apply import nik_problem
from kiosk.codes import Refusal, ScanMode, nik_from_scan
from kiosk.config import load_config
from kiosk.core import KioskCore
from kiosk.events import CodeAccepted, DocumentsReady, KioskEvent, NikScanned, ScanRefused
from kiosk.i18n import LANGUAGES, MESSAGES
from proof.sample_bodies import FATHER

NIK = FATHER  # 7307051405800003


@pytest.mark.parametrize(
    "text",
    [
        "7307051405800003",
        "7307 0514 0580 0003",  # as the confirm screen and many letters group it
        "7307.0514.0580.0003",
        "73.07.05.140580.0003",  # region parts, birth date, serial
        "  7307 0514 0580 0003  ",  # padding some scanners add
        b"7307 0514 0580 0003",
    ],
)
def test_sixteen_digits_as_people_print_them_are_the_nik(text):
    assert nik_from_scan(text) == NIK


@pytest.mark.parametrize(
    "text",
    [
        "730705140580000",  # 15
        "73070514058000031",  # 17
        "7307 0514 0580 000",
        "7307.0514.0580.0003.1",
    ],
)
def test_fifteen_or_seventeen_digits_are_refused_as_no_nik(text):
    assert nik_from_scan(text) == Refusal("apply.nik.scan.digits", len(text))


def test_a_pickup_code_is_named_as_such_with_or_without_its_prefix():
    for text in ("ADMP:7KQ2-M9XD-4TRA", "7KQ2-M9XD-4TRA", "admp:7kq2m9xd4tra"):
        assert nik_from_scan(text) == Refusal("apply.nik.scan.pickup_code", len(text)), text


HOSTILE: dict[str, str | bytes] = {
    "empty": "",
    "blank": "    ",
    "letters": "NIK7307051405800003",
    "a letter among the digits": "730705140580000O",
    "a label before the digits": "NIK: 7307051405800003",
    "two separators in a row": "7307  0514 0580 0003",
    "a dash between groups": "7307-0514-0580-0003",
    "a separator at the start": ".7307051405800003",
    "a tab": "7307\t0514\t0580\t0003",
    "nul inside": "73070514\x0005800003",
    "newline then a command": NIK + "\nrm -rf /",
    "carriage return": NIK + "\r",
    "ansi escape": "\x1b[2J" + NIK,
    "delete character": NIK + "\x7f",
    "c1 control": NIK + "\x9b",
    "arabic-indic digits": "٧٣٠٧٠٥١٤٠٥٨٠٠٠٠٣",
    "full-width digits": "７３０７０５１４０５８０００３",
    "superscript digits": "⁷³⁰⁷⁰⁵¹⁴⁰⁵⁸⁰⁰⁰⁰³",
    "zero-width space": "7307\u200b051405800003",
    "latin-1 bytes": b"7307051405800003\xc4",
    "sql injection": "7307051405800003'; DROP TABLE applications; --",
    "sql injection alone": "' OR 1=1 --",
    "script tag": "<script>alert(1)</script>",
    "format string": "{0.__class__}%s%n",
    "path traversal": "../../etc/passwd",
    "a link with the nik": "https://evil.example/?nik=7307051405800003",
    "an application ticket": "ADM-7307-2611-7KQ2",
    "a phone number": "081244556677",
    "oversized digits": "7" * 5000,
    "oversized bytes": b"\xff" * 100_000,
    "a float": "7.307051405800003e15",
    "negative": "-7307051405800003",
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_anything_else_is_refused_with_a_reason_the_screen_can_show(text):
    found = nik_from_scan(text)
    assert isinstance(found, Refusal), found
    assert found.reason in MESSAGES and found.length == len(text)


def test_every_refusal_has_a_text_in_both_languages():
    found = [nik_from_scan(t) for t in [*HOSTILE.values(), "12345", "7KQ2-M9XD-4TRA"]]
    reasons = {f.reason for f in found if isinstance(f, Refusal)}
    assert reasons == {
        "apply.nik.scan.not_nik",
        "apply.nik.scan.digits",
        "apply.nik.scan.pickup_code",
    }
    for reason in reasons:
        assert all(MESSAGES[reason].get(lang, "").strip() for lang in LANGUAGES), reason


def test_a_scanned_nik_is_checked_as_a_typed_one_afterwards():
    """The parser reads the form only; an impossible birth date is the NIK check's to refuse."""
    scanned = nik_from_scan("7307 0530 0280 0003")  # 30 February
    assert scanned == "7307053002800003"
    assert nik_problem(scanned) == "apply.nik.date"


def test_a_scanned_nik_stays_masked_in_the_event_as_a_face_writes_it_out():
    event = NikScanned(nik=NIK)
    assert NIK not in repr(event) and NIK not in str(event.as_dict())
    assert event.as_dict() == {"kind": "nik_scanned", "nik": "7307**********03"}


# -- the kiosk core with the simulated scanner ---------------------------------------------------
@pytest.fixture
def core(tmp_path, server, sim):
    core = KioskCore(load_config(write_kiosk_config(tmp_path, server, sim)))
    seen: queue.Queue[KioskEvent] = queue.Queue()
    core.add_listener(seen.put)
    core.start()
    core.seen = seen  # type: ignore[attr-defined]
    next_of(core, "ready")
    yield core
    core.stop()


def next_of(core, *kinds: str, timeout: float = 10) -> KioskEvent:
    """The next event of one of ``kinds``, skipping the others."""
    while True:
        event = core.seen.get(timeout=timeout)
        if event.kind in kinds:
            return event


def events_within(core, seconds: float) -> list[KioskEvent]:
    found = []
    try:
        while True:
            found.append(core.seen.get(timeout=seconds))
    except queue.Empty:
        return found


def test_on_the_nik_screen_the_scanner_fills_the_nik_and_a_pickup_code_prints_nothing(
    core, server, sim, caplog
):
    code = server.codes["7307051203150001"]
    core.ask_before_printing()  # as the touchscreen does
    core.set_scan_mode(ScanMode.NIK)
    with caplog.at_level(logging.INFO):
        sim.scanner.scan("7307 0514 0580 0003")
        scanned = next_of(core, "nik_scanned", "scan_refused")
        assert isinstance(scanned, NikScanned) and scanned.nik == NIK

        sim.scanner.scan("ADMP:" + code)
        refused = next_of(core, "nik_scanned", "scan_refused")
        assert isinstance(refused, ScanRefused)
        assert (refused.mode, refused.message) == ("nik", "apply.nik.scan.pickup_code")
        later = events_within(core, 2.0)
    assert not [e for e in later if isinstance(e, CodeAccepted | DocumentsReady)], later
    assert sim.printer.receipts == []
    assert core.server.resolve(code)["status"] == "ready"  # nothing claimed
    logged = "\n".join(r.getMessage() for r in caplog.records)  # before any log formatter
    assert "NIK scanned: 7307**********03" in logged, logged
    assert NIK not in logged and "7307 0514" not in logged and code not in logged

    core.set_scan_mode(ScanMode.PICKUP)  # the citizen left the NIK screen: codes print again
    sim.scanner.scan("ADMP:" + code)
    assert isinstance(next_of(core, "code_accepted", "scan_refused"), CodeAccepted)
    assert isinstance(next_of(core, "documents_ready", timeout=20), DocumentsReady)


def test_the_end_of_a_session_puts_the_scanner_back_to_pickup_codes(core, server, sim):
    core.session_started()
    core.set_scan_mode(ScanMode.NIK)
    core.session_ended()  # e.g. the idle timeout, whatever screen was up
    sim.scanner.scan("ADMP:" + server.codes["7307051203150001"])
    assert isinstance(next_of(core, "code_accepted", "scan_refused"), CodeAccepted)
