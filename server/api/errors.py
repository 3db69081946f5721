"""API errors carry a stable machine reason and a sentence; kiosks translate by reason."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi import HTTPException, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException


class ApiError(HTTPException):
    """An error response body: {"detail": {"reason": ..., "message": ..., ...}}."""

    def __init__(self, status: int, reason: str, message: str, **extra: Any) -> None:
        super().__init__(status_code=status, detail={"reason": reason, "message": message, **extra})


async def http_error(request: Request, exc: Exception) -> Response:
    """Every HTTP error in our body, also those Starlette and FastAPI raise with a bare sentence
    (an unknown path, a body that cannot be parsed): the reason is the status's name."""
    assert isinstance(exc, StarletteHTTPException)
    if not isinstance(exc.detail, dict):
        reason = HTTPStatus(exc.status_code).phrase.lower().replace(" ", "_").replace("-", "_")
        error = ApiError(exc.status_code, reason, str(exc.detail))
        error.headers = exc.headers  # e.g. Allow on 405
        exc = error
    return await http_exception_handler(request, exc)
