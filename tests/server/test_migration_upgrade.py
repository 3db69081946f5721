"""An office's existing database upgrades to the newest schema with its rows kept.

SQLite rebuilds a table to change it (Alembic's batch mode: copy, drop, rename). With foreign
keys enforced, dropping a table that other rows point to fails, so a kiosk that had printed
anything could not be upgraded; the migrations now run with the checks off and verify the
keys afterwards.
"""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy import text

from server.db import MIGRATIONS, make_engine, migrate


def upgrade_to(engine, revision: str) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def test_a_database_with_kiosks_and_print_jobs_from_0002_upgrades_to_the_newest(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'adm.db'}")
    try:
        upgrade_to(engine, "0002")
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO kiosks (id, name, location_name, region_code, credential_hash,"
                    " created_at) VALUES ('ADM-1', 'ADM Desa', 'Balai Desa', '73.07.05', :h,"
                    " '2026-01-05 08:00:00')"
                ),
                {"h": "0" * 64},
            )
            conn.execute(
                text(
                    "INSERT INTO pickup_codes (id, code_hash, hint, created_at, expires_at)"
                    " VALUES (1, :h, 'AB12', '2026-01-05 08:00:00', '2026-02-05 08:00:00')"
                ),
                {"h": "1" * 64},
            )
            conn.execute(
                text(
                    "INSERT INTO print_jobs (id, kiosk_id, pickup_code_id, receipt_number,"
                    " status, claimed_at, lease_expires_at) VALUES ('J1', 'ADM-1', 1,"
                    " 'R-20260105-AAAAAA', 'printed', '2026-01-05 09:00:00',"
                    " '2026-01-05 09:05:00')"
                )
            )

        migrate(engine)

        with engine.connect() as conn:
            assert conn.execute(text("SELECT name FROM kiosks")).scalars().all() == ["ADM Desa"]
            assert conn.execute(text("SELECT kiosk_id FROM print_jobs")).scalar_one() == "ADM-1"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
    finally:
        engine.dispose()
