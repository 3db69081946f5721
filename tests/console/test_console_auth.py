"""Logging in to the web console: sessions, CSRF, brute-force slowing and locking, language.

Each test runs `adm-server serve` as its own process on a free port (tests/conftest.py `server`)
and talks to it as a browser would, over HTTP with a cookie jar (tests/console_http.py). The
console's limits come from ADM_CONSOLE_* in the server's environment: tests that need them short
set them before the server starts (the fixture is listed before `server`).
"""

from __future__ import annotations

import subprocess
import time

import pytest
import requests
from console_http import (
    Browser,
    audit_actions,
    demo_passwords,
    has_security_headers,
    messages,
)
from support import BIN, STAFF_TOKEN


@pytest.fixture
def passwords(server) -> dict[str, str]:
    return demo_passwords(server.data_dir)


@pytest.fixture
def quick_lockout(monkeypatch: pytest.MonkeyPatch) -> None:
    """One free failure per username, then 1 s, 2 s; locked at the 4th, for 4 s."""
    for name, value in {
        "LOGIN_FREE_FAILURES": "1",
        "LOGIN_DELAY_SECONDS": "1",
        "LOGIN_LOCK_FAILURES": "4",
        "LOGIN_LOCK_SECONDS": "4",
        "LOGIN_IP_FREE_FAILURES": "5",
        "LOGIN_IP_LOCK_FAILURES": "7",
    }.items():
        monkeypatch.setenv(f"ADM_CONSOLE_{name}", value)


@pytest.fixture
def short_sessions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADM_CONSOLE_SESSION_IDLE_SECONDS", "2")
    monkeypatch.setenv("ADM_CONSOLE_SESSION_MAX_SECONDS", "5")


def kiosk_ids(server) -> list[str]:
    return sorted(k["id"] for k in server.staff_get("/api/v1/staff/kiosks").json())


def test_a_page_without_login_sends_to_the_login_page_and_back(server, passwords):
    browser = Browser(server.url)
    response = browser.get("/console/tech")
    assert response.status_code == 303
    assert response.headers["location"] == "/console/login?next=/console/tech"
    login_page = browser.follow(response)
    assert login_page.status_code == 200
    assert "Masuk ke konsol" in login_page.text  # Bahasa Indonesia unless asked otherwise
    assert has_security_headers(login_page)

    answer = browser.post(
        "/console/login",
        {"username": "teknisi", "password": passwords["teknisi"], "next": "/console/tech"},
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/console/tech"
    fleet = browser.follow(answer)
    assert fleet.status_code == 200
    assert "ADM-7307-01" in fleet.text


def test_each_role_lands_on_its_own_page(server, passwords):
    homes = {"admin": "/console/admin/kiosks", "teknisi": "/console/tech"}
    for username, home in homes.items():
        answer = Browser(server.url).login(username, passwords[username])
        assert answer.status_code == 303
        assert answer.headers["location"] == home


def test_the_session_cookie_is_http_only_same_site_and_rotated_at_login(server, passwords):
    browser = Browser(server.url)
    browser.http.cookies.set("adm_console", "planted-by-someone-else", domain="127.0.0.1")
    answer = browser.login("admin", passwords["admin"])
    cookie = answer.headers["set-cookie"]
    assert "adm_console=" in cookie
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie  # served over plain http here; over https it is Secure
    first = browser.session_cookie
    assert first and first != "planted-by-someone-else"

    # Logging in again gives a new session; the old id stops working.
    assert browser.login("admin", passwords["admin"]).status_code == 303
    second = browser.session_cookie
    assert second and second != first
    stale = Browser(server.url)
    stale.http.cookies.set("adm_console", first, domain="127.0.0.1")
    assert stale.get("/console/admin/kiosks").status_code == 303


def test_a_wrong_password_is_refused_audited_and_gives_no_session(server, passwords):
    browser = Browser(server.url)
    answer = browser.login("admin", "not-the-password")
    assert answer.status_code == 401
    assert messages(answer) == ["Nama pengguna atau kata sandi salah."]
    assert browser.session_cookie is None
    # An unknown username gets the same answer: nothing tells which usernames exist.
    unknown = Browser(server.url).login("nobody", "not-the-password")
    assert unknown.status_code == 401 and messages(unknown) == messages(answer)
    failed = audit_actions(server.data_dir, "console.login_failed")
    assert [(actor, subject) for actor, _, subject in failed] == [
        ("console", "admin"),
        ("console", "nobody"),
    ]


def test_repeated_failures_are_slowed_then_the_username_is_locked(quick_lockout, server, passwords):
    browser = Browser(server.url)
    assert browser.login("admin", "wrong-1").status_code == 401  # one free failure
    assert browser.login("admin", "wrong-2").status_code == 401  # now 1 s to wait
    # Too early: not even the right password is checked.
    early = browser.login("admin", passwords["admin"])
    assert early.status_code == 429
    assert "Tunggu 1 detik" in messages(early)[0]
    assert browser.session_cookie is None

    time.sleep(1.2)
    assert browser.login("admin", "wrong-3").status_code == 401  # now 2 s
    assert browser.login("admin", passwords["admin"]).status_code == 429
    time.sleep(2.2)
    locked = browser.login("admin", "wrong-4")
    assert locked.status_code == 429
    assert "dikunci sampai pukul" in messages(locked)[0]
    assert browser.login("admin", passwords["admin"]).status_code == 429
    assert browser.session_cookie is None
    assert ("console", "console.login_locked", "user:admin") in audit_actions(server.data_dir)

    # Another account from the same address is not locked out by it.
    assert Browser(server.url).login("teknisi", passwords["teknisi"]).status_code == 303

    time.sleep(4.2)  # the lock ends; the right password works and clears the count
    assert browser.login("admin", passwords["admin"]).status_code == 303


def test_one_address_guessing_many_usernames_is_locked_out(quick_lockout, server, passwords):
    browser = Browser(server.url)
    for i in range(5):  # five different usernames: no username reaches its own limit
        time.sleep(1.1 if i else 0)  # each username's own delay is not what stops this
        assert browser.login(f"tamu{i}", "guess").status_code == 401
    assert browser.login("tamu5", "guess").status_code == 401  # the 6th: 1 s for the address
    assert browser.login("petugas", passwords["petugas"]).status_code == 429
    time.sleep(1.2)
    locked = browser.login("tamu6", "guess")  # the 7th: the address is locked
    assert locked.status_code == 429 and "dikunci" in messages(locked)[0]
    assert browser.login("petugas", passwords["petugas"]).status_code == 429
    assert ("console", "console.login_locked", "ip:127.0.0.1") in audit_actions(server.data_dir)


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(server, passwords):
    browser = Browser(server.url)
    browser.login("admin", passwords["admin"])
    before = kiosk_ids(server)
    form = {"id": "ADM-7307-09", "name": "ADM Pasar Sentral", "location_id": ""}
    for token in (None, "", "x" * 43):
        data = dict(form) if token is None else dict(form, csrf_token=token)
        answer = browser.post("/console/admin/kiosks", data, csrf=False)
        assert answer.status_code == 403
        assert "tidak ada yang diubah" in messages(answer)[0]
    # Another session's token is no better.
    other = Browser(server.url)
    other.login("admin", passwords["admin"])
    other.get("/console/admin/kiosks")
    answer = browser.post("/console/admin/kiosks", dict(form, csrf_token=other.csrf), csrf=False)
    assert answer.status_code == 403
    assert kiosk_ids(server) == before
    # The same form with its own token goes through.
    browser.get("/console/admin/kiosks")
    assert browser.post("/console/admin/kiosks", form).status_code == 201
    assert "ADM-7307-09" in kiosk_ids(server)


def test_the_login_form_needs_its_own_csrf_token(server, passwords):
    browser = Browser(server.url)  # never opened the login page: no token cookie
    answer = browser.post(
        "/console/login", {"username": "admin", "password": passwords["admin"]}, csrf=False
    )
    assert answer.status_code == 403
    assert browser.session_cookie is None


def test_logout_ends_the_session_on_the_server(server, passwords):
    browser = Browser(server.url)
    browser.login("admin", passwords["admin"])
    browser.get("/console/admin/kiosks")
    session_id = browser.session_cookie
    assert browser.post("/console/logout", csrf=False).status_code == 403  # CSRF here too
    assert browser.get("/console/admin/kiosks").status_code == 200

    answer = browser.post("/console/logout")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/console/login?why=out"
    assert "Anda telah keluar." in messages(browser.follow(answer))
    # The id itself no longer opens anything, even if someone kept a copy.
    copy = Browser(server.url)
    copy.http.cookies.set("adm_console", session_id, domain="127.0.0.1")
    assert copy.get("/console/admin/kiosks").status_code == 303
    assert ("admin", "console.logout", "admin") in audit_actions(server.data_dir)


def test_an_idle_session_expires(short_sessions, server, passwords):
    browser = Browser(server.url)
    browser.login("teknisi", passwords["teknisi"])
    assert browser.get("/console/tech").status_code == 200
    time.sleep(2.5)
    answer = browser.get("/console/tech")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/console/login?next=/console/tech&why=expired"
    assert "Sesi Anda telah berakhir" in messages(browser.follow(answer))[0]


def test_a_busy_session_still_ends_after_its_longest_life(short_sessions, server, passwords):
    browser = Browser(server.url)
    browser.login("teknisi", passwords["teknisi"])
    started = time.monotonic()
    while time.monotonic() - started < 4.5:  # never idle for 2 s
        assert browser.get("/console/tech").status_code == 200
        time.sleep(0.8)
    time.sleep(max(0.0, 5.3 - (time.monotonic() - started)))
    assert browser.get("/console/tech").status_code == 303


def test_a_revoked_account_is_out_at_its_next_page(server, passwords):
    browser = Browser(server.url)
    browser.login("teknisi", passwords["teknisi"])
    assert browser.get("/console/tech").status_code == 200
    revoked = requests.post(
        f"{server.url}/api/v1/staff/accounts/teknisi/revoke",
        headers={"Authorization": f"Bearer {STAFF_TOKEN}"},
        timeout=10,
    )
    assert revoked.status_code == 200, revoked.text
    assert browser.get("/console/tech").status_code == 303
    assert Browser(server.url).login("teknisi", passwords["teknisi"]).status_code == 401


def test_the_language_switch_is_remembered_and_stays_on_this_site(server, passwords):
    browser = Browser(server.url)
    assert "Masuk ke konsol" in browser.get("/console/login").text
    switched = browser.get("/console/lang/en?next=/console/login")
    assert switched.status_code == 303 and switched.headers["location"] == "/console/login"
    assert "Log in to the console" in browser.follow(switched).text
    browser.login("teknisi", passwords["teknisi"])
    fleet = browser.get("/console/tech")
    assert "Kiosk fleet health" in fleet.text and 'lang="en"' in fleet.text
    # A link that tries to send the reader elsewhere comes back to the console.
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        away = browser.get("/console/lang/id", params={"next": target})
        assert away.headers["location"] == "/console"


def test_staff_password_command_sets_a_password_and_ends_old_sessions(server, passwords):
    browser = Browser(server.url)
    browser.login("petugas", passwords["petugas"])
    env = {"ADM_DATA_DIR": str(server.data_dir), "PATH": "/usr/bin:/bin"}
    short = subprocess.run(
        [BIN / "adm-server", "staff-password", "petugas", "--stdin"],
        input="short\n",
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert short.returncode == 1 and "at least 10 characters" in short.stderr
    assert Browser(server.url).login("petugas", passwords["petugas"]).status_code == 303

    done = subprocess.run(
        [BIN / "adm-server", "staff-password", "petugas", "--stdin"],
        input="kopi-tubruk-sinjai\n",
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert browser.get("/console").status_code == 303  # its session ended: to the login
    assert browser.get("/console").headers["location"].startswith("/console/login")
    assert Browser(server.url).login("petugas", passwords["petugas"]).status_code == 401
    assert Browser(server.url).login("petugas", "kopi-tubruk-sinjai").status_code == 303
    unknown = subprocess.run(
        [BIN / "adm-server", "staff-password", "siapa", "--stdin"],
        input="kopi-tubruk-sinjai\n",
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert unknown.returncode == 1 and "no staff account siapa" in unknown.stderr
