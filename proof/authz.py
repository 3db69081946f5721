"""The authorisation matrix: every endpoint of the server x every kind of caller, sent for real.

The operations come from the server itself: GET /openapi.json of a running `adm-server serve`,
and the routes the document leaves out (the web console, the docs pages, the static files)
from the route list of the app `server.app.create_app` builds. RULES below says, for each
operation, which callers may use it. An operation without a rule, or a rule for an operation
that is gone, is a failure: a new endpoint cannot ship without someone deciding who may call it.

The callers (PRINCIPALS): nobody (anonymous); a kiosk the office revoked; another enrolled
kiosk acting on a record of the demo kiosk (a print job it did not claim); the demo kiosk
itself; a bearer token of each staff role; a console session of each staff role.

Each cell is a real request with real ids of the demo data and a valid body, the same request
for every caller, so a refusal is the authorisation's and not the body's. A denial is 401 or
403 (on the console, also the way to the login page; for another kiosk's record, also 404,
which hides that it exists); an allowed cell is anything but those and never a 5xx.

`python -m proof authz` runs it (scale long also on PostgreSQL when ADM_TEST_POSTGRES_URL is
set); tests/reliability/test_authorization_matrix.py runs the short scale.
"""

from __future__ import annotations

import base64
import io
import itertools
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import requests

from kiosk.request_signing import KioskAuth
from proof import figures
from proof.sample_bodies import birth_application

BIN = Path(sys.executable).parent
PART = "authz"

# --- who calls ----------------------------------------------------------------------------------

ANONYMOUS = "anonymous"
REVOKED_KIOSK = "revoked_kiosk"
OTHER_KIOSK = "other_kiosk"
KIOSK = "kiosk"
OFFICER, ADMIN, TECHNICIAN = "officer", "admin", "technician"
CONSOLE_OFFICER, CONSOLE_ADMIN, CONSOLE_TECHNICIAN = (
    "console_officer",
    "console_admin",
    "console_technician",
)
PRINCIPALS = (
    ANONYMOUS,
    REVOKED_KIOSK,
    OTHER_KIOSK,
    KIOSK,
    OFFICER,
    ADMIN,
    TECHNICIAN,
    CONSOLE_OFFICER,
    CONSOLE_ADMIN,
    CONSOLE_TECHNICIAN,
)
STAFF_ROLES = (OFFICER, ADMIN, TECHNICIAN)
CONSOLE_ROLES = {CONSOLE_OFFICER: OFFICER, CONSOLE_ADMIN: ADMIN, CONSOLE_TECHNICIAN: TECHNICIAN}
DEMO_USERS = {OFFICER: "petugas", ADMIN: "admin", TECHNICIAN: "teknisi"}  # server/demo.py

# --- who may: the rules -------------------------------------------------------------------------

EVERYONE = frozenset(PRINCIPALS)
ANY_KIOSK = frozenset({KIOSK, OTHER_KIOSK})  # no record of one kiosk in the request
OWN_KIOSK = frozenset({KIOSK})  # names a record of the demo kiosk
ANY_STAFF = frozenset({OFFICER, ADMIN, TECHNICIAN})
OFFICERS = frozenset({OFFICER, ADMIN})
TECHNICIANS = frozenset({TECHNICIAN, ADMIN})
ADMINS = frozenset({ADMIN})
ANY_CONSOLE = frozenset(CONSOLE_ROLES)
CONSOLE_OFFICERS = frozenset({CONSOLE_OFFICER, CONSOLE_ADMIN})
CONSOLE_TECHNICIANS = frozenset({CONSOLE_TECHNICIAN, CONSOLE_ADMIN})
CONSOLE_ADMINS = frozenset({CONSOLE_ADMIN})

_OFFICER_API = "/api/v1/officer/applications/{ticket}"
_OFFICER_CONSOLE = "/console/officer/applications/{ticket}"
_STEPS = ("verify", "request-fixes", "approve", "reject", "issue", "deliver")

# "METHOD path" as the document (or the route list) spells it -> who may call it.
RULES: dict[str, frozenset[str]] = {
    # The kiosk API: signed requests of an enrolled, unrevoked kiosk.
    "GET /api/v1/kiosk/me": ANY_KIOSK,
    "POST /api/v1/kiosk/enrol": EVERYONE,  # the one-time enrolment code is the credential
    "GET /api/v1/kiosk/config": ANY_KIOSK,
    "POST /api/v1/kiosk/heartbeat": ANY_KIOSK,
    "POST /api/v1/kiosk/pickup-codes/resolve": ANY_KIOSK,  # a citizen may use any kiosk
    "POST /api/v1/kiosk/print-jobs": ANY_KIOSK,
    "GET /api/v1/kiosk/print-jobs/{job_id}": OWN_KIOSK,  # the job of the kiosk that claimed
    "GET /api/v1/kiosk/print-jobs/{job_id}/documents/{document_id}/pdf": OWN_KIOSK,
    "POST /api/v1/kiosk/print-jobs/{job_id}/result": OWN_KIOSK,
    # A technician's remote check of one kiosk: only that kiosk reports its result.
    "POST /api/v1/kiosk/health-checks/{request_id}/result": OWN_KIOSK,
    "POST /api/v1/kiosk/applications": ANY_KIOSK,
    # The ticket is the citizen's: they may check it and bring papers at any kiosk.
    "GET /api/v1/kiosk/applications/{ticket}": ANY_KIOSK,
    "POST /api/v1/kiosk/applications/{ticket}/papers": ANY_KIOSK,
    "POST /api/v1/kiosk/complaints": ANY_KIOSK,
    "POST /api/v1/kiosk/surveys": ANY_KIOSK,
    # Public: what anyone may read.
    "GET /api/v1/public/signing-keys": EVERYONE,
    "GET /v/{token}": EVERYONE,
    "GET /api/v1/public/documents/{doc_type}/{number}": EVERYONE,
    "GET /api/v1/public/services": EVERYONE,
    "GET /api/v1/public/locations": EVERYONE,
    # The staff API by role.
    "GET /api/v1/staff/documents": ANY_STAFF,
    "GET /api/v1/staff/kiosks": TECHNICIANS,
    "POST /api/v1/staff/kiosks": ADMINS,
    "GET /api/v1/staff/kiosks/{kiosk_id}": TECHNICIANS,
    "POST /api/v1/staff/kiosks/{kiosk_id}/enrolment-code": ADMINS,
    "PUT /api/v1/staff/kiosks/{kiosk_id}/location": ADMINS,
    "POST /api/v1/staff/kiosks/{kiosk_id}/revoke": ADMINS,
    "POST /api/v1/staff/locations": ADMINS,
    "PUT /api/v1/staff/locations/{location_id}": ADMINS,
    "GET /api/v1/staff/accounts": ADMINS,
    "POST /api/v1/staff/accounts": ADMINS,
    "POST /api/v1/staff/accounts/{username}/revoke": ADMINS,
    "GET /api/v1/staff/notifications": OFFICERS,
    "GET /api/v1/staff/complaints": OFFICERS,
    "POST /api/v1/staff/complaints/{ticket}/answer": OFFICERS,
    "GET /api/v1/staff/surveys/summary": ANY_STAFF,
    "POST /api/v1/staff/documents/{document_id}/reprints": OFFICERS,
    "GET /api/v1/officer/applications": OFFICERS,
    f"GET {_OFFICER_API}": OFFICERS,
    f"GET {_OFFICER_API}/papers/{{paper_id}}": OFFICERS,
    **{f"POST {_OFFICER_API}/{step}": OFFICERS for step in _STEPS},
    # Not in the document: the API's own description, and the web console.
    "GET /openapi.json": EVERYONE,
    "GET /docs": EVERYONE,
    "GET /docs/oauth2-redirect": EVERYONE,
    "GET /redoc": EVERYONE,
    "GET /console/static/{path}": EVERYONE,
    "GET /console": ANY_CONSOLE,
    "GET /console/login": EVERYONE,
    "POST /console/login": EVERYONE,  # the password is the credential
    "POST /console/logout": ANY_CONSOLE,
    "GET /console/lang/{code}": EVERYONE,
    "GET /verifikasi": EVERYONE,
    "GET /lokasi": EVERYONE,
    "GET /console/admin/locations": CONSOLE_ADMINS,
    "GET /console/admin/locations/new": CONSOLE_ADMINS,
    "POST /console/admin/locations": CONSOLE_ADMINS,
    "GET /console/admin/locations/{location_id}": CONSOLE_ADMINS,
    "POST /console/admin/locations/{location_id}": CONSOLE_ADMINS,
    "GET /console/admin/kiosks": CONSOLE_ADMINS,
    "POST /console/admin/kiosks": CONSOLE_ADMINS,
    "GET /console/admin/kiosks/{kiosk_id}": CONSOLE_ADMINS,
    "POST /console/admin/kiosks/{kiosk_id}/location": CONSOLE_ADMINS,
    "POST /console/admin/kiosks/{kiosk_id}/enrolment-code": CONSOLE_ADMINS,
    "POST /console/admin/kiosks/{kiosk_id}/revoke": CONSOLE_ADMINS,
    "GET /console/tech": CONSOLE_TECHNICIANS,
    "GET /console/tech/kiosks/{kiosk_id}": CONSOLE_TECHNICIANS,
    "POST /console/tech/kiosks/{kiosk_id}/health-check": CONSOLE_TECHNICIANS,
    "GET /console/officer": CONSOLE_OFFICERS,
    f"GET {_OFFICER_CONSOLE}": CONSOLE_OFFICERS,
    f"GET {_OFFICER_CONSOLE}/papers/{{paper_id}}": CONSOLE_OFFICERS,
    **{f"POST {_OFFICER_CONSOLE}/{step}": CONSOLE_OFFICERS for step in _STEPS},
    "GET /console/officer/documents": CONSOLE_OFFICERS,
    "POST /console/officer/documents/{document_id}/reprint": CONSOLE_OFFICERS,
}

# Operations whose path names a record of the demo kiosk: another kiosk is told it does not
# exist (404), which is a denial too.
HIDDEN_FROM_OTHER_KIOSKS = frozenset(op for op, who in RULES.items() if who == OWN_KIOSK)


# --- the operations the server has --------------------------------------------------------------


def document_operations(document: dict[str, Any]) -> set[str]:
    """Every operation of an OpenAPI document, as "METHOD path"."""
    methods = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
    return {
        f"{method.upper()} {path}"
        for path, item in document.get("paths", {}).items()
        for method in item
        if method in methods
    }


def route_operations(app: Any) -> set[str]:
    """Every operation the app serves, in the document or not: APIs, console pages, docs pages,
    static files (a mount is one GET operation, its file a path parameter)."""
    from fastapi import routing
    from starlette.routing import Mount, Route

    contexts = getattr(routing, "iter_route_contexts", None)
    found: set[str] = set()
    for route in contexts(app.routes) if contexts else app.routes:
        original = getattr(route, "original_route", route)
        if isinstance(original, Mount):
            found.add(f"GET {original.path}/{{path}}")
            continue
        path = getattr(route, "path_format", None) or getattr(route, "path", None)
        methods = getattr(route, "methods", None)
        if not isinstance(original, Route) or path is None or methods is None:
            found.add(f"? {route!r}")  # a kind of route this census cannot read: a failure
            continue
        for method in methods:
            if method == "HEAD" and "GET" in methods:
                continue  # Starlette answers HEAD for every GET
            found.add(f"{method} {path}")
    return found


def app_operations(app: Any) -> set[str]:
    """The app's operations: its OpenAPI document's and every other route's."""
    return document_operations(app.openapi()) | route_operations(app)


@dataclass(frozen=True)
class RuleCheck:
    without_rule: list[str]  # served, but nobody decided who may call them
    stale_rules: list[str]  # a rule for an operation that is gone

    @property
    def ok(self) -> bool:
        return not self.without_rule and not self.stale_rules


def check_rules(operations: Iterable[str], rules: dict[str, frozenset[str]] = RULES) -> RuleCheck:
    """Compare the operations served with RULES, both ways."""
    served = set(operations)
    return RuleCheck(sorted(served - set(rules)), sorted(set(rules) - served))


# --- a real server ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    """`adm-server serve` on a free loopback port, with the demo data `adm-server demo` loads."""

    url: str
    data_dir: Path
    log_path: Path
    proc: subprocess.Popen[bytes]
    env: dict[str, str]
    credential: str  # the demo kiosk's
    codes: dict[str, str]  # KK number -> pickup code
    staff_tokens: dict[str, str]  # role -> bearer token of the demo account
    console_passwords: dict[str, str]  # role -> console password of the demo account

    @property
    def pid(self) -> int:
        return self.proc.pid

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return requests.get(self.url + path, timeout=30, **kwargs)

    def rss_kib(self) -> int:
        """The server process's resident memory (VmRSS), KiB."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise RuntimeError("no VmRSS for the server process")

    def alive(self) -> bool:
        if self.proc.poll() is not None:
            return False
        try:
            return self.get("/api/v1/public/signing-keys").status_code == 200
        except requests.RequestException:
            return False

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)


def _role_file(path: Path) -> dict[str, str]:
    """role -> third column of a demo file (`username role secret` lines)."""
    rows = [line.split() for line in path.read_text().splitlines() if line and line[0] != "#"]
    return {row[1]: row[2] for row in rows}


@contextmanager
def live_server(workdir: Path, database_url: str = "") -> Iterator[LiveServer]:
    """Load the demo into a new data dir (and database), serve it, stop it at the end."""
    data_dir = workdir / "server"
    port = free_port()
    env = dict(
        os.environ,
        ADM_DATA_DIR=str(data_dir),
        ADM_DATABASE_URL=database_url,
        ADM_PUBLIC_URL=f"http://127.0.0.1:{port}",
        ADM_STAFF_TOKEN="",  # no bootstrap admin: every staff caller is a real account
    )
    credential, codes = workdir / "kiosk-credential", workdir / "codes.json"
    subprocess.run(
        [
            str(BIN / "adm-server"),
            "demo",
            "--credential-out",
            str(credential),
            "--codes-out",
            str(codes),
            "--pins-out",
            str(workdir / "pins.json"),
        ],
        env=env,
        cwd=workdir,  # nothing read from, or written to, the caller's directory
        check=True,
        capture_output=True,
        timeout=120,
    )
    log_path = workdir / "server.out"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [str(BIN / "adm-server"), "serve", "--port", str(port)],
            env=env,
            cwd=workdir,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = LiveServer(
        f"http://127.0.0.1:{port}",
        data_dir,
        log_path,
        proc,
        env,
        credential.read_text().strip(),
        json.loads(codes.read_text()),
        _role_file(data_dir / "demo-staff-tokens.txt"),
        _role_file(data_dir / "demo-console-passwords.txt"),
    )
    try:
        deadline = time.monotonic() + 30
        while not server.alive():
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError(f"the server did not start; see {log_path}")
            time.sleep(0.1)
        yield server
    finally:
        server.stop()


@contextmanager
def postgres_database(admin_url: str) -> Iterator[str]:
    """A new, empty database on the test cluster, dropped afterwards."""
    from sqlalchemy import create_engine, make_url
    from sqlalchemy.pool import NullPool

    url = make_url(admin_url)
    name = f"adm_proof_{PART}_{os.getpid()}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


# --- callers ------------------------------------------------------------------------------------

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def png_b64(size: tuple[int, int] = (16, 16)) -> str:
    """A small real PNG, base64: a photographed paper as a kiosk sends it."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, "white").save(out, "PNG")
    return base64.b64encode(out.getvalue()).decode()


def console_login(url: str, role: str, password: str) -> tuple[requests.Session, str]:
    """A browser logged in to the console as the demo account of ``role``, and its CSRF token."""
    browser = requests.Session()
    page = browser.get(url + "/console/login", timeout=30)
    token = _CSRF.search(page.text)
    assert token, "the login page has no CSRF field"
    answer = browser.post(
        url + "/console/login",
        data={"username": DEMO_USERS[role], "password": password, "csrf_token": token[1]},
        allow_redirects=False,
        timeout=30,
    )
    if answer.status_code != 303 or "adm_console" not in browser.cookies:
        raise RuntimeError(f"console login as {role} failed: {answer.status_code}")
    home = browser.get(url + answer.headers["location"], timeout=30)
    csrf = _CSRF.search(home.text)
    assert csrf, f"the {role} home page has no CSRF field"
    return browser, csrf[1]


@dataclass
class Caller:
    """One principal: how it signs, which token it bears, which browser session it has."""

    name: str
    session: requests.Session
    kiosk: KioskAuth | None = None
    bearer: str = ""
    csrf: str = ""
    renew: Callable[[], Caller] | None = None  # a fresh session, for cells that end it

    def send(
        self,
        url: str,
        method: str,
        path: str,
        params: dict[str, Any] | None = None,
        json_body: Any = None,
        form: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> requests.Response:
        all_headers = dict(headers or {})
        if self.bearer:
            all_headers["Authorization"] = f"Bearer {self.bearer}"
        if form is not None and self.csrf:
            form = {"csrf_token": self.csrf, **form}
        request = requests.Request(
            method,
            url + path,
            params=params,
            json=json_body,
            data=form,
            headers=all_headers,
            auth=self.kiosk,
        )
        prepared = self.session.prepare_request(request)
        return self.session.send(prepared, allow_redirects=False, timeout=60)


# --- the demo world the cells name --------------------------------------------------------------


@dataclass
class World:
    """Real records of the running server that path parameters and bodies name."""

    server: LiveServer
    ids: dict[str, str] = field(default_factory=dict)
    counter: Iterator[int] = field(default_factory=itertools.count)

    def unique(self, prefix: str) -> str:
        return f"{prefix}{os.getpid() % 1000}{next(self.counter)}"


def _must(response: requests.Response, *statuses: int) -> dict[str, Any]:
    if response.status_code not in statuses:
        raise RuntimeError(
            f"setup: {response.request.method} {response.request.path_url} answered "
            f"{response.status_code}: {response.text[:300]}"
        )
    body: dict[str, Any] = response.json() if response.content else {}
    return body


def build_world(server: LiveServer) -> tuple[World, dict[str, Caller]]:
    """Enrol the other and the revoked kiosk, make the records the cells name, log in."""
    url = server.url
    world = World(server)
    admin = Caller(ADMIN, requests.Session(), bearer=server.staff_tokens[ADMIN])
    officer = Caller(OFFICER, requests.Session(), bearer=server.staff_tokens[OFFICER])
    kiosk = Caller(KIOSK, requests.Session(), kiosk=KioskAuth(server.credential))
    location_id = _must(kiosk.send(url, "GET", "/api/v1/kiosk/config"), 200)["location"]["id"]

    def new_kiosk(kiosk_id: str, enrol: bool) -> str:
        body = {"id": kiosk_id, "name": f"ADM {kiosk_id}", "location_id": location_id}
        _must(admin.send(url, "POST", "/api/v1/staff/kiosks", json_body=body), 201)
        if not enrol:
            return ""
        path = f"/api/v1/staff/kiosks/{kiosk_id}/enrolment-code"
        code = _must(admin.send(url, "POST", path), 200, 201)["enrolment_code"]
        anonymous = Caller(ANONYMOUS, requests.Session())
        enrolled = anonymous.send(
            url, "POST", "/api/v1/kiosk/enrol", json_body={"enrolment_code": code}
        )
        return str(_must(enrolled, 201)["credential"])

    other = new_kiosk("AZ-OTHER", enrol=True)
    revoked = new_kiosk("AZ-REVOKED", enrol=True)
    revocation = {"reason": "taken out of service"}
    path = "/api/v1/staff/kiosks/AZ-REVOKED/revoke"
    _must(admin.send(url, "POST", path, json_body=revocation), 200)
    for target in ("AZ-TARGET", "AZ-REVOKE-ME", "AZ-CONSOLE-REVOKE-ME"):
        new_kiosk(target, enrol=False)
    account = {"username": "az-target", "display_name": "Target of revocations", "role": "officer"}
    _must(admin.send(url, "POST", "/api/v1/staff/accounts", json_body=account), 201)
    place = {"name": "Balai Desa Uji", "address": "Jl. Uji 1", "region_code": "73.07.01"}
    placed = _must(admin.send(url, "POST", "/api/v1/staff/locations", json_body=place), 201)

    application = kiosk.send(
        url,
        "POST",
        "/api/v1/kiosk/applications",
        json_body=birth_application(),
        headers={"Idempotency-Key": world.unique("authz-setup-")},
    )
    ticket = _must(application, 201)["ticket"]
    seen = _must(officer.send(url, "GET", f"/api/v1/officer/applications/{ticket}"), 200)
    paper_id = seen["papers"][0]["id"]
    kk = next(iter(server.codes))
    job = _must(
        kiosk.send(
            url, "POST", "/api/v1/kiosk/print-jobs", json_body={"pickup_code": server.codes[kk]}
        ),
        201,
    )
    document = job["documents"][0]
    complaint = kiosk.send(
        url,
        "POST",
        "/api/v1/kiosk/complaints",
        json_body={"category": "layanan", "text": "Antrian lama"},
        headers={"Idempotency-Key": world.unique("authz-setup-")},
    )
    # A technician asks the demo kiosk for a health check; its heartbeat answer names the request.
    me = _must(kiosk.send(url, "GET", "/api/v1/kiosk/me"), 200)["id"]
    technician, csrf = console_login(url, TECHNICIAN, server.console_passwords[TECHNICIAN])
    asked = technician.post(
        f"{url}/console/tech/kiosks/{me}/health-check",
        data={"csrf_token": csrf, "level": "internal"},
        allow_redirects=False,
        timeout=30,
    )
    assert asked.status_code == 303, (asked.status_code, asked.text[:300])
    beat = {"app_version": "proof", "outbox_pending": 0}
    answer = _must(kiosk.send(url, "POST", "/api/v1/kiosk/heartbeat", json_body=beat), 200)
    world.ids.update(
        request_id=str(answer["health_check_request"]["id"]),
        location_id=str(placed["id"]),
        ticket=ticket,
        paper_id=str(paper_id),
        job_id=job["id"],
        document_id=document["id"],
        doc_type=document["doc_type"],
        number=document["number"],
        kk=kk,
        complaint_ticket=_must(complaint, 201)["ticket"],
        kiosk_id="AZ-TARGET",
        username="az-target",
        token="not-a-signed-token",  # noqa: S106 (a QR payload to verify, not a secret)
        code="en",
        path="console.css",
        pickup_code=server.codes[list(server.codes)[1]],
    )

    callers: dict[str, Caller] = {
        ANONYMOUS: Caller(ANONYMOUS, requests.Session()),
        REVOKED_KIOSK: Caller(REVOKED_KIOSK, requests.Session(), kiosk=KioskAuth(revoked)),
        OTHER_KIOSK: Caller(OTHER_KIOSK, requests.Session(), kiosk=KioskAuth(other)),
        KIOSK: kiosk,
    }
    for role in STAFF_ROLES:
        callers[role] = Caller(role, requests.Session(), bearer=server.staff_tokens[role])
    for name, role in CONSOLE_ROLES.items():

        def logged_in(name: str = name, role: str = role) -> Caller:
            browser, csrf = console_login(url, role, server.console_passwords[role])
            return Caller(name, browser, csrf=csrf, renew=logged_in)

        callers[name] = logged_in()
    return world, callers


# --- the request of each cell -------------------------------------------------------------------

_HOURS = {"mon": "08:00-16:00"}
_LOCATION_FORM = {"name": "Balai Desa Uji", "address": "Jl. Uji 2", "region_code": "73.07.01"}


def json_bodies(world: World) -> dict[str, Callable[[], Any]]:
    """A valid JSON body for each operation that takes one (made anew for every cell)."""
    ids = world.ids
    return {
        "POST /api/v1/kiosk/enrol": lambda: {"enrolment_code": "AAAA-BBBB-CCCC-DDDD"},
        "POST /api/v1/kiosk/heartbeat": lambda: {"app_version": "proof", "outbox_pending": 0},
        "POST /api/v1/kiosk/pickup-codes/resolve": lambda: {"pickup_code": ids["pickup_code"]},
        "POST /api/v1/kiosk/print-jobs": lambda: {"pickup_code": ids["pickup_code"]},
        "POST /api/v1/kiosk/print-jobs/{job_id}/result": lambda: {"outcome": "printed"},
        "POST /api/v1/kiosk/health-checks/{request_id}/result": lambda: {
            "checks": [{"device": "scanner", "ok": True, "text": {"id": "siap", "en": "ready"}}]
        },
        "POST /api/v1/kiosk/applications": birth_application,
        "POST /api/v1/kiosk/applications/{ticket}/papers": lambda: {
            "applicant_nik": "7307051405800003",
            "papers": [{"requirement": "ktp_ayah", "content_type": "image/png", "data": png_b64()}],
        },
        "POST /api/v1/kiosk/complaints": lambda: {"category": "layanan", "text": "Antrian lama"},
        "POST /api/v1/kiosk/surveys": lambda: {"service": "akta_kelahiran", "rating": 4},
        "POST /api/v1/staff/kiosks": lambda: {"id": world.unique("AZ-NEW-"), "name": "Baru"},
        "PUT /api/v1/staff/kiosks/{kiosk_id}/location": lambda: {
            "location_id": int(ids["location_id"])
        },
        "POST /api/v1/staff/kiosks/{kiosk_id}/revoke": lambda: {"reason": "lost in a flood"},
        "POST /api/v1/staff/locations": lambda: {
            "name": world.unique("Balai "),
            "address": "Jl. Baru",
            "region_code": "73.07.01",
            "opening_hours": _HOURS,
        },
        "PUT /api/v1/staff/locations/{location_id}": lambda: {
            "name": "Balai Desa Uji",
            "address": "Jl. Uji 3",
            "region_code": "73.07.01",
            "opening_hours": _HOURS,
        },
        "POST /api/v1/staff/accounts": lambda: {
            "username": world.unique("az-new-"),
            "display_name": "Baru",
            "role": "technician",
        },
        "POST /api/v1/staff/complaints/{ticket}/answer": lambda: {"answer": "Sudah ditangani"},
        "POST /api/v1/staff/documents/{document_id}/reprints": lambda: {"reason": "Kertas rusak"},
        f"POST {_OFFICER_API}/request-fixes": lambda: {"reason": "KTP ibu buram"},
        f"POST {_OFFICER_API}/reject": lambda: {"reason": "Bukan warga Sinjai"},
        f"POST {_OFFICER_API}/deliver": lambda: {"via": "printed"},
    }


def forms(world: World) -> dict[str, Callable[[], dict[str, Any]]]:
    """A valid form for each console POST (the session's CSRF token is added by the caller)."""
    ids = world.ids
    return {
        "POST /console/login": dict,  # filled in by _console_login_cell
        "POST /console/logout": dict,
        "POST /console/admin/locations": lambda: dict(_LOCATION_FORM, name=world.unique("Balai ")),
        "POST /console/admin/locations/{location_id}": lambda: dict(_LOCATION_FORM),
        "POST /console/admin/kiosks": lambda: {"id": world.unique("AZ-C-"), "name": "Baru"},
        "POST /console/admin/kiosks/{kiosk_id}/location": lambda: {
            "location_id": ids["location_id"]
        },
        "POST /console/admin/kiosks/{kiosk_id}/enrolment-code": dict,
        "POST /console/admin/kiosks/{kiosk_id}/revoke": lambda: {"reason": "lost in a flood"},
        "POST /console/tech/kiosks/{kiosk_id}/health-check": dict,
        f"POST {_OFFICER_CONSOLE}/request-fixes": lambda: {"reason": "KTP ibu buram"},
        f"POST {_OFFICER_CONSOLE}/reject": lambda: {"reason": "Bukan warga Sinjai"},
        f"POST {_OFFICER_CONSOLE}/deliver": lambda: {"via": "printed"},
        "POST /console/officer/documents/{document_id}/reprint": lambda: {"reason": "Rusak"},
    }


# Path parameters that name something else than their name says in one operation.
PATH_VALUES: dict[str, dict[str, str]] = {
    "POST /api/v1/staff/complaints/{ticket}/answer": {"ticket": "complaint_ticket"},
    "POST /api/v1/staff/kiosks/{kiosk_id}/revoke": {"kiosk_id": "revoke_kiosk"},
    "POST /console/admin/kiosks/{kiosk_id}/revoke": {"kiosk_id": "console_revoke_kiosk"},
}
QUERIES: dict[str, dict[str, str]] = {
    "GET /api/v1/staff/documents": {"number": "kk"},
    "GET /api/v1/staff/notifications": {"ticket": "ticket"},
}
IDEMPOTENT = frozenset(
    {
        "POST /api/v1/kiosk/applications",
        "POST /api/v1/kiosk/complaints",
        "POST /api/v1/kiosk/surveys",
    }
)
_PARAM = re.compile(r"\{([^}]+)\}")


@dataclass(frozen=True)
class Cell:
    operation: str
    principal: str
    status: int
    allowed: bool  # by RULES
    verdict: str  # allowed | denied
    location: str = ""
    reason: str = ""  # the error body's reason, "login" for the way to the login page

    @property
    def matches(self) -> bool:
        return (self.verdict == "allowed") == self.allowed and self.status < 500


def fill_path(operation: str, world: World) -> str:
    path = operation.split(" ", 1)[1]
    names = PATH_VALUES.get(operation, {})
    ids = dict(world.ids, revoke_kiosk="AZ-REVOKE-ME", console_revoke_kiosk="AZ-CONSOLE-REVOKE-ME")

    def value(match: re.Match[str]) -> str:
        name = match[1]
        return quote(ids[names.get(name, name)], safe="")

    return _PARAM.sub(value, path)


def verdict(operation: str, principal: str, response: requests.Response) -> str:
    """What the answer means: denied (401/403, sent to log in first, a record hidden from
    another kiosk) or allowed (anything else)."""
    status = response.status_code
    if status in (401, 403):
        return "denied"
    location = response.headers.get("location", "")
    if status in (302, 303, 307) and location.startswith("/console/login?next="):
        return "denied"
    if status == 404 and principal == OTHER_KIOSK and operation in HIDDEN_FROM_OTHER_KIOSKS:
        return "denied"
    return "allowed"


def send_cell(
    operation: str, caller: Caller, world: World, bodies: dict[str, Any], posted: dict[str, Any]
) -> requests.Response:
    method, _ = operation.split(" ", 1)
    url = world.server.url
    if operation == "POST /console/login":
        return _console_login_cell(caller, world)
    if operation == "POST /console/logout" and caller.renew is not None:
        caller = caller.renew()  # log out a session of its own, not the one the matrix uses
    path = fill_path(operation, world)
    params = {k: world.ids[v] for k, v in QUERIES.get(operation, {}).items()} or None
    headers = {"Idempotency-Key": world.unique("authz-")} if operation in IDEMPOTENT else None
    json_body = bodies[operation]() if operation in bodies else None
    form = None
    if path.startswith("/console") and method == "POST":
        form = posted[operation]() if operation in posted else {}
    return caller.send(url, method, path, params, json_body, form, headers)


def _console_login_cell(caller: Caller, world: World) -> requests.Response:
    """The login form as a fresh browser sends it, carrying this caller's credential besides:
    the right password of the demo officer logs in whoever sends it."""
    url = world.server.url
    fresh = Caller(caller.name, requests.Session(), caller.kiosk, caller.bearer)
    page = fresh.send(url, "GET", "/console/login")
    token = _CSRF.search(page.text)
    form = {
        "username": DEMO_USERS[OFFICER],
        "password": world.server.console_passwords[OFFICER],
        "csrf_token": token[1] if token else "",
    }
    return fresh.send(url, "POST", "/console/login", form=form)


# --- the run ------------------------------------------------------------------------------------


@dataclass
class MatrixResult:
    operations: list[str]
    in_document: int  # of them, in the served /openapi.json
    rule_check: RuleCheck
    cells: list[Cell]
    seconds: float
    denials_without_error_body: list[str]

    @property
    def mismatches(self) -> list[Cell]:
        return [c for c in self.cells if not c.matches]

    def figures(self) -> dict[str, Any]:
        allowed = [c for c in self.cells if c.allowed]
        statuses = Counter(c.status for c in allowed)
        return {
            "operations": len(self.operations),
            "operations_in_openapi": self.in_document,
            "principals": len(PRINCIPALS),
            "cells_tested": len(self.cells),
            "cells_allowed": len(allowed),
            "cells_denied": len(self.cells) - len(allowed),
            "allowed_cells_2xx_3xx": sum(n for s, n in statuses.items() if s < 400),
            "allowed_cells_4xx": sum(n for s, n in statuses.items() if 400 <= s < 500),
            "mismatches": len(self.mismatches),
            "server_errors": sum(1 for c in self.cells if c.status >= 500),
            "operations_without_rule": len(self.rule_check.without_rule),
            "rules_without_operation": len(self.rule_check.stale_rules),
            "denials_without_error_body": len(self.denials_without_error_body),
            "denial_reasons": ", ".join(
                f"{reason}={n}"
                for reason, n in Counter(
                    c.reason for c in self.cells if c.verdict == "denied"
                ).most_common()
            ),
            "seconds": round(self.seconds, 1),
        }


def served_operations(server: LiveServer) -> tuple[set[str], set[str]]:
    """(operations of the served /openapi.json, operations of the app's route list)."""
    document = server.get("/openapi.json").json()
    from server.app import create_app
    from server.settings import Settings

    scratch = Path(tempfile.mkdtemp(prefix="adm-authz-routes-"))
    try:
        app = create_app(Settings(data_dir=scratch))
        try:
            return document_operations(document), app_operations(app)
        finally:
            app.state.engine.dispose()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def run_matrix(server: LiveServer) -> MatrixResult:
    """Every operation x every principal against ``server``."""
    started = time.monotonic()
    in_document, in_routes = served_operations(server)
    operations = sorted(in_document | in_routes)
    rule_check = check_rules(operations)
    world, callers = build_world(server)
    bodies, posted = json_bodies(world), forms(world)
    cells: list[Cell] = []
    bare_denials: list[str] = []
    for operation in operations:
        if operation not in RULES:
            continue  # already a failure of the rule check
        for principal in PRINCIPALS:
            response = send_cell(operation, callers[principal], world, bodies, posted)
            seen = verdict(operation, principal, response)
            cells.append(
                Cell(
                    operation,
                    principal,
                    response.status_code,
                    principal in RULES[operation],
                    seen,
                    response.headers.get("location", ""),
                    _reason(response),
                )
            )
            if seen == "denied" and not operation.split(" ", 1)[1].startswith("/console"):
                if not _error_body(response):
                    bare_denials.append(f"{operation} as {principal}: {response.text[:120]}")
    return MatrixResult(
        operations, len(in_document), rule_check, cells, time.monotonic() - started, bare_denials
    )


def _reason(response: requests.Response) -> str:
    if response.headers.get("location", "").startswith("/console/login?next="):
        return "login"
    try:
        detail = response.json().get("detail")
    except (ValueError, AttributeError):
        return f"page {response.status_code}" if response.status_code >= 400 else ""
    return str(detail.get("reason", "")) if isinstance(detail, dict) else ""


def _error_body(response: requests.Response) -> bool:
    """Our ErrorBody: {"detail": {"reason": ..., "message": ...}}."""
    try:
        detail = response.json().get("detail")
    except (ValueError, AttributeError):
        return False
    return isinstance(detail, dict) and bool(detail.get("reason")) and bool(detail.get("message"))


def describe(result: MatrixResult) -> list[str]:
    """The failures, one line each, for a person to act on."""
    lines = [
        f"new endpoint without a rule in proof/authz.py RULES: {op}"
        for op in result.rule_check.without_rule
    ]
    lines += [f"rule for an endpoint that is gone: {op}" for op in result.rule_check.stale_rules]
    lines += [
        f"{c.operation} as {c.principal}: {c.status} {c.location} "
        f"(rule: {'allowed' if c.allowed else 'denied'}, seen: {c.verdict})"
        for c in result.mismatches
    ]
    lines += [f"denial without an error body: {line}" for line in result.denials_without_error_body]
    return lines


def run(scale: str) -> dict[str, Any]:
    """The matrix on SQLite; at scale long also on PostgreSQL (when the test cluster is set)."""
    engines: list[tuple[str, str | None]] = [("sqlite", "")]
    postgres_url = os.environ.get("ADM_TEST_POSTGRES_URL", "").strip()
    if scale == "long":
        engines.append(("postgresql", postgres_url or None))
    results: dict[str, MatrixResult] = {}
    skipped: list[str] = []
    for engine, database in engines:
        if database is None:
            skipped.append(engine)
            continue
        with tempfile.TemporaryDirectory(prefix=f"adm-authz-{engine}-") as tmp:
            if engine == "postgresql":
                with postgres_database(database) as url, live_server(Path(tmp), url) as server:
                    results[engine] = run_matrix(server)
            else:
                with live_server(Path(tmp)) as server:
                    results[engine] = run_matrix(server)
    first = results["sqlite"]
    out: dict[str, Any] = dict(first.figures())
    out["engines"] = ", ".join(results) + (
        f" (not {', '.join(skipped)}: ADM_TEST_POSTGRES_URL unset)" if skipped else ""
    )
    for engine, result in results.items():
        if engine != "sqlite":
            for key in ("cells_tested", "mismatches", "server_errors", "seconds"):
                out[f"{engine}_{key}"] = result.figures()[key]
    out["mismatches"] = sum(len(r.mismatches) for r in results.values())
    out["failures"] = [line for r in results.values() for line in describe(r)][:50]
    out["summary"] = (
        f"{out['cells_tested']} cells ({out['operations']} operations x {out['principals']} "
        f"callers) sent to a real server on {out['engines']}: {out['cells_allowed']} allowed, "
        f"{out['cells_denied']} denied, {out['mismatches']} against the rules."
    )
    out["command"] = f".venv/bin/python -m proof {PART}"
    figures.record(PART, scale, out)
    return out


def main() -> int:
    scale = sys.argv[1] if len(sys.argv) > 1 else "short"
    print(json.dumps(run(scale), indent=2))  # noqa: T201
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
