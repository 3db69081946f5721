"""Coverage-guided fuzzing, short: every parser of outside bytes runs seconds under libFuzzer.

The long run is `.venv/bin/python -m proof fuzz` (proof/fuzz.py, SECONDS["long"] per target).
"""

from __future__ import annotations

from typing import Any

import pytest

from proof import fuzz
from proof.fuzz_targets import TARGETS

# The kinds of outside input the issue names; each must be fuzzed by at least one target.
ISSUE_KINDS = {
    "scanner lines",
    "QR payloads",
    "ESC/POS status replies",
    "config files",
    "API payloads",
}
# Inputs beyond the seeds a target must have run: proof that libFuzzer mutated, not only
# replayed the corpus. The slowest target (a request to the real app each) does a hundred
# and more a second even on a loaded 2-core machine; a target that did not start does 0.
MIN_MUTATED = 50


@pytest.fixture(scope="module")
def short_run() -> dict[str, Any]:
    return fuzz.run("short")


def test_every_kind_of_outside_input_the_issue_names_has_a_target():
    assert {target.covers for target in TARGETS.values()} >= ISSUE_KINDS


def test_every_target_has_seeds_to_start_from():
    for name in TARGETS:
        assert any((fuzz.CORPUS / name).iterdir()), name


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_target_ran_and_found_no_crash(short_run, name):
    found = short_run["targets"][name]

    seeds = len(list((fuzz.CORPUS / name).iterdir()))
    assert found["executions"] >= seeds + MIN_MUTATED, found
    assert found["coverage"] > 0, found
    assert found["crashes"] == 0, f"{name} crashed on: {found.get('crash_inputs')}"


def test_the_run_is_recorded_for_the_report(short_run):
    assert short_run["target_count"] == len(TARGETS)
    assert short_run["crashes"] == 0
    assert short_run["executions"] == sum(t["executions"] for t in short_run["targets"].values())
    assert short_run["summary"] and short_run["command"]


def test_the_harness_catches_a_planted_bug_and_keeps_its_input(tmp_path):
    # A parser that raises IndexError on "<a,b>": the run must fail it and keep that input,
    # or a zero-crash figure above would mean nothing.
    caught = fuzz.fuzz_target("canary", seconds=20, keep_dir=tmp_path)

    assert caught.crashes == 1, caught.log_tail
    (planted,) = caught.crash_inputs()
    assert planted.startswith(b"<") and planted.endswith(b">")
    assert planted[1:-1].count(b",") < 3
    assert caught.exit_code not in (0, None)
    assert caught.crash_files[0].parent == tmp_path
