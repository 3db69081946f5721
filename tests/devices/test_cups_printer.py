"""CupsPrinter against the real cupsd: what the kiosk, a technician and the paper tray observe."""

from __future__ import annotations

import os
import re
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from devices.a4.cups import CupsPrinter
from devices.a4.test_page import build_test_page
from devices.contract import DeviceState, HealthLevel, StatusEvent, StatusKind
from devices.errors import DeviceNotReady, DeviceOffline, JobFailed

pytestmark = pytest.mark.cups

FAST_POLL = 0.05


def queued_jobs(queue: str) -> str:
    """Jobs CUPS still holds for a queue (empty once every job completed or was canceled)."""
    return subprocess.run(
        ["lpstat", "-o", queue], capture_output=True, text=True, timeout=10
    ).stdout.strip()


def kinds(events: list[StatusEvent]) -> list[StatusKind]:
    return [event.kind for event in events]


def states(events: list[StatusEvent]) -> list[str]:
    return [event.detail.split(":")[0] for event in events if event.kind is StatusKind.STATE]


@pytest.fixture
def connect(events: list[StatusEvent]) -> Iterator[Callable[..., CupsPrinter]]:
    """Make CupsPrinters that report to ``events`` and are closed after the test."""
    made: list[CupsPrinter] = []

    def make(queue: str, **options: object) -> CupsPrinter:
        options.setdefault("poll_interval", FAST_POLL)
        printer = CupsPrinter("a4", queue, **options)  # type: ignore[arg-type]
        printer.add_listener(events.append)
        made.append(printer)
        return printer

    yield make
    for printer in made:
        printer.close()


@pytest.fixture
def a4(cups_queue: str, connect: Callable[..., CupsPrinter]) -> CupsPrinter:
    printer = connect(cups_queue)
    printer.open()
    return printer


# -- printing on the real ADM-A4 queue ------------------------------------------------------------


def test_printed_pdf_completes_and_its_text_reaches_paper(
    a4: CupsPrinter,
    make_pdf: Callable[..., bytes],
    spool_pdf: Callable[[str], Path],
    pdf_text: Callable[[Path], str],
) -> None:
    steps: list[str] = []

    result = a4.print_pdf(
        make_pdf("KARTU KELUARGA 3171-TEST", "Halaman dua"), "kk-test", on_progress=steps.append
    )

    assert result.state == "completed"
    assert result.job_id.isdigit()
    assert result.pages == 2
    assert steps[0] == "submitted" and steps[-1] == "completed"
    text = pdf_text(spool_pdf(result.job_id))
    assert "KARTU KELUARGA 3171-TEST" in text and "Halaman dua" in text
    assert a4.counters == {"jobs_ok": 1, "pages": 2}
    assert a4.state is DeviceState.IDLE


def test_letter_sized_document_comes_out_on_a4(
    a4: CupsPrinter, make_pdf: Callable[..., bytes], spool_pdf: Callable[[str], Path]
) -> None:
    result = a4.print_pdf(make_pdf("US letter input", page_format="letter"), "letter-input")

    info = subprocess.run(
        ["pdfinfo", str(spool_pdf(result.job_id))], capture_output=True, text=True, timeout=10
    ).stdout
    assert "595 x 842 pts (A4)" in info


def test_listener_sees_busy_while_printing_then_idle(
    a4: CupsPrinter, make_pdf: Callable[..., bytes], events: list[StatusEvent]
) -> None:
    a4.print_pdf(make_pdf("listener check"), "listener-check")

    assert states(events) == ["idle", "busy", "idle"]
    assert all(event.device == "a4" for event in events)


def test_damaged_pdf_fails_at_once_instead_of_waiting_for_the_timeout(
    a4: CupsPrinter, cups_queue: str
) -> None:
    started = time.monotonic()

    with pytest.raises(JobFailed, match="job-completed-with-errors") as caught:
        a4.print_pdf(b"%PDF-1.4 this is not really a PDF", "damaged", timeout=60)

    assert time.monotonic() - started < 10
    assert a4.counters["jobs_failed"] == 1
    assert a4.state is DeviceState.IDLE
    job = re.search(r"job (\d+)", str(caught.value))
    assert job, caught.value
    assert f"{cups_queue}-{job[1]} " not in queued_jobs(cups_queue)  # canceled, not retried later


def test_closed_printer_refuses_to_print(cups_queue: str, make_pdf: Callable[..., bytes]) -> None:
    with pytest.raises(DeviceNotReady, match="open"):
        CupsPrinter("a4", cups_queue).print_pdf(make_pdf("never"), "never")


# -- health ---------------------------------------------------------------------------------------


def test_internal_health_reports_the_queue_state_in_both_languages(a4: CupsPrinter) -> None:
    report = a4.check_health(HealthLevel.INTERNAL)

    assert report.ok
    assert "siap" in report.text_id and "ready" in report.text_en
    assert report.details["printer-state"] in ("idle", "processing")
    assert report.details["printer-is-accepting-jobs"] is True
    assert isinstance(report.details["queued-job-count"], int)
    assert "counters" in report.details


def test_external_health_prints_a_test_page(
    a4: CupsPrinter, spool_pdf: Callable[[str], Path], pdf_text: Callable[[Path], str]
) -> None:
    report = a4.check_health(HealthLevel.EXTERNAL)

    assert report.ok, report.text_en
    job_id = report.details["test_print"]["job_id"]
    assert "ADM test page" in pdf_text(spool_pdf(job_id))
    assert report.details["counters"]["jobs_ok"] == 1


def test_hand_built_test_page_is_a_valid_one_page_a4_pdf(
    tmp_path: Path, pdf_text: Callable[[Path], str]
) -> None:
    path = tmp_path / "page.pdf"
    path.write_bytes(build_test_page("Uji (cetak) \\ A4"))

    info = subprocess.run(
        ["pdfinfo", str(path)], capture_output=True, text=True, timeout=10, check=True
    ).stdout
    assert "Pages:           1" in info and "(A4)" in info
    assert "Uji (cetak) \\ A4" in pdf_text(path)


# -- a queue or cupsd that is not there -----------------------------------------------------------


def test_unknown_queue_is_offline_with_a_message_naming_queue_and_host(
    cups_queue: str, connect: Callable[..., CupsPrinter], events: list[StatusEvent]
) -> None:
    printer = connect("ADM-NO-SUCH-QUEUE")

    with pytest.raises(DeviceOffline) as caught:
        printer.open()

    assert "ADM-NO-SUCH-QUEUE" in str(caught.value) and "localhost:631" in str(caught.value)
    assert printer.state is DeviceState.OFFLINE
    assert StatusKind.OFFLINE in kinds(events)
    assert not printer.check_health().ok


def test_unreachable_cupsd_is_offline_and_never_hangs(
    connect: Callable[..., CupsPrinter], events: list[StatusEvent], free_port: int
) -> None:
    printer = connect("ADM-A4", host="127.0.0.1", port=free_port)
    started = time.monotonic()

    with pytest.raises(DeviceOffline, match=f"127.0.0.1:{free_port}"):
        printer.open()

    assert time.monotonic() - started < 5
    assert printer.state is DeviceState.OFFLINE
    assert kinds(events).count(StatusKind.OFFLINE) == 1
    report = printer.check_health()
    assert not report.ok and "tidak terhubung" in report.text_id


def test_queue_that_appears_later_brings_the_printer_back_online(
    throwaway_queue: Callable[..., str],
    connect: Callable[..., CupsPrinter],
    events: list[StatusEvent],
) -> None:
    queue = f"ADM-TEST-LATE-{os.getpid()}"
    printer = connect(queue)
    with pytest.raises(DeviceOffline):
        printer.open()

    assert throwaway_queue("LATE") == queue
    printer.open()

    assert printer.state is DeviceState.IDLE
    assert kinds(events) == [
        StatusKind.OFFLINE,
        StatusKind.STATE,
        StatusKind.ONLINE,
        StatusKind.STATE,
    ]
    assert states(events) == ["offline", "idle"]


# -- a queue that is there but cannot print -------------------------------------------------------


def test_stopped_queue_refuses_open_and_health_says_why(
    throwaway_queue: Callable[..., str], connect: Callable[..., CupsPrinter]
) -> None:
    queue = throwaway_queue("STOPPED")
    subprocess.run(["cupsdisable", queue], check=True, timeout=10)
    printer = connect(queue)

    with pytest.raises(DeviceNotReady, match="paused"):
        printer.open()

    assert printer.state is DeviceState.ERROR
    report = printer.check_health()
    assert not report.ok
    assert report.details["printer-state"] == "stopped"
    assert "paused" in report.details["printer-state-reasons"]
    assert f"cupsenable {queue}" in report.text_en

    subprocess.run(["cupsenable", queue], check=True, timeout=10)
    printer.open()
    assert printer.state is DeviceState.IDLE


def test_queue_rejecting_jobs_refuses_open(
    throwaway_queue: Callable[..., str], connect: Callable[..., CupsPrinter]
) -> None:
    queue = throwaway_queue("REJECTING")
    subprocess.run(["cupsreject", queue], check=True, timeout=10)

    with pytest.raises(DeviceNotReady, match="not accepting jobs"):
        connect(queue).open()


@pytest.mark.parametrize(
    ("reason", "problem", "cleared"),
    [
        ("media-empty-error", StatusKind.PAPER_EMPTY, StatusKind.PAPER_OK),
        ("cover-open-error", StatusKind.COVER_OPEN, StatusKind.COVER_CLOSED),
    ],
)
def test_printer_problem_is_announced_and_no_job_is_left_behind(
    reason: str,
    problem: StatusKind,
    cleared: StatusKind,
    throwaway_queue: Callable[..., str],
    connect: Callable[..., CupsPrinter],
    events: list[StatusEvent],
    make_pdf: Callable[..., bytes],
) -> None:
    queue = throwaway_queue("PROBLEM")
    printer = connect(queue)
    printer.open()
    subprocess.run(["lpadmin", "-p", queue, "-o", f"printer-state-reasons={reason}"], check=True)

    with pytest.raises(DeviceNotReady, match=reason):
        printer.print_pdf(make_pdf("must not print later"), "refused")

    assert (problem, reason) in [(e.kind, e.detail) for e in events]
    assert printer.state is DeviceState.ERROR
    assert queued_jobs(queue) == ""

    subprocess.run(["lpadmin", "-p", queue, "-o", "printer-state-reasons=none"], check=True)
    assert printer.check_health().ok
    assert kinds(events)[-2:] == [cleared, StatusKind.STATE]
    assert printer.state is DeviceState.IDLE


def test_low_paper_is_a_warning_and_the_job_still_prints(
    throwaway_queue: Callable[..., str],
    connect: Callable[..., CupsPrinter],
    events: list[StatusEvent],
    make_pdf: Callable[..., bytes],
) -> None:
    queue = throwaway_queue("LOW")
    # set after creation: lpadmin ignores printer-state-reasons while it creates a queue
    subprocess.run(
        ["lpadmin", "-p", queue, "-o", "printer-state-reasons=media-low-report"], check=True
    )
    printer = connect(queue)
    printer.open()

    result = printer.print_pdf(make_pdf("low paper"), "low-paper")

    assert result.state == "completed"
    assert [e.detail for e in events if e.kind is StatusKind.PAPER_NEAR_END] == ["media-low-report"]
    assert printer.state is DeviceState.IDLE


# -- jobs that never complete ---------------------------------------------------------------------


def test_job_that_never_starts_is_canceled_at_the_timeout(
    throwaway_queue: Callable[..., str],
    connect: Callable[..., CupsPrinter],
    make_pdf: Callable[..., bytes],
) -> None:
    queue = throwaway_queue("HELD", "job-hold-until-default=indefinite")
    printer = connect(queue)
    printer.open()
    steps: list[str] = []
    started = time.monotonic()

    with pytest.raises(JobFailed, match="did not complete within 0.5 s"):
        printer.print_pdf(make_pdf("held"), "held", timeout=0.5, on_progress=steps.append)

    assert time.monotonic() - started < 5
    assert steps == ["submitted", "held", "timeout"]
    assert queued_jobs(queue) == ""  # canceled, so it cannot print later
    assert printer.counters == {"jobs_failed": 1}
    assert printer.state is DeviceState.IDLE


def test_job_canceled_by_an_operator_fails_with_the_reason(
    throwaway_queue: Callable[..., str],
    connect: Callable[..., CupsPrinter],
    make_pdf: Callable[..., bytes],
) -> None:
    queue = throwaway_queue("CANCELED", "job-hold-until-default=indefinite")
    printer = connect(queue)
    printer.open()

    def operator_cancels(step: str) -> None:
        if step == "held":
            subprocess.run(["cancel", "-a", queue], check=True, timeout=10)

    with pytest.raises(JobFailed, match="canceled"):
        printer.print_pdf(
            make_pdf("canceled"), "canceled", timeout=10, on_progress=operator_cancels
        )

    assert printer.counters == {"jobs_failed": 1}
    assert printer.state is DeviceState.IDLE


def test_a_queue_cups_stopped_is_restarted_once_when_configured_to(
    throwaway_queue: Callable[..., str],
    connect: Callable[..., CupsPrinter],
    make_pdf: Callable[..., bytes],
) -> None:
    queue = throwaway_queue("RESTART")
    subprocess.run(["cupsdisable", queue], check=True, timeout=10)
    printer = connect(queue, restart_stopped_queue=True)

    printer.open()  # no technician: the kiosk re-enables the queue itself

    assert printer.state is DeviceState.IDLE
    assert printer.counters["queue_restarts"] == 1
    assert printer.print_pdf(make_pdf("after restart"), "after-restart", timeout=60).state == (
        "completed"
    )


def test_a_stopped_queue_with_a_paper_fault_is_not_restarted(
    throwaway_queue: Callable[..., str], connect: Callable[..., CupsPrinter]
) -> None:
    queue = throwaway_queue("RESTART-NOPAPER")
    subprocess.run(["cupsdisable", queue], check=True, timeout=10)
    subprocess.run(
        ["lpadmin", "-p", queue, "-o", "printer-state-reasons=media-empty-error"],
        check=True,
        timeout=10,
    )
    printer = connect(queue, restart_stopped_queue=True)

    with pytest.raises(DeviceNotReady):
        printer.open()
    assert "queue_restarts" not in printer.counters
