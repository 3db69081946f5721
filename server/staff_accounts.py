"""Staff accounts: who at the office may use the staff API, in which role, with which token.

A token is handed out once, when the account is created; only its SHA-256 is stored, so a
lost token is replaced by a new account, never recovered. A revoked account stays in the
table (and its username stays taken) so the audit log keeps naming one person.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime
from typing import Literal, get_args

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server.audit import audit
from server.codes import hash_secret
from server.models import StaffAccount

RoleName = Literal["officer", "admin", "technician"]
ROLES: tuple[str, ...] = get_args(RoleName)
USERNAME_PATTERN = r"^[a-z0-9._-]{3,60}$"
# The actor name of ADM_STAFF_TOKEN in the audit log; no account may take it.
BOOTSTRAP_ADMIN = "bootstrap-admin"


class StaffAccountError(Exception):
    """An account change that cannot be made; the message says why."""


class UsernameTaken(StaffAccountError):
    pass


class UnknownAccount(StaffAccountError):
    pass


class InvalidAccount(StaffAccountError):
    pass


def new_token() -> str:
    """A personal API token: 256 random bits, URL-safe, typed by nobody."""
    return secrets.token_urlsafe(32)


def find_by_token(session: Session, token: str) -> StaffAccount | None:
    """The account this token belongs to, revoked or not."""
    return session.scalar(select(StaffAccount).where(StaffAccount.token_hash == hash_secret(token)))


def find_account(session: Session, username: str) -> StaffAccount | None:
    return session.scalar(select(StaffAccount).where(StaffAccount.username == username))


def list_accounts(session: Session) -> list[StaffAccount]:
    return list(session.scalars(select(StaffAccount).order_by(StaffAccount.username)))


def create_account(
    session: Session, username: str, display_name: str, role: str, actor: str
) -> tuple[StaffAccount, str]:
    """A new account and its token, which the caller shows once: it is not kept."""
    if not re.match(USERNAME_PATTERN, username):
        raise InvalidAccount("A username is 3-60 of a-z, 0-9, '.', '_' and '-'")
    if role not in ROLES:
        raise InvalidAccount(f"The role is one of {', '.join(ROLES)}")
    if not display_name.strip():
        raise InvalidAccount("The display name is empty")
    if username == BOOTSTRAP_ADMIN or find_account(session, username) is not None:
        raise UsernameTaken(f"The username {username} is already taken")
    token = new_token()
    account = StaffAccount(
        username=username,
        display_name=display_name.strip(),
        role=role,
        token_hash=hash_secret(token),
        created_at=datetime.now(),
    )
    session.add(account)
    try:
        session.flush()
    except IntegrityError:  # another process took the name between our lookup and now
        raise UsernameTaken(f"The username {username} is already taken") from None
    audit(session, actor, "staff_account.create", username, role=role)
    return account, token


def replace_token(session: Session, account: StaffAccount, actor: str) -> str:
    """A fresh token for an account (the old one stops working); for demo data and recovery."""
    token = new_token()
    account.token_hash = hash_secret(token)
    account.revoked_at = None
    audit(session, actor, "staff_account.new_token", account.username)
    return token


def revoke_account(session: Session, username: str, actor: str) -> StaffAccount:
    """Stop the account's token from working; revoking twice changes nothing."""
    account = find_account(session, username)
    if account is None:
        raise UnknownAccount(f"There is no staff account {username}")
    if account.revoked_at is None:
        account.revoked_at = datetime.now()
        audit(session, actor, "staff_account.revoke", username)
    return account
