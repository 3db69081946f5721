"""API errors carry a stable machine reason and a sentence; kiosks translate by reason."""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException


class ApiError(HTTPException):
    """An error response body: {"detail": {"reason": ..., "message": ..., ...}}."""

    def __init__(self, status: int, reason: str, message: str, **extra: Any) -> None:
        super().__init__(status_code=status, detail={"reason": reason, "message": message, **extra})
