"""Proof under fire: the harnesses that fault, fuzz, load and soak ADM, and the report.

Each part is a module with ``run(scale) -> dict`` (``scale`` is "short" in ``make test`` and
"long" in ``make proof``); it returns its figures, and ``python -m proof`` writes them all into
``docs/reliability.md``. The tests under ``tests/reliability/`` run the short scale and assert
the invariants on what the part observed.
"""
