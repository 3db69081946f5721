"""What the public verification page can say about a paper: genuine, revoked or unknown.

Someone holds a printed document. They scan its QR code (a link ``<public_url>/v/<token>``) or
paste the token, or type the document number printed on it. The answer names only what is
printed on the paper anyway: the kind of document, its number and its issue date; never a
name, a NIK or an address. Someone typing a number they read elsewhere learns no more than
whether such a paper was issued, and when.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.models import Document
from server.signing import TOKEN_PREFIX, BadSignature, Signer

MAX_INPUT = 600  # a token is at most 512 characters; a link to it a little more
_NUMBER = re.compile(r"^[A-Z0-9-]{4,40}$")

Status = Literal["genuine", "revoked", "unknown"]
# Why a paper is unknown, a word the page translates:
# bad_code: a QR code or token that is not a genuine ADM signature (altered, or not ours);
# not_in_register: genuinely signed, but no such document in this office's register;
# no_such_number: no document with this number; unreadable: neither a code nor a number.
Unknown = Literal["bad_code", "not_in_register", "no_such_number", "unreadable"]


@dataclass(frozen=True)
class Finding:
    """The answer, with only what the paper itself prints."""

    status: Status
    asked_by: Literal["code", "number"]
    doc_type: str | None = None
    number: str | None = None
    version: int | None = None
    issued_on: date | None = None
    unknown: Unknown | None = None
    newer_issued_on: date | None = None  # a newer version of this document replaced this paper


def read_input(text: str) -> tuple[Literal["code", "number"], str] | None:
    """A token (from a pasted link or the bare code) or a document number; None if neither."""
    text = text.strip()
    if not text or len(text) > MAX_INPUT:
        return None
    if "/v/" in text:  # the link the QR code holds, as a phone's scanner hands it over
        text = text.split("/v/", 1)[1].split("?", 1)[0].split("#", 1)[0].strip("/ ")
        return ("code", text) if text else None
    if text.upper().startswith(TOKEN_PREFIX + "."):
        return "code", text
    number = re.sub(r"\s+", "", text).upper()
    return ("number", number) if _NUMBER.match(number) else None


def _newer(session: Session, document: Document) -> date | None:
    """The issue date of the newest version of this document, when this paper is not it."""
    newest = session.scalar(
        select(Document)
        .where(Document.doc_type == document.doc_type, Document.number == document.number)
        .order_by(Document.version.desc())
        .limit(1)
    )
    if newest is None or newest.version <= document.version:
        return None
    return newest.issued_at.date()


def _found(session: Session, document: Document, asked_by: Literal["code", "number"]) -> Finding:
    revoked = document.revoked_at is not None
    return Finding(
        status="revoked" if revoked else "genuine",
        asked_by=asked_by,
        doc_type=document.doc_type,
        number=document.number,
        version=document.version,
        issued_on=document.issued_at.date(),
        newer_issued_on=None if revoked else _newer(session, document),
    )


def verify_code(session: Session, signer: Signer, token: str) -> Finding:
    """The paper whose QR code holds this token, if the signature is ours and it is registered."""
    try:
        payload = signer.verify(token)
    except BadSignature:
        return Finding("unknown", "code", unknown="bad_code")
    document = session.get(Document, payload["i"])
    if document is None:
        return Finding("unknown", "code", unknown="not_in_register")
    return _found(session, document, "code")


def verify_number(session: Session, number: str) -> Finding:
    """The newest paper issued with this number (a number names its type: 73..., 7307-LU-...)."""
    document = session.scalar(
        select(Document)
        .where(Document.number == number)
        .order_by(Document.issued_at.desc(), Document.version.desc())
        .limit(1)
    )
    if document is None:
        return Finding("unknown", "number", number=number, unknown="no_such_number")
    return _found(session, document, "number")


def verify_input(session: Session, signer: Signer, text: str) -> Finding | None:
    """The finding for what someone typed or scanned; None when nothing was asked yet."""
    if not text.strip():
        return None
    read = read_input(text)
    if read is None:
        return Finding("unknown", "number", unknown="unreadable")
    kind, value = read
    return verify_code(session, signer, value) if kind == "code" else verify_number(session, value)
