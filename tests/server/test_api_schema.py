"""The schema comes from Alembic on start, and the OpenAPI document describes every route."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from fastapi.testclient import TestClient

from server.api.routes import kiosk, public, staff
from server.app import create_app
from server.settings import Settings

TABLES = {
    "alembic_version",
    "audit_log",
    "documents",
    "families",
    "kiosks",
    "pickup_code_documents",
    "pickup_codes",
    "print_jobs",
    "residents",
}
PREFIXES = ("/api/v1/kiosk/", "/api/v1/staff/", "/api/v1/public/")
ROUTES = {
    "/api/v1/kiosk/me",
    "/api/v1/kiosk/print-jobs",
    "/api/v1/kiosk/print-jobs/{job_id}",
    "/api/v1/kiosk/print-jobs/{job_id}/documents/{document_id}/pdf",
    "/api/v1/kiosk/print-jobs/{job_id}/result",
    "/api/v1/staff/documents",
    "/api/v1/public/signing-keys",
    "/v/{token}",
}


def start(data_dir: Path):
    app = create_app(Settings(data_dir=data_dir, staff_token="staff-token"))
    app.state.engine.dispose()
    return app


def sql(data_dir: Path, query: str) -> list[tuple]:
    with closing(sqlite3.connect(data_dir / "adm.db")) as db:
        return db.execute(query).fetchall()


def test_start_on_an_empty_data_dir_creates_the_database_through_alembic(tmp_path):
    data_dir = tmp_path / "not-yet-there"

    start(data_dir)

    assert (data_dir / "adm.db").is_file()
    assert sql(data_dir, "SELECT version_num FROM alembic_version") == [("0001",)]
    tables = {
        name for (name,) in sql(data_dir, "SELECT name FROM sqlite_master WHERE type='table'")
    }
    assert tables == TABLES


def test_start_makes_a_signing_key_outside_the_database(tmp_path):
    start(tmp_path)

    keys = list((tmp_path / "keys").glob("signing-*.pem"))
    assert len(keys) == 1
    assert keys[0].stat().st_mode & 0o077 == 0


def test_starting_twice_on_the_same_file_keeps_schema_and_data(tmp_path):
    start(tmp_path)
    with closing(sqlite3.connect(tmp_path / "adm.db")) as db, db:
        db.execute(
            "INSERT INTO audit_log (at, actor, action, subject, detail)"
            " VALUES ('2026-01-01 00:00:00', 'test', 'marker', 'x', '')"
        )

    app = start(tmp_path)

    assert sql(tmp_path, "SELECT version_num FROM alembic_version") == [("0001",)]
    assert sql(tmp_path, "SELECT action FROM audit_log") == [("marker",)]
    with TestClient(app) as client:
        assert client.get("/api/v1/public/signing-keys").status_code == 200
    app.state.engine.dispose()


def test_restart_keeps_the_signing_key(tmp_path):
    with TestClient(start(tmp_path)) as client:
        first = client.get("/api/v1/public/signing-keys").json()
    with TestClient(start(tmp_path)) as client:
        second = client.get("/api/v1/public/signing-keys").json()

    assert first == second
    assert len(first) == 1


def test_database_uses_write_ahead_logging_for_several_processes(tmp_path):
    start(tmp_path)

    assert sql(tmp_path, "PRAGMA journal_mode") == [("wal",)]


def test_openapi_lists_every_route_the_app_serves(tmp_path):
    served = {route.path for module in (kiosk, staff, public) for route in module.router.routes}

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
