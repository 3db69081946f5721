"""The web console in a real browser: Debian's headless Chromium driven by Playwright.

Nothing here downloads a browser: Playwright launches the system's /usr/bin/chromium
(scripts/system-deps.sh installs it). Without it the browser tests FAIL, saying how to get it;
they are never skipped. The server is tests/conftest.py's `server`: `adm-server serve` as its own
process on a free port, with the Sinjai demo data loaded.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from sqlalchemy import create_engine
from sqlalchemy.orm import Session, sessionmaker
from support import ServerProcess

from kiosk.request_signing import authorization

CHROMIUM = os.environ.get("ADM_CHROMIUM", "/usr/bin/chromium")
# Headless, no sandbox (tests run as root in a container), and nothing that phones home:
# no component or background updates, no sync, no QUIC probing.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 15_000  # one page action; the machine is shared, so generous
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "console"
# Screenshots for docs/console/ are taken only when asked (ADM_CONSOLE_SCREENSHOTS=1), so an
# ordinary test run leaves the checkout unchanged.
TAKE_SCREENSHOTS = os.environ.get("ADM_CONSOLE_SCREENSHOTS") == "1"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the whole run; each test gets its own context (cookies)."""
    if shutil.which(CHROMIUM) is None and not Path(CHROMIUM).exists():
        pytest.fail(
            f"no Chromium at {CHROMIUM}: run `make test` (scripts/system-deps.sh installs "
            "Debian's chromium). Never `playwright install`: the tests use the system browser.",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def new_context(browser: Browser, **options: object) -> BrowserContext:
    """A fresh browser profile: its own cookies, so its own console session."""
    context = browser.new_context(**options)  # type: ignore[arg-type]
    context.set_default_timeout(TIMEOUT_MS)
    return context


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A laptop-sized browser profile for one test."""
    ctx = new_context(browser, viewport={"width": 1280, "height": 900}, locale="id-ID")
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture
def phone_page(browser: Browser) -> Iterator[Page]:
    """A phone-sized page (360 x 740, touch), as a citizen or an officer on the road uses it."""
    ctx = new_context(
        browser,
        viewport={"width": 360, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="id-ID",
    )
    yield ctx.new_page()
    ctx.close()


def _screenshot(page: Page, name: str) -> Path | None:
    """With ADM_CONSOLE_SCREENSHOTS=1, save the whole page to docs/console/<name>.png."""
    if not TAKE_SCREENSHOTS:
        return None
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def screenshot() -> Callable[[Page, str], Path | None]:
    """screenshot(page, "public_verify"): the page as docs/console/ shows it (when asked)."""
    return _screenshot


@pytest.fixture(scope="session")
def chromium_path() -> str:
    return CHROMIUM


Register = Callable[[], AbstractContextManager[Session]]


@pytest.fixture
def register(server: ServerProcess) -> Iterator[Register]:
    """The server process's own database (SQLite in its data dir), for what no page shows:
    a document's signed token as its QR code holds it, a revocation (no page revokes yet)."""
    engine = create_engine(f"sqlite:///{server.data_dir / 'adm.db'}")
    factory = sessionmaker(engine)

    @contextmanager
    def transaction() -> Iterator[Session]:
        with factory() as session, session.begin():
            yield session

    yield transaction
    engine.dispose()


# The demo staff account of each role (server/demo.py DEMO_STAFF).
DEMO_USERS = {"officer": "petugas", "admin": "admin", "technician": "teknisi"}
CONSOLE_PASSWORDS = "demo-console-passwords.txt"  # `adm-server demo` writes it in the data dir


def console_passwords(server: ServerProcess) -> dict[str, str]:
    """username -> console password, as `adm-server demo` wrote them."""
    lines = (server.data_dir / CONSOLE_PASSWORDS).read_text().splitlines()
    return {line.split()[0]: line.split()[2] for line in lines if line and line[0] != "#"}


LogIn = Callable[..., Page]


@pytest.fixture
def log_in(server: ServerProcess) -> LogIn:
    """log_in(page, "officer"): fill in the login form as that role's demo account would.

    Returns the page, on the role's home page. `password=` overrides the right one.
    """

    def log_in_as(page: Page, role: str, password: str | None = None) -> Page:
        username = DEMO_USERS.get(role, role)
        page.goto(server.url + "/console/login")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password or console_passwords(server)[username])
        with page.expect_navigation():
            page.click("form[action='/console/login'] button[type=submit]")
        return page

    return log_in_as


class KioskApi:
    """The demo kiosk's side of the API, each request signed with its credential as the kiosk
    signs it (kiosk/request_signing.py)."""

    def __init__(self, server: ServerProcess) -> None:
        self.url = server.url
        self.kiosk_id, _, self.secret = server.credential_file.read_text().strip().partition(":")

    def request(
        self, method: str, path: str, json_body: object = None, **headers: str
    ) -> requests.Response:
        body = b"" if json_body is None else json.dumps(json_body).encode()
        signed = authorization(self.kiosk_id, self.secret, method, path, body)
        all_headers = {"Authorization": signed, **headers}
        if json_body is not None:
            all_headers["Content-Type"] = "application/json"
        return requests.request(
            method, self.url + path, data=body or None, headers=all_headers, timeout=60
        )

    def post(self, path: str, json_body: object, **headers: str) -> requests.Response:
        return self.request("POST", path, json_body, **headers)

    def get(self, path: str) -> requests.Response:
        return self.request("GET", path)


@pytest.fixture
def kiosk_api(server: ServerProcess) -> KioskApi:
    return KioskApi(server)
