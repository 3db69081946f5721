"""`python -m proof [PART ...] [--scale short|long]`: run the parts, then write the report.

With no PART every part runs, in the report's order. A part that raises is reported with its
error and the others still run; the exit status is 1 when any part failed or any figure that
must be zero is not.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
import time
import traceback

from proof import report
from proof.figures import record, recorded


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m proof", description=__doc__)
    parser.add_argument("parts", nargs="*", metavar="PART", help=", ".join(report.PARTS))
    parser.add_argument("--scale", choices=("short", "long"), default="long")
    parser.add_argument("--report-only", action="store_true", help="only rewrite the report")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    unknown = set(args.parts) - set(report.PARTS)
    if unknown:
        parser.error(f"unknown part(s) {sorted(unknown)}; the parts are {list(report.PARTS)}")
    failed = []
    for part in [] if args.report_only else args.parts or list(report.PARTS):
        started = time.monotonic()
        print(f"proof: {part} ({args.scale}) ...", flush=True)
        try:
            figures = importlib.import_module(f"proof.{part}").run(args.scale)
        except Exception as exc:  # noqa: BLE001 (one broken part must not hide the others)
            traceback.print_exc()
            failed.append(part)
            record(part, args.scale, {"summary": f"The run failed: {exc!r}", "failed": 1})
            continue
        print(f"proof: {part} done in {time.monotonic() - started:.0f} s: {figures}", flush=True)
    path = report.write()
    bad = report.failures(recorded())
    print(f"proof: wrote {path}")
    for line in bad:
        print(f"proof: MUST BE ZERO: {line}")
    return 1 if failed or bad else 0


if __name__ == "__main__":
    sys.exit(main())
