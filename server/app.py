"""The FastAPI application: wires settings, database, signer and routers together."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from server.api.routes import kiosk, public, staff
from server.db import make_engine, migrate, session_factory
from server.settings import Settings
from server.signing import Signer

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; the schema is migrated to the newest version before serving."""
    settings = settings or Settings()
    engine = make_engine(settings.effective_database_url)
    migrate(engine)
    app = FastAPI(title="ADM central server", version="0.1.0")
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = session_factory(engine)
    app.state.signer = Signer(settings.keys_dir)

    @app.middleware("http")
    async def limit_body(request: Request, call_next):  # type: ignore[no-untyped-def]
        length = request.headers.get("content-length")
        if length is not None and (
            not length.isdigit() or int(length) > settings.max_request_bytes
        ):
            return JSONResponse(
                {"detail": {"reason": "too_large", "message": "Request body too large"}},
                status_code=413,
            )
        return await call_next(request)

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
    return app
