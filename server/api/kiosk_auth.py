"""Who is calling the kiosk API: a signed request from an enrolled, unrevoked kiosk, never a replay.

The scheme is written down in kiosk/request_signing.py (the kiosk's side). Here the server
checks it: the kiosk exists and is not revoked, the signature matches the digest of its secret
that enrolment stored, the timestamp is within five minutes of the server's clock, and, for
anything that changes state, the nonce has not been seen from that kiosk before.

Heartbeats, by far the most frequent request, take a shorter path (heartbeat_caller): the same
checks against credentials cached in memory, and replay protection by the kiosk's heartbeat
times instead of stored nonces (server/kiosk_cache.py, server/heartbeats.py).
"""

from __future__ import annotations

import hashlib
import hmac
import random
import re
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from server.api.deps import SessionDep
from server.api.errors import ApiError
from server.kiosk_cache import KioskCache, KioskEntry
from server.models import Kiosk, RequestNonce

SCHEME = "ADM-HMAC"
WINDOW_SECONDS = 300
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_FIELDS = re.compile(
    r"^ADM-HMAC kiosk=([A-Za-z0-9._-]{1,40}), ts=(\d{1,12}), nonce=([0-9a-f]{16,64}), "
    r"sig=([0-9a-f]{64})$"
)
BODY_DIGEST = "adm.body_sha256"  # set by server.app.LimitBody as the body streams through


@dataclass(frozen=True)
class SignedRequest:
    kiosk_id: str
    ts: int
    nonce: str
    sig: str
    method: str
    target: str
    body_sha256: str


def _refuse(reason: str, message: str, **extra: object) -> ApiError:
    return ApiError(401, reason, message, **extra)


async def signed_request(request: Request) -> SignedRequest:
    """Parse the Authorization header and digest the body (reading it if nobody has yet)."""
    header = request.headers.get("authorization", "")
    match = _FIELDS.match(header)
    if not match:
        raise _refuse(
            "unauthenticated", f"A signed request is required (Authorization: {SCHEME} ...)"
        )
    if BODY_DIGEST not in request.scope:
        await request.body()  # FastAPI reads no body for GET; this reads the empty one
    digest = request.scope.get(BODY_DIGEST) or hashlib.sha256(b"").hexdigest()
    # The path as sent (percent-encoded), not as decoded: that is what the kiosk signed.
    raw_path = request.scope.get("raw_path") or request.url.path.encode()
    query = request.scope.get("query_string", b"").decode("latin-1")
    return SignedRequest(
        kiosk_id=match[1],
        ts=int(match[2]),
        nonce=match[3],
        sig=match[4],
        method=request.method.upper(),
        target=raw_path.decode("latin-1") + (f"?{query}" if query else ""),
        body_sha256=digest,
    )


def expected_signature(key_hex: str, req: SignedRequest) -> str:
    canonical = f"{req.method}\n{req.target}\n{req.ts}\n{req.nonce}\n{req.body_sha256}"
    return hmac.new(key_hex.encode(), canonical.encode(), hashlib.sha256).hexdigest()


def _check(credential_hash: str | None, revoked: bool, req: SignedRequest) -> None:
    """401 for an unknown kiosk, a wrong signature or a stale time; 403 for a revoked kiosk."""
    if credential_hash is None or not hmac.compare_digest(
        expected_signature(credential_hash, req), req.sig
    ):
        raise _refuse("unauthenticated", "Unknown kiosk or wrong signature")
    now = time.time()
    if abs(now - req.ts) > WINDOW_SECONDS:
        # The kiosk may follow the server's clock from this answer (and its Date header).
        raise _refuse(
            "clock_skew",
            "The request's time is too far from the server's clock",
            server_time=int(now),
        )
    if revoked:
        raise ApiError(403, "kiosk_revoked", "This kiosk has been revoked by the office")


def replayed() -> ApiError:
    # The same signed request again: someone recorded it, or a proxy resent it.
    return _refuse("replayed", "This request was already received")


def current_kiosk(
    session: SessionDep, req: Annotated[SignedRequest, Depends(signed_request)]
) -> Kiosk:
    """The calling kiosk, or 401 (unknown, bad signature, stale, replayed) / 403 (revoked)."""
    kiosk = session.get(Kiosk, req.kiosk_id)
    _check(
        None if kiosk is None else kiosk.credential_hash,
        kiosk is not None and kiosk.revoked_at is not None,
        req,
    )
    assert kiosk is not None
    seen_at = datetime.now()
    if req.method not in SAFE_METHODS:
        session.add(RequestNonce(kiosk_id=kiosk.id, nonce=req.nonce, seen_at=seen_at))
        try:
            session.flush()
        except IntegrityError:
            raise replayed() from None
        if random.random() < 1 / 256:  # now and then, forget nonces older than any valid ts
            cutoff = seen_at - timedelta(seconds=2 * WINDOW_SECONDS)
            session.execute(delete(RequestNonce).where(RequestNonce.seen_at < cutoff))
    kiosk.last_seen_at = seen_at
    return kiosk


CurrentKiosk = Annotated[Kiosk, Depends(current_kiosk)]


@dataclass(frozen=True)
class HeartbeatCaller:
    """A kiosk whose signed heartbeat checked out against the credential cache."""

    kiosk: KioskEntry
    request: SignedRequest


async def heartbeat_caller(
    request: Request, req: Annotated[SignedRequest, Depends(signed_request)]
) -> HeartbeatCaller:
    """current_kiosk for heartbeats: the same answers, from memory (server/kiosk_cache.py).

    No session and no thread when the kiosk is cached; else one thread-pool call reads it.
    Replays are the route's to refuse (server/heartbeats.py), once the body is valid.
    """
    cache: KioskCache = request.app.state.kiosk_cache
    entry = cache.get(req.kiosk_id) or await run_in_threadpool(cache.fetch, req.kiosk_id)
    _check(
        None if entry is None else entry.credential_hash,
        entry is not None and entry.revoked,
        req,
    )
    assert entry is not None
    return HeartbeatCaller(entry, req)


HeartbeatKiosk = Annotated[HeartbeatCaller, Depends(heartbeat_caller)]
