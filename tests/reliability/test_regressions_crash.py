"""Bugs the crash and network harnesses (proof/crash.py, proof/network.py) found, each pinned.

Each test is named for what broke; it fails on the code before the fix.
"""

from __future__ import annotations

import time
from pathlib import Path

from kiosk.outbox import Outbox
from proof import invariants
from proof.journeys import KIOSK_ID, ServerRig


def _last_job_status(server: ServerRig) -> str | None:
    """The server's word on the kiosk's newest print job (claimed, printed, failed)."""
    db = server.db()
    try:
        rows = db.execute(
            "SELECT status FROM print_jobs WHERE kiosk_id = ? ORDER BY claimed_at", (KIOSK_ID,)
        ).fetchall()
    finally:
        db.close()
    return rows[-1][0] if rows else None


def test_regression_kiosk_killed_after_the_receipt_printed_the_same_code_again_after_the_lease(
    lease_server, sim_with_camera, kiosk_driver, tmp_path: Path
):
    """Killed between the receipt and the A4 pages' end, the kiosk had not told the server:
    after the lease the same code printed a second set of documents and receipt."""
    sim = sim_with_camera
    hit = None
    for number, code in sorted(lease_server.codes.items()):
        jobs_before = len(sim.printer.receipts)
        kiosk_driver.send({"op": "print", "code": code})
        kiosk_driver.wait_phase({"receipt"}, 120)
        deadline = time.monotonic() + 30
        while len(sim.printer.receipts) == jobs_before and time.monotonic() < deadline:
            time.sleep(0.005)
        # The receipt is out; a moment for the printer's status answer to confirm it, while the
        # A4 pages are still coming (a kill before that answer cannot know the receipt is out).
        time.sleep(0.3)
        kiosk_driver.kill()
        if _last_job_status(lease_server) == "claimed":  # the kill came before any report
            hit = (number, code, sim.printer.receipts[-1].qr_codes[0])
            break
        kiosk_driver.start()
    assert hit is not None, "every kill came after the kiosk had reported; the window was missed"
    number, code, receipt_number = hit

    kiosk_driver.start()  # the same data directory: what the dead kiosk held is sent now
    deadline = time.monotonic() + 30
    while invariants.outbox_waiting(tmp_path / "kiosk") and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(lease_server.lease_seconds + 1)

    kiosk_driver.send({"op": "print", "code": code})
    again = kiosk_driver.wait_phase({"outcome"}, 120)
    assert again["result"] == "refused" and again["reason"] == "already_printed", again
    complete, _torn = invariants.receipt_outputs(sim.printer.receipts)
    assert complete[receipt_number] == 1
    assert sum(complete.values()) == 1  # no second receipt for this code
    docs = lease_server.staff("GET", f"/api/v1/staff/documents?number={number}").json()
    assert docs[-1]["print_count"] == 1


def test_regression_a_held_print_result_was_lost_when_the_kiosk_died(tmp_path: Path):
    """What the outbox holds for a print in progress reaches the server at the next start."""
    sent: list[tuple[str, dict]] = []
    first = Outbox(tmp_path / "outbox.sqlite3", lambda kind, payload: sent.append((kind, payload)))
    first.start()
    first.hold("print_result", "print_result:j1", {"job_id": "j1", "outcome": "failed"})
    first.hold("print_result", "print_result:j1", {"job_id": "j1", "outcome": "printed"})
    time.sleep(1.5)
    assert sent == []  # held: nothing is said while the print goes on
    first.close()  # the process ends without a final word (a power cut does not even close)

    again = Outbox(tmp_path / "outbox.sqlite3", lambda kind, payload: sent.append((kind, payload)))
    again.start()
    try:
        assert again.wait_idle(10)
    finally:
        again.close()
    assert sent == [("print_result", {"job_id": "j1", "outcome": "printed"})]


def test_regression_a_final_result_replaced_what_was_held_and_is_sent_once(tmp_path: Path):
    sent: list[dict] = []
    outbox = Outbox(tmp_path / "outbox.sqlite3", lambda kind, payload: sent.append(payload))
    outbox.start()
    try:
        outbox.hold("print_result", "print_result:j2", {"outcome": "printed"})
        assert outbox.put("print_result", "print_result:j2", {"outcome": "failed"})
        assert outbox.wait_idle(10)
    finally:
        outbox.close()
    assert sent == [{"outcome": "failed"}]


def test_regression_kiosk_killed_while_the_printer_confirmed_the_receipt_freed_the_code(
    lease_server, sim_with_camera, kiosk_driver, tmp_path: Path
):
    """The cut had reached the printer but the kiosk died waiting for the printer's status
    reply: it had only held "failed", so after the lease the code printed a second set
    (proof/crash.py, seed 1450361062)."""
    sim = sim_with_camera
    sim.printer.set_baud(2400)  # a serial printer: the receipt takes seconds to go out
    number, code = sorted(lease_server.codes.items())[0]
    kiosk_driver.send({"op": "print", "code": code})
    kiosk_driver.wait_phase({"receipt"}, 120)
    time.sleep(0.5)  # the paper check before the receipt has been answered; the lines stream
    sim.printer.mute()  # the printer stops answering: the kiosk waits for the status reply
    deadline = time.monotonic() + 30
    while not sim.printer.receipts and time.monotonic() < deadline:
        time.sleep(0.005)
    assert sim.printer.receipts, "the receipt never came out"
    kiosk_driver.kill()  # within the 3 s the kiosk waits for the printer's answer
    assert _last_job_status(lease_server) == "claimed"
    receipt_number = sim.printer.receipts[-1].qr_codes[0]
    sim.printer.mute(False)

    kiosk_driver.start()
    deadline = time.monotonic() + 30
    while invariants.outbox_waiting(tmp_path / "kiosk") and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _last_job_status(lease_server) == "printed"
    time.sleep(lease_server.lease_seconds + 1)

    kiosk_driver.send({"op": "print", "code": code})
    again = kiosk_driver.wait_phase({"outcome"}, 120)
    assert again["result"] == "refused" and again["reason"] == "already_printed", again
    complete, _torn = invariants.receipt_outputs(sim.printer.receipts)
    assert complete == {receipt_number: 1}
