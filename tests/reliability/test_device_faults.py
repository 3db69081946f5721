"""Device faults during print journeys on a real kiosk process: nothing counted that did not
print, nothing printed twice, the code prints once the fault clears, and adm-diag names it.

One test over the whole short run: on several pytest workers a module fixture shared by
several tests would run the journeys once per worker.
"""

from __future__ import annotations

from proof import device_faults


def test_every_device_fault_is_survived_told_and_named_by_adm_diag():
    figures = device_faults.run("short")

    # every fault kind was injected during a journey
    kinds = {fault.kind for fault in device_faults.FAULTS}
    assert figures["faults_by_kind"] == {kind: 1 for kind in kinds}, figures["skipped_for_time"]
    assert figures["journeys"] == len(kinds)
    assert figures["kiosk_alive_at_end"]

    # no journey broke an invariant
    assert figures["violations"] == 0, figures["violation_details"]

    # faults that stop printing failed the pickup, the others did not
    expected = {
        f"{fault.kind}: {'print_failed' if fault.stops_printing else 'print_done'}": 1
        for fault in device_faults.FAULTS
    }
    assert figures["outcomes_during_fault"] == expected

    # adm-diag named each fault while it lasted, and not after
    assert figures["diag_named"] == figures["diag_named_of"] > 0, figures["diag_not_named"]
    assert figures["diag_cleared"] == figures["faults_injected"]
