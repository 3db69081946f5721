"""Sending an application: the durable outbox, the server's ticket, the receipt, the catalogue.

    queue(draft)      -> one outbox message "application" (the draft's idempotency key), on disk
    deliver(payload)  -> POST /api/v1/kiosk/applications on the outbox thread; the answer's
                         ticket comes back as ApplicationDelivered (a refusal as
                         ApplicationRefused); the outbox then deletes the message, photos and all
    print_receipt()   -> on the core's worker: the ticket as a QR, or, while the application
                         still waits for the network, its local reference and what happens next

Offline the ticket is not known at the kiosk until delivery. The receipt then carries the
draft's reference (the tail of the Idempotency-Key, which the server keeps with the
application), says the application is saved and will be sent by itself, and that the office
writes to the citizen's WhatsApp when papers are missing and when the documents are ready.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from devices.errors import DeviceError
from devices.receipt import Receipt, ReceiptLine, ReceiptPrinter
from kiosk.apply import ApplicationDraft, mask_nik, mask_phone
from kiosk.errors import ServerRefused, ServerUnavailable
from kiosk.events import KioskEvent
from kiosk.outbox import Outbox
from kiosk.server_client import ServerClient

log = logging.getLogger(__name__)

KIND = "application"


@dataclass(frozen=True)
class ApplicationDelivered(KioskEvent):
    """The server took the application queued under ``key``; ``ticket`` is its number."""

    key: str = ""
    ticket: str = ""
    kind: str = field(init=False, default="application_delivered")


@dataclass(frozen=True)
class ApplicationRefused(KioskEvent):
    """The server refused the application for good; ``reason`` is its word (invalid_nik...)."""

    key: str = ""
    reason: str = ""
    kind: str = field(init=False, default="application_refused")


@dataclass(frozen=True)
class ApplicationReceiptPrinted(KioskEvent):
    """The receipt of the application queued under ``key`` was printed (``ok``) or not."""

    key: str = ""
    ok: bool = False
    kind: str = field(init=False, default="application_receipt")


@dataclass(frozen=True)
class Queued:
    """What the screen keeps after "Send": no personal data beyond the masked phone."""

    key: str
    reference: str
    service_name: str
    phone_masked: str


def build_receipt(
    queued: Queued, ticket: str, kiosk_name: str, now: datetime, nik_masked: str = ""
) -> Receipt:
    """The application receipt: the ticket as a QR, or the reference while it waits to be sent."""
    lines = [
        ReceiptLine("ANJUNGAN DUKCAPIL MANDIRI", bold=True, align="center"),
        ReceiptLine(kiosk_name, align="center"),
        ReceiptLine(""),
        ReceiptLine("TANDA TERIMA PENGAJUAN", bold=True, align="center"),
        ReceiptLine("Application receipt", align="center"),
        ReceiptLine(""),
        ReceiptLine(f"Layanan : {queued.service_name}"),
        ReceiptLine(f"Tanggal : {now:%d-%m-%Y %H:%M}"),
    ]
    if nik_masked:
        lines.append(ReceiptLine(f"NIK     : {nik_masked}"))
    lines.append(ReceiptLine(f"No. HP  : {queued.phone_masked}"))
    lines.append(ReceiptLine(f"Ref.    : {queued.reference}"))
    if ticket:
        lines += [
            ReceiptLine(""),
            ReceiptLine("NOMOR TIKET / TICKET", bold=True, align="center"),
            ReceiptLine(ticket, bold=True, double=True, align="center"),
        ]
        footer = [
            ReceiptLine(""),
            ReceiptLine("Cek status dengan memindai kode QR ini", align="center"),
            ReceiptLine("di anjungan ADM atau ketik nomor tiket.", align="center"),
            ReceiptLine("Kantor akan mengirim pesan WhatsApp", align="center"),
            ReceiptLine("bila berkas kurang dan bila dokumen jadi.", align="center"),
            ReceiptLine("Terima kasih / Thank you", bold=True, align="center"),
        ]
        return Receipt(lines=lines, qr=ticket, footer=footer)
    lines += [
        ReceiptLine(""),
        ReceiptLine("BELUM TERKIRIM / NOT YET SENT", bold=True, align="center"),
        ReceiptLine("Pengajuan tersimpan di anjungan ini", align="center"),
        ReceiptLine("dan terkirim otomatis saat jaringan", align="center"),
        ReceiptLine("kembali. Simpan nomor referensi ini.", align="center"),
        ReceiptLine("Saved at this kiosk; it is sent by itself", align="center"),
        ReceiptLine("when the network returns.", align="center"),
    ]
    footer = [
        ReceiptLine(""),
        ReceiptLine("Kantor akan mengirim pesan WhatsApp", align="center"),
        ReceiptLine("bila berkas kurang dan bila dokumen jadi.", align="center"),
        ReceiptLine("Terima kasih / Thank you", bold=True, align="center"),
    ]
    return Receipt(lines=lines, footer=footer)


class ApplicationDesk:
    """The kiosk's side of applying: queue, deliver, receipt; one per kiosk core."""

    def __init__(
        self,
        server: ServerClient,
        outbox: Outbox,
        receipt: ReceiptPrinter,
        emit: Callable[[KioskEvent], None],
        kiosk_name: Callable[[], str],
        catalogue_copy: Path,
    ) -> None:
        self.server, self.outbox, self.receipt = server, outbox, receipt
        self.emit = emit
        self.kiosk_name = kiosk_name
        self.catalogue_copy = catalogue_copy

    # -- sending ---------------------------------------------------------------------------
    def queue(self, draft: ApplicationDraft, service_name: str) -> Queued:
        """Write the application to the outbox (durably), then wipe the draft; blocking (disk).

        The draft is wiped whatever happens: a citizen whose application could not be kept
        is told so, and their photos do not stay behind in memory either.
        """
        try:
            problems = draft.problems()
            if problems:
                raise ValueError(f"the application is not complete: {', '.join(problems)}")
            queued = Queued(draft.key, draft.reference, service_name, mask_phone(draft.phone))
            payload = {"key": draft.key, "body": draft.body()}
            if not self.outbox.put(KIND, draft.key, payload):
                log.warning("application %s was already queued; not queued again", draft.key)
            del payload
            log.info(
                "application %s (%s, NIK %s, %d paper(s)) queued",
                draft.key,
                draft.service_code,
                mask_nik(draft.nik),
                len(draft.papers),
            )
            return queued
        finally:
            draft.wipe()

    def deliver(self, payload: dict[str, Any]) -> None:
        """The outbox's sender for "application": raises to keep it (unavailable) or drop it."""
        key = str(payload["key"])
        try:
            answer = self.server.submit_application(key, payload["body"])
        except ServerRefused as exc:
            log.error("application %s refused by the server: %s", key, exc.reason)
            self.emit(ApplicationRefused(key=key, reason=exc.reason))
            raise
        ticket = str(answer.get("ticket", ""))
        if not ticket:
            raise ServerUnavailable("the server's answer to an application had no ticket")
        log.info("application %s delivered: ticket %s", key, ticket)
        self.emit(ApplicationDelivered(key=key, ticket=ticket))

    # -- receipt ---------------------------------------------------------------------------
    def print_receipt(self, queued: Queued, ticket: str) -> None:
        """On the core's worker: print and say whether it worked (never raises)."""
        try:
            self.receipt.open()
            self.receipt.print_receipt(
                build_receipt(queued, ticket, self.kiosk_name(), datetime.now())
            )
        except DeviceError as exc:
            log.error("application receipt for %s not printed: %s", queued.key, exc)
            self.emit(ApplicationReceiptPrinted(key=queued.key, ok=False))
            return
        self.emit(ApplicationReceiptPrinted(key=queued.key, ok=True))

    # -- catalogue -------------------------------------------------------------------------
    def services(self) -> list[dict[str, Any]]:
        """The catalogue's services: fresh from the server, else the copy kept from last time.

        A kiosk that lost the network can still take applications (they wait in the outbox);
        it needs the list of papers and questions for that.
        """
        try:
            catalogue = self.server.services()
        except ServerUnavailable:
            try:
                catalogue = json.loads(self.catalogue_copy.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                raise ServerUnavailable(
                    "no catalogue: the server is away and none was kept"
                ) from None
            log.info("catalogue from the copy kept at %s", self.catalogue_copy)
        else:
            self._keep(catalogue)
        services = catalogue.get("services") if isinstance(catalogue, dict) else None
        if not isinstance(services, list):
            raise ServerUnavailable("the catalogue has no list of services")
        return [s for s in services if isinstance(s, dict)]

    def _keep(self, catalogue: dict[str, Any]) -> None:
        try:
            self.catalogue_copy.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.catalogue_copy.with_suffix(".tmp")
            tmp.write_text(json.dumps(catalogue, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, self.catalogue_copy)
        except OSError as exc:
            log.warning("catalogue copy not kept: %s", exc)
