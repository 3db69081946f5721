"""Simulated kiosks against 1 and 2 server processes on SQLite and PostgreSQL: nothing fails,
and a signed request one process took is refused by the other.

One test over the whole short run: on several pytest workers a module fixture shared by
several tests would run the load once per worker.
"""

from __future__ import annotations

from proof import load

FLOOR_PER_CONFIG = 100  # requests a few seconds of 8 kiosks make even on a loaded 2-core machine


def test_every_configuration_carries_the_load_and_two_processes_refuse_each_others_replays():
    figures = load.run("short")

    ran = {(c["engine"], c["processes"]) for c in figures["configurations"].values()}
    expected = {(c.engine, c.processes) for c in load.SCALES["short"].configs}
    assert ran == expected, figures["skipped"]
    for config in figures["configurations"].values():
        assert config["requests"] > FLOOR_PER_CONFIG, config
        assert set(config["requests_by_kind"]) == {
            "heartbeat",
            "resolve",
            "claim",
            "confirm",
            "application",
        }, config
        # only the admission limit's intended "busy" may fail a request
        assert config["errors"] == 0, config["error_samples"]
        assert config["servers_alive_at_end"]
        assert config["p99_ms"] > 0 and config["rate_per_s"] > 0

    [two] = [c for c in figures["configurations"].values() if c["processes"] == 2]
    # a claim taken by one process is refused as a replay by the other
    assert two["claim_replay_first_status"] == 201
    assert two["claim_replay_other_process"] == "401 replayed"
    # a heartbeat replayed to the other process is refused once it has read the mark
    assert two["heartbeat_replay_first_status"] == 200
    assert two["heartbeat_replay_other_process_after_window"] == "401 replayed"
