"""JSON-like values built from the fuzzer's bytes, so coverage guides what a C parser would hide.

``json.loads`` is C code atheris cannot see into: mutating JSON text mostly yields invalid
JSON and no new coverage. Building the value from the bytes instead lets each choice (a type,
a key, a number) be steered by the coverage of the Python code that reads the value.
"""

from __future__ import annotations

from typing import Any

SCALARS = (None, True, False, 0, 1, -1, 2**31, 10**30, 0.5, float("inf"), "", "x", "08:00")


def json_value(fdp: Any, keys: tuple[str, ...], depth: int = 0) -> Any:
    """Any JSON value; objects take their keys mostly from ``keys`` (the ones a reader reads)."""
    kind = fdp.ConsumeIntInRange(0, 7 if depth < 4 else 4)
    if kind == 0:
        return SCALARS[fdp.ConsumeIntInRange(0, len(SCALARS) - 1)]
    if kind == 1:
        return fdp.ConsumeInt(4)
    if kind == 2:
        return fdp.ConsumeRegularFloat()
    if kind in (3, 4):
        return fdp.ConsumeUnicode(fdp.ConsumeIntInRange(0, 24))
    if kind == 5:
        return [json_value(fdp, keys, depth + 1) for _ in range(fdp.ConsumeIntInRange(0, 4))]
    obj: dict[str, Any] = {}
    for _ in range(fdp.ConsumeIntInRange(0, 6)):
        if fdp.ConsumeIntInRange(0, 5):
            key = keys[fdp.ConsumeIntInRange(0, len(keys) - 1)]
        else:
            key = fdp.ConsumeUnicode(8)
        obj[key] = json_value(fdp, keys, depth + 1)
    return obj
