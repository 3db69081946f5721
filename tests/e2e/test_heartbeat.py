"""The office sees a kiosk's receipt paper run out within one heartbeat, without a citizen."""

from __future__ import annotations

import json

from support import wait_until


def receipt_state(server) -> str | None:
    fleet = server.staff_get("/api/v1/staff/kiosks").json()
    [kiosk] = [k for k in fleet if k["id"] == "ADM-7307-01"]
    devices = {d["name"]: d for d in kiosk["devices"]}
    return devices.get("receipt", {}).get("state")


def test_paper_out_reaches_the_fleet_view_within_a_heartbeat(server, sim, kiosk_core):
    wait_until(lambda: receipt_state(server) == "idle", 10, what="a first heartbeat")
    sim.printer.paper = "empty"
    wait_until(lambda: receipt_state(server) == "error", 5, what="paper out in the fleet view")
    sim.printer.paper = "ok"
    wait_until(lambda: receipt_state(server) == "idle", 5, what="the printer back to idle")


def test_the_kiosk_runs_the_configuration_the_office_set_and_says_so(tmp_path, server, kiosk_core):
    def applied() -> bool:
        view = server.staff_get("/api/v1/staff/kiosks/ADM-7307-01").json()
        return view["config_version_applied"] == view["config_version"] > 0

    wait_until(applied, 10, what="the kiosk to report the configuration version it runs")
    stored = json.loads((tmp_path / "kiosk" / "server-config.json").read_text())
    assert stored["location"]["name"] == "Kantor Kecamatan Sinjai Utara"
    assert "akta_kelahiran" in [s["code"] for s in stored["services"]]
