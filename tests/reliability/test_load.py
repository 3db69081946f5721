"""Simulated kiosks against 1 and 2 server processes on SQLite and PostgreSQL: nothing fails,
and a signed request one process took is refused by the other."""

from __future__ import annotations

import pytest

from proof import load

FLOOR_PER_CONFIG = 100  # requests a few seconds of 8 kiosks make even on a loaded 2-core machine


@pytest.fixture(scope="module")
def figures():
    return load.run("short")


def test_every_configuration_ran_and_answered_without_errors(figures):
    ran = {(c["engine"], c["processes"]) for c in figures["configurations"].values()}
    assert ran == {(c.engine, c.processes) for c in load.SCALES["short"].configs}, figures[
        "skipped"
    ]
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


def test_a_claim_taken_by_one_process_is_refused_as_a_replay_by_the_other(figures):
    [two] = [c for c in figures["configurations"].values() if c["processes"] == 2]
    assert two["claim_replay_first_status"] == 201
    assert two["claim_replay_other_process"] == "401 replayed"


def test_a_heartbeat_replayed_to_the_other_process_is_refused_once_it_read_the_mark(figures):
    [two] = [c for c in figures["configurations"].values() if c["processes"] == 2]
    assert two["heartbeat_replay_first_status"] == 200
    assert two["heartbeat_replay_other_process_after_window"] == "401 replayed"
