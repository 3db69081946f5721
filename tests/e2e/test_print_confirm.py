"""The kiosk shows what will print and prints it only on "Print": number + PIN and scanned codes.

The kiosk core runs in this process with the simulated scanner and receipt printer, the real
CUPS queue and a real server, the way the touchscreen drives it: ask_before_printing, then
submit_pin / a scan, DocumentsReady, print_confirmed or cancel_pending.
"""

from __future__ import annotations

import queue
from collections.abc import Iterator

import pytest
from support import cups_output_for, wait_until, write_kiosk_config

from kiosk.config import load_config
from kiosk.core import KioskCore
from kiosk.events import KioskEvent
from kiosk.server_client import ServerClient

KK_NUMBER = "7307051203150001"
ANSWERS = {"documents_ready", "pin_refused", "refused", "print_done", "print_failed"}


class Face:
    """What a touchscreen would hear from the core: its events, in order."""

    def __init__(self, core: KioskCore) -> None:
        self.core = core
        self.events: queue.Queue[KioskEvent] = queue.Queue()
        self.seen: list[KioskEvent] = []
        core.add_listener(self.events.put)

    def next(self, kinds: set[str] = ANSWERS, timeout: float = 30) -> KioskEvent:
        while True:
            try:
                event = self.events.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(f"no {kinds} within {timeout}s; saw {self.seen}") from None
            self.seen.append(event)
            if event.kind in kinds:
                return event

    def quiet(self, seconds: float) -> list[KioskEvent]:
        """The answers that came within ``seconds`` (none expected)."""
        try:
            return [self.next(timeout=seconds)]
        except AssertionError:
            return []


@pytest.fixture
def face(tmp_path, server, sim) -> Iterator[Face]:
    core = KioskCore(load_config(write_kiosk_config(tmp_path, server, sim)))
    core.ask_before_printing()  # as the touchscreen does
    face = Face(core)
    core.start()
    try:
        face.next({"ready"})
        yield face
    finally:
        core.stop()


def client_of(server) -> ServerClient:
    return ServerClient(server.url, server.credential_file.read_text(encoding="utf-8").strip())


def print_count(server) -> int:
    docs = server.staff_get(f"/api/v1/staff/documents?number={KK_NUMBER}").json()
    return int(docs[0]["print_count"])


def test_number_and_pin_show_the_documents_then_print_once_on_confirm(server, sim, face):
    number, pin = server.pins[KK_NUMBER]

    face.core.submit_pin(number, pin)
    shown = face.next()

    assert shown.kind == "documents_ready", face.seen
    assert shown.source == "pin"
    assert shown.documents == [
        {"doc_type": "KK", "number": "7307********0001", "holder": "An** Ba** Ra****"}
    ]
    assert sim.printer.receipts == []  # shown, not printed

    assert face.core.print_confirmed() is True
    assert face.core.print_confirmed() is False  # a second press has nothing left to print
    done = face.next()
    assert done.kind == "print_done", face.seen
    assert cups_output_for(done.receipt_number).stat().st_size > 0
    receipts = sim.printer.wait_for_receipts(1, timeout=10)
    assert receipts[0].qr_codes == [done.receipt_number]
    wait_until(lambda: print_count(server) == 1, 15, what="the server to count the print")
    assert face.quiet(1.0) == []
    assert len(sim.printer.receipts) == 1


def test_a_wrong_pin_is_refused_and_nothing_is_claimed_or_printed(server, sim, face):
    number, pin = server.pins[KK_NUMBER]
    wrong = "000000" if pin != "000000" else "111111"

    face.core.submit_pin(number, wrong)
    refused = face.next()

    assert refused.kind == "pin_refused", face.seen
    assert (refused.reason, refused.message) == ("wrong_pin", "pickup.pin.refused.wrong_pin")
    assert client_of(server).resolve(server.codes[KK_NUMBER])["status"] == "ready"
    assert face.core.print_confirmed() is False
    assert sim.printer.receipts == []


def test_after_five_wrong_pins_the_number_is_locked_and_the_kiosk_says_until_when(server, face):
    number, pin = server.pins[KK_NUMBER]
    wrong = "000000" if pin != "000000" else "111111"
    for _ in range(5):
        face.core.submit_pin(number, wrong)
        assert face.next().reason == "wrong_pin"

    face.core.submit_pin(number, pin)  # even the right PIN, until the lock ends
    locked = face.next()

    assert locked.kind == "pin_refused"
    assert (locked.reason, locked.message) == ("pin_locked", "pickup.pin.refused.pin_locked")
    hours, _, minutes = locked.params["until"].partition(":")
    assert hours.isdigit() and minutes.isdigit(), locked.params


def test_going_back_from_the_documents_gives_the_claim_back_at_once(server, sim, face):
    number, pin = server.pins[KK_NUMBER]
    face.core.submit_pin(number, pin)
    assert face.next().kind == "documents_ready"
    client = client_of(server)
    assert client.resolve(server.codes[KK_NUMBER])["status"] == "in_progress"

    face.core.cancel_pending()

    wait_until(
        lambda: client.resolve(server.codes[KK_NUMBER])["status"] == "ready",
        15,
        what="the claim to be released",
    )
    assert face.core.print_confirmed() is False
    face.core.submit_pin(number, pin)  # the citizen changes their mind: it works again
    assert face.next().kind == "documents_ready"
    assert sim.printer.receipts == []


def test_a_claim_that_comes_back_after_the_citizen_left_is_released_not_shown(server, face):
    number, pin = server.pins[KK_NUMBER]

    face.core.submit_pin(number, pin)
    face.core.cancel_pending()  # Home pressed while the server was still being asked

    client = client_of(server)
    assert face.quiet(3.0) == []
    wait_until(
        lambda: client.resolve(server.codes[KK_NUMBER])["status"] == "ready",
        15,
        what="the claim to be released",
    )
    assert face.core.print_confirmed() is False


def test_a_scanned_code_is_shown_unclaimed_and_printed_on_confirm(server, sim, face):
    code = server.codes[KK_NUMBER]

    sim.scanner.scan("ADMP:" + code)
    shown = face.next()

    assert shown.kind == "documents_ready", face.seen
    assert shown.source == "code"
    assert [d["number"] for d in shown.documents] == ["7307********0001"]
    assert client_of(server).resolve(code)["status"] == "ready"  # nothing claimed yet

    assert face.core.print_confirmed() is True
    done = face.next()
    assert done.kind == "print_done", face.seen
    assert sim.printer.wait_for_receipts(1, timeout=10)[0].qr_codes == [done.receipt_number]

    sim.scanner.scan(code)  # the same code again: refused with the reason, nothing shown
    again = face.next()
    assert (again.kind, again.reason) == ("refused", "already_printed")
    assert again.params["printed_at"]
    assert len(sim.printer.receipts) == 1
