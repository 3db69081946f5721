"""The kiosks' credentials in memory (server/kiosk_cache.py): kept fresh while requests come.

A real SQLite database file and the cache's own background reads; only the ttl is short, so
a lull longer than it takes a second, not minutes.
"""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, update
from sqlalchemy.orm import Session

from server import kiosk_cache
from server.kiosk_cache import KioskCache
from server.models import Base, Kiosk

TTL = 0.5


@pytest.fixture
def engine(tmp_path: Path):
    engine = create_engine(f"sqlite:///{tmp_path / 'adm.db'}")
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        session.add(
            Kiosk(
                id="kiosk-1",
                name="ADM Sinjai Utara",
                location_name="Kantor Kecamatan Sinjai Utara",
                region_code="73.07.01",
                credential_hash="a" * 64,
                created_at=datetime(2026, 11, 23, 8, 0),
            )
        )
        session.commit()
    yield engine
    engine.dispose()


def test_after_a_lull_longer_than_the_ttl_the_next_heartbeat_finds_its_kiosk_without_waiting(
    engine,
):
    cache = KioskCache(engine, TTL)
    cache.refresh()
    assert cache.get("kiosk-1") is not None  # a request: the cache is in use

    time.sleep(TTL * 3)  # nobody asks for three ttls: the snapshot was read again on time

    entry = cache.get("kiosk-1")
    assert entry is not None, "expired: this request would wait for the whole table"
    assert time.monotonic() - entry.loaded_at <= TTL


def test_a_revocation_by_another_process_is_seen_within_the_ttl_during_a_lull(engine):
    cache = KioskCache(engine, TTL)
    cache.refresh()
    assert cache.get("kiosk-1").revoked is False  # type: ignore[union-attr]
    with engine.begin() as conn:  # another server process: this cache hears nothing of it
        conn.execute(update(Kiosk).values(revoked_at=datetime(2026, 11, 23, 9, 0)))

    time.sleep(TTL * 2.5)

    entry = cache.get("kiosk-1")
    assert entry is None or entry.revoked, "a revoked kiosk still trusted after the ttl"


def test_an_idle_server_stops_reading_the_table(engine, monkeypatch):
    monkeypatch.setattr(kiosk_cache, "KEEP_WARM_SECONDS", TTL)
    reads = []
    cache = KioskCache(engine, TTL)
    original = cache.refresh

    def counted() -> None:  # the real read, counted
        reads.append(time.monotonic())
        original()

    monkeypatch.setattr(cache, "refresh", counted)
    cache.get("kiosk-1")  # starts a read, and the reads on time after it

    time.sleep(TTL * 6)
    settled = len(reads)
    time.sleep(TTL * 4)

    assert 1 <= settled <= 4
    assert len(reads) == settled, "still reading the kiosks with no request for a while"
