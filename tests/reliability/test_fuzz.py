"""Coverage-guided fuzzing, short: every parser of outside bytes runs seconds under libFuzzer.

The long run is `.venv/bin/python -m proof fuzz` (proof/fuzz.py, SECONDS["long"] per target).
"""

from __future__ import annotations

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
# replayed the corpus. The slowest target (server_answers: a loopback HTTP round trip per input)
# did 35 inputs from 4 seeds in its 2 s on the CI machine with the other pytest worker busy;
# a target that did not start does 0.
MIN_MUTATED = 15


def test_every_kind_of_outside_input_the_issue_names_has_a_target():
    assert {target.covers for target in TARGETS.values()} >= ISSUE_KINDS


def test_every_target_has_seeds_to_start_from():
    for name in TARGETS:
        assert any((fuzz.CORPUS / name).iterdir()), name


def test_every_target_ran_and_found_no_crash():
    # One test for the whole run: the run takes a minute, and on several pytest workers a
    # fixture shared by per-target tests would run it once per worker.
    run = fuzz.run("short")

    problems = []
    for name in sorted(TARGETS):
        found = run["targets"][name]
        seeds = len(list((fuzz.CORPUS / name).iterdir()))
        if found["executions"] < seeds + MIN_MUTATED or found["coverage"] <= 0:
            problems.append(f"{name} hardly ran: {found}")
        if found["crashes"]:
            problems.append(f"{name} crashed on: {found.get('crash_inputs')}")
    assert not problems, "\n".join(problems)
    assert run["target_count"] == len(TARGETS)
    assert run["executions"] == sum(t["executions"] for t in run["targets"].values())
    assert run["summary"] and run["command"]


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
