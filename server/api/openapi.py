"""The OpenAPI document, completed: every operation lists its errors with the body they have.

FastAPI describes what a route returns when all goes well, and for errors only its own 422
body, which is not ours. `install` makes the served document say, for every operation:

- how it authenticates, and so 401 and 403: staff routes say it themselves (the StaffToken
  bearer of server.api.staff_auth), kiosk routes get the KioskSignature scheme here;
- 422 for anything it validates, with our body (reason `invalid_request` and `errors`, or a
  refusal with its own reason);
- 413 for anything that takes a body (server.app.LimitBody);
- 404 when a path parameter names a record;
- what the route raises beyond that (400, 409, 423, ...): a route's own `responses=` or the
  table ROUTE_ERRORS below;
- a schema for non-JSON success bodies (PDFs, photographed papers): binary.

Times are sent with their UTC offset (server/api/times.py), as "date-time" requires.

Every error body is {"detail": {"reason": ..., "message": ..., ...}} (server.api.errors);
tests/server/test_openapi_fuzz.py holds the app to this document with schemathesis.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, routing
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, Field

from server.api.kiosk_auth import SCHEME, current_kiosk, signed_request

REF = "#/components/schemas/{model}"
KIOSK_SCHEME = "KioskSignature"


class ErrorDetail(BaseModel):
    """What went wrong: a stable word to translate, a sentence, and facts about it."""

    model_config = ConfigDict(extra="allow")

    reason: str = Field(description="Stable machine word, e.g. unknown_ticket; kiosks translate it")
    message: str = Field(description="A sentence for people (operators, logs)")


class ErrorBody(BaseModel):
    """Every error the API answers: some reasons add facts beside reason and message."""

    detail: ErrorDetail


class ValidationIssue(BaseModel):
    loc: list[str | int] = Field(description="Where: body, query, path or header, then the names")
    type: str = Field(description="What kind of problem, e.g. missing or string_too_long")


class InvalidRequestDetail(ErrorDetail):
    errors: list[ValidationIssue] = Field(
        default_factory=list,
        description="With reason invalid_request: each problem found (the input is never echoed)",
    )


class InvalidRequestBody(BaseModel):
    """422: reason invalid_request (the request does not match this document) with `errors`,
    or a refusal of a well-formed request with its own reason (e.g. invalid_nik)."""

    detail: InvalidRequestDetail


# Statuses a route raises beyond what its authentication, parameters and body imply.
# "METHOD path" as in the document; a key naming no route fails tests/server/test_openapi_fuzz.py.
_OFFICER = "/api/v1/officer/applications/{ticket}"
_WORKFLOW = (409,)  # illegal_transition, concurrent_change
ROUTE_ERRORS: dict[str, tuple[int, ...]] = {
    "POST /api/v1/kiosk/print-jobs": (404, 409, 423, 429),
    "GET /api/v1/kiosk/print-jobs/{job_id}/documents/{document_id}/pdf": (409,),
    "POST /api/v1/kiosk/print-jobs/{job_id}/result": (409,),
    "POST /api/v1/kiosk/enrol": (403, 404, 409),  # revoked; unknown code; code used
    "POST /api/v1/kiosk/pickup-codes/resolve": (404,),
    "POST /api/v1/kiosk/applications": (400, 409, 503),
    "GET /api/v1/kiosk/applications/{ticket}": _WORKFLOW,  # marking it printed may race
    "POST /api/v1/kiosk/applications/{ticket}/papers": _WORKFLOW,
    "GET /api/v1/staff/notifications": (404,),  # ?ticket= names the application
    "POST /api/v1/staff/kiosks": (404, 409),  # unknown location; the id is taken
    "POST /api/v1/staff/kiosks/{kiosk_id}/enrolment-code": (409,),  # revoked
    "POST /api/v1/staff/accounts": (409,),  # the username is taken
    f"GET {_OFFICER}": _WORKFLOW,
    f"GET {_OFFICER}/papers/{{paper_id}}": _WORKFLOW,
    **{
        f"POST {_OFFICER}/{step}": _WORKFLOW
        for step in ("verify", "request-fixes", "approve", "reject", "issue", "deliver")
    },
}
# Path parameters that name no record: these answer 200 with status "unknown" instead of 404.
NOT_A_RECORD = frozenset({"/v/{token}", "/api/v1/public/documents/{doc_type}/{number}"})

DESCRIPTIONS = {
    400: "The request is malformed: a body that cannot be read (reason bad_request), or what "
    "its schema cannot say (see the reason)",
    401: "Not authenticated: no credential or a wrong one; for kiosks also a stale "
    "(clock_skew, with server_time) or replayed signature",
    403: "Authenticated, but not allowed: a revoked kiosk, a staff account without the right",
    404: "No such record (or not one this caller may see)",
    409: "The record's state does not allow this now (see the reason)",
    410: "The record is gone for good",
    413: "Request body too large (reason too_large)",
    422: "The request is not valid: reason invalid_request with `errors`, "
    "or a refusal of a well-formed request with its own reason",
    423: "Locked for a while (see the reason and locked_until)",
    429: "Too many attempts; try again later",
    503: "Could not be done right now (reason busy: the server is at its limit, see "
    "Retry-After); send the same request again",
}

KIOSK_SECURITY = {
    "type": "apiKey",
    "in": "header",
    "name": "Authorization",
    "description": f"A signed kiosk request: Authorization: {SCHEME} kiosk=<id>, "
    "ts=<unix seconds>, nonce=<hex>, sig=<HMAC-SHA256 hex over method, path?query, ts, "
    "nonce and SHA-256 of the body> (kiosk/request_signing.py)",
}


def _dependants(dependant: Dependant) -> Iterator[Dependant]:
    yield dependant
    for sub in dependant.dependencies:
        yield from _dependants(sub)


def api_routes(app: FastAPI) -> Iterator[Any]:
    """The app's API routes as served, with the prefix and dependencies of their router.

    FastAPI keeps an included router as one entry of app.routes: its routes are reached
    through iter_route_contexts, each looking like an APIRoute with the full path.
    """
    contexts = getattr(routing, "iter_route_contexts", None)
    routes: Iterable[Any] = contexts(app.routes) if contexts else app.routes
    for route in routes:
        original = getattr(route, "original_route", route)
        if isinstance(original, APIRoute) and route.include_in_schema:
            yield route


def signed_by_kiosk(route: Any) -> bool:
    """Whether the route takes signed kiosk requests (server.api.kiosk_auth).

    That dependency reads the header itself, so FastAPI knows nothing of it; staff routes use
    FastAPI's HTTPBearer (server.api.staff_auth), which puts itself in the document.
    """
    calls = {dependant.call for dependant in _dependants(route.dependant)}
    return not calls.isdisjoint({current_kiosk, signed_request})


def error_statuses(route: Any, method: str, authenticated: bool) -> set[int]:
    """Every error status the route can answer (except 500, which is a bug)."""
    dependants = list(_dependants(route.dependant))
    # 503 "busy" from the admission limit (server/api/admission.py) can answer any request.
    statuses = {503, *ROUTE_ERRORS.get(f"{method} {route.path_format}", ())}
    if authenticated:
        statuses |= {401, 403}
    if any(d.path_params or d.query_params or d.header_params for d in dependants):
        statuses.add(422)
    if route.body_field is not None:
        statuses |= {400, 413, 422}
    if route.dependant.path_params and route.path_format not in NOT_A_RECORD:
        statuses.add(404)
    return statuses


def _schemas(*models: type[BaseModel]) -> dict[str, Any]:
    """The models' JSON schemas as OpenAPI components, nested models hoisted beside them."""
    components: dict[str, Any] = {}
    for model in models:
        schema = model.model_json_schema(ref_template=REF, mode="serialization")
        components.update(schema.pop("$defs", {}))
        components[model.__name__] = schema
    return components


def _json(model: type[BaseModel]) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": REF.format(model=model.__name__)}}}


def _complete_responses(responses: dict[str, Any], statuses: set[int]) -> None:
    for status in statuses:
        responses.setdefault(str(status), {})
    for code, response in responses.items():
        if not code.isdigit():
            continue
        status = int(code)
        if status >= 400:
            model = InvalidRequestBody if status == 422 else ErrorBody
            # FastAPI's own 422 (HTTPValidationError) is not the body we send: replaced.
            response["content"] = _json(model)
            response["description"] = DESCRIPTIONS.get(status, HTTPStatus(status).phrase)
        else:
            for media_type, content in response.get("content", {}).items():
                if not media_type.endswith("json") and not content.get("schema"):
                    content["schema"] = {"type": "string", "format": "binary"}


def complete(app: FastAPI, document: dict[str, Any]) -> dict[str, Any]:
    """Add error responses, security and binary schemas to FastAPI's document of ``app``."""
    components = document.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    schemas.update(_schemas(ErrorBody, InvalidRequestBody))
    components.setdefault("securitySchemes", {})[KIOSK_SCHEME] = KIOSK_SECURITY
    for route in api_routes(app):
        kiosk = signed_by_kiosk(route)
        for method in sorted(route.methods):
            operation = document["paths"][route.path_format][method.lower()]
            if kiosk:
                operation["security"] = [{KIOSK_SCHEME: []}]
            statuses = error_statuses(route, method, "security" in operation)
            _complete_responses(operation["responses"], statuses)
    return document


def install(app: FastAPI) -> None:
    """Serve the completed document; built on first request, after every router is included."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = complete(app, build())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
