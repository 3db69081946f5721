"""The web console at HTTP level: a requests.Session as the staff member's browser.

It keeps cookies as a browser does, reads the CSRF token out of the page it was given (as a
form would send it) and follows no redirect unless asked, so tests see each 303 and its target.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

import requests

from server.console.pages import SECURITY_HEADERS

PASSWORDS_FILE = "demo-console-passwords.txt"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_ALERT = re.compile(r'role="(?:alert|status)">([^<]+)<')
# A whole NIK: 16 digits not inside a longer number.
FULL_NIK = re.compile(r"(?<!\d)\d{16}(?!\d)")


def demo_passwords(data_dir: Path) -> dict[str, str]:
    """username -> console password, as `adm-server demo` wrote them."""
    lines = (data_dir / PASSWORDS_FILE).read_text().splitlines()
    return {line.split()[0]: line.split()[2] for line in lines if not line.startswith("#")}


class Browser:
    """One browser profile (its own cookies, so its own console session)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.http = requests.Session()
        self.csrf = ""  # of the last page that had a form

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        response = self.http.get(self.url + path, allow_redirects=False, timeout=20, **kwargs)
        self._remember_csrf(response)
        return response

    def post(
        self, path: str, data: dict[str, Any] | None = None, csrf: bool = True
    ) -> requests.Response:
        """POST a form; with csrf=True it carries the token of the last page, as a form does."""
        form = dict(data or {})
        if csrf:
            form.setdefault("csrf_token", self.csrf)
        response = self.http.post(self.url + path, data=form, allow_redirects=False, timeout=30)
        self._remember_csrf(response)
        return response

    def follow(self, response: requests.Response) -> requests.Response:
        """Go where a 303 points, as a browser does."""
        assert response.status_code in (302, 303), (response.status_code, response.text[:500])
        location = response.headers["location"]
        return self.get(location.removeprefix(self.url))

    def login(self, username: str, password: str) -> requests.Response:
        """Open the login page, then send the form: the answer to the POST."""
        self.get("/console/login")
        return self.post("/console/login", {"username": username, "password": password})

    def _remember_csrf(self, response: requests.Response) -> None:
        found = _CSRF.search(response.text or "")
        if found:
            self.csrf = found.group(1)

    @property
    def session_cookie(self) -> str | None:
        return self.http.cookies.get("adm_console")


def messages(response: requests.Response) -> list[str]:
    """The alert and status lines a page shows the reader."""
    return [m.strip() for m in _ALERT.findall(response.text)]


def audit_actions(data_dir: Path, action_prefix: str = "") -> list[tuple[str, str, str]]:
    """(actor, action, subject) of the server's audit log, oldest first."""
    with sqlite3.connect(data_dir / "adm.db") as db:
        rows = db.execute(
            "SELECT actor, action, subject FROM audit_log WHERE action LIKE ? ORDER BY id",
            (action_prefix + "%",),
        ).fetchall()
    return [(a, b, c) for a, b, c in rows]


def has_security_headers(response: requests.Response) -> bool:
    return all(response.headers.get(name) == value for name, value in SECURITY_HEADERS.items())
