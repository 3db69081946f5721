"""docs/reliability.md, written from the figures the parts recorded (proof/figures.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from proof.figures import ROOT, recorded

REPORT = ROOT / "docs" / "reliability.md"

# The order of the report, with the heading each part gets.
PARTS: dict[str, str] = {
    "crash": "Crash consistency: the kiosk killed mid-journey",
    "network": "Network faults: server down, slow and restarted mid-request",
    "device_faults": "Device faults during journeys",
    "fuzz": "Coverage-guided fuzzing of every parser of outside bytes",
    "hostile": "Hostile input: uploads, traversal and injection strings",
    "authz": "Authorisation matrix",
    "load": "Load: simulated kiosks against one and two server processes",
    "soak": "Soak: many sessions of the kiosk app",
}

INTRO = """\
# Reliability: proof under fire

What the harnesses under `proof/` observed when they faulted, fuzzed, loaded and soaked ADM on
real parts: the real server on a real port, the kiosk core as its own process, simulated devices
on real pseudo-terminals, CUPS with its cups-pdf queue, PostgreSQL. `make test` runs every part at
its short scale and fails on any violation; `make proof` runs the long scale and rewrites this
file. Figures that count what must never happen end in a mark: ✅ when zero, ❌ otherwise.

Regenerate: `make proof` (all parts, long; about an hour and a half on two cores), or one part:
`.venv/bin/python -m proof crash` (`--scale short` for the quick version).
"""


# Figures that count what must never happen (matched on the end of the figure's name).
MUST_BE_ZERO = (
    "violations",
    "crashes",
    "mismatches",
    "server_errors",
    "server_errors_5xx",
    "unescaped_renderings",
    "files_created_outside",
    "unmasked_niks_in_logs",
    "passwd_leaks",
    "forged_log_lines",
    "operations_without_rule",
    "rules_without_operation",
)


def flatten(figures: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """Nested figures as (dotted.name, value) rows, in the order the part gave them."""
    rows: list[tuple[str, Any]] = []
    for name, value in figures.items():
        if name in ("summary", "command"):
            continue
        key = f"{prefix}{name}"
        if isinstance(value, dict):
            rows += flatten(value, key + ".")
        else:
            rows.append((key, value))
    return rows


def must_be_zero(name: str) -> bool:
    last = name.rsplit(".", 1)[-1]
    return last == "failed" or last.endswith(MUST_BE_ZERO)


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def shown(name: str, value: Any) -> str:
    if isinstance(value, float):
        text = f"{value:,.3g}" if abs(value) < 100 else f"{value:,.0f}"
    elif is_number(value):
        text = f"{value:,}"
    elif isinstance(value, list):
        text = ", ".join(str(v) for v in value) or "none"
    else:
        text = str(value)
    if must_be_zero(name) and is_number(value):
        text += " ✅" if value == 0 else " ❌"
    return text.replace("|", "\\|")


def is_collection(value: Any) -> bool:
    """Figures of several like things (targets, configurations): a dict of dicts."""
    return (
        isinstance(value, dict) and bool(value) and all(isinstance(v, dict) for v in value.values())
    )


def table(name: str, items: dict[str, dict[str, Any]]) -> list[str]:
    """One table for a collection: a row per item when there are many, else a column each."""
    flat = {item: dict(flatten(figures)) for item, figures in items.items()}
    fields = list(dict.fromkeys(field for row in flat.values() for field in row))
    lines = [f"**{name}**", ""]
    if len(items) > len(fields):
        lines += [f"| {name} | " + " | ".join(fields) + " |", "|---" * (len(fields) + 1) + "|"]
        for item, row in flat.items():
            cells = [shown(f, row[f]) if f in row else "" for f in fields]
            lines.append(f"| {item} | " + " | ".join(cells) + " |")
    else:
        lines += ["| figure | " + " | ".join(flat) + " |", "|---" * (len(flat) + 1) + "|"]
        for field in fields:
            cells = [shown(field, row[field]) if field in row else "" for row in flat.values()]
            lines.append(f"| {field} | " + " | ".join(cells) + " |")
    return lines + [""]


def section(title: str, entry: dict[str, Any] | None, part: str) -> str:
    if entry is None:
        return f"## {title}\n\nNot run yet: `.venv/bin/python -m proof {part}`.\n"
    figures = entry["figures"]
    lines = [f"## {title}", ""]
    if figures.get("summary"):
        lines += [str(figures["summary"]), ""]
    command = figures.get("command") or f".venv/bin/python -m proof {part}"
    lines += [
        f"Scale **{entry['scale']}**, run {entry['when']} on {entry['machine']}.",
        f"Command: `{command}`",
        "",
        "| figure | value |",
        "|---|---|",
    ]
    plain = {k: v for k, v in figures.items() if not is_collection(v)}
    lines += [f"| {name} | {shown(name, value)} |" for name, value in flatten(plain)]
    lines.append("")
    for name, value in figures.items():
        if is_collection(value):
            lines += table(name, value)
    return "\n".join(lines)


def failures(entries: dict[str, dict[str, Any]]) -> list[str]:
    """Every must-be-zero figure that is not zero, as 'part: name = value'."""
    bad = []
    for part, entry in entries.items():
        for name, value in flatten(entry["figures"]):
            if must_be_zero(name) and is_number(value) and value:
                bad.append(f"{part}: {name} = {value}")
    return bad


def write(path: Path = REPORT) -> Path:
    entries = recorded()
    parts = list(PARTS) + sorted(set(entries) - set(PARTS))
    body = [INTRO]
    body += [section(PARTS.get(part, part), entries.get(part), part) for part in parts]
    bugs = regression_tests()
    body.append("## Bugs the harnesses found\n")
    body.append(
        "Each is fixed and has a regression test named for it under `tests/reliability/`:\n"
        if bugs
        else "None yet.\n"
    )
    body.append("\n".join(f"- `{test}`: {doc}" for test, doc in bugs) + "\n")
    path.write_text("\n".join(body))
    return path


def regression_tests() -> list[tuple[str, str]]:
    """The bugs the harnesses found: (test file::name, first line of its docstring)."""
    import ast

    found = []
    for path in sorted((ROOT / "tests" / "reliability").glob("test_regressions_*.py")):
        tree = ast.parse(path.read_text())
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_regression"):
                # the docstring's first paragraph, else what the name says
                doc = (ast.get_docstring(node) or "").strip().split("\n\n")[0]
                named = node.name.removeprefix("test_regression_").replace("_", " ")
                found.append((f"{path.name}::{node.name}", " ".join(doc.split()) or named))
    return found
