"""Request dependencies: a database session per request, the authenticated kiosk or staff."""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Header, Request
from sqlalchemy.orm import Session

from server.api.errors import ApiError
from server.settings import Settings
from server.signing import Signer


def get_session(request: Request) -> Iterator[Session]:
    factory = request.app.state.sessions
    with factory() as session, session.begin():
        yield session


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_signer(request: Request) -> Signer:
    signer: Signer = request.app.state.signer
    return signer


# scope="function": commit before the response is sent. A kiosk that hears 201 acts at once
# (downloads, reports, maybe through another server process); the default scope would commit
# only after the answer went out.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings)]
SignerDep = Annotated[Signer, Depends(get_signer)]


def _bearer(authorization: str | None) -> str:
    if not authorization or not authorization.startswith("Bearer "):
        raise ApiError(401, "unauthenticated", "Bearer credential required")
    return authorization[len("Bearer ") :].strip()


def require_staff(
    settings: SettingsDep, authorization: Annotated[str | None, Header()] = None
) -> str:
    """Staff API access by the operator's token (replaced by console logins later)."""
    token = _bearer(authorization)
    if not settings.staff_token or not hmac.compare_digest(token, settings.staff_token):
        raise ApiError(403, "forbidden", "Staff credential required")
    return "staff"


StaffDep = Annotated[str, Depends(require_staff)]
