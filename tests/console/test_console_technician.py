"""Technician pages over HTTP: the fleet by state and paper, a kiosk's devices over time.

The kiosk's side is played by signed heartbeats with the demo kiosk's real credential, carrying
device reports shaped as kiosk/core.py sends them (tests/console/test_console_technician_kiosk.py
runs a real kiosk core with simulated devices instead).
"""

from __future__ import annotations

import re
import sqlite3
import time

import pytest
import requests
from console_http import Browser, audit_actions, demo_passwords, messages

from kiosk.request_signing import KioskAuth

DEMO_KIOSK = "ADM-7307-01"


@pytest.fixture
def quick_fleet(monkeypatch: pytest.MonkeyPatch) -> None:
    """Heartbeats every second (offline after 3 s); history sampled twice a second."""
    monkeypatch.setenv("ADM_KIOSK_HEARTBEAT_SECONDS", "1")
    monkeypatch.setenv("ADM_CONSOLE_HEALTH_SAMPLE_SECONDS", "0.5")


@pytest.fixture
def technician(server) -> Browser:
    browser = Browser(server.url)
    answer = browser.login("teknisi", demo_passwords(server.data_dir)["teknisi"])
    assert answer.status_code == 303
    return browser


@pytest.fixture
def kiosk(server) -> requests.Session:
    http = requests.Session()
    http.auth = KioskAuth(server.credential_file.read_text().strip())
    return http


def receipt(state: str = "idle", detail: str = "", lines: int = 0) -> dict:
    return {
        "name": "receipt",
        "kind": "receipt",
        "state": state,
        "detail": detail,
        "counters": {"lines_printed": lines, "cuts": lines // 10},
    }


SCANNER = {"name": "scanner", "kind": "scanner", "state": "idle", "detail": "", "counters": {}}


def beat(server, kiosk: requests.Session, *devices: dict) -> None:
    answer = kiosk.post(
        f"{server.url}/api/v1/kiosk/heartbeat",
        json={"app_version": "0.1.0", "config_version": 1, "devices": list(devices)},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text


def fleet_row(browser: Browser, kiosk_id: str = DEMO_KIOSK) -> tuple[str, str, str]:
    """(state, paper, devices not ready) as the fleet page shows the kiosk."""
    page = browser.get("/console/tech")
    assert page.status_code == 200
    found = re.search(
        rf'data-kiosk-id="{kiosk_id}" data-state="(\w+)" data-paper="(\w+)">(.*?)</tr>',
        page.text,
        re.S,
    )
    assert found, page.text
    problems = re.search(
        r"data-label=\"Perangkat bermasalah\"><div class=\"cell\">([^<]*)<", found.group(3)
    )
    return found.group(1), found.group(2), problems.group(1) if problems else ""


def test_the_fleet_shows_a_kiosk_by_region_online_degraded_or_out_of_paper(
    server, technician, kiosk
):
    assert fleet_row(technician)[0] == "offline"  # never heard from
    beat(server, kiosk, receipt(), SCANNER)
    assert fleet_row(technician) == ("online", "ok", "—")
    page = technician.get("/console/tech")
    assert "Wilayah <code>73.07.05</code>" in page.text
    assert "daring: 1" in page.text

    beat(server, kiosk, receipt(detail="paper_near_end /dev/pts/4"), SCANNER)
    assert fleet_row(technician) == ("degraded", "low", "—")

    beat(server, kiosk, receipt("error", "state error: paper empty"), SCANNER)
    assert fleet_row(technician) == ("degraded", "out", "receipt")
    summary = technician.get("/console/tech").text
    assert "terganggu: 1" in summary and "habis: 1" in summary

    offline_scanner = dict(SCANNER, state="offline", detail="offline /dev/ttyACM0")
    beat(server, kiosk, receipt(), offline_scanner)
    assert fleet_row(technician) == ("degraded", "ok", "scanner")


def test_a_silent_kiosk_turns_offline_after_three_heartbeat_intervals(
    quick_fleet, server, technician, kiosk
):
    beat(server, kiosk, receipt(), SCANNER)
    assert fleet_row(technician)[0] == "online"
    time.sleep(3.5)
    assert fleet_row(technician)[0] == "offline"


def test_the_kiosk_page_charts_counters_and_lists_recent_errors(
    quick_fleet, server, technician, kiosk
):
    for lines, state, detail in [
        (10, "idle", ""),
        (25, "error", "state error: paper empty"),
        (25, "error", "state error: paper empty"),
        (40, "idle", "state idle"),
    ]:
        beat(server, kiosk, receipt(state, detail, lines), SCANNER)
        time.sleep(1.3)  # the batched heartbeat write (~1 s), then a history sample

    page = technician.get(f"/console/tech/kiosks/{DEMO_KIOSK}")
    assert page.status_code == 200
    chart = re.search(r'<svg class="chart" id="counter-chart".*?</svg>', page.text, re.S)
    assert chart, "no counter chart"
    lines = re.search(r'points="([^"]+)" data-counter="lines_printed"', chart.group(0))
    points = [tuple(map(float, p.split(","))) for p in lines.group(1).split()]
    assert len(points) >= 4
    ys = [y for _, y in points]
    assert ys[0] > ys[-1]  # drawn upwards: 10 lines at first, 40 at last
    assert "lines_printed: 40" in page.text

    errors = re.search(r'id="recent-errors">.*?<tbody>(.*?)</tbody>', page.text, re.S).group(1)
    assert errors.count("<tr>") == 1  # one spell of paper out, however many samples saw it
    assert "state error: paper empty" in errors
    devices = re.search(r'id="devices">(.*?)</table>', page.text, re.S).group(1)
    assert 'data-device="receipt" data-state="idle"' in devices
    assert "lines_printed: 40" in devices


def test_history_keeps_a_sample_only_when_a_heartbeat_is_newer(quick_fleet, server, kiosk):
    beat(server, kiosk, receipt(lines=1))
    time.sleep(3)  # several sample rounds, one heartbeat
    with sqlite3.connect(server.data_dir / "adm.db") as db:
        [(count,)] = db.execute(
            "SELECT count(*) FROM kiosk_heartbeat_samples WHERE kiosk_id = ?", (DEMO_KIOSK,)
        ).fetchall()
    assert count == 1


def test_a_technician_requests_a_health_check_once(server, technician):
    page = technician.get(f"/console/tech/kiosks/{DEMO_KIOSK}")
    assert "Minta pemeriksaan kesehatan" in page.text
    for _ in range(2):
        answer = technician.post(f"/console/tech/kiosks/{DEMO_KIOSK}/health-check")
        assert answer.status_code == 303
        shown = technician.follow(answer)
    assert messages(shown) == ["Permintaan pemeriksaan kesehatan dicatat."]
    state = re.search(r'id="health-check-state"[^>]*>([^<]+)<', shown.text).group(1)
    assert state.startswith("Diminta oleh teknisi pada ")
    assert state.endswith("; menunggu detak anjungan.")
    with sqlite3.connect(server.data_dir / "adm.db") as db:
        rows = db.execute(
            "SELECT requested_by, delivered_at FROM kiosk_health_check_requests"
        ).fetchall()
    assert rows == [("teknisi", None)]  # asked twice while waiting: one request
    requests_seen = [
        entry
        for entry in audit_actions(server.data_dir, "kiosk.health_check_request")
        if entry[0] == "teknisi"
    ]
    assert len(requests_seen) == 2


def test_a_health_check_without_the_csrf_token_is_refused(server, technician):
    technician.get(f"/console/tech/kiosks/{DEMO_KIOSK}")
    answer = technician.post(f"/console/tech/kiosks/{DEMO_KIOSK}/health-check", csrf=False)
    assert answer.status_code == 403
    with sqlite3.connect(server.data_dir / "adm.db") as db:
        assert db.execute("SELECT count(*) FROM kiosk_health_check_requests").fetchone() == (0,)


def test_a_health_check_request_goes_out_with_every_heartbeat_answer_until_answered(
    server, technician, kiosk
):
    def ack() -> dict:
        answer = kiosk.post(
            f"{server.url}/api/v1/kiosk/heartbeat",
            json={"app_version": "0.1.0", "config_version": 1, "devices": [receipt()]},
            timeout=10,
        )
        assert answer.status_code == 200, answer.text
        return answer.json()

    assert ack()["health_check"] is False
    technician.get(f"/console/tech/kiosks/{DEMO_KIOSK}")
    technician.post(f"/console/tech/kiosks/{DEMO_KIOSK}/health-check")
    first, second = ack(), ack()
    assert first["health_check"] is True
    assert second["health_check_request"] == first["health_check_request"]  # until answered
    assert first["health_check_request"]["level"] == "external"
    page = technician.get(f"/console/tech/kiosks/{DEMO_KIOSK}")
    state = re.search(r'id="health-check-state"[^>]*>([^<]+)<', page.text).group(1)
    assert "; disampaikan ke anjungan pada " in state
    result = kiosk.post(
        f"{server.url}/api/v1/kiosk/health-checks/{first['health_check_request']['id']}/result",
        json={"checks": [{"device": "receipt", "ok": True, "text": {"id": "siap", "en": "ready"}}]},
        timeout=10,
    )
    assert result.status_code == 200, result.text
    assert ack()["health_check"] is False
    assert ack()["health_check_request"] is None
