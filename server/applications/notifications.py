"""Telling the citizen what happened, in Indonesian, on the channel they gave.

The workflow talks to a :class:`Notifier`; the one here only writes an outbox row. A sender
(a WhatsApp Business API client, SMTP, an SMS gateway) would read the outbox and mark rows sent;
none exists yet, so nothing leaves the server.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.applications.models import Application, Notification
from server.catalogue import Service
from server.models import Kiosk


class Notifier(Protocol):
    """Where the workflow hands a message for the applicant."""

    def send(self, application: Application, kind: str, text: str) -> None: ...


class OutboxNotifier:
    """Stores each message in application_notifications, in the same transaction as the change."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def send(self, application: Application, kind: str, text: str) -> None:
        via = application.notify_via
        recipient = application.applicant_email if via == "email" else application.applicant_phone
        self.session.add(
            Notification(
                application_id=application.id,
                kind=kind,
                channel=via,
                recipient=recipient or "",
                text=text,
                created_at=datetime.now(),
            )
        )


def _where(kiosk: Kiosk) -> str:
    if kiosk.location is not None:
        return f"{kiosk.location.name}, {kiosk.location.address}"
    return kiosk.location_name


def _closeness(a: str, b: str) -> int:
    """How many leading digits two region codes share: same village > district > regency."""
    a, b = a.replace(".", ""), b.replace(".", "")
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def nearest_kiosks(session: Session, region_code: str, limit: int = 3) -> list[str]:
    """Where the closest working kiosks stand, by region code (kiosks carry no coordinates yet)."""
    kiosks = session.scalars(select(Kiosk).where(Kiosk.revoked_at.is_(None))).all()
    kiosks = sorted(kiosks, key=lambda k: (-_closeness(k.region_code, region_code), k.id))
    return [_where(k) for k in kiosks[:limit]]


def needs_fixing_text(
    application: Application, service: Service, reason: str, papers: list[str]
) -> str:
    names = [r.name_id for r in service.papers if r.code in papers]
    redo = f" Berkas yang perlu diunggah ulang: {'; '.join(names)}." if names else ""
    return (
        f"Permohonan {service.name_id} (tiket {application.ticket}) perlu diperbaiki: "
        f"{reason.strip().rstrip('.')}.{redo} Silakan unggah ulang berkas di ADM terdekat "
        f"dengan nomor tiket dan NIK Anda."
    )


def rejected_text(application: Application, service: Service, reason: str) -> str:
    return (
        f"Mohon maaf, permohonan {service.name_id} (tiket {application.ticket}) ditolak: "
        f"{reason.strip().rstrip('.')}. Untuk keterangan lebih lanjut silakan hubungi kantor "
        f"Dinas Kependudukan dan Pencatatan Sipil."
    )


def ready_text(
    application: Application,
    documents: list[str],
    pickup_code: str,
    expires_at: datetime,
    kiosks: list[str],
) -> str:
    where = "; ".join(kiosks) if kiosks else "kantor Dinas Kependudukan dan Pencatatan Sipil"
    return (
        f"Dokumen Anda sudah selesai (tiket {application.ticket}): {', '.join(documents)}. "
        f"Kode pengambilan: {pickup_code}. Cetak dengan kode ini di ADM terdekat: {where}. "
        f"Kode berlaku sampai {expires_at:%d-%m-%Y} dan hanya bisa dipakai sekali; "
        f"jangan berikan kepada orang lain."
    )
