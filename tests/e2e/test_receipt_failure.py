"""Receipt paper out: nothing prints or is counted, the citizen is told, the code stays valid."""

from __future__ import annotations

from support import wait_until

KK_NUMBER = "7307021508180004"


def print_count(server) -> int:
    return server.staff_get(f"/api/v1/staff/documents?number={KK_NUMBER}").json()[0]["print_count"]


def outcome(kiosk_core) -> dict:
    return kiosk_core.next_event({"print_done", "print_failed", "refused"}, timeout=90)


def test_receipt_paper_out_stops_before_anything_prints_and_the_code_stays_valid(
    server, sim, kiosk_core
):
    code = server.codes[KK_NUMBER]
    sim.printer.paper = "empty"
    sim.scanner.scan(code)
    event = outcome(kiosk_core)
    assert event["kind"] == "print_failed" and event["reason"] == "receipt_printer"
    assert not [e for e in kiosk_core.seen if e["kind"] == "print_progress"]
    assert print_count(server) == 0

    sim.printer.paper = "ok"  # a technician loads a new roll; the citizen scans again
    kiosk_core.next_event({"ready"}, timeout=10)
    sim.scanner.scan(code)
    assert outcome(kiosk_core)["kind"] == "print_done"
    wait_until(lambda: print_count(server) == 1, 15, what="the print to be counted")
