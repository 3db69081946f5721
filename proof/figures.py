"""Figures a part measured, kept as JSON under ``var/proof/`` until the report is written."""

from __future__ import annotations

import json
import platform
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
FIGURES_DIR = ROOT / "var" / "proof"


def machine() -> str:
    """The machine the figures came from, for the reader to judge them by."""
    cpus = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    return f"{platform.node() or 'unknown host'}, {cpus} CPU, Python {platform.python_version()}"


def record(part: str, scale: str, figures: dict[str, Any]) -> Path:
    """Keep ``figures`` of ``part`` at ``scale``; the newest run replaces the older one of that
    part and scale (a short run in ``make test`` never hides the long run's figures)."""
    FIGURES_DIR.mkdir(parents=True, exist_ok=True)
    path = FIGURES_DIR / f"{part}.{scale}.json"
    entry = {
        "part": part,
        "scale": scale,
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "figures": figures,
    }
    path.write_text(json.dumps(entry, indent=2, sort_keys=True) + "\n")
    return path


def recorded() -> dict[str, dict[str, Any]]:
    """Every part's entry by part name: its long run if there is one, else its short run."""
    if not FIGURES_DIR.is_dir():
        return {}
    entries: dict[str, dict[str, Any]] = {}
    for scale in ("short", "long"):  # long last: it wins
        for path in sorted(FIGURES_DIR.glob(f"*.{scale}.json")):
            entries[path.name.removesuffix(f".{scale}.json")] = json.loads(path.read_text())
    return entries
