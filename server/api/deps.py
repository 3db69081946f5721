"""Request dependencies: a database session per request, the settings, the signer.

Who is calling: server/api/kiosk_auth.py (kiosks) and server/api/staff_auth.py (staff roles).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

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
