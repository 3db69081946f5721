"""A4 paper out after the claim: failure reported, no receipt, the code is released for a retry."""

from __future__ import annotations

import os
import subprocess

import pytest
from support import wait_until

KK_NUMBER = "7307021508180004"
PPD = "/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd"


def print_count(server) -> int:
    return server.staff_get(f"/api/v1/staff/documents?number={KK_NUMBER}").json()[0]["print_count"]


def outcome(kiosk_core) -> dict:
    return kiosk_core.next_event({"print_done", "print_failed", "refused"}, timeout=90)


@pytest.fixture
def a4_queue():
    """A cups-pdf queue of our own whose printer reports an empty paper tray."""
    name = f"ADM-TEST-E2E-EMPTY-{os.getpid()}"
    subprocess.run(
        ["lpadmin", "-p", name, "-v", "cups-pdf:/adm", "-P", PPD, "-E"],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        ["lpadmin", "-p", name, "-o", "printer-state-reasons=media-empty-error"],
        check=True,
        capture_output=True,
    )
    yield name
    subprocess.run(["lpadmin", "-x", name], capture_output=True)


def test_a4_paper_out_after_the_claim_reports_failure_and_releases_the_code(
    server, sim, kiosk_core, a4_queue
):
    code = server.codes[KK_NUMBER]
    sim.scanner.scan(code)
    event = outcome(kiosk_core)
    assert event["kind"] == "print_failed" and event["reason"] == "a4_printer"
    assert sim.printer.receipts == []  # no receipt for a document that did not print
    assert print_count(server) == 0

    subprocess.run(["lpadmin", "-p", a4_queue, "-o", "printer-state-reasons=none"], check=True)
    kiosk_core.next_event({"ready"}, timeout=10)

    def reprinted() -> bool:  # the outbox told the server "failed", so the code is free again
        sim.scanner.scan(code)
        return outcome(kiosk_core)["kind"] == "print_done"

    wait_until(reprinted, 60, interval=0.5, what="the released code to print")
    wait_until(lambda: print_count(server) == 1, 15, what="the print to be counted")
