"""Rendering console pages: the Jinja2 templates, the language, the menu, safe headers.

Every page is rendered through `render`, which gives templates `t` (the texts in the reader's
language), `lang`, `user` (or None) and `csrf_token` (to put in every POST form as the hidden
field `csrf_token`). A page refuses with `ConsoleRefused`; a page that needs a login raises
`LoginRequired`: both are answered here (app.py installs the handlers).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from server.console.i18n import LANGUAGES, language, translator

TEMPLATES = Path(__file__).parent / "templates"
LANG_COOKIE = "adm_lang"
LOGIN_PATH = "/console/login"

# Menu entries: (path, text key, roles that see it). Pages check roles themselves too.
NAV: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("/console/officer", "nav_officer", ("officer", "admin")),
    ("/console/admin/locations", "nav_locations", ("admin",)),
    ("/console/admin/kiosks", "nav_kiosks", ("admin",)),
    ("/console/tech", "nav_fleet", ("technician", "admin")),
)
# Where each role lands after logging in.
HOME = {
    "officer": "/console/officer",
    "admin": "/console/admin/kiosks",
    "technician": "/console/tech",
}

# Nothing from elsewhere: no inline script or style, no framing, forms post only here.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}

env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def _when(at: datetime | None) -> str:
    """Server-local time as staff read it: 2026-11-22 14:05:09 (empty for never)."""
    return at.strftime("%Y-%m-%d %H:%M:%S") if at else ""


env.filters["when"] = _when


class ConsoleRefused(Exception):
    """A page or action refused; the reader sees the text `key` (texts/*.toml) on an error page."""

    def __init__(self, status: int, key: str, **values: object) -> None:
        super().__init__(key)
        self.status, self.key, self.values = status, key, values


class LoginRequired(Exception):
    """No valid console session: go to the login page, and come back after it."""

    def __init__(self, expired: bool = False) -> None:
        super().__init__("login required")
        self.expired = expired


@dataclass(frozen=True)
class MenuItem:
    path: str
    text: str
    current: bool


def request_language(request: Request) -> str:
    return language(request.cookies.get(LANG_COOKIE))


def safe_next(target: str | None, default: str = "/console") -> str:
    """A local path to go on to after login or a language switch; anything else goes home."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


def menu(request: Request, role: str | None) -> list[MenuItem]:
    t = translator(request_language(request))
    path = request.url.path
    return [
        MenuItem(p, t(key), path.startswith(p))
        for p, key, roles in NAV
        if role is not None and role in roles
    ]


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """The page in the reader's language, with the menu of their role and safe headers."""
    lang = request_language(request)
    user = getattr(request.state, "console_user", None)
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    values: dict[str, Any] = {
        "t": translator(lang),
        "lang": lang,
        "languages": LANGUAGES,
        "here": quote(here, safe="/"),
        "user": user,
        "csrf_token": user.csrf_token if user is not None else "",
        "menu": menu(request, user.role if user is not None else None),
        **context,
    }
    html = env.get_template(template).render(values)
    return HTMLResponse(html, status_code=status_code, headers=SECURITY_HEADERS)


def see_other(path: str) -> RedirectResponse:
    """After a POST: go to the page that shows the result (a reload does not post again)."""
    return RedirectResponse(path, status_code=303, headers={"Cache-Control": "no-store"})


def write_pending_heartbeats(request: Request) -> None:
    """Heartbeats this process holds in memory (server/heartbeats.py) go to the database first,
    so a fleet page shows the newest state this process has heard."""
    writer = getattr(request.app.state, "heartbeats", None)
    flush = getattr(writer, "flush", None)
    if callable(flush):
        flush()


def refused_page(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ConsoleRefused)
    t = translator(request_language(request))
    message = t(exc.key, **exc.values)
    return render(request, "error.html", status_code=exc.status, message=message)


def login_redirect(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LoginRequired)
    target = request.url.path if request.method == "GET" else "/console"
    query = f"?next={quote(target, safe='/')}" + ("&why=expired" if exc.expired else "")
    return see_other(LOGIN_PATH + query)
