"""The authorisation matrix (proof/authz.py): every endpoint x every caller, against a real server.

The short scale is the whole matrix (it is small): a running `adm-server serve`, its served
OpenAPI document and its route list, every cell sent as a real request.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from fastapi import FastAPI

from proof import authz
from server.app import create_app
from server.settings import Settings


def test_every_endpoint_answers_every_caller_as_its_rule_says():
    figures = authz.run("short")

    assert figures["failures"] == [], "\n".join(figures["failures"])
    assert figures["mismatches"] == 0
    assert figures["server_errors"] == 0
    assert figures["operations_without_rule"] == 0 and figures["rules_without_operation"] == 0
    assert figures["denials_without_error_body"] == 0
    # It really ran: the API and the console, all ten callers, both verdicts many times.
    assert figures["operations_in_openapi"] >= 40
    assert figures["operations"] >= figures["operations_in_openapi"] + 30
    assert figures["principals"] == 10
    assert figures["cells_tested"] == figures["operations"] * figures["principals"]
    assert figures["cells_denied"] >= 400 and figures["cells_allowed"] >= 200
    # Allowed cells mostly did what they were for, not only got past the check.
    assert figures["allowed_cells_2xx_3xx"] >= 0.8 * figures["cells_allowed"]


def _real_app(data_dir: Path) -> FastAPI:
    return create_app(Settings(data_dir=data_dir))


def test_a_new_endpoint_without_a_rule_fails_the_matrix():
    with tempfile.TemporaryDirectory() as tmp:
        app = _real_app(Path(tmp))
        try:
            assert authz.check_rules(authz.app_operations(app)).ok

            @app.get("/api/v1/staff/exports/residents")
            def export_residents() -> dict[str, str]:  # what a careless change might add
                return {}

            @app.post("/console/admin/purge", include_in_schema=False)
            def purge() -> dict[str, str]:
                return {}

            app.openapi_schema = None  # the document is built again, as a restart would
            check = authz.check_rules(authz.app_operations(app))
        finally:
            app.state.engine.dispose()

    assert not check.ok
    assert check.without_rule == [
        "GET /api/v1/staff/exports/residents",
        "POST /console/admin/purge",
    ]
    assert check.stale_rules == []


def test_a_rule_for_an_endpoint_that_is_gone_fails_the_matrix():
    with tempfile.TemporaryDirectory() as tmp:
        app = _real_app(Path(tmp))
        try:
            operations = authz.app_operations(app)
        finally:
            app.state.engine.dispose()
    rules = dict(authz.RULES, **{"DELETE /api/v1/staff/kiosks/{kiosk_id}": authz.ADMINS})

    check = authz.check_rules(operations, rules)

    assert check.stale_rules == ["DELETE /api/v1/staff/kiosks/{kiosk_id}"]
    assert check.without_rule == []
