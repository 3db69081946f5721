"""Alembic on PostgreSQL: the migrations build the models' schema, go down and up, and several
servers starting together on a new database all get it (on SQLite too, for comparison)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from support import wait_until

from server.db import MIGRATIONS, make_engine, migrate
from server.models import Base
from server.settings import Settings

TABLES = set(Base.metadata.tables) | {"alembic_version"}


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def newest_migration() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def version_of(url: str) -> str | None:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


@pytest.fixture
def new_postgres_database(postgres):
    url = postgres.create()
    yield url
    postgres.drop(url)


def test_migrations_on_postgresql_build_exactly_the_schema_of_the_models(new_postgres_database):
    engine = make_engine(new_postgres_database)
    try:
        migrate(engine)
        with engine.connect() as conn:
            differences = compare_metadata(MigrationContext.configure(conn), Base.metadata)
            tables = set(inspect(conn).get_table_names())
            columns = {c["name"]: c["type"] for c in inspect(conn).get_columns("documents")}
    finally:
        engine.dispose()

    assert differences == []
    assert tables == TABLES
    assert version_of(new_postgres_database) == newest_migration()
    assert columns["pdf"].__class__.__name__ == "BYTEA"
    assert columns["issued_at"].__class__.__name__ == "TIMESTAMP"
    assert not columns["issued_at"].timezone  # naive local times, as on SQLite


def test_migrating_an_up_to_date_postgresql_database_again_changes_nothing(
    new_postgres_database,
):
    engine = make_engine(new_postgres_database)
    try:
        migrate(engine)
        migrate(engine)
    finally:
        engine.dispose()

    assert version_of(new_postgres_database) == newest_migration()


def test_migrations_on_postgresql_go_down_to_nothing_and_up_again(new_postgres_database):
    engine = make_engine(new_postgres_database)
    cfg = alembic_config()
    try:
        migrate(engine)
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "base")
        with engine.connect() as conn:
            left = set(inspect(conn).get_table_names())
        migrate(engine)
        with engine.connect() as conn:
            again = set(inspect(conn).get_table_names())
    finally:
        engine.dispose()

    assert left == {"alembic_version"}
    assert again == TABLES


# Alembic keeps its migration context in a module global: one process migrates at a time, so
# each start-up here is a process of its own. Each imports the server, says it is ready, and
# waits for the word to go, so that all migrate within a few milliseconds of each other.
STARTUP = """
import sys, time
from pathlib import Path
from server.db import make_engine, migrate
engine = make_engine(sys.argv[1])
Path(sys.argv[2]).touch()
while not Path(sys.argv[3]).exists():
    time.sleep(0.002)
migrate(engine)
"""
STARTS = 4


def test_servers_starting_together_on_a_new_database_all_migrate_it(database, tmp_path):
    """What create_app does when several server processes start on a new database at once."""
    url = database.create()
    effective = Settings(data_dir=tmp_path, database_url=url).effective_database_url
    go = tmp_path / "go"
    ready = [tmp_path / f"ready-{n}" for n in range(STARTS)]
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", STARTUP, effective, str(flag), str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for flag in ready
    ]
    try:
        wait_until(lambda: all(f.exists() for f in ready), 60, what="every start-up ready")
        go.touch()
        results = [(p.communicate(timeout=120)[0], p.returncode) for p in processes]
        failures = [
            [line for line in out.splitlines() if "Error" in line][-1:] or out[-500:]
            for out, code in results
            if code != 0
        ]

        assert failures == []
        assert version_of(effective) == newest_migration()
    finally:
        go.touch()
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
        database.drop(url)
