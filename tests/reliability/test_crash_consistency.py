"""The kiosk SIGKILLed at every phase of print and apply journeys keeps every promise.

Runs proof/crash.py at its short scale: a real server, simulators, CUPS, a kiosk process
killed at random phases and restarted on the same data directory (proof/invariants.py).
"""

from __future__ import annotations

from proof import crash


def test_kills_at_every_phase_lose_nothing_and_print_nothing_twice():
    figures = crash.run("short")
    report = "\n".join(figures["violation_list"]) + f"\nseed {figures['seed']}"
    assert figures["violations"] == 0, report
    assert figures["kills"] > 0 and figures["restarts"] == figures["kills"]
    assert len([k for k in figures if k.startswith("kills_at_")]) >= 3, figures
    assert figures["journeys_completed"] > 0
    assert figures["applications_queued"] > 0
    assert figures["outcome_print_done"] > 0
    assert figures["journey_errors"] == [], figures["journey_errors"]
