"""A technician's remote health check, end to end: console form -> heartbeat answer -> the kiosk
runs its device checks -> reports them -> the technician's kiosk page shows each device.

Real parts only: `adm-server serve` (tests/conftest.py `server`), `adm-kiosk core` as its own
process with the simulated scanner and receipt printer on real ptys (`sim`, `kiosk_core`) and
the real CUPS queue for A4; the console is driven over HTTP with its session cookie and CSRF
token, as a browser does (tests/console_http.py).
"""

from __future__ import annotations

import re
import sqlite3
import subprocess

import pytest
import requests
from console_http import Browser, demo_passwords
from support import BIN, wait_until, write_kiosk_config

from kiosk.request_signing import KioskAuth

DEMO_KIOSK = "ADM-7307-01"
PAGE = f"/console/tech/kiosks/{DEMO_KIOSK}"


@pytest.fixture
def technician(server) -> Browser:
    browser = Browser(server.url)
    answer = browser.login("teknisi", demo_passwords(server.data_dir)["teknisi"])
    assert answer.status_code == 303
    return browser


def request_check(technician: Browser, level: str | None = None) -> None:
    technician.get(PAGE)  # the form's CSRF token
    answer = technician.post(f"{PAGE}/health-check", {"level": level} if level else {})
    assert answer.status_code == 303, answer.text[:500]


def check_state(page: str) -> str:
    found = re.search(r'id="health-check-state" data-state="(\w+)"', page)
    return found.group(1) if found else ""


def results(page: str) -> dict[str, tuple[bool, str, str]]:
    """device -> (ok, text, checked at) as the kiosk page's result table shows them."""
    rows = re.findall(
        r'<tr data-device="([^"]+)" data-ok="(true|false)">(.*?)</tr>', page, flags=re.S
    )
    shown = {}
    for device, ok, cells in rows:
        texts = re.findall(r'<div class="cell">(.*?)</div>', cells, flags=re.S)
        shown[device] = (ok == "true", re.sub(r"<[^>]+>", "", texts[2]), texts[3])
    return shown


def reported_page(technician: Browser, timeout: float) -> str:
    def reported() -> str:
        page = technician.get(PAGE).text
        return page if check_state(page) == "reported" else ""

    return wait_until(reported, timeout, interval=0.5, what="the kiosk's health check result")


def in_english(technician: Browser) -> str:
    technician.get(f"/console/lang/en?next={PAGE}")
    return technician.get(PAGE).text


def test_a_technician_requests_a_check_and_sees_each_devices_result(
    server, sim, kiosk_core, technician
):
    request_check(technician)  # the default level: external (an A4 test page on CUPS)
    waiting = technician.get(PAGE).text
    assert check_state(waiting) in ("waiting", "delivered")
    assert results(waiting) == {}

    page = reported_page(technician, 60)  # heartbeats every second; the test page takes a few
    shown = results(page)
    assert set(shown) == {"scanner", "receipt", "a4"}
    assert all(ok for ok, _, _ in shown.values()), shown
    assert "siap" in shown["receipt"][1]
    assert "Cetak uji pada printer A4" in shown["a4"][1], shown["a4"]  # the external level
    assert len({at for _, _, at in shown.values()}) == 1 and shown["receipt"][2]  # one time
    state = re.search(r'id="health-check-state"[^>]*>([^<]+)<', page).group(1)
    assert "tingkat eksternal" in state and "hasil dilaporkan anjungan pada" in state

    english = in_english(technician)
    assert "the kiosk reported the result at" in english
    assert "ready" in results(english)["receipt"][1]

    # Answered: later heartbeats carry no request, the kiosk runs nothing more.
    with sqlite3.connect(server.data_dir / "adm.db") as db:
        [(count, reported)] = db.execute(
            "SELECT count(*), count(reported_at) FROM kiosk_health_check_requests"
        ).fetchall()
    assert (count, reported) == (1, 1)


def test_with_the_receipt_paper_out_the_result_names_the_paper_fault(
    server, sim, kiosk_core, technician
):
    sim.printer.paper = "empty"
    request_check(technician, "internal")
    shown = results(reported_page(technician, 30))
    ok, text, _ = shown["receipt"]
    assert not ok
    assert "kertas habis" in text, text
    assert shown["scanner"][0] and shown["a4"][0]  # only the receipt printer is at fault
    assert 'class="badge error">bermasalah<' in technician.get(PAGE).text

    english = results(in_english(technician))
    assert not english["receipt"][0]
    assert "out of paper" in english["receipt"][1]


def test_a_request_whose_heartbeat_answer_is_lost_still_reaches_the_kiosk(
    tmp_path, server, sim, technician
):
    """The answer that carries the request is taken by someone else (a replay, or an answer lost
    on the way): the request stays in every answer until the real kiosk reports its result."""
    request_check(technician, "internal")
    thief = requests.Session()
    thief.auth = KioskAuth(server.credential_file.read_text().strip())

    def beat() -> dict:
        answer = thief.post(f"{server.url}/api/v1/kiosk/heartbeat", json={}, timeout=10)
        assert answer.status_code == 200, answer.text
        return answer.json()

    taken = beat()["health_check_request"]
    assert taken is not None and taken["level"] == "internal"
    assert beat()["health_check_request"] == taken  # not swallowed by the first answer
    assert check_state(technician.get(PAGE).text) == "delivered"

    config = write_kiosk_config(tmp_path, server, sim)
    with open(tmp_path / "kiosk.err", "w") as log:
        kiosk = subprocess.Popen(
            [BIN / "adm-kiosk", "core", "--config", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
    try:
        shown = results(reported_page(technician, 30))
    finally:
        kiosk.terminate()
        kiosk.wait(timeout=15)
    assert set(shown) == {"scanner", "receipt", "a4"}
    assert beat()["health_check_request"] is None  # answered: no longer handed out
    err = (tmp_path / "kiosk.err").read_text()
    assert f"health check {taken['id']} reported" in err
    assert err.count(f"health check {taken['id']} (internal) requested") == 1  # run once
