"""What the kiosk core tells its face (the touchscreen, or a log in headless mode).

Events carry message keys from :mod:`kiosk.i18n`, never finished sentences, so every face can
show them in the citizen's chosen language. Listeners are called on the core's worker thread;
the answer to a scan on the NIK screen (NikScanned, ScanRefused) comes on the scanner's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from kiosk.apply import mask_nik


@dataclass(frozen=True)
class KioskEvent:
    """Base of every event; ``kind`` names it on the wire (JSON lines in headless mode)."""

    kind: str = field(init=False, default="event")

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Ready(KioskEvent):
    """Waiting for a citizen to scan a code."""

    kind: str = field(init=False, default="ready")


@dataclass(frozen=True)
class CodeAccepted(KioskEvent):
    """A well-formed code was read; the server is being asked about it."""

    masked_code: str = ""
    kind: str = field(init=False, default="code_accepted")


@dataclass(frozen=True)
class Refused(KioskEvent):
    """Nothing will be printed for this code; ``message`` says why (an i18n key)."""

    reason: str = ""
    message: str = ""
    params: dict[str, str] = field(default_factory=dict)
    kind: str = field(init=False, default="refused")


@dataclass(frozen=True)
class PrintProgress(KioskEvent):
    """A step of the print job starts: ``step`` is download | a4 | receipt | confirm.

    ``done`` steps of ``total`` are finished (a download and an A4 print per document, then
    the receipt and the confirmation), so ``done / total`` is the share of the work behind us.
    """

    step: str = ""
    done: int = 0
    total: int = 0
    document: str = ""  # document type code, e.g. "KK"; the face translates it
    kind: str = field(init=False, default="print_progress")


@dataclass(frozen=True)
class PrintDone(KioskEvent):
    """Everything printed and the server was told (or will be, through the outbox)."""

    receipt_number: str = ""
    documents: list[str] = field(default_factory=list)
    holder: str = ""  # partly masked name of the document holder
    kind: str = field(init=False, default="print_done")


@dataclass(frozen=True)
class PrintFailed(KioskEvent):
    """The job stopped; ``message`` tells the citizen what happened and what to do."""

    reason: str = ""
    message: str = ""
    params: dict[str, str] = field(default_factory=dict)
    kind: str = field(init=False, default="print_failed")


EventListener = Callable[[KioskEvent], None]


@dataclass(frozen=True)
class FeedbackDelivered(KioskEvent):
    """The server took a complaint or survey from the outbox; a complaint now has its ticket."""

    what: str = ""  # complaint | survey
    key: str = ""  # the outbox key the screen got when it queued it
    ticket: str = ""
    kind: str = field(init=False, default="feedback_delivered")


@dataclass(frozen=True)
class DocumentsReady(KioskEvent):
    """What a code or a registration number + PIN will print; nothing printed until confirmed.

    ``source`` is ``code`` (a scanned code, nothing claimed yet) or ``pin`` (claimed: the
    number + PIN can only be checked by claiming). Each document is a dict with ``doc_type``,
    ``number`` (partly masked) and ``holder`` (masked by the server); the face lists them and
    calls :meth:`KioskCore.print_confirmed` or :meth:`KioskCore.cancel_pending`.
    """

    source: str = ""
    documents: list[dict[str, str]] = field(default_factory=list)
    kind: str = field(init=False, default="documents_ready")


@dataclass(frozen=True)
class PinRefused(KioskEvent):
    """A typed registration number + PIN was not accepted; ``message`` says why (i18n key).

    Apart from :class:`Refused` because the face answers it where the citizen typed, not on
    the scan screen. ``reason`` is the server's word (wrong_pin, pin_locked, ...).
    """

    reason: str = ""
    message: str = ""
    params: dict[str, str] = field(default_factory=dict)
    kind: str = field(init=False, default="pin_refused")


@dataclass(frozen=True)
class NikScanned(KioskEvent):
    """The scanner read a NIK while the face asked for one (ScanMode.NIK); nothing else happens.

    Only its form is checked (16 digits); the face checks it as a typed NIK. The NIK stays out of
    the event's text and of its dict, which a headless face writes out.
    """

    nik: str = field(default="", repr=False)
    kind: str = field(init=False, default="nik_scanned")

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "nik": mask_nik(self.nik)}


@dataclass(frozen=True)
class ScanRefused(KioskEvent):
    """A scan the current scan mode cannot take (``mode``); ``message`` says why (i18n key).

    Apart from :class:`Refused` because nothing was tried: the face answers it on the screen
    that asked for the scan and stays there, and no print starts.
    """

    mode: str = ""
    reason: str = ""
    message: str = ""
    kind: str = field(init=False, default="scan_refused")
