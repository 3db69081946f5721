"""The FastAPI application: wires settings, database, signer and routers together."""

from __future__ import annotations

import hashlib
import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.api.admission import AdmissionLimit
from server.api.errors import ApiError, http_error
from server.api.kiosk_auth import BODY_DIGEST
from server.api.openapi import install as install_openapi
from server.api.routes import (
    accounts,
    applications,
    fleet,
    kiosk,
    locations,
    officer,
    public,
    staff,
)
from server.api.routes.feedback import router as feedback_router
from server.api.routes.reprints import router as reprints_router
from server.console.app import install as install_console
from server.db import make_engine, migrate, session_factory
from server.heartbeats import install as install_heartbeats
from server.settings import Settings
from server.signing import Signer

log = logging.getLogger(__name__)


def _too_large() -> ApiError:
    return ApiError(413, "too_large", "Request body too large")


class LimitBody:
    """413 for a body over the limit, announced by Content-Length or only counted (chunked).

    It also hashes the body as it streams through, for signed kiosk requests
    (server/api/kiosk_auth.py): multipart bodies are parsed as a stream and not kept whole.
    """

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        upload_bytes: int,
        upload_prefix: str = "/api/v1/kiosk/applications",
    ) -> None:
        self.app, self.max_bytes = app, max_bytes
        self.upload_bytes, self.upload_prefix = upload_bytes, upload_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # Applications carry photographed papers; every other request is small.
        limit = (
            self.upload_bytes if scope["path"].startswith(self.upload_prefix) else self.max_bytes
        )
        length = Headers(scope=scope).get("content-length")
        if length is not None and (
            not (length.isascii() and length.isdigit()) or int(length) > limit
        ):
            error = _too_large()
            await JSONResponse({"detail": error.detail}, status_code=413)(scope, receive, send)
            return
        received = 0
        digest = hashlib.sha256()

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                chunk = message.get("body", b"")
                received += len(chunk)
                if received > limit:
                    raise _too_large()  # an HTTPException: FastAPI answers it with our body
                digest.update(chunk)
                if not message.get("more_body", False):
                    scope[BODY_DIGEST] = digest.hexdigest()
            return message

        await self.app(scope, counting_receive, send)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; the schema is migrated to the newest version before serving."""
    settings = settings or Settings()
    engine = make_engine(settings.effective_database_url, settings.max_concurrent_requests)
    migrate(engine)
    app = FastAPI(title="ADM central server", version="0.1.0")
    install_openapi(app)  # every operation's errors, auth and media types in /openapi.json
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = session_factory(engine)
    app.state.signer = Signer(settings.keys_dir)
    install_heartbeats(app)  # heartbeats from memory, written in batches (server/heartbeats.py)

    app.add_middleware(
        LimitBody,
        max_bytes=settings.max_request_bytes,
        upload_bytes=settings.max_upload_request_bytes,
    )
    # Added last, so outermost: a request waiting for a slot holds no thread, connection or lock.
    app.add_middleware(
        AdmissionLimit,
        limit=settings.max_concurrent_requests,
        wait_seconds=settings.admission_wait_seconds,
    )

    app.add_exception_handler(StarletteHTTPException, http_error)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        # Never echo the input back: it may hold a pickup code, or text JSON cannot encode.
        errors = [{"loc": list(e["loc"]), "type": e["type"]} for e in exc.errors()]
        return JSONResponse(
            {
                "detail": {
                    "reason": "invalid_request",
                    "message": "The request is not valid",
                    "errors": errors,
                }
            },
            status_code=422,
        )

    async def unstorable(request: Request, exc: Exception) -> JSONResponse:
        # A value the database cannot hold: PostgreSQL refuses a NUL character in text and an
        # integer beyond its column's range (DataError), SQLite's driver one beyond 64 bits
        # (OverflowError). It came with the request, which is invalid, not the server.
        log.warning("unstorable value on %s %s: %r", request.method, request.url.path, exc)
        return JSONResponse(
            {
                "detail": {
                    "reason": "invalid_request",
                    "message": "A value in the request cannot be stored",
                }
            },
            status_code=422,
        )

    app.add_exception_handler(DataError, unstorable)
    app.add_exception_handler(OverflowError, unstorable)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse(
            {"detail": {"reason": "server_error", "message": "Internal error; see server log"}},
            status_code=500,
        )

    app.include_router(kiosk.router)
    app.include_router(staff.router)
    app.include_router(public.router)
    app.include_router(applications.router)
    app.include_router(officer.router)
    app.include_router(locations.router)
    app.include_router(fleet.router)
    app.include_router(accounts.router)
    app.include_router(feedback_router)
    app.include_router(reprints_router)
    install_console(app)  # the staff web console under /console (HTML, not in /openapi.json)
    return app
