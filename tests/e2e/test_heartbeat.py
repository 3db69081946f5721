"""The office sees a kiosk's receipt paper run out within one heartbeat, without a citizen."""

from __future__ import annotations

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
