"""Public endpoints: anyone holding a paper can check it; verifiers fetch the public keys."""

from __future__ import annotations

from fastapi import APIRouter

from server.api.deps import SessionDep, SignerDep
from server.api.schemas import Verification
from server.models import Document
from server.signing import BadSignature

router = APIRouter(tags=["public"])


@router.get("/api/v1/public/signing-keys")
def signing_keys(signer: SignerDep) -> dict[str, str]:
    """Key id -> Ed25519 public key (raw, base64url) for offline verification."""
    return signer.public_keys()


@router.get("/v/{token}")
def verify(token: str, signer: SignerDep, session: SessionDep) -> Verification:
    """What the QR code on a paper links to: genuine, revoked or unknown, and nothing personal."""
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
