"""The staff admin in real headless Chromium, with a real kiosk core process on the other end.

The admin logs in, creates a location, enrols a new kiosk (its code shown as a QR code), and
moves the running demo kiosk (`adm-kiosk core` with simulated devices, tests/conftest.py
`kiosk_core`) to the new location; the kiosk fetches its new configuration at its next
heartbeat, and the console says "diterapkan" (applied). Pages run under the console's
Content-Security-Policy; any error the browser reports fails the test.
"""

from __future__ import annotations

import json
import re

from support import wait_until

DEMO_KIOSK = "ADM-7307-01"


def watch_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def test_admin_creates_a_location_enrols_a_kiosk_and_moves_a_running_one(
    tmp_path, page, server, kiosk_core, log_in, screenshot
):
    errors = watch_errors(page)
    page.goto(f"{server.url}/console/login")
    screenshot(page, "login")
    log_in(page, "admin")
    assert page.url.endswith("/console/admin/kiosks")

    def applied() -> bool:
        page.goto(f"{server.url}/console/admin/kiosks/{DEMO_KIOSK}")
        return "diterapkan" in page.inner_text("#config-state")

    wait_until(applied, 15, what="the running kiosk to report its configuration")

    # A new location with its hours and services.
    page.click("a[href='/console/admin/locations']")
    page.click("a[href='/console/admin/locations/new']")
    page.fill("input[name=name]", "Pasar Sentral Sinjai")
    page.fill("input[name=address]", "Jl. Jend. Sudirman, Balangnipa")
    page.fill("input[name=region_code]", "73.07.05")
    page.fill("input[name=latitude]", "-5.1302")
    page.fill("input[name=longitude]", "120.2561")
    for day in ("mon", "tue", "wed", "thu"):
        page.fill(f"input[name=open_{day}]", "08:00")
        page.fill(f"input[name=close_{day}]", "15:00")
    page.fill("input[name=open_fri]", "08:00")
    page.fill("input[name=close_fri]", "11:30")
    page.check("input[name=services][value=akta_kelahiran]")
    page.check("input[name=services][value=perubahan_kk]")
    screenshot(page, "admin_location_form")
    with page.expect_navigation():
        page.click("form button[type=submit].primary")
    assert page.inner_text("[role=status]") == "Lokasi ditambahkan."
    assert "Pasar Sentral Sinjai" in page.inner_text("table")
    screenshot(page, "admin_locations")

    # Enrol a new kiosk: its one-time code, as text and as a QR code.
    page.click("a[href='/console/admin/kiosks']")
    page.fill("input[name=id]", "ADM-7307-02")
    page.fill("input[name=name]", "ADM Pasar Sentral")
    page.select_option("select[name=location_id]", label="Pasar Sentral Sinjai (73.07.05)")
    with page.expect_navigation():
        page.click("#enrol button[type=submit]")
    code = page.inner_text("#enrolment-code")
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", code)
    qr = page.locator("img.qr")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 200")
    screenshot(page, "admin_enrolment")

    # Move the running kiosk to the new location.
    page.goto(f"{server.url}/console/admin/kiosks/{DEMO_KIOSK}")
    page.select_option(
        "form[action$='/location'] select[name=location_id]",
        label="Pasar Sentral Sinjai (73.07.05)",
    )
    with page.expect_navigation():
        page.click("form[action$='/location'] button[type=submit]")
    assert "menyelesaikan sesi warga" in page.inner_text("[role=status]")
    assert "menunggu" in page.inner_text("#config-state")

    wait_until(applied, 15, what="the kiosk to apply the new configuration")
    screenshot(page, "admin_kiosk")
    stored = json.loads((tmp_path / "kiosk" / "server-config.json").read_text())
    assert stored["location"]["name"] == "Pasar Sentral Sinjai"
    assert sorted(s["code"] for s in stored["services"]) == ["akta_kelahiran", "perubahan_kk"]
    assert errors == []


def test_the_kiosk_list_reads_on_a_phone(phone_page, server, log_in, screenshot):
    errors = watch_errors(phone_page)
    log_in(phone_page, "admin")
    assert phone_page.url.endswith("/console/admin/kiosks")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    assert DEMO_KIOSK in phone_page.inner_text("table")
    screenshot(phone_page, "admin_kiosks_phone")
    assert errors == []
