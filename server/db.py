"""Database engine and sessions; the schema is always brought up to date through Alembic."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).parent / "migrations"
MIGRATION_LOCK = 0x41444D  # "ADM": the PostgreSQL advisory lock held while migrating
SQLITE_BUSY_SECONDS = 30


def make_engine(url: str, pool_size: int = 5) -> Engine:
    """Create the engine; SQLite gets WAL, foreign keys and a busy timeout for several processes."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        file_based = bool(path) and path != ":memory:"  # in memory: one connection, no pool
        engine = create_engine(
            url,
            connect_args={"timeout": SQLITE_BUSY_SECONDS, "check_same_thread": False},
            **({"pool_size": pool_size} if file_based else {}),
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            _journal_mode_wal(cur)
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    # PostgreSQL (or another server): a pooled connection may have been closed by the server
    # (restart, failover, idle timeout) while it waited; pre-ping replaces it before use.
    # As many connections as requests admitted at once (server/api/admission.py), kept open:
    # overflow connections would each be a new backend with password authentication.
    return create_engine(_with_driver(url), pool_pre_ping=True, pool_size=pool_size)


def _journal_mode_wal(cur: sqlite3.Cursor) -> None:
    """Switch to WAL (kept in the file: a no-op once done).

    While another process switches the same new file, SQLite answers "database is locked" at
    once, without waiting out the busy timeout: so servers starting together on a new data
    dir would fail. Wait here instead, as long as the busy timeout.
    """
    deadline = time.monotonic() + SQLITE_BUSY_SECONDS
    while True:
        try:
            cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _with_driver(url: str) -> str:
    """postgresql://... and postgres://... mean psycopg (3), the driver ADM installs.

    SQLAlchemy's default for a bare postgresql:// is psycopg2, which ADM does not install.
    """
    for scheme in ("postgresql://", "postgres://"):
        if url.startswith(scheme):
            return "postgresql+psycopg://" + url.removeprefix(scheme)
    return url


def migrate(engine: Engine) -> None:
    """Create or upgrade the schema to the newest migration.

    One process at a time: servers starting together on a new or older database would
    otherwise all run the same migrations, and all but one would fail.
    """
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        if sqlite:
            # SQLite changes a table by rebuilding it (copy, drop, rename): with foreign keys
            # enforced, dropping a table other rows point to fails, so a database holding
            # data could not be upgraded. The pragma only takes effect outside a transaction.
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            conn.commit()
        try:
            with conn.begin():
                _lock_for_migrating(conn)
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
            broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() if sqlite else []
            conn.commit()
        finally:
            if sqlite:  # the connection goes back to the pool: enforce the keys again
                conn.rollback()
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                conn.commit()
        if broken:
            raise RuntimeError(f"the upgraded database has broken references: {broken[:5]}")


def _lock_for_migrating(conn: Connection) -> None:
    """Wait until no other process migrates; held until this transaction ends."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
    elif conn.dialect.name == "sqlite":
        # pysqlite begins a transaction only before INSERT/UPDATE/DELETE, so Alembic's DDL and
        # its look at alembic_version would run outside one: take the write lock first (the
        # busy timeout waits for it).
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error."""
    with factory() as session, session.begin():
        yield session
