"""The technician in real headless Chromium, watching a real kiosk core with simulated devices.

The receipt printer simulator runs out of paper (devices/simulators); the kiosk reports it in
its next heartbeat (every second in tests/support.py's kiosk configuration) and the fleet page
shows the kiosk degraded with its paper out. Paper back: online again.
"""

from __future__ import annotations

import time

import pytest
from support import wait_until

DEMO_KIOSK = "ADM-7307-01"


def watch_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


@pytest.fixture
def history_every_second(monkeypatch: pytest.MonkeyPatch) -> None:
    """The server keeps a history sample every second (not every 5 min): a chart in seconds."""
    monkeypatch.setenv("ADM_CONSOLE_HEALTH_SAMPLE_SECONDS", "1")


def test_a_technician_sees_a_simulated_paper_out_within_a_heartbeat(
    history_every_second, page, server, sim, kiosk_core, log_in, screenshot
):
    errors = watch_errors(page)
    log_in(page, "technician")
    assert page.url.endswith("/console/tech")
    row = page.locator(f"tr[data-kiosk-id='{DEMO_KIOSK}']")

    def shown(attribute: str, value: str) -> bool:
        page.reload()
        return row.get_attribute(attribute) == value

    wait_until(lambda: shown("data-state", "online"), 15, what="the kiosk online")
    screenshot(page, "tech_fleet")

    sim.printer.paper = "empty"
    started = time.monotonic()
    wait_until(lambda: shown("data-paper", "out"), 5, interval=0.2, what="paper out")
    seen_after = time.monotonic() - started
    assert row.get_attribute("data-state") == "degraded"
    assert "habis" in row.inner_text()
    # One heartbeat is a second here: the kiosk asks its printer before each heartbeat.
    assert seen_after < 4, seen_after

    page.click(f"a[href='/console/tech/kiosks/{DEMO_KIOSK}']")
    assert page.inner_text("#kiosk-paper") == "habis"
    assert page.locator("tr[data-device=receipt]").get_attribute("data-state") == "error"
    assert page.locator("#counter-chart polyline").count() >= 1  # the receipt's counters
    assert "paper empty" in page.inner_text("#recent-errors")
    screenshot(page, "tech_kiosk")

    sim.printer.paper = "ok"
    page.goto(f"{server.url}/console/tech")
    wait_until(lambda: shown("data-state", "online"), 10, what="the kiosk online again")
    assert row.get_attribute("data-paper") == "ok"
    assert errors == []


def test_the_fleet_reads_on_a_phone(phone_page, server, log_in, screenshot):
    errors = watch_errors(phone_page)
    log_in(phone_page, "technician")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    assert DEMO_KIOSK in phone_page.inner_text("table")
    screenshot(phone_page, "tech_fleet_phone")
    assert errors == []
