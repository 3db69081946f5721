"""Printing a citizen's documents for a pickup code: claim, download, A4, receipt, report.

The order is the promise: the server hears "printed" only after the A4 printer completed every
document and the receipt printer took the receipt, and it hears it through the durable outbox,
so a network cut after printing cannot lose it. Any failure is reported as failed, which
releases the code for another try, and the citizen is told what happened.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from devices.a4 import A4Printer
from devices.errors import DeviceError
from devices.receipt import Receipt, ReceiptLine, ReceiptPrinter
from kiosk.codes import mask_code, parse_pickup_code
from kiosk.errors import ServerRefused, ServerUnavailable
from kiosk.events import (
    CodeAccepted,
    KioskEvent,
    PrintDone,
    PrintFailed,
    PrintProgress,
    Refused,
)
from kiosk.i18n import t
from kiosk.outbox import Outbox
from kiosk.server_client import PrintJob, ServerClient

log = logging.getLogger(__name__)

KNOWN_REFUSALS = {"unknown_code", "already_printed", "in_progress"}


def mask_number(number: str) -> str:
    return number[:4] + "*" * max(len(number) - 8, 0) + number[-4:]


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
        code = parse_pickup_code(scanned)
        if code is None:
            log.info("scanned text is not a pickup code (%d characters)", len(scanned))
            self.emit(Refused(reason="not_a_code", message="refused.not_a_code"))
            return
        self.emit(CodeAccepted(masked_code=mask_code(code)))
        try:
            self.receipt.open()  # paper and cover are checked before anything is claimed
        except DeviceError as exc:
            log.error("receipt printer not ready before claim: %s", exc)
            self.emit(PrintFailed(reason="receipt_printer", message="failed.receipt_printer"))
            return
        try:
            job = self.server.claim(code)
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
        self._print(job)

    def _print(self, job: PrintJob) -> None:
        total = 2 * len(job.documents) + 2
        steps = iter(range(total))

        def progress(step: str, document: str = "") -> None:
            self.emit(PrintProgress(step=step, done=next(steps), total=total, document=document))

        for index, document in enumerate(job.documents):
            progress("download", document.doc_type)
            try:
                pdf = self.server.download(document)
            except (ServerUnavailable, ServerRefused) as exc:
                self._fail(job, "download", str(exc), "server")
                return
            progress("a4", document.doc_type)
            try:
                result = self.a4.print_pdf(pdf, title=f"{document.doc_type}-{job.receipt_number}")
            except DeviceError as exc:
                self._fail(
                    job, "a4", f"document {index + 1}/{len(job.documents)}: {exc}", "a4_printer"
                )
                return
            finally:
                del pdf  # the document leaves the kiosk's memory as soon as it is printed
            log.info("A4 job %s completed for document %d", result.job_id, index + 1)
        progress("receipt")
        try:
            self.receipt.print_receipt(build_receipt(job, self.kiosk_name(), datetime.now()))
        except DeviceError as exc:
            self._fail(job, "receipt", str(exc), "receipt_printer")
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

    def _fail(self, job: PrintJob, stage: str, detail: str, reason: str) -> None:
        log.error("print job %s failed at %s: %s", job.id, stage, detail)
        self.outbox.put(
            "print_result",
            f"print_result:{job.id}",
            {"job_id": job.id, "outcome": "failed", "stage": stage, "detail": detail},
        )
        self.emit(PrintFailed(reason=reason, message=f"failed.{reason}"))


def _readable_time(iso: str) -> str:
    try:
        return datetime.fromisoformat(iso).strftime("%d-%m-%Y %H:%M")
    except ValueError:
        return iso
