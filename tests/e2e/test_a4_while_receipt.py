"""The receipt prints as soon as CUPS accepted the documents; the print counts only when the A4
jobs completed, and a page failing after the receipt is reported as a failure."""

from __future__ import annotations

import os
import re
import subprocess

import pytest
from support import wait_until

KK_NUMBER = "7307021508180004"
PPD = "/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd"


def print_count(server) -> int:
    return server.staff_get(f"/api/v1/staff/documents?number={KK_NUMBER}").json()[0]["print_count"]


def held_jobs(queue: str) -> list[str]:
    listed = subprocess.run(["lpstat", "-o", queue], capture_output=True, text=True).stdout
    return re.findall(rf"^({re.escape(queue)}-\d+)\s", listed, re.M)


@pytest.fixture
def a4_queue():
    """A cups-pdf queue that accepts every job and holds it, as a printer warming up would."""
    name = f"ADM-TEST-E2E-HELD-{os.getpid()}"
    subprocess.run(
        ["lpadmin", "-p", name, "-v", "cups-pdf:/adm", "-P", PPD, "-E"],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        ["lpadmin", "-p", name, "-o", "job-hold-until-default=indefinite"],
        check=True,
        capture_output=True,
    )
    yield name
    subprocess.run(["cancel", "-a", name], capture_output=True)
    subprocess.run(["lpadmin", "-x", name], capture_output=True)


def test_the_receipt_prints_while_the_page_waits_and_the_print_counts_once_it_completed(
    server, sim, kiosk_core, a4_queue
):
    sim.scanner.scan(server.codes[KK_NUMBER])
    receipt = sim.printer.wait_for_receipts(1, timeout=60)
    assert receipt and receipt[0].cut
    jobs = wait_until(lambda: held_jobs(a4_queue), 10, what="the held A4 job")
    assert print_count(server) == 0  # the page has not come out: nothing counts yet

    subprocess.run(["lp", "-i", jobs[0], "-H", "resume"], check=True, capture_output=True)
    done = kiosk_core.next_event({"print_done", "print_failed"}, timeout=90)
    assert done["kind"] == "print_done"
    wait_until(lambda: print_count(server) == 1, 15, what="the print to be counted")


def test_a_page_failing_after_the_receipt_says_the_receipt_does_not_count_and_frees_the_code(
    server, sim, kiosk_core, a4_queue
):
    code = server.codes[KK_NUMBER]
    sim.scanner.scan(code)
    sim.printer.wait_for_receipts(1, timeout=60)
    wait_until(lambda: held_jobs(a4_queue), 10, what="the held A4 job")
    subprocess.run(["cancel", "-a", a4_queue], check=True)  # the page never comes out

    failed = kiosk_core.next_event({"print_done", "print_failed"}, timeout=90)
    assert failed["kind"] == "print_failed" and failed["reason"] == "a4_printer"
    assert failed["message"] == "failed.a4_after_receipt"
    assert print_count(server) == 0

    # the outbox told the server "failed": the same code prints again once the printer works
    subprocess.run(["lpadmin", "-p", a4_queue, "-o", "job-hold-until-default=no-hold"], check=True)
    kiosk_core.next_event({"ready"}, timeout=10)

    def reprinted() -> bool:
        sim.scanner.scan(code)
        return kiosk_core.next_event({"print_done", "print_failed", "refused"}, 90)["kind"] == (
            "print_done"
        )

    wait_until(reprinted, 60, interval=0.5, what="the released code to print")
    wait_until(lambda: print_count(server) == 1, 15, what="the print to be counted")
