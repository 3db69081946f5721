"""A4 printing through a CUPS queue, speaking IPP ourselves so no libcups binding is needed.

``print_pdf`` submits one Print-Job and polls Get-Job-Attributes until the job is completed,
canceled, aborted or stopped with errors, so the kiosk knows the outcome before the citizen
leaves. A printer reporting an error (stopped, rejecting, paper empty, cover open) is refused
before submission: a civil-registration document must not print later, when nobody is there.
"""

from __future__ import annotations

import logging
import subprocess
import threading
import time
from dataclasses import dataclass
from typing import Any

from devices.a4 import A4Printer, PrintResult, ProgressCallback
from devices.a4.ipp import (
    NOT_FOUND,
    NOT_POSSIBLE,
    IppClient,
    IppError,
    IppResponse,
    IppUnreachable,
    a4_job_attributes,
)
from devices.a4.test_page import build_test_page
from devices.contract import DeviceState, HealthLevel, HealthReport, StatusKind
from devices.errors import DeviceError, DeviceNotReady, DeviceOffline, JobFailed

log = logging.getLogger(__name__)

PRINTER_STATES = {3: "idle", 4: "processing", 5: "stopped"}
JOB_STATES = {
    3: "pending",
    4: "held",
    5: "processing",
    6: "stopped",
    7: "canceled",
    8: "aborted",
    9: "completed",
}
JOB_CANCELED, JOB_ABORTED, JOB_COMPLETED, JOB_STOPPED = 7, 8, 9, 6
TERMINAL_JOB_STATES = (JOB_CANCELED, JOB_ABORTED, JOB_COMPLETED)
PRINTER_STOPPED = 5
# CUPS parks a job whose filter failed (e.g. a damaged PDF) in "stopped" with this reason and
# retries it for minutes; the document will not get better, so we fail the job at once.
JOB_ERROR_REASONS = ("job-completed-with-errors", "document-format-error", "document-unprintable")
# Reasons that stop paper coming out whatever their -report/-warning/-error suffix.
BLOCKING_PREFIXES = ("media-empty", "media-needed", "cover-open", "door-open", "offline", "paused")

PRINTER_REQUESTED = (
    "printer-state",
    "printer-state-reasons",
    "printer-state-message",
    "printer-is-accepting-jobs",
    "queued-job-count",
)
JOB_REQUESTED = (
    "job-state",
    "job-state-reasons",
    "job-state-message",
    "job-printer-state-message",
    "job-impressions-completed",
)


@dataclass(frozen=True)
class PrinterStatus:
    """What Get-Printer-Attributes told us about the queue, reduced to what the kiosk needs."""

    state: int
    reasons: tuple[str, ...]
    accepting: bool
    queued_jobs: int | None
    message: str

    @classmethod
    def from_response(cls, response: IppResponse) -> PrinterStatus:
        reasons = tuple(r for r in response.strings("printer-state-reasons") if r != "none")
        accepting = response.attributes.get("printer-is-accepting-jobs")
        message = response.attributes.get("printer-state-message")
        return cls(
            state=response.integer("printer-state") or 0,
            reasons=reasons,
            accepting=accepting is not False,
            queued_jobs=response.integer("queued-job-count"),
            message=message if isinstance(message, str) else "",
        )

    @property
    def state_name(self) -> str:
        return PRINTER_STATES.get(self.state, f"state-{self.state}")

    @property
    def blocking_reasons(self) -> tuple[str, ...]:
        """Reasons that mean no page will come out now."""
        return tuple(
            r for r in self.reasons if r.endswith("-error") or r.startswith(BLOCKING_PREFIXES)
        )

    @property
    def restartable(self) -> bool:
        """Stopped or rejecting by CUPS itself, with no hardware fault behind it."""
        queue_down = self.state == PRINTER_STOPPED or not self.accepting
        return queue_down and all(r == "paused" for r in self.blocking_reasons)

    @property
    def ready(self) -> bool:
        return self.state != PRINTER_STOPPED and self.accepting and not self.blocking_reasons

    @property
    def reasons_text(self) -> str:
        return ", ".join(self.reasons) or "none"

    def problem(self, queue: str) -> tuple[str, str]:
        """Why the queue cannot print, in Indonesian and English, with the fix for a technician."""
        if self.state == PRINTER_STOPPED:
            return (
                f"antrean {queue} berhenti (alasan: {self.reasons_text}); "
                f"aktifkan dengan 'cupsenable {queue}'",
                f"queue {queue} is stopped (printer-state-reasons: {self.reasons_text}); "
                f"enable it with 'cupsenable {queue}'",
            )
        if not self.accepting:
            return (
                f"antrean {queue} menolak pekerjaan (alasan: {self.reasons_text}); "
                f"jalankan 'cupsaccept {queue}'",
                f"queue {queue} is not accepting jobs (printer-state-reasons: "
                f"{self.reasons_text}); run 'cupsaccept {queue}'",
            )
        blocking = ", ".join(self.blocking_reasons)
        return (
            f"printer {queue} melaporkan masalah: {blocking}",
            f"printer {queue} reports a problem (printer-state-reasons: {blocking})",
        )


def _kind_of_paper(reasons: tuple[str, ...]) -> tuple[StatusKind, str]:
    for reason in reasons:
        if reason.startswith(("media-empty", "media-needed")):
            return StatusKind.PAPER_EMPTY, reason
    for reason in reasons:
        if reason.startswith("media-low"):
            return StatusKind.PAPER_NEAR_END, reason
    return StatusKind.PAPER_OK, ""


def _kind_of_cover(reasons: tuple[str, ...]) -> tuple[StatusKind, str]:
    for reason in reasons:
        if reason.startswith(("cover-open", "door-open")):
            return StatusKind.COVER_OPEN, reason
    return StatusKind.COVER_CLOSED, ""


class CupsPrinter(A4Printer):
    """One CUPS queue; every IPP call carries a timeout so nothing blocks forever."""

    request_timeout: float = 10.0  # seconds per IPP request
    test_print_timeout: float = 60.0
    cancel_wait: float = 5.0  # seconds to wait for CUPS to stop a job we canceled

    def __init__(
        self,
        name: str,
        queue: str,
        host: str = "localhost",
        port: int = 631,
        poll_interval: float = 0.25,
        user: str = "adm-kiosk",
        restart_stopped_queue: bool = False,
    ) -> None:
        super().__init__(name)
        self.restart_stopped_queue = restart_stopped_queue
        self.queue = queue
        self.host = host
        self.port = port
        self.poll_interval = poll_interval
        self.user = user
        self._client = IppClient(host, port, timeout=self.request_timeout, user=user)
        self._uri = self._client.printer_uri(queue)
        self._job_lock = threading.Lock()
        # last condition reported to listeners, so events fire on change only
        self._paper = StatusKind.PAPER_OK
        self._cover = StatusKind.COVER_CLOSED
        self._online = True
        self._offline_detail = ""

    @property
    def where(self) -> str:
        return f"CUPS queue {self.queue} at {self.host}:{self.port}"

    # -- life cycle -------------------------------------------------------------------------

    def open(self) -> None:
        """Check the queue exists and can print now; raise what a technician can act on."""
        try:
            status = self._ready_status()
        except DeviceOffline:
            self._set_state(DeviceState.OFFLINE, self._offline_detail)
            raise
        if not status.ready:
            _id, en = status.problem(self.queue)
            self._set_state(DeviceState.ERROR, en)
            raise DeviceNotReady(f"A4 printer {self.name}: {en}")
        self._set_state(DeviceState.IDLE)

    # -- printing ---------------------------------------------------------------------------

    def print_pdf(
        self,
        pdf: bytes,
        title: str,
        timeout: float = 120.0,
        on_progress: ProgressCallback | None = None,
    ) -> PrintResult:
        """Print one PDF on A4, fit to page, and return only once CUPS says it completed."""
        if self.state is DeviceState.CLOSED:
            raise DeviceNotReady(f"A4 printer {self.name} is closed; call open() first")
        if not self._job_lock.acquire(timeout=max(timeout, 0.0)):
            raise DeviceNotReady(f"A4 printer {self.name} is busy with another job")
        try:
            return self._print(pdf, title, timeout, on_progress)
        finally:
            try:
                self._settle()
            finally:
                self._job_lock.release()

    def _print(
        self, pdf: bytes, title: str, timeout: float, on_progress: ProgressCallback | None
    ) -> PrintResult:
        deadline = time.monotonic() + timeout
        status = self._ready_status()
        if not status.ready:
            _id, en = status.problem(self.queue)
            raise DeviceNotReady(f"A4 printer {self.name}: {en}")
        self._set_state(DeviceState.BUSY)
        job_id = self._submit(pdf, title)
        self._progress(on_progress, "submitted")
        last_state: int | None = None
        while True:
            job = self._job(job_id)
            state = job.integer("job-state") or 0
            if state != last_state:
                last_state = state
                self._progress(on_progress, JOB_STATES.get(state, f"state-{state}"))
            if state == JOB_COMPLETED:
                return self._completed(job_id, job)
            if state in (JOB_CANCELED, JOB_ABORTED):
                raise self._failed(job_id, job, JOB_STATES[state])
            if state == JOB_STOPPED and set(job.strings("job-state-reasons")) & set(
                JOB_ERROR_REASONS
            ):
                self._cancel_and_wait(job_id)
                self._progress(on_progress, "failed")
                raise self._failed(job_id, job, "stopped with errors and was canceled")
            if time.monotonic() >= deadline:
                return self._timed_out(job_id, job, timeout, on_progress)
            self._printer_status()  # keeps paper/cover events flowing while we wait
            time.sleep(min(self.poll_interval, max(deadline - time.monotonic(), 0.0)))

    def _ready_status(self) -> PrinterStatus:
        """The queue's status, after restarting it once if CUPS stopped it and we may."""
        status = self._printer_status()
        if status.ready or not (self.restart_stopped_queue and status.restartable):
            return status
        if self.host not in ("localhost", "127.0.0.1", "::1"):
            log.warning(
                "queue %s on %s is stopped; only a local queue can be restarted",
                self.queue,
                self.host,
            )
            return status
        log.warning("CUPS stopped queue %s (%s); restarting it", self.queue, status.reasons_text)
        for command in ("cupsenable", "cupsaccept"):
            try:
                done = subprocess.run(
                    [command, self.queue], capture_output=True, text=True, timeout=10
                )
            except (OSError, subprocess.TimeoutExpired) as exc:
                log.error("%s %s failed: %s", command, self.queue, exc)
                return status
            if done.returncode != 0:
                log.error("%s %s refused: %s", command, self.queue, done.stderr.strip())
                return status
        self._count("queue_restarts")
        return self._printer_status()

    def _submit(self, pdf: bytes, title: str) -> int:
        name = title.encode("utf-8")[:255].decode("utf-8", "ignore") or "ADM"
        try:
            response = self._client.print_job(
                self._uri, pdf, name, "application/pdf", a4_job_attributes()
            )
        except IppUnreachable as exc:
            raise self._offline(exc) from exc
        except IppError as exc:
            self._count("jobs_failed")
            raise JobFailed(f"A4 printer {self.name}: {self.where} refused the job: {exc}") from exc
        job_id = response.integer("job-id")
        if job_id is None:
            self._count("jobs_failed")
            raise JobFailed(f"A4 printer {self.name}: {self.where} accepted a job without job-id")
        log.info("%s: job %s submitted to %s", self.name, job_id, self.where)
        return job_id

    def _job(self, job_id: int) -> IppResponse:
        try:
            return self._client.get_job_attributes(self._uri, job_id, JOB_REQUESTED)
        except IppUnreachable as exc:
            raise self._offline(exc, f"while job {job_id} was printing; check its output") from exc
        except IppError as exc:
            self._count("jobs_failed")
            raise JobFailed(f"A4 printer {self.name}: lost track of job {job_id}: {exc}") from exc

    def _completed(self, job_id: int, job: IppResponse) -> PrintResult:
        pages = job.integer("job-impressions-completed")
        self._count("jobs_ok")
        self._count("pages", pages or 0)
        log.info("%s: job %s completed, %s pages", self.name, job_id, pages)
        return PrintResult(job_id=str(job_id), pages=pages, state="completed")

    def _failed(self, job_id: int, job: IppResponse, what: str) -> JobFailed:
        self._count("jobs_failed")
        reasons = ", ".join(job.strings("job-state-reasons")) or "none"
        message = " ".join(
            m
            for m in job.strings("job-state-message") + job.strings("job-printer-state-message")
            if m
        )
        detail = f"; {message}" if message else ""
        return JobFailed(
            f"A4 printer {self.name}: job {job_id} on {self.where} {what} "
            f"(job-state-reasons: {reasons}){detail}"
        )

    def _timed_out(
        self, job_id: int, job: IppResponse, timeout: float, on_progress: ProgressCallback | None
    ) -> PrintResult:
        """Cancel a job that took too long, unless it completed in the meantime."""
        final = self._cancel_and_wait(job_id)
        if final.integer("job-state") == JOB_COMPLETED:
            self._progress(on_progress, "completed")
            return self._completed(job_id, final)
        self._progress(on_progress, "timeout")
        last = JOB_STATES.get(job.integer("job-state") or 0, "unknown")
        raise self._failed(
            job_id, job, f"did not complete within {timeout:g} s (last state {last}); canceled"
        )

    def _cancel_and_wait(self, job_id: int) -> IppResponse:
        """Cancel a job and wait, briefly, until CUPS has let go of it so it cannot print later."""
        self._cancel(job_id)
        deadline = time.monotonic() + self.cancel_wait
        while True:
            job = self._job(job_id)
            if (job.integer("job-state") or 0) in TERMINAL_JOB_STATES:
                return job
            if time.monotonic() >= deadline:
                log.warning("%s: job %s still not stopped after cancel", self.name, job_id)
                return job
            time.sleep(min(self.poll_interval, 0.1))

    def _cancel(self, job_id: int) -> None:
        try:
            self._client.cancel_job(self._uri, job_id)
        except IppError as exc:  # already finished, or not ours: the caller re-checks
            level = logging.INFO if exc.status == NOT_POSSIBLE else logging.WARNING
            log.log(level, "%s: cancel of job %s failed: %s", self.name, job_id, exc)

    def _settle(self) -> None:
        """After a job, return to IDLE, or ERROR/OFFLINE if the queue reports a problem."""
        if self.state is DeviceState.CLOSED:
            return
        try:
            status = self._printer_status()
        except DeviceError:
            return  # _printer_status already set OFFLINE
        if status.ready:
            self._set_state(DeviceState.IDLE)
        else:
            self._set_state(DeviceState.ERROR, status.problem(self.queue)[1])

    def _progress(self, on_progress: ProgressCallback | None, step: str) -> None:
        if on_progress is None:
            return
        try:
            on_progress(step)
        except Exception:  # a faulty progress display must not lose the job
            log.exception("%s: on_progress(%r) failed", self.name, step)

    # -- printer status and events ----------------------------------------------------------

    def _printer_status(self) -> PrinterStatus:
        """Ask the queue for its state, emit paper/cover/online changes, map faults to errors."""
        try:
            response = self._client.get_printer_attributes(self._uri, PRINTER_REQUESTED)
        except IppUnreachable as exc:
            raise self._offline(exc) from exc
        except IppError as exc:
            if exc.status == NOT_FOUND:
                self._went_offline(f"queue {self.queue} not found")
                raise DeviceOffline(
                    f"A4 printer {self.name}: CUPS at {self.host}:{self.port} has no queue "
                    f"{self.queue!r}; create it (scripts/cups-queue.sh, lpadmin) or fix the "
                    "queue name in the configuration"
                ) from exc
            self._went_offline(str(exc))
            raise DeviceOffline(f"A4 printer {self.name}: {self.where}: {exc}") from exc
        status = PrinterStatus.from_response(response)
        self._observe(status)
        return status

    def _offline(self, exc: Exception, context: str = "") -> DeviceOffline:
        self._went_offline(str(exc))
        extra = f" {context}" if context else ""
        return DeviceOffline(
            f"A4 printer {self.name}: cannot reach CUPS at {self.host}:{self.port} for queue "
            f"{self.queue}{extra}; is cupsd running (lpstat -r, scripts/cups-queue.sh)? ({exc})"
        )

    def _went_offline(self, detail: str) -> None:
        with self._lock:
            was_online, self._online = self._online, False
            self._offline_detail = detail
        if was_online:
            self._emit(StatusKind.OFFLINE, detail)
        if self.state is not DeviceState.CLOSED:
            self._set_state(DeviceState.OFFLINE, detail)

    def _observe(self, status: PrinterStatus) -> None:
        """Emit paper, cover and online events when they change."""
        paper, paper_reason = _kind_of_paper(status.reasons)
        cover, cover_reason = _kind_of_cover(status.reasons)
        with self._lock:
            changes: list[tuple[StatusKind, str]] = []
            if not self._online:
                changes.append((StatusKind.ONLINE, self.where))
            if paper is not self._paper:
                changes.append((paper, paper_reason))
            if cover is not self._cover:
                changes.append((cover, cover_reason))
            self._online, self._paper, self._cover = True, paper, cover
        for kind, detail in changes:
            self._emit(kind, detail)

    # -- health -----------------------------------------------------------------------------

    def check_health(self, level: HealthLevel = HealthLevel.INTERNAL) -> HealthReport:
        """INTERNAL asks the queue; EXTERNAL also prints a one-page test PDF."""
        details: dict[str, Any] = {"queue": self.queue, "host": f"{self.host}:{self.port}"}
        try:
            status = self._printer_status()
        except DeviceError as exc:
            details.update(error=str(exc), counters=dict(self.counters))
            return self._report(
                level,
                False,
                f"Printer A4 {self.name} tidak terhubung: CUPS {self.host}:{self.port} atau "
                f"antrean {self.queue} tidak dapat dijangkau",
                str(exc),
                details,
            )
        if self.state not in (DeviceState.CLOSED, DeviceState.BUSY):
            self._set_state(
                DeviceState.IDLE if status.ready else DeviceState.ERROR,
                "" if status.ready else status.problem(self.queue)[1],
            )
        details.update(
            {
                "printer-state": status.state_name,
                "printer-state-reasons": list(status.reasons),
                "printer-state-message": status.message,
                "printer-is-accepting-jobs": status.accepting,
                "queued-job-count": status.queued_jobs,
                "counters": dict(self.counters),
            }
        )
        if not status.ready:
            text_id, text_en = status.problem(self.queue)
            return self._report(
                level,
                False,
                f"Printer A4 {self.name} tidak siap: {text_id}",
                f"A4 printer {self.name} not ready: {text_en}",
                details,
            )
        text_id = (
            f"Printer A4 {self.name} siap (antrean {self.queue}: {status.state_name}, "
            f"{status.queued_jobs or 0} pekerjaan menunggu)"
        )
        text_en = (
            f"A4 printer {self.name} ready ({self.queue}: {status.state_name}, "
            f"{status.queued_jobs or 0} jobs queued)"
        )
        if level is HealthLevel.INTERNAL:
            return self._report(level, True, text_id, text_en, details)
        return self._test_print(level, details)

    def _test_print(self, level: HealthLevel, details: dict[str, Any]) -> HealthReport:
        if self.state is DeviceState.CLOSED:
            return self._report(
                level,
                False,
                f"Cetak uji {self.name} dilewati: buka perangkat dulu (open)",
                f"Test print on {self.name} skipped: open the device first",
                details,
            )
        started = time.monotonic()
        try:
            result = self.print_pdf(
                build_test_page(f"ADM test page - {self.name} - {self.queue}"),
                f"ADM test page {self.name}",
                timeout=self.test_print_timeout,
            )
        except DeviceError as exc:
            details["test_print"] = {"ok": False, "error": str(exc)}
            details["counters"] = dict(self.counters)
            return self._report(
                level,
                False,
                f"Cetak uji pada printer A4 {self.name} gagal: {exc}",
                f"Test print on A4 printer {self.name} failed: {exc}",
                details,
            )
        details["test_print"] = {
            "ok": True,
            "job_id": result.job_id,
            "pages": result.pages,
            "seconds": round(time.monotonic() - started, 2),
        }
        details["counters"] = dict(self.counters)
        return self._report(
            level,
            True,
            f"Cetak uji pada printer A4 {self.name} berhasil (pekerjaan {result.job_id})",
            f"Test print on A4 printer {self.name} completed (job {result.job_id})",
            details,
        )

    def _report(
        self, level: HealthLevel, ok: bool, text_id: str, text_en: str, details: dict[str, Any]
    ) -> HealthReport:
        details.setdefault("state", self.state.value)
        return HealthReport(self.name, level, ok, text_id, text_en, details)
