"""server.db on a postgresql URL: psycopg, pre-ping, nothing of SQLite's, and a server that
survives the database closing its pooled connections."""

from __future__ import annotations

import pytest
from sqlalchemy import make_url, text

from server.db import make_engine

ON_POSTGRESQL = pytest.mark.parametrize("database", ["postgresql"], indirect=True)


def test_postgresql_engine_uses_psycopg_and_checks_pooled_connections(postgres):
    engine = make_engine(postgres.url_of(postgres.url.database))
    try:
        with engine.connect() as conn:
            version = conn.scalar(text("SHOW server_version"))
            timeout = conn.scalar(text("SHOW statement_timeout"))
    finally:
        engine.dispose()

    assert (engine.dialect.name, engine.driver) == ("postgresql", "psycopg")
    assert engine.pool._pre_ping  # type: ignore[attr-defined]
    assert version
    assert timeout == "0"  # no SQLite busy timeout or pragma leaked into the connection


@pytest.mark.parametrize("scheme", ["postgresql", "postgres"])
def test_plain_postgresql_url_gets_psycopg_the_driver_adm_installs(postgres, scheme):
    url = make_url(postgres.url_of(postgres.url.database)).set(drivername=scheme)

    engine = make_engine(url.render_as_string(hide_password=False))
    try:
        with engine.connect() as conn:
            assert conn.scalar(text("SELECT 1")) == 1
    finally:
        engine.dispose()

    assert engine.driver == "psycopg"


def test_postgresql_engine_makes_no_folder_for_a_database_file(postgres, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    make_engine(postgres.url_of(postgres.url.database)).dispose()

    assert list(tmp_path.iterdir()) == []


@ON_POSTGRESQL
def test_server_answers_after_the_database_closed_its_pooled_connections(server, postgres):
    assert server.client.get("/api/v1/kiosk/me", headers=server.kiosk_headers()).status_code == 200
    name = make_url(server.settings.database_url).database
    with postgres.admin.connect() as conn:
        closed = conn.scalar(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = :name AND pid <> pg_backend_pid()"
            ),
            {"name": name},
        )
    assert closed >= 1  # the server's pooled connection: as after a database restart

    response = server.client.get("/api/v1/kiosk/me", headers=server.kiosk_headers())

    assert response.status_code == 200, response.text
