"""bench/gen_doc_set.py (bench/ is no package), loaded once for the document-capture tests.

It draws papers on tables with known corners; the tests use the same scenes the corner bench
measures. (A tests/kiosk/vision/ folder would shadow the kiosk.vision package under pytest's
importlib mode, so these tests live in tests/kiosk/ and load the generator from here.)
"""

from __future__ import annotations

import functools
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]


@functools.cache
def docgen() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_doc_set", ROOT / "bench" / "gen_doc_set.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module
