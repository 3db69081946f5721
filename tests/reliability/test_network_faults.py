"""Journeys through a line that goes down, slows and resets, and a server killed mid-request.

Runs proof/network.py at its short scale: the same invariants as the crash harness, and the
kiosk shows offline mode (its service state) and comes back online by itself.
"""

from __future__ import annotations

from proof import network


def test_a_bad_network_and_a_dying_server_lose_nothing_and_the_kiosk_recovers():
    figures = network.run("short")
    report = "\n".join(figures["violation_list"]) + f"\nseed {figures['seed']}"
    assert figures["violations"] == 0, report
    assert figures["journeys_completed"] > 0
    assert figures["server_kills"] > 0
    assert figures["proxy_down"] > 0 and figures["proxy_slow"] > 0 and figures["proxy_reset"] > 0
    assert figures["offline_shown"] > 0, "the kiosk never showed offline mode"
    assert figures["online_again"] > 0 and figures["online_at_end"], "no recovery seen"
    assert figures["applications_queued"] > 0
    assert figures["journey_errors"] == [], figures["journey_errors"]
