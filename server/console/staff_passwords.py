"""Setting a staff member's console password: it replaces the old one and ends their sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.orm import Session

from server.audit import audit
from server.console.passwords import WeakPassword, hash_password
from server.models import ConsoleSession
from server.staff_accounts import find_account


class PasswordRefused(Exception):
    """The password cannot be set; the message says why."""


def set_password(session: Session, username: str, password: str, actor: str) -> None:
    account = find_account(session, username)
    if account is None:
        raise PasswordRefused(f"There is no staff account {username}")
    if account.revoked_at is not None:
        raise PasswordRefused(f"The staff account {username} is revoked")
    try:
        account.password_hash = hash_password(password)
    except WeakPassword as exc:
        raise PasswordRefused(str(exc)) from None
    account.password_set_at = datetime.now()
    session.execute(delete(ConsoleSession).where(ConsoleSession.username == username))
    audit(session, actor, "staff_account.console_password", username)
