"""The schema comes from Alembic on start, and the OpenAPI document describes every route.

Tests taking `empty_database` run on SQLite and on PostgreSQL (see conftest.py).
"""

from __future__ import annotations

from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, inspect
from sqlalchemy.pool import NullPool

from server.api.routes import (
    accounts,
    applications,
    feedback,
    fleet,
    kiosk,
    locations,
    officer,
    public,
    reprints,
    staff,
)
from server.app import create_app
from server.db import MIGRATIONS
from server.models import Base
from server.settings import Settings

# The migrations must create exactly the tables the models declare: no drift either way.
TABLES = {"alembic_version", *Base.metadata.tables}
PREFIXES = ("/api/v1/kiosk/", "/api/v1/staff/", "/api/v1/public/", "/api/v1/officer/")
OFFICER = "/api/v1/officer/applications"
ROUTES = {
    "/api/v1/kiosk/me",
    "/api/v1/kiosk/enrol",
    "/api/v1/kiosk/config",
    "/api/v1/kiosk/pickup-codes/resolve",
    "/api/v1/kiosk/complaints",
    "/api/v1/kiosk/surveys",
    "/api/v1/kiosk/print-jobs",
    "/api/v1/kiosk/print-jobs/{job_id}",
    "/api/v1/kiosk/print-jobs/{job_id}/documents/{document_id}/pdf",
    "/api/v1/kiosk/print-jobs/{job_id}/result",
    "/api/v1/kiosk/heartbeat",
    "/api/v1/kiosk/health-checks/{request_id}/result",
    "/api/v1/kiosk/applications",
    "/api/v1/kiosk/applications/{ticket}",
    "/api/v1/kiosk/applications/{ticket}/papers",
    "/api/v1/staff/documents",
    "/api/v1/staff/kiosks",
    "/api/v1/staff/kiosks/{kiosk_id}",
    "/api/v1/staff/kiosks/{kiosk_id}/enrolment-code",
    "/api/v1/staff/kiosks/{kiosk_id}/location",
    "/api/v1/staff/kiosks/{kiosk_id}/revoke",
    "/api/v1/staff/accounts",
    "/api/v1/staff/accounts/{username}/revoke",
    "/api/v1/staff/complaints",
    "/api/v1/staff/complaints/{ticket}/answer",
    "/api/v1/staff/surveys/summary",
    "/api/v1/staff/documents/{document_id}/reprints",
    "/api/v1/staff/notifications",
    "/api/v1/public/signing-keys",
    "/api/v1/public/services",
    "/api/v1/public/locations",
    "/api/v1/public/documents/{doc_type}/{number}",
    "/api/v1/staff/locations",
    "/api/v1/staff/locations/{location_id}",
    OFFICER,
    OFFICER + "/{ticket}",
    OFFICER + "/{ticket}/papers/{paper_id}",
    *(
        f"{OFFICER}/{{ticket}}/{step}"
        for step in ("verify", "request-fixes", "approve", "reject", "issue", "deliver")
    ),
    "/v/{token}",
}


def newest_migration() -> str:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    assert head is not None
    return head


def start(data_dir: Path, database_url: str = ""):
    settings = Settings(data_dir=data_dir, database_url=database_url, staff_token="staff-token")
    app = create_app(settings)
    app.state.engine.dispose()
    return app


def url_of(data_dir: Path, database_url: str) -> str:
    return Settings(data_dir=data_dir, database_url=database_url).effective_database_url


def sql(data_dir: Path, database_url: str, query: str) -> list[tuple]:
    engine = create_engine(url_of(data_dir, database_url), poolclass=NullPool)
    try:
        with engine.begin() as conn:
            result = conn.exec_driver_sql(query)
            return [tuple(row) for row in result] if result.returns_rows else []
    finally:
        engine.dispose()


def table_names(data_dir: Path, database_url: str) -> set[str]:
    engine = create_engine(url_of(data_dir, database_url), poolclass=NullPool)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_start_on_an_empty_data_dir_creates_the_database_through_alembic(tmp_path, empty_database):
    data_dir = tmp_path / "not-yet-there"

    start(data_dir, empty_database)

    assert (data_dir / "adm.db").is_file() == (not empty_database)
    assert sql(data_dir, empty_database, "SELECT version_num FROM alembic_version") == [
        (newest_migration(),)
    ]
    assert table_names(data_dir, empty_database) == TABLES


def test_start_makes_a_signing_key_outside_the_database(tmp_path, empty_database):
    start(tmp_path, empty_database)

    keys = list((tmp_path / "keys").glob("signing-*.pem"))
    assert len(keys) == 1
    assert keys[0].stat().st_mode & 0o077 == 0


def test_starting_twice_on_the_same_database_keeps_schema_and_data(tmp_path, empty_database):
    start(tmp_path, empty_database)
    sql(
        tmp_path,
        empty_database,
        "INSERT INTO audit_log (at, actor, action, subject, detail)"
        " VALUES ('2026-01-01 00:00:00', 'test', 'marker', 'x', '')",
    )

    app = start(tmp_path, empty_database)

    assert sql(tmp_path, empty_database, "SELECT version_num FROM alembic_version") == [
        (newest_migration(),)
    ]
    assert sql(tmp_path, empty_database, "SELECT action FROM audit_log") == [("marker",)]
    with TestClient(app) as client:
        assert client.get("/api/v1/public/signing-keys").status_code == 200
    app.state.engine.dispose()


def test_restart_keeps_the_signing_key(tmp_path, empty_database):
    with TestClient(start(tmp_path, empty_database)) as client:
        first = client.get("/api/v1/public/signing-keys").json()
    with TestClient(start(tmp_path, empty_database)) as client:
        second = client.get("/api/v1/public/signing-keys").json()

    assert first == second
    assert len(first) == 1


def test_sqlite_database_uses_write_ahead_logging_for_several_processes(tmp_path):
    start(tmp_path)  # SQLite only; for PostgreSQL see test_postgres_engine.py

    assert sql(tmp_path, "", "PRAGMA journal_mode") == [("wal",)]


def test_openapi_lists_every_route_the_app_serves(tmp_path):
    served = {
        route.path
        for module in (
            kiosk,
            staff,
            public,
            applications,
            officer,
            locations,
            fleet,
            accounts,
            feedback,
            reprints,
        )
        for route in module.router.routes
    }

    with TestClient(start(tmp_path)) as client:
        response = client.get("/openapi.json")

    assert response.status_code == 200
    assert set(response.json()["paths"]) == served == ROUTES


def test_every_route_lives_under_the_kiosk_staff_public_or_verify_prefix(tmp_path):
    app = start(tmp_path)
    with TestClient(app) as client:
        paths = client.get("/openapi.json").json()["paths"]

    assert all(p.startswith(PREFIXES) or p == "/v/{token}" for p in paths)


def test_openapi_describes_the_pdf_download_as_application_pdf(tmp_path):
    with TestClient(start(tmp_path)) as client:
        paths = client.get("/openapi.json").json()["paths"]

    download = paths["/api/v1/kiosk/print-jobs/{job_id}/documents/{document_id}/pdf"]["get"]
    assert "application/pdf" in download["responses"]["200"]["content"]
