"""Ed25519 signatures for the QR code on every issued document, verifiable offline.

Keys live in files outside the database. The newest key signs; every key in the folder still
verifies, so a rotated key does not invalidate paper already in citizens' hands.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

TOKEN_PREFIX = "ADM1"  # noqa: S105 - a format marker, not a secret


class BadSignature(ValueError):
    """The token is malformed, signed by an unknown key, or altered."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def canonical_json(data: Any, default: Any = None) -> bytes:
    """One byte string per value: sorted keys, no spaces, UTF-8."""
    return json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=default
    ).encode()


def _key_id(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:8]


class Signer:
    """Signs document payloads with the newest key in ``keys_dir``; verifies with any of them."""

    def __init__(self, keys_dir: Path) -> None:
        self.keys_dir = keys_dir
        self._private: dict[str, Ed25519PrivateKey] = {}
        self._load_or_create()

    def _load_or_create(self) -> None:
        self.keys_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        files = sorted(self.keys_dir.glob("signing-*.pem"))
        if not files:
            self.rotate()
            return
        for path in files:
            key = serialization.load_pem_private_key(path.read_bytes(), password=None)
            if not isinstance(key, Ed25519PrivateKey):
                raise ValueError(f"{path} is not an Ed25519 private key")
            kid = _key_id(key.public_key())
            self._private[kid] = key
            self.current_key_id = kid  # files sort by index: the last one is the newest

    def rotate(self) -> str:
        """Create a new signing key; older keys keep verifying what they signed."""
        key = Ed25519PrivateKey.generate()
        kid = _key_id(key.public_key())
        indexes = [int(p.name.split("-")[1]) for p in self.keys_dir.glob("signing-*.pem")]
        index = max(indexes, default=0) + 1
        path = self.keys_dir / f"signing-{index:04d}-{kid}.pem"
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem)
        self._private[kid] = key
        self.current_key_id = kid
        return kid

    def public_keys(self) -> dict[str, str]:
        """Key id -> raw public key (base64url), for offline verifiers."""
        return {
            kid: _b64(
                key.public_key().public_bytes(
                    serialization.Encoding.Raw, serialization.PublicFormat.Raw
                )
            )
            for kid, key in self._private.items()
        }

    def sign(self, payload: dict[str, str]) -> str:
        """ADM1.<fields joined by ~>.<base64url signature>; the fields name their key id."""
        data = encode_payload(dict(payload, v="1", k=self.current_key_id))
        signature = self._private[self.current_key_id].sign(data.encode())
        return f"{TOKEN_PREFIX}.{data}.{_b64(signature)}"

    def verify(self, token: str) -> dict[str, str]:
        """The payload of a genuine token, or BadSignature."""
        return verify_token(token, {k: v.public_key() for k, v in self._private.items()})


# A short, readable payload keeps the QR code small enough to scan from a phone photo of paper:
# version, document id, type, number, issue date, content digest (96 bits), key id.
FIELDS = ("v", "i", "t", "n", "d", "h", "k")
_FIELD = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


def encode_payload(payload: dict[str, str]) -> str:
    """Join the fields in their fixed order; each must be URL-safe and free of separators."""
    values = [str(payload[name]) for name in FIELDS]
    for name, value in zip(FIELDS, values, strict=True):
        if not _FIELD.match(value):
            raise ValueError(f"payload field {name!r} has characters a token cannot carry")
    return "~".join(values)


def decode_payload(data: str) -> dict[str, str]:
    values = data.split("~")
    if len(values) != len(FIELDS) or not all(_FIELD.match(v) for v in values):
        raise BadSignature("token payload is malformed")
    return dict(zip(FIELDS, values, strict=True))


def verify_token(token: str, public_keys: dict[str, Ed25519PublicKey]) -> dict[str, str]:
    """Check a token against known public keys; usable without the private keys."""
    parts = token.split(".")
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or len(token) > 512:
        raise BadSignature("not an ADM document token")
    payload = decode_payload(parts[1])
    try:
        signature = _unb64(parts[2])
    except ValueError as exc:
        raise BadSignature("signature is not valid base64url") from exc
    if len(signature) != 64 or _b64(signature) != parts[2]:
        raise BadSignature("signature is not in canonical base64url")
    key = public_keys.get(payload["k"])
    if key is None:
        raise BadSignature("token signed by an unknown key")
    try:
        key.verify(signature, parts[1].encode())
    except InvalidSignature as exc:
        raise BadSignature("signature does not match") from exc
    return payload
