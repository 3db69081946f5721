"""The harness itself: the system Chromium reaches the real server process."""

from __future__ import annotations

import json
import subprocess

import requests


def test_system_chromium_reads_what_the_server_process_serves(page, server):
    response = page.goto(server.url + "/api/v1/public/signing-keys")

    assert response is not None and response.status == 200
    shown = json.loads(page.inner_text("body"))
    assert shown == requests.get(server.url + "/api/v1/public/signing-keys", timeout=10).json()


def test_the_browser_is_the_system_chromium(browser, chromium_path):
    installed = subprocess.run(
        [chromium_path, "--version"], capture_output=True, text=True, check=True, timeout=30
    ).stdout

    assert browser.version in installed  # "Chromium 156.0.8078.79 built on Debian ..."


def test_log_in_fills_the_login_form_and_each_role_lands_on_its_home(browser, server, log_in):
    homes = {
        "officer": "/console/officer",
        "admin": "/console/admin/kiosks",
        "technician": "/console/tech",
    }
    for role, home in homes.items():
        context = browser.new_context()
        page = log_in(context.new_page(), role)

        assert page.url == server.url + home, role
        assert page.locator("form[action='/console/logout']").count() == 1
        context.close()


def test_log_in_with_a_wrong_password_stays_on_the_login_page(page, server, log_in):
    log_in(page, "officer", password="not-the-password")

    assert "/console/login" in page.url
    assert page.locator("form[action='/console/logout']").count() == 0
