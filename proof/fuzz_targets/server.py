"""Targets for the server: the signed document QR, and requests to the real app in process."""

from __future__ import annotations

import hashlib
import json
import logging
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import atheris

from proof.fuzz_targets.values import json_value

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def document_token() -> Callable[[bytes], None]:
    """verify_token raises BadSignature or answers; what we sign verifies and scans as ours."""
    from kiosk.codes import CodeKind, ScannedCode, classify
    from server.signing import FIELDS, BadSignature, Signer, decode_payload, encode_payload

    signer = Signer(Path(tempfile.mkdtemp(prefix="adm-fuzz-keys-")))

    def test_one(data: bytes) -> None:
        fdp = atheris.FuzzedDataProvider(data)
        if fdp.ConsumeBool():  # round trip: sign fuzzed fields, verify, scan, then tamper
            if fdp.ConsumeIntInRange(0, 7):  # mostly fields a token can carry, of any length
                payload = {name: _field(fdp) for name in FIELDS[1:6]}
            else:
                payload = {name: fdp.ConsumeUnicodeNoSurrogates(44) for name in FIELDS[1:6]}
            try:
                token = signer.sign(payload)
            except ValueError:
                return  # a field a token cannot carry: refused before signing, as documented
            assert signer.verify(token) == dict(payload, v="1", k=signer.current_key_id)
            assert classify(token) == ScannedCode(CodeKind.DOCUMENT, token), token
            where = fdp.ConsumeIntInRange(0, len(token) - 1)
            flipped = "A" if token[where] != "A" else "B"
            tampered = token[:where] + flipped + token[where + 1 :]
            try:
                signer.verify(tampered)
            except BadSignature:
                return
            raise AssertionError(f"a tampered token verified: {tampered!r}")
        text = fdp.ConsumeUnicodeNoSurrogates(fdp.remaining_bytes())
        try:
            payload = signer.verify(text)
        except BadSignature:
            pass
        else:
            assert payload["k"] == signer.current_key_id
        try:
            fields = decode_payload(text)
        except BadSignature:
            return
        assert encode_payload(fields) == text

    return test_one


_FIELD_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"


def _field(fdp: Any) -> str:
    """1-40 characters of the token alphabet, chosen by the fuzzer."""
    raw = fdp.ConsumeBytes(fdp.ConsumeIntInRange(1, 40)) or b"0"
    return "".join(_FIELD_CHARS[b % len(_FIELD_CHARS)] for b in raw)


# The requests a kiosk or a phone sends: (method, path with {} for a fuzzed segment, signed).
OPERATIONS: tuple[tuple[str, str, bool], ...] = (
    ("POST", "/api/v1/kiosk/heartbeat", True),
    ("POST", "/api/v1/kiosk/print-jobs", True),
    ("POST", "/api/v1/kiosk/pickup-codes/resolve", True),
    ("POST", "/api/v1/kiosk/applications", True),
    ("POST", "/api/v1/kiosk/complaints", True),
    ("POST", "/api/v1/kiosk/surveys", True),
    ("POST", "/api/v1/kiosk/print-jobs/{}/result", True),
    ("POST", "/api/v1/kiosk/applications/{}/papers", True),
    ("GET", "/api/v1/kiosk/applications/{}", True),
    ("GET", "/v/{}", False),
    ("GET", "/verifikasi?kode={}", False),
    ("POST", "/api/v1/kiosk/enrol", False),
    ("GET", "/api/v1/public/documents/{}", False),
    ("POST", "/api/v1/kiosk/heartbeat", False),  # the Authorization header itself, fuzzed
)


def api_payloads() -> Callable[[bytes], None]:
    """Any body, path segment or Authorization header: the app answers, never with a 5xx.

    Input: one byte picks the operation, then a path segment (or header) up to a newline,
    then the body. Bodies are sent signed by the demo kiosk, so validation and the route
    behind it run, not only the 401 of an unsigned request.
    """
    from fastapi.testclient import TestClient

    from kiosk.request_signing import authorization
    from server.app import create_app
    from server.db import transaction
    from server.demo import load_demo
    from server.settings import Settings
    from server.signing import Signer

    logging.disable(logging.CRITICAL)
    data_dir = Path(tempfile.mkdtemp(prefix="adm-fuzz-server-"))
    settings = Settings(data_dir=data_dir)
    app = create_app(settings)
    with transaction(app.state.sessions) as session:
        demo = load_demo(session, Signer(settings.keys_dir), settings)
    kiosk_id, _, secret = demo.kiosk_credential.partition(":")
    client = TestClient(app, raise_server_exceptions=False)
    client.__enter__()  # runs the app's lifespan: the heartbeat writer is started as in serving

    def send(method: str, path: str, body: bytes, signed: bool, extra: dict[str, Any]) -> Any:
        headers: dict[str, Any] = {"content-type": "application/json", **extra}
        if signed:
            headers["authorization"] = authorization(kiosk_id, secret, method, path, body)
            headers["idempotency-key"] = (
                "fuzz-" + hashlib.sha256(body + path.encode()).hexdigest()[:16]
            )
        return client.request(method, path, content=body, headers=headers)

    # Real records for the structured mode, so routes get past "not found" to their work.
    seeds = _seed_requests()
    job = send(
        "POST",
        "/api/v1/kiosk/print-jobs",
        json.dumps({"pickup_code": next(iter(demo.pickup_codes.values()))}).encode(),
        True,
        {},
    )
    applied = send("POST", "/api/v1/kiosk/applications", seeds[3][1], True, {})
    real = {
        6: job.json().get("id", ""),
        7: applied.json().get("ticket", ""),
        8: applied.json().get("ticket", ""),
    }

    def test_one(data: bytes) -> None:
        if not data:
            return
        index = data[0] % len(OPERATIONS)
        method, template, signed = OPERATIONS[index]
        if data[0] & 0x80 and index in seeds:  # a valid request with fields replaced by the fuzzer
            fdp = atheris.FuzzedDataProvider(data[1:])
            segment_text, body_value = real.get(index, seeds[index][0]), json.loads(seeds[index][1])
            for _ in range(fdp.ConsumeIntInRange(1, 3)):
                body_value = _replace_field(fdp, body_value)
            body = json.dumps(body_value).encode()
        else:
            segment, _, body = data[1:].partition(b"\n")
            segment_text = segment.decode("utf-8", "replace")
        extra: dict[str, Any] = {}
        if "{}" in template:
            path = template.format(quote(segment_text, safe=""))
        else:
            path = template
            if not signed:
                # Any octets a client can put in a header line (no CR, LF or NUL there).
                raw = segment_text.encode("utf-8", "surrogateescape")
                extra["authorization"] = bytes(b for b in raw if b not in b"\r\n\x00")
        response = send(method, path, body, signed, extra)
        assert response.status_code < 500, (method, path, response.status_code, response.text)

    return test_one


# The fields the kiosk API reads (server/api/schemas.py, server/applications/schemas.py,
# server/api/feedback_schemas.py), for the structured mode to put values under.
API_KEYS = (
    "pickup_code",
    "registration_number",
    "pin",
    "outcome",
    "stage",
    "detail",
    "app_version",
    "outbox_pending",
    "devices",
    "config_version",
    "name",
    "kind",
    "state",
    "counters",
    "service",
    "applicant_nik",
    "applicant_phone",
    "applicant_email",
    "notify_via",
    "fields",
    "papers",
    "requirement",
    "content_type",
    "data",
    "category",
    "text",
    "contact_phone",
    "rating",
    "answers",
    "comment",
    "enrolment_code",
    "nama_anak",
    "tanggal_lahir",
)


def _replace_field(fdp: Any, value: Any) -> Any:
    """``value`` with one field somewhere in it (or itself) replaced by a fuzzed value."""
    if isinstance(value, dict) and value and fdp.ConsumeIntInRange(0, 4):
        keys = sorted(value) + list(API_KEYS)
        key = keys[fdp.ConsumeIntInRange(0, len(keys) - 1)]
        if key in value and isinstance(value[key], dict | list) and fdp.ConsumeBool():
            value[key] = _replace_field(fdp, value[key])
        else:
            value[key] = json_value(fdp, API_KEYS)
        return value
    if isinstance(value, list) and value and fdp.ConsumeIntInRange(0, 4):
        at = fdp.ConsumeIntInRange(0, len(value) - 1)
        value[at] = _replace_field(fdp, value[at])
        return value
    return json_value(fdp, API_KEYS)


def _seed_requests() -> dict[int, tuple[str, bytes]]:
    """Operation -> (path segment, body) of the seeds in proof/corpus/api_payloads/."""
    seeds: dict[int, tuple[str, bytes]] = {}
    for path in sorted((CORPUS / "api_payloads").iterdir()):
        raw = path.read_bytes()
        segment, _, body = raw[1:].partition(b"\n")
        try:
            json.loads(body)
        except ValueError:
            continue
        seeds.setdefault(raw[0] % len(OPERATIONS), (segment.decode("utf-8", "replace"), body))
    return seeds
