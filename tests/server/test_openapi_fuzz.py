"""Schemathesis against the served OpenAPI document: no 5xx, and nothing the document does not say.

Every operation of /openapi.json is fuzzed in process (schemathesis's ASGI transport) on a
copy of the demo register, on SQLite and on PostgreSQL (conftest.py): the examples and
coverage phases (boundaries, missing and wrong-typed parameters) and EXAMPLES generated
requests, valid and deliberately not. Each request is sent

- as generated, so without a credential of ours (401, or a public answer);
- when the operation requires a credential, with it: the demo admin's bearer token
  (staff_headers()), or signed as the demo kiosk (kiosk_headers(), see SignForRequests);
- when it takes an Idempotency-Key, once more the same: the retry of a kiosk's outbox;
- when its path names records (ticket, job_id, ...), once more naming real ones (KnownRecords),
  so that detail views and workflow steps answer 200 too, not only 404.

Every answer must not be a server error (5xx), and must have a status, content type and body
that the document declares. A failure names the operation and the request (a curl line).
Fix the route, or, when the answer is right but undocumented, the document:
server/api/openapi.py (its ROUTE_ERRORS, or the route's own `responses=`).

Deterministic (derandomized, no example database), so CI sees what a developer saw.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.specs.openapi.schemas import OpenApiSchema
from sqlalchemy import select
from support import SIGN_AS

from kiosk.request_signing import authorization
from proof.sample_bodies import birth_application
from server.api.openapi import KIOSK_SCHEME, ROUTE_ERRORS, api_routes
from server.app import create_app
from server.applications.models import Application, ApplicationPaper
from server.models import Document, Location
from server.settings import Settings

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
IDEMPOTENCY = "idempotency-key"  # a retry with the key must be documented too
EXAMPLES = 10  # generated per operation, besides the examples and coverage phases' own
BIRTH = birth_application()


class SignForRequests(requests.auth.AuthBase):
    """tests/support.py's SignMarked for `requests`, the client schemathesis sends with:
    a request carrying the SIGN_AS header is signed with that credential, over its final
    method, path, query and body."""

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        credential = request.headers.pop(SIGN_AS, None)
        if credential:
            kiosk_id, _, secret = credential.partition(":")
            body = request.body or b""
            request.headers["Authorization"] = authorization(
                kiosk_id,
                secret,
                request.method or "GET",
                request.path_url,
                body.encode() if isinstance(body, str) else body,
            )
        return request


class KnownRecords:
    """Path parameter name -> a record of this server it may name, all of one world: the
    paper belongs to the application, the document to the print job. Made on first use."""

    NAMES = frozenset(("ticket", "paper_id", "job_id", "document_id", "doc_type", "number"))
    NAMES |= {"token", "kiosk_id", "location_id"}

    def __init__(self, server) -> None:
        self.server = server

    @cached_property
    def values(self) -> dict[str, str]:
        server = self.server
        applied = server.client.post(
            "/api/v1/kiosk/applications",
            json=BIRTH,
            headers={**server.kiosk_headers(), "Idempotency-Key": "fuzz-known-records"},
        )
        assert applied.status_code == 201, applied.text
        ticket = applied.json()["ticket"]
        claim = server.claim(server.code(0))
        assert claim.status_code == 201, claim.text
        job = claim.json()
        with server.db() as session:
            application = session.scalars(
                select(Application).where(Application.ticket == ticket)
            ).one()
            paper_id = session.scalars(
                select(ApplicationPaper.id).where(ApplicationPaper.application_id == application.id)
            ).first()
            document = session.get(Document, job["documents"][0]["id"])
            assert document is not None
            location_id = session.scalars(select(Location.id)).first()
            values = {
                "ticket": ticket,
                "paper_id": str(paper_id),
                "job_id": job["id"],
                "document_id": document.id,
                "doc_type": document.doc_type,
                "number": document.number,
                "token": document.signed_token,
                "kiosk_id": server.kiosk_credential.partition(":")[0],
                "location_id": str(location_id),
            }
        return values

    def substitute(self, path_parameters: dict[str, object]) -> dict[str, object] | None:
        """The parameters with every one we know replaced, or None when we know none."""
        if self.NAMES.isdisjoint(path_parameters):
            return None
        return {name: self.values.get(name, value) for name, value in path_parameters.items()}


def credential_for(case, server) -> dict[str, str]:
    """The headers of the credential the operation requires: the demo kiosk's signature or
    the demo admin's bearer token (staff_headers()); none for a public operation."""
    needs = case.operation.definition.raw.get("security") or [{}]
    scheme = next(iter(needs[0]), None)
    if scheme is None:
        return {}
    return server.kiosk_headers() if scheme == KIOSK_SCHEME else server.staff_headers()


@pytest.fixture
def records(server) -> KnownRecords:
    return KnownRecords(server)


@pytest.fixture
def signing_session() -> Iterator[requests.Session]:
    with requests.Session() as session:
        session.auth = SignForRequests()
        yield session


def load_schema() -> OpenApiSchema:
    """The document as served, by an app on a throwaway SQLite database.

    Collection needs the operations before any test's server exists, and the document is the
    same on every database; each test sends its requests to its own server (app=server.app).
    """
    with tempfile.TemporaryDirectory() as data_dir:
        app = create_app(Settings(data_dir=Path(data_dir)))
        try:
            return schemathesis.openapi.from_asgi("/openapi.json", app)
        finally:
            app.state.engine.dispose()


schema = load_schema()


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    # `server` (function scope) is one demo server per operation and engine, shared on purpose
    # by the operation's examples: they may change the register, and none needs a fresh one.
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
def test_fuzzed_requests_get_no_server_error_and_only_documented_answers(
    case, server, records, signing_session
):
    generated = case.path_parameters
    credential = credential_for(case, server)
    sends = [({}, generated)]  # no credential of ours: schemathesis may make one up
    if credential:
        sends.append((credential, generated))
    parameters = case.operation.definition.raw.get("parameters", [])
    if any(p["in"] == "header" and p["name"].lower() == IDEMPOTENCY for p in parameters):
        sends.append((credential, generated))  # the retry of a kiosk's outbox
    real = records.substitute(generated) if generated else None
    if real is not None:
        sends.append((credential, real))
    # A failure's curl line tells which of these it was: its path, and its Authorization.
    for headers, path_parameters in sends:
        case.path_parameters = path_parameters
        try:
            case.call_and_validate(
                app=server.app, session=signing_session, headers=headers, checks=CHECKS
            )
        finally:
            case.path_parameters = generated


def test_every_table_entry_names_a_route(server):
    routes = list(api_routes(server.app))
    served = {f"{method} {route.path_format}" for route in routes for method in route.methods}

    assert set(ROUTE_ERRORS) <= served


def test_the_document_and_its_browsable_page_load(server):
    started = time.monotonic()
    document = server.client.get("/openapi.json")
    page = server.client.get("/docs")

    assert document.status_code == 200
    assert page.status_code == 200 and "swagger" in page.text.lower()
    assert time.monotonic() - started < 10


# --- what the fuzzing found, kept as plain tests ---------------------------------------------


def test_a_body_that_cannot_be_read_is_answered_in_our_error_body(server):
    response = server.client.post(
        "/api/v1/staff/locations",
        content=b'{"name": "\xff"}',  # not UTF-8
        headers={**server.staff_headers(), "Content-Type": "application/json"},
    )

    assert response.status_code == 400
    assert response.json()["detail"]["reason"] == "bad_request"


def test_an_unknown_path_is_answered_in_our_error_body(server):
    response = server.client.get("/api/v1/no-such-thing")

    assert response.status_code == 404
    assert response.json()["detail"] == {"reason": "not_found", "message": "Not Found"}


LOCATION = {"name": "Kantor Camat", "address": "Jl. Persatuan", "region_code": "73.07"}


@pytest.mark.parametrize(
    "method, path, sqlite, postgresql",
    [
        ("GET", "/api/v1/staff/documents?number=%00", 200, 422),  # NUL in text
        ("GET", "/api/v1/officer/applications?offset=99999999999999999999", 422, 422),
        ("PUT", "/api/v1/staff/locations/99999999999999999999", 422, 422),  # over 64 bits
        ("PUT", "/api/v1/staff/locations/2147483648", 404, 422),  # over PostgreSQL's integer
    ],
)
def test_a_value_the_database_cannot_hold_is_an_invalid_request(
    server, database, method, path, sqlite, postgresql
):
    body = LOCATION if method == "PUT" else None
    response = server.client.request(method, path, json=body, headers=server.staff_headers())

    expected = {"sqlite": sqlite, "postgresql": postgresql}[database.engine]
    assert response.status_code == expected, response.text
    if expected == 422:
        assert response.json()["detail"]["reason"] == "invalid_request"
