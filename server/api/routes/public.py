"""Public endpoints: anyone holding a paper can check it; verifiers fetch the public keys."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import select

from server.api.deps import SessionDep, SignerDep
from server.api.schemas import Verification
from server.models import Document
from server.signing import BadSignature

router = APIRouter(tags=["public"])


@router.get("/api/v1/public/signing-keys")
def signing_keys(signer: SignerDep) -> dict[str, str]:
    """Key id -> Ed25519 public key (raw, base64url) for offline verification."""
    return signer.public_keys()


@router.get(
    "/v/{token}",
    response_model=Verification,
    responses={303: {"description": "A browser is sent to the verification page (/verifikasi)"}},
)
def verify(
    token: str, request: Request, signer: SignerDep, session: SessionDep
) -> Verification | RedirectResponse:
    """What the QR code on a paper links to: genuine, revoked or unknown, and nothing personal.

    A citizen's phone that opens the link is a browser asking for HTML: it gets the public
    verification page, in words, instead of this JSON.
    """
    if "text/html" in request.headers.get("accept", ""):
        return RedirectResponse(f"/verifikasi?kode={quote(token, safe='')}", status_code=303)
    try:
        payload = signer.verify(token)
    except BadSignature:
        return Verification(status="unknown", message="Not a genuine ADM document code")
    document = session.get(Document, str(payload.get("i")))
    if document is None:
        return Verification(status="unknown", message="Document not found in the register")
    revoked = document.revoked_at is not None
    return Verification(
        status="revoked" if revoked else "genuine",
        doc_type=document.doc_type,
        number=document.number,
        issued_on=payload.get("d"),
        message="Dokumen telah dicabut" if revoked else "Dokumen asli",
    )


@router.get("/api/v1/public/documents/{doc_type}/{number}")
def verify_by_number(doc_type: str, number: str, session: SessionDep) -> Verification:
    """For a paper whose QR cannot be read: genuine, revoked or unknown by type and number."""
    document = session.scalar(
        select(Document)
        .where(Document.doc_type == doc_type.upper()[:20], Document.number == number[:40])
        .order_by(Document.version.desc())
    )
    if document is None:
        return Verification(status="unknown", message="No such document in the register")
    revoked = document.revoked_at is not None
    return Verification(
        status="revoked" if revoked else "genuine",
        doc_type=document.doc_type,
        number=document.number,
        issued_on=document.issued_at.date().isoformat(),
        message="Dokumen telah dicabut" if revoked else "Dokumen asli",
    )
