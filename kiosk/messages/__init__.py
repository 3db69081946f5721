"""The kiosk's texts, one module per flow, each with a ``MESSAGES`` dict: key -> {"id", "en"}.

Every module in this package is merged into :data:`kiosk.i18n.MESSAGES` at import; a key
defined twice is an error at start, not a surprise on screen. Add a flow's texts as a new
module here (no list to edit); tests/kiosk/test_i18n.py checks both languages are complete.
"""

from __future__ import annotations

import importlib
import pkgutil

Catalogue = dict[str, dict[str, str]]


def collect() -> Catalogue:
    """All texts of all modules of this package, refusing duplicate keys."""
    merged: Catalogue = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        messages: Catalogue = getattr(module, "MESSAGES", {})
        for key, entry in messages.items():
            if key in merged:
                raise ValueError(f"message key {key!r} defined twice (again in {info.name})")
            merged[key] = entry
    return merged
