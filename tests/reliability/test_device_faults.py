"""Device faults during print journeys on a real kiosk process: nothing counted that did not
print, nothing printed twice, the code prints once the fault clears, and adm-diag names it."""

from __future__ import annotations

import pytest

from proof import device_faults


@pytest.fixture(scope="module")
def figures():
    return device_faults.run("short")


def test_every_fault_kind_was_injected_during_a_journey(figures):
    kinds = {fault.kind for fault in device_faults.FAULTS}
    assert figures["faults_by_kind"] == {kind: 1 for kind in kinds}, figures["skipped_for_time"]
    assert figures["journeys"] == len(kinds)
    assert figures["kiosk_alive_at_end"]


def test_no_journey_broke_an_invariant(figures):
    assert figures["violations"] == 0, figures["violation_details"]


def test_faults_that_stop_printing_failed_the_pickup_and_the_others_did_not(figures):
    expected = {
        f"{fault.kind}: {'print_failed' if fault.stops_printing else 'print_done'}": 1
        for fault in device_faults.FAULTS
    }
    assert figures["outcomes_during_fault"] == expected


def test_adm_diag_named_each_fault_while_it_lasted_and_not_after(figures):
    assert figures["diag_named"] == figures["diag_named_of"] > 0, figures["diag_not_named"]
    assert figures["diag_cleared"] == figures["faults_injected"]
