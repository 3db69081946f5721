"""Logging in to the console: passwords, server-side sessions, CSRF tokens, role checks.

A session is a random id in the cookie `adm_console` (HttpOnly, SameSite=Lax, Secure over
https); the database keeps only its SHA-256, with the staff member's username, a CSRF token
and when it was last used. It ends after `session_idle_seconds` without a request, after
`session_max_seconds` in any case, at logout, and when the account is revoked. Logging in
always starts a new session, so an id planted before login is worth nothing after it.

Every POST form carries the session's CSRF token in the field `csrf_token` (the login form a
token of its own cookie, as there is no session yet): a POST without it is refused with 403
before anything changes. Roles are those of the staff API (server/api/staff_auth.py): pages
ask for `OfficerUser`, `TechnicianUser` or `AdminUser`; an admin may do everything.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy import delete, or_
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from server.api.deps import SessionDep
from server.audit import audit
from server.console.i18n import language, translator
from server.console.pages import (
    HOME,
    LANG_COOKIE,
    ConsoleRefused,
    LoginRequired,
    render,
    request_language,
    safe_next,
    see_other,
)
from server.console.passwords import verify_password
from server.console.settings import ConsoleSettings
from server.console.throttle import address_key, clear, record_failure, refusal, user_key
from server.models import ConsoleSession
from server.staff_accounts import USERNAME_PATTERN, find_account

SESSION_COOKIE = "adm_console"
LOGIN_CSRF_COOKIE = "adm_login_csrf"
CSRF_FIELD = "csrf_token"

router = APIRouter(prefix="/console", include_in_schema=False)


@dataclass(frozen=True)
class ConsoleUser:
    """The staff member behind a console request; `username` is their name in the audit log."""

    username: str
    display_name: str
    role: str
    csrf_token: str
    session_hash: str


def console_settings(request: Request) -> ConsoleSettings:
    settings: ConsoleSettings = request.app.state.console_settings
    return settings


ConsoleSettingsDep = Annotated[ConsoleSettings, Depends(console_settings)]


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def _expired(row: ConsoleSession, settings: ConsoleSettings, now: datetime) -> bool:
    idle = timedelta(seconds=settings.session_idle_seconds)
    longest = timedelta(seconds=settings.session_max_seconds)
    return now - row.last_seen_at > idle or now - row.created_at > longest


def current_user(
    request: Request, session: SessionDep, settings: ConsoleSettingsDep
) -> ConsoleUser:
    """The logged-in staff member, in any role; otherwise off to the login page."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        raise LoginRequired()
    row = session.get(ConsoleSession, _hash(cookie))
    if row is None:
        raise LoginRequired(expired=True)
    now = datetime.now()
    if _expired(row, settings, now):
        raise LoginRequired(expired=True)
    account = find_account(session, row.username)
    if account is None or account.revoked_at is not None:
        raise LoginRequired()
    row.last_seen_at = now
    user = ConsoleUser(
        account.username, account.display_name, account.role, row.csrf_token, row.id_hash
    )
    request.state.console_user = user
    return user


def _role_in(*roles: str) -> Callable[[ConsoleUser], ConsoleUser]:
    def allowed(user: Annotated[ConsoleUser, Depends(current_user)]) -> ConsoleUser:
        if user.role not in roles:
            raise ConsoleRefused(403, "error_role")
        return user

    return allowed


AnyUser = Annotated[ConsoleUser, Depends(current_user)]
OfficerUser = Annotated[ConsoleUser, Depends(_role_in("officer", "admin"))]
TechnicianUser = Annotated[ConsoleUser, Depends(_role_in("technician", "admin"))]
AdminUser = Annotated[ConsoleUser, Depends(_role_in("admin"))]


async def checked_form(request: Request, user: AnyUser) -> FormData:
    """The POSTed form, only if it carries this session's CSRF token; 403 otherwise."""
    form = await request.form()
    sent = form.get(CSRF_FIELD)
    if not isinstance(sent, str) or not hmac.compare_digest(
        sent.encode(), user.csrf_token.encode()
    ):
        raise ConsoleRefused(403, "error_csrf")
    return form


CheckedForm = Annotated[FormData, Depends(checked_form)]


def text_field(form: FormData, name: str) -> str:
    """A text field of a form, stripped; a file or a missing field is empty."""
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


# --- pages --------------------------------------------------------------------------------------


def _set_cookie(request: Request, response: Response, name: str, value: str, **extra: int) -> None:
    response.set_cookie(
        name,
        value,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
        **extra,  # type: ignore[arg-type]
    )


def _login_page(
    request: Request,
    status_code: int = 200,
    message: str = "",
    username: str = "",
    next_path: str | None = None,
) -> Response:
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(32)
    response = render(
        request,
        "login.html",
        status_code=status_code,
        login_csrf=token,
        message=message,
        username=username,
        next=safe_next(next_path or request.query_params.get("next")),
    )
    _set_cookie(request, response, LOGIN_CSRF_COOKIE, token)
    return response


@router.get("")
def home(user: AnyUser) -> Response:
    return see_other(HOME.get(user.role, "/console/login"))


@router.get("/login")
def login_form(request: Request) -> Response:
    t = translator(request_language(request))
    why = request.query_params.get("why")
    message = {"expired": t("login_expired"), "out": t("login_logged_out")}.get(why or "", "")
    return _login_page(request, message=message)


def _client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def posted_form(request: Request) -> FormData:
    """The POSTed form, read before a sync page function runs in its thread."""
    return await request.form()


@router.post("/login")
def login(
    request: Request,
    form: Annotated[FormData, Depends(posted_form)],
    session: SessionDep,
    settings: ConsoleSettingsDep,
) -> Response:
    """Check the password (tens of milliseconds of scrypt, in a worker thread, not the loop)."""
    return _login(request, session, settings, form)


def _login(
    request: Request, session: Session, settings: ConsoleSettings, form: FormData
) -> Response:
    t = translator(request_language(request))
    sent = text_field(form, CSRF_FIELD)
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not sent or not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise ConsoleRefused(403, "error_csrf")
    username = text_field(form, "username").lower()
    password = form.get("password")
    password = password if isinstance(password, str) else ""
    address = _client_address(request)
    valid_name = re.match(USERNAME_PATTERN, username) is not None
    keys = ([user_key(username)] if valid_name else []) + [address_key(address)]
    now = datetime.now()

    refused = refusal(session, keys, settings, now)
    if refused is not None:
        if refused.locked_until is not None:
            message = t("login_locked", until=refused.locked_until.strftime("%H:%M"))
        else:
            message = t("login_wait", seconds=refused.wait_seconds)
        audit(
            session,
            "console",
            "console.login_refused",
            username if valid_name else "-",
            address=address,
            locked=refused.locked_until is not None,
        )
        return _login_page(
            request, 429, message, username if valid_name else "", text_field(form, "next")
        )

    account = find_account(session, username) if valid_name else None
    usable = account is not None and account.revoked_at is None
    stored = account.password_hash if account is not None and usable else None
    if not verify_password(password, stored):
        locked = record_failure(session, keys, settings, now)
        subject = username if valid_name else "-"
        audit(session, "console", "console.login_failed", subject, address=address)
        for key in locked:
            audit(
                session,
                "console",
                "console.login_locked",
                key,
                address=address,
                until=now + timedelta(seconds=settings.login_lock_seconds),
            )
        message = t("login_wrong")
        if locked:
            until = (now + timedelta(seconds=settings.login_lock_seconds)).strftime("%H:%M")
            message = t("login_locked", until=until)
        status = 429 if locked else 401
        return _login_page(request, status, message, username, text_field(form, "next"))

    assert account is not None
    clear(session, user_key(username))
    # Rotate: whatever session the browser had ends; a new id is issued.
    old = request.cookies.get(SESSION_COOKIE)
    oldest = now - timedelta(seconds=settings.session_max_seconds)
    idle = now - timedelta(seconds=settings.session_idle_seconds)
    session.execute(
        delete(ConsoleSession).where(
            or_(
                ConsoleSession.id_hash == _hash(old or ""),
                ConsoleSession.created_at < oldest,
                ConsoleSession.last_seen_at < idle,
            )
        )
    )
    session_id = secrets.token_urlsafe(32)
    session.add(
        ConsoleSession(
            id_hash=_hash(session_id),
            username=account.username,
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            last_seen_at=now,
        )
    )
    audit(session, account.username, "console.login", account.username, address=address)
    target = safe_next(text_field(form, "next"), HOME.get(account.role, "/console"))
    response = see_other(target if target != "/console" else HOME.get(account.role, target))
    _set_cookie(request, response, SESSION_COOKIE, session_id)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/")
    return response


@router.post("/logout")
def logout(user: AnyUser, _form: CheckedForm, session: SessionDep) -> Response:
    session.execute(delete(ConsoleSession).where(ConsoleSession.id_hash == user.session_hash))
    audit(session, user.username, "console.logout", user.username)
    response = see_other("/console/login?why=out")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/lang/{code}")
def switch_language(code: str, request: Request) -> Response:
    """Remember the reader's language in a cookie (a year), then back to where they were."""
    response = see_other(safe_next(request.query_params.get("next")))
    response.set_cookie(
        LANG_COOKIE,
        language(code),
        max_age=365 * 24 * 3600,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )
    return response
