"""Coverage-guided fuzzing (atheris + libFuzzer) of every parser that takes bytes from outside.

``run(scale)`` fuzzes each target of :mod:`proof.fuzz_targets` in its own process, one after
the other, for a bounded time ("short": a few seconds each, for ``make test``; "long": a
minute and more each, for ``make proof``), starting from the seeds in ``proof/corpus/<target>/``
(copied: the repository's seeds are never changed). Figures per target: executions, seconds,
coverage reached, and crashes (inputs libFuzzer saved because the target raised something other
than the parser's documented error, timed out or ran out of memory; must be 0).

One target by hand, as long as you like, or all of them:

    .venv/bin/python -m proof.fuzz scanner_lines --seconds 300
    .venv/bin/python -m proof.fuzz --all --seconds 120

A crash leaves its input in the artifacts folder named on the first line; replay it with
libFuzzer's own arguments after ``--``:

    .venv/bin/python -m proof.fuzz scanner_lines -- /tmp/.../crash-1234

Dictionaries of tokens (proof/corpus/dicts/) help libFuzzer splice in whole TOML/JSON values.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from proof import figures
from proof.fuzz_targets import TARGETS, target

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "proof" / "corpus"
SECONDS = {"short": 2, "long": 90}  # fuzzing time per target, setup not counted
# A target whose every input goes through the real app runs a few inputs a second, fewer on a
# loaded machine (7 in 2 s once in CI): the short run gives it time for a few dozen.
SHORT_SECONDS = {"server_answers": 12}
RSS_LIMIT_MB = 2048
INPUT_TIMEOUT = 10  # seconds one input may take before it is a hang
MAX_LEN = 8192  # bytes per input: a config file, a request body, several scanner lines
SCRATCH = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 - mkdtemp below
SETUP_ALLOWANCE = 90  # seconds a target may take to start (the server target builds an app)

_STAT = re.compile(r"^stat::(\w+):\s+(\d+)", re.MULTILINE)
_PROGRESS = re.compile(r"^#(\d+)\s+\w+\s+cov: (\d+) ft: (\d+)", re.MULTILINE)
_WRITTEN = re.compile(r"Test unit written to (\S+)")


@dataclass
class TargetResult:
    """What one target's run showed."""

    target: str
    covers: str
    seconds: float
    executions: int = 0
    coverage: int = 0  # libFuzzer's "cov": instrumented edges reached
    features: int = 0
    new_units: int = 0
    peak_rss_mb: int = 0
    exit_code: int | None = None
    crash_files: list[Path] = field(default_factory=list)
    log_tail: str = ""

    @property
    def crashes(self) -> int:
        return len(self.crash_files)

    def crash_inputs(self) -> list[bytes]:
        return [p.read_bytes() for p in self.crash_files]

    def figures(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "covers": self.covers,
            "executions": self.executions,
            "seconds": round(self.seconds, 1),
            "coverage": self.coverage,
            "crashes": self.crashes,
        }
        if self.crash_files:  # what to feed back: the input (cut short) and where it is kept
            found["crash_inputs"] = [repr(data[:200]) for data in self.crash_inputs()]
            found["crash_files"] = [str(path) for path in self.crash_files]
        return found


def fuzz_target(
    name: str, seconds: int, keep_dir: Path | None = None, extra: list[str] | None = None
) -> TargetResult:
    """Fuzz one target in a child process for ``seconds``; crashes are kept in ``keep_dir``."""
    spec = target(name)
    # In memory where the machine has /dev/shm: targets that write a file per input run 10x faster.
    work = Path(tempfile.mkdtemp(prefix=f"adm-fuzz-{name}-", dir=SCRATCH))
    corpus = work / "corpus"
    seeds = CORPUS / name
    if seeds.is_dir():
        shutil.copytree(seeds, corpus)
    else:
        corpus.mkdir()
    artifacts = keep_dir or (work / "artifacts")
    artifacts.mkdir(parents=True, exist_ok=True)
    scratch = work / "tmp"  # the child's files (config copies, a server's data): removed after
    scratch.mkdir()
    log_path = work / "libfuzzer.log"
    command = [
        sys.executable,
        "-m",
        "proof.fuzz",
        name,
        "--seconds",
        str(seconds),
        "--corpus",
        str(corpus),
        "--artifacts",
        str(artifacts),
        *(["--", *extra] if extra else []),
    ]
    started = time.monotonic()
    with open(log_path, "wb") as log:
        child = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**os.environ, "TMPDIR": str(scratch)},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            exit_code = child.wait(timeout=seconds + SETUP_ALLOWANCE)
        except subprocess.TimeoutExpired:
            exit_code = None  # the whole run hung: stopped, and reported as no executions
        finally:
            if child.poll() is None:
                os.killpg(child.pid, signal.SIGKILL)
                child.wait()
    result = TargetResult(name, spec.covers, time.monotonic() - started, exit_code=exit_code)
    output = log_path.read_text(errors="replace")
    _read_stats(output, result)
    result.crash_files = sorted(p for p in artifacts.iterdir() if p.is_file())
    result.log_tail = output[-3000:]
    shutil.rmtree(scratch, ignore_errors=True)
    if keep_dir is not None or not result.crash_files:  # else the crashes stay in work
        shutil.rmtree(work, ignore_errors=True)
    return result


def _read_stats(output: str, result: TargetResult) -> None:
    stats = {key: int(value) for key, value in _STAT.findall(output)}
    progress = _PROGRESS.findall(output)
    last = progress[-1] if progress else ("0", "0", "0")
    result.executions = stats.get("number_of_executed_units", int(last[0]))
    result.coverage, result.features = int(last[1]), int(last[2])
    result.new_units = stats.get("new_units_added", 0)
    result.peak_rss_mb = stats.get("peak_rss_mb", 0)


def run(scale: str, names: list[str] | None = None) -> dict[str, Any]:
    """Fuzz every target (or ``names``) at ``scale``; figures recorded for the report."""
    seconds = SECONDS[scale]
    results = [
        fuzz_target(name, SHORT_SECONDS.get(name, seconds) if scale == "short" else seconds)
        for name in names or list(TARGETS)
    ]
    found = run_figures(scale, results)
    figures.record("fuzz", scale, found)
    return found


def run_figures(scale: str, results: list[TargetResult]) -> dict[str, Any]:
    executions = sum(r.executions for r in results)
    crashes = sum(r.crashes for r in results)
    seconds = SECONDS[scale]
    return {
        "targets": {r.target: r.figures() for r in results},
        "target_count": len(results),
        "executions": executions,
        "crashes": crashes,
        "seconds": round(sum(r.seconds for r in results), 1),
        "seconds_per_target": seconds,
        "summary": (
            f"atheris fuzzed {len(results)} parsers of outside bytes for {seconds} s each: "
            f"{executions} inputs executed, {crashes} crashes."
        ),
        "command": ".venv/bin/python -m proof fuzz"
        if scale == "long"
        else ".venv/bin/python -m pytest -q tests/reliability/test_fuzz.py",
    }


# -- the child: one target under libFuzzer ------------------------------------------------------


def _child(args: argparse.Namespace) -> None:
    import atheris

    logging.disable(logging.CRITICAL)  # rejected input is logged by design; not worth the time
    spec = target(args.target)
    with atheris.instrument_imports(include=list(spec.instrument)):
        test_one = spec.setup()
    corpus = args.corpus
    if corpus is None:  # run by hand: a scratch copy of the seeds
        corpus = tempfile.mkdtemp(prefix=f"adm-fuzz-{args.target}-")
        if (CORPUS / args.target).is_dir():
            shutil.copytree(CORPUS / args.target, corpus, dirs_exist_ok=True)
    artifacts = args.artifacts or tempfile.mkdtemp(prefix=f"adm-fuzz-{args.target}-crashes-")
    Path(artifacts).mkdir(parents=True, exist_ok=True)
    libfuzzer = [
        sys.argv[0],
        f"-max_total_time={args.seconds}",
        f"-rss_limit_mb={RSS_LIMIT_MB}",
        f"-timeout={INPUT_TIMEOUT}",
        f"-max_len={MAX_LEN}",
        f"-artifact_prefix={Path(artifacts)}/",
        "-print_final_stats=1",
        *args.libfuzzer,
    ]
    dictionary = CORPUS / "dicts" / f"{spec.dictionary or args.target}.dict"
    if dictionary.is_file():
        libfuzzer.append(f"-dict={dictionary}")
    if not any(not a.startswith("-") for a in args.libfuzzer):
        libfuzzer.append(str(corpus))
    print(f"fuzzing {args.target} ({spec.parser}); crashes go to {artifacts}", flush=True)
    atheris.Setup(libfuzzer, test_one)
    atheris.Fuzz()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m proof.fuzz", description=__doc__)
    parser.add_argument("target", nargs="?", help=f"one of {', '.join(TARGETS)}")
    parser.add_argument("--seconds", type=int, default=SECONDS["long"])
    parser.add_argument("--corpus", help="corpus folder (default: a copy of the seeds)")
    parser.add_argument("--artifacts", help="where crashing inputs are written")
    parser.add_argument("--all", action="store_true", help="every target at --seconds, summed")
    args, rest = parser.parse_known_args(argv)
    args.libfuzzer = [a for a in rest if a != "--"]  # libFuzzer's own flags, or input files
    if args.target is not None and not args.all:
        _child(args)
        return
    results = [fuzz_target(name, args.seconds, extra=args.libfuzzer) for name in TARGETS]
    for result in results:
        print(
            f"{result.target:16} {result.executions:>9} executions {result.seconds:6.1f} s "
            f"cov {result.coverage:>5} crashes {result.crashes}"
        )
        for path in result.crash_files:
            print(f"    crash input: {path}")


if __name__ == "__main__":
    main()
