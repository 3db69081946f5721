"""Printing a citizen's documents for a pickup code: claim, download, A4, receipt, report.

The order is the promise: the server hears "printed" only after the A4 printer completed every
document and the receipt printer took the receipt, and it hears it through the durable outbox,
so a network cut after printing cannot lose it. The receipt prints as soon as the printer system
accepted every document (kiosk/a4_run.py), while the pages come out; if a page then fails, the
citizen is told the receipt does not count and the code stays valid. Any failure is reported
as failed, which releases the code for another try, and the citizen is told what happened.

Before printing, a touchscreen shows what will print and waits for the citizen's "Print":

- A scanned code is *resolved* (nothing claimed, nothing changes on the server); the claim is
  made when the citizen confirms, so a citizen who walks away leaves no trace.
- A registration number + PIN can only be checked by claiming: the server has no "resolve by
  PIN", and one would be a second door for guessing PINs. So the kiosk claims first, shows the
  claimed job's documents, and prints that same job on "Print". If the citizen goes back or
  leaves instead, the claim is released at once through the normal "failed" report (stage
  none, detail says nobody confirmed): the only release the API has, and it lets the citizen
  try again at once, here or at another kiosk, instead of waiting for the lease to run out.
  A wrong PIN is refused by the claim itself and counted by the server, which locks the
  number after too many.

The headless kiosk (no face to confirm on) still claims and prints a scanned code at once.

Each claim carries a new idempotency key, one per citizen attempt: when the answer is lost on
the network the client asks again with the same key (kiosk/server_client.py) and the server
gives this kiosk the job it already made, instead of holding the code "in progress" for its
lease.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from devices.a4 import A4Printer
from devices.errors import DeviceError
from devices.receipt import Receipt, ReceiptLine, ReceiptPrinter
from kiosk.a4_run import A4Run
from kiosk.codes import mask_code, parse_pickup_code
from kiosk.errors import ServerRefused, ServerUnavailable
from kiosk.events import (
    CodeAccepted,
    KioskEvent,
    PinRefused,
    PrintDone,
    PrintFailed,
    PrintProgress,
    Refused,
)
from kiosk.i18n import t
from kiosk.outbox import Outbox
from kiosk.server_client import JobDocument, PrintJob, ServerClient, new_claim_key

log = logging.getLogger(__name__)

KNOWN_REFUSALS = {"unknown_code", "already_printed", "in_progress"}
# What the server may answer to a number + PIN (server/pickup_pin.py, server/printing.py).
PIN_REFUSALS = {"wrong_pin", "pin_locked", "too_many_attempts", "already_printed", "in_progress"}
NOT_CONFIRMED = "not printed: the citizen did not confirm printing"
INTERRUPTED = "the kiosk stopped while printing"


def mask_number(number: str) -> str:
    return number[:4] + "*" * max(len(number) - 8, 0) + number[-4:]


def shown_documents(documents: list[JobDocument] | list[dict[str, Any]]) -> list[dict[str, str]]:
    """The documents as a screen may show them: type, number partly masked, holder masked."""
    shown = []
    for document in documents:
        if isinstance(document, JobDocument):
            doc_type, number, holder = document.doc_type, document.number, document.holder_masked
        else:
            doc_type = str(document.get("doc_type", ""))
            number = str(document.get("number", ""))
            holder = str(document.get("holder_masked", ""))
        shown.append({"doc_type": doc_type, "number": mask_number(number), "holder": holder})
    return shown


def build_receipt(job: PrintJob, kiosk_name: str, now: datetime) -> Receipt:
    """The receipt a citizen keeps: which documents, when, where, and its number as a QR."""
    lines = [
        ReceiptLine("ANJUNGAN DUKCAPIL MANDIRI", bold=True, align="center"),
        ReceiptLine(kiosk_name, align="center"),
        ReceiptLine(""),
        ReceiptLine("TANDA TERIMA PENGAMBILAN DOKUMEN", bold=True, align="center"),
        ReceiptLine("Document pickup receipt", align="center"),
        ReceiptLine(""),
        ReceiptLine(f"No.     : {job.receipt_number}"),
        ReceiptLine(f"Tanggal : {now:%d-%m-%Y %H:%M}"),
        ReceiptLine("Dokumen :"),
    ]
    for document in job.documents:
        lines.append(
            ReceiptLine(f"  {t('doc.' + document.doc_type)} {mask_number(document.number)}")
        )
    if job.documents:
        lines.append(ReceiptLine(f"Atas nama: {job.documents[0].holder_masked}"))
    footer = [
        ReceiptLine(""),
        ReceiptLine("Keaslian dokumen dapat dicek dengan", align="center"),
        ReceiptLine("memindai kode QR pada dokumen.", align="center"),
        ReceiptLine("Terima kasih / Thank you", bold=True, align="center"),
    ]
    return Receipt(lines=lines, qr=job.receipt_number, footer=footer)


class PickupPrinting:
    """One citizen's print job from a scanned line to the report the server receives."""

    def __init__(
        self,
        server: ServerClient,
        a4: A4Printer,
        receipt: ReceiptPrinter,
        outbox: Outbox,
        emit: Callable[[KioskEvent], None],
        kiosk_name: Callable[[], str],
    ) -> None:
        self.server, self.a4, self.receipt, self.outbox = server, a4, receipt, outbox
        self.emit = emit
        self.kiosk_name = kiosk_name

    def run(self, scanned: str) -> None:
        """Claim and print a scanned code at once (headless, or after the citizen confirmed)."""
        code = parse_pickup_code(scanned)
        if code is None:
            log.info("scanned text is not a pickup code (%d characters)", len(scanned))
            self.emit(Refused(reason="not_a_code", message="refused.not_a_code"))
            return
        self.emit(CodeAccepted(masked_code=mask_code(code)))
        if not self._receipt_ready():
            return
        try:
            job = self.server.claim(code, new_claim_key())
        except ServerRefused as exc:
            reason = exc.reason if exc.reason in KNOWN_REFUSALS else "unknown_code"
            log.info("server refused code %s: %s", mask_code(code), exc.reason)
            params = {}
            if "printed_at" in exc.extra:
                params["printed_at"] = _readable_time(exc.extra["printed_at"])
            self.emit(Refused(reason=reason, message=f"refused.{reason}", params=params))
            return
        except ServerUnavailable as exc:
            log.warning("server unreachable while claiming: %s", exc)
            self.emit(Refused(reason="server_unreachable", message="refused.server_unreachable"))
            return
        log.info(
            "claimed job %s, receipt %s, %d document(s)",
            job.id,
            job.receipt_number,
            len(job.documents),
        )
        self._if_interrupted(job, "failed", None)
        self._print(job)

    def preview(self, scanned: str) -> tuple[str, list[dict[str, str]]] | None:
        """What a scanned code would print, claiming nothing: (code, documents), or None.

        Refusals are told as for :meth:`run`; the receipt printer is checked too, so a citizen
        is not asked to confirm a print that cannot start.
        """
        code = parse_pickup_code(scanned)
        if code is None:
            log.info("scanned text is not a pickup code (%d characters)", len(scanned))
            self.emit(Refused(reason="not_a_code", message="refused.not_a_code"))
            return None
        self.emit(CodeAccepted(masked_code=mask_code(code)))
        if not self._receipt_ready():
            return None
        try:
            answer = self.server.resolve(code)
        except ServerRefused as exc:
            reason = exc.reason if exc.reason in KNOWN_REFUSALS else "unknown_code"
            log.info("server refused code %s: %s", mask_code(code), exc.reason)
            self.emit(Refused(reason=reason, message=f"refused.{reason}"))
            return None
        except ServerUnavailable as exc:
            log.warning("server unreachable while resolving: %s", exc)
            self.emit(Refused(reason="server_unreachable", message="refused.server_unreachable"))
            return None
        status = str(answer.get("status", ""))
        documents = answer.get("documents")
        log.info("code %s resolved: %s", mask_code(code), status)
        if status == "printed":
            params = {"printed_at": _readable_time(str(answer.get("printed_at") or ""))}
            self.emit(
                Refused(reason="already_printed", message="refused.already_printed", params=params)
            )
            return None
        if status == "in_progress":
            self.emit(Refused(reason="in_progress", message="refused.in_progress"))
            return None
        if not isinstance(documents, list) or not all(isinstance(d, dict) for d in documents):
            documents = []
        if status != "ready" or not documents:
            self.emit(Refused(reason="unknown_code", message="refused.generic"))
            return None
        return code, shown_documents(documents)

    def claim_by_pin(self, registration_number: str, pin: str) -> PrintJob | None:
        """Claim the documents behind a typed number + PIN; None when refused (and told why)."""
        if not self._receipt_ready():
            return None
        try:
            job = self.server.claim_with_pin(registration_number, pin, new_claim_key())
        except ServerRefused as exc:
            reason = exc.reason if exc.reason in PIN_REFUSALS else "generic"
            log.info("server refused number %s + PIN: %s", mask_number(registration_number), exc)
            params = _params(exc)
            message = f"pickup.pin.refused.{reason}"
            if reason == "wrong_pin" and "attempts_left" in params:
                message = "pickup.pin.refused.wrong_pin_left"
            elif reason == "pin_locked" and "until" not in params:
                message = "pickup.pin.refused.pin_locked_wait"
            self.emit(PinRefused(reason=reason, message=message, params=params))
            return None
        except ServerUnavailable as exc:
            log.warning("server unreachable while claiming by PIN: %s", exc)
            self.emit(
                PinRefused(
                    reason="server_unreachable", message="pickup.pin.refused.server_unreachable"
                )
            )
            return None
        log.info(
            "claimed job %s by number + PIN, receipt %s, %d document(s)",
            job.id,
            job.receipt_number,
            len(job.documents),
        )
        self._if_interrupted(job, "failed", None)
        return job

    def print_claimed(self, job: PrintJob) -> None:
        """Print a job claimed earlier (number + PIN), once the citizen confirmed it."""
        try:
            self.receipt.open()  # the paper may have run out while the citizen read the list
        except DeviceError as exc:
            self._fail(job, "receipt", f"receipt printer not ready: {exc}", "receipt_printer")
            return
        self._print(job)

    def release(self, job: PrintJob, detail: str = NOT_CONFIRMED) -> None:
        """Give back a claim that will not be printed, so the code works again at once."""
        log.info("releasing print job %s: %s", job.id, detail)
        self.outbox.put(
            "print_result",
            f"print_result:{job.id}",
            {"job_id": job.id, "outcome": "failed", "stage": None, "detail": detail},
        )

    def _if_interrupted(self, job: PrintJob, outcome: str, stage: str | None) -> None:
        """What the server hears if the kiosk dies from here on (sent at its next start)."""
        detail = "" if outcome == "printed" else INTERRUPTED
        self.outbox.hold(
            "print_result",
            f"print_result:{job.id}",
            {"job_id": job.id, "outcome": outcome, "stage": stage, "detail": detail},
        )

    def _receipt_ready(self) -> bool:
        try:
            self.receipt.open()  # paper and cover are checked before anything is claimed
        except DeviceError as exc:
            log.error("receipt printer not ready: %s", exc)
            self.emit(PrintFailed(reason="receipt_printer", message="failed.receipt_printer"))
            return False
        return True

    def _print(self, job: PrintJob) -> None:
        total = 2 * len(job.documents) + 2
        steps = iter(range(total))

        def progress(step: str, document: str = "") -> None:
            self.emit(PrintProgress(step=step, done=next(steps), total=total, document=document))

        a4 = A4Run(
            self.server,
            self.a4,
            job.documents,
            lambda document: f"{document.doc_type}-{job.receipt_number}",
            progress,
        ).start()
        if not a4.all_accepted():  # nothing reached the printer system: no receipt either
            self._fail_a4(job, a4)
            return
        progress("receipt")  # the pages are coming out; the receipt need not wait for them
        self._if_interrupted(job, "failed", "receipt")
        try:
            # Once the cut has gone out the citizen holds the receipt: a kiosk dying before the
            # printer's status reply must not free the code for a second set after the lease.
            self.receipt.print_receipt(
                build_receipt(job, self.kiosk_name(), datetime.now()),
                on_sent=lambda: self._if_interrupted(job, "printed", None),
            )
        except DeviceError as exc:
            a4.finish()
            self._fail(job, "receipt", str(exc), "receipt_printer")
            return
        # The citizen holds the receipt and the printer system every page (on_sent held the job
        # as printed): if the kiosk dies while the pages come out, the job counts as printed (a
        # page that then fails is an officer's reprint) rather than printing a second set later.
        if a4.finish() is not None:
            self._fail_a4(job, a4, after_receipt=True)
            return
        progress("confirm")
        self.outbox.put(
            "print_result",
            f"print_result:{job.id}",
            {"job_id": job.id, "outcome": "printed", "stage": None, "detail": ""},
        )
        holder = job.documents[0].holder_masked if job.documents else ""
        self.emit(
            PrintDone(
                receipt_number=job.receipt_number,
                documents=[d.doc_type for d in job.documents],
                holder=holder,
            )
        )

    def _fail_a4(self, job: PrintJob, a4: A4Run, after_receipt: bool = False) -> None:
        failure = a4.failure
        assert failure is not None
        message = "failed.a4_after_receipt" if after_receipt else None
        self._fail(job, failure.stage, failure.detail, failure.reason, message)

    def _fail(
        self, job: PrintJob, stage: str, detail: str, reason: str, message: str | None = None
    ) -> None:
        log.error("print job %s failed at %s: %s", job.id, stage, detail)
        self.outbox.put(
            "print_result",
            f"print_result:{job.id}",
            {"job_id": job.id, "outcome": "failed", "stage": stage, "detail": detail},
        )
        self.emit(PrintFailed(reason=reason, message=message or f"failed.{reason}"))


def _params(exc: ServerRefused) -> dict[str, str]:
    """What a refusal's message may say: when it was printed, until when it is locked."""
    params = {}
    if "printed_at" in exc.extra:
        params["printed_at"] = _readable_time(exc.extra["printed_at"])
    if "locked_until" in exc.extra:
        params["until"] = _clock_time(exc.extra["locked_until"])
    if exc.extra.get("attempts_left", "").isdigit():
        params["attempts_left"] = exc.extra["attempts_left"]
    return params


def _clock_time(iso: str) -> str:
    try:
        return datetime.fromisoformat(iso).strftime("%H:%M")
    except ValueError:
        return iso


def _readable_time(iso: str) -> str:
    try:
        return datetime.fromisoformat(iso).strftime("%d-%m-%Y %H:%M")
    except ValueError:
        return iso
