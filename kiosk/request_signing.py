"""Signed kiosk requests: the secret never travels, a recorded request cannot be replayed.

Every request to the kiosk API carries

    Authorization: ADM-HMAC kiosk=<id>, ts=<unix seconds>, nonce=<32 hex>, sig=<64 hex>

where sig = HMAC-SHA256(key, canonical) over

    canonical = METHOD "\\n" PATH[?QUERY] "\\n" ts "\\n" nonce "\\n" SHA256-hex(body)

and key = SHA-256 hex of the kiosk's secret, as text (the server keeps that digest, never the
secret). The server refuses a timestamp more than five minutes from its clock, and a nonce it
has already seen from that kiosk for a state change. The kiosk's clock may be wrong (no RTC
battery, no NTP in a village hall), so the client signs with its own clock plus the offset it
learned from the server's `Date` header.
"""

from __future__ import annotations

import email.utils
import hashlib
import hmac
import secrets
import time
from urllib.parse import urlsplit

import requests

SCHEME = "ADM-HMAC"


def signing_key(secret: str) -> bytes:
    """The HMAC key derived from the kiosk's secret: the digest the server stores."""
    return hashlib.sha256(secret.encode()).hexdigest().encode()


def canonical(method: str, target: str, ts: int, nonce: str, body: bytes) -> bytes:
    """What is signed: the method, the path with its query, the time, the nonce, the body."""
    digest = hashlib.sha256(body).hexdigest()
    return f"{method.upper()}\n{target}\n{ts}\n{nonce}\n{digest}".encode()


def authorization(
    kiosk_id: str,
    secret: str,
    method: str,
    target: str,
    body: bytes,
    ts: int | None = None,
    nonce: str | None = None,
) -> str:
    """The Authorization header value for one request."""
    ts = int(time.time()) if ts is None else ts
    nonce = nonce or secrets.token_hex(16)
    sig = hmac.new(
        signing_key(secret), canonical(method, target, ts, nonce, body), hashlib.sha256
    ).hexdigest()
    return f"{SCHEME} kiosk={kiosk_id}, ts={ts}, nonce={nonce}, sig={sig}"


def target_of(url: str) -> str:
    """The path and query of a URL, as the server sees them."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


class KioskAuth(requests.auth.AuthBase):
    """Signs every request of a requests.Session with the kiosk's credential `<id>:<secret>`."""

    def __init__(self, credential: str) -> None:
        self.kiosk_id, _, self._secret = credential.partition(":")
        self.clock_offset = 0.0  # server time minus our time, learned from responses

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode()
        ts = int(time.time() + self.clock_offset)
        request.headers["Authorization"] = authorization(
            self.kiosk_id,
            self._secret,
            request.method or "GET",
            target_of(request.url or ""),
            body,
            ts=ts,
        )
        return request

    def learn_clock(self, response: requests.Response) -> None:
        """Follow the server's clock: its Date header says what time it was when it answered."""
        stamp = response.headers.get("Date")
        if not stamp:
            return
        try:
            server_time = email.utils.parsedate_to_datetime(stamp).timestamp()
        except (TypeError, ValueError, OverflowError):  # a year past any clock: not a time
            return
        offset = server_time - time.time()
        # Date has one-second resolution; only a real skew is worth following.
        self.clock_offset = offset if abs(offset) > 2 else 0.0
