"""Admission control: under overload the server answers "busy" instead of stalling.

FastAPI runs a request's sync dependencies and its route as separate calls into one thread
pool, and the request holds its database connection (and on SQLite the write lock) between
them. With more requests in flight than connections, every thread can end up waiting for a
connection held by a request that waits for a thread: nothing moves until timeouts fire (the
load bench found this at 150-300 heartbeats/s). So at most ``limit`` requests are inside the
app at once, fewer than the thread pool and no more than the database pool; the others wait
here, holding nothing, and after ``wait_seconds`` get 503 reason "busy" with Retry-After, which
kiosks treat like any network trouble (their outbox sends again later).
"""

from __future__ import annotations

import asyncio
import logging

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

log = logging.getLogger(__name__)


class AdmissionLimit:
    def __init__(self, app: ASGIApp, limit: int, wait_seconds: float) -> None:
        self.app = app
        self.limit = limit
        self.wait_seconds = wait_seconds
        self._slots = asyncio.Semaphore(limit)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            if self._slots.locked():
                await asyncio.wait_for(self._slots.acquire(), self.wait_seconds)
            else:  # a free slot: taken at once (wait_for would cost a task per request)
                await self._slots.acquire()
        except TimeoutError:
            log.warning(
                "busy: %s %s waited %.0f s", scope["method"], scope["path"], self.wait_seconds
            )
            body = {"detail": {"reason": "busy", "message": "The server is busy; try again"}}
            response = JSONResponse(body, status_code=503, headers={"Retry-After": "5"})
            await response(scope, receive, send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self._slots.release()
