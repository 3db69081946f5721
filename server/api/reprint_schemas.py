"""Request and response bodies of reprint approval."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from server.api.times import ServerTime
from server.plain_text import clean_text
from server.reprints import MAX_REASON, Reprint


class ReprintCreate(BaseModel):
    """Why the document must be printed again: kept in the audit log with the officer's name."""

    model_config = ConfigDict(extra="forbid")

    reason: Annotated[
        str,
        Field(min_length=1, max_length=MAX_REASON),
        AfterValidator(lambda text: clean_text(text, MAX_REASON)),
    ]  # e.g. "kertas rusak", "printer macet setelah konfirmasi"


class ReprintApproved(BaseModel):
    """The new one-time code, to hand to the citizen (it is also sent if they gave a contact)."""

    document_id: str
    doc_type: str
    number: str
    version: int
    print_count: int  # prints so far; the reprint adds one when the kiosk confirms it
    pickup_code: str
    registration_number: str
    pin: str
    expires_at: ServerTime
    notified: bool  # a message with the code waits in the citizen's notification outbox


def reprint_approved(reprint: Reprint) -> ReprintApproved:
    document = reprint.document
    return ReprintApproved(
        document_id=document.id,
        doc_type=document.doc_type,
        number=document.number,
        version=document.version,
        print_count=document.print_count,
        pickup_code=reprint.pickup_code,
        registration_number=reprint.credential.registration_number,
        pin=reprint.credential.pin,
        expires_at=reprint.expires_at,
        notified=reprint.notified,
    )
