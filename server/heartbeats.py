"""Heartbeats taken into memory and written to the database in batches, about once a second.

20,000 kiosks sending a heartbeat every 30 s make 667 requests a second. Each only reports
state (alive, app version, outbox size, device health), so none needs a transaction of its
own: the route checks the signature against the in-memory credentials (server/kiosk_cache.py),
checks that the request is not a replay, keeps the newest state per kiosk here, and answers.
A writer thread writes what arrived in one statement per table every ``flush_seconds``:

- the kiosks' rows (last heartbeat, last seen, app version, outbox, devices, configuration
  version applied), one UPDATE executed for all of them;
- each kiosk's newest heartbeat time, the "heartbeat-mark" row of request_nonces (an upsert),
  which other server processes and this one after a restart read as the replay floor.

What this costs: a heartbeat shows in the database (and so in other server processes and the
office's console) up to ``flush_seconds`` later; a request of this process to the staff fleet
API (``/api/v1/staff/kiosks``) writes what is pending first, so that view is never behind. On
shutdown (SIGTERM, Ctrl-C) the pending heartbeats are written before the process ends; a crash
(SIGKILL, power) loses at most the last ``flush_seconds`` of heartbeat state, which the kiosks'
next heartbeats restore. Claims, print results, applications and feedback are never buffered:
they keep their own transactions and stored nonces.

Replay protection, per kiosk, instead of one stored nonce per heartbeat: a heartbeat is refused
as replayed when its signed time (ts) is at or below the kiosk's floor, or when its nonce was
already seen above the floor. The floor follows the newest ts accepted, ``REORDER_SECONDS``
behind it, so heartbeats that overtake each other on the way (a kiosk retrying while an earlier
one is still in flight) are still taken, each nonce once; and it is raised to the mark another
process recorded, once this process's credential cache has read it. A replay inside the signed
5-minute window is therefore refused by this process always; by another process, once it has
read the mark (within ``flush_seconds`` plus its cache's ttl). The worst a replay that gets
through can do is to write again the state the kiosk itself reported a few seconds earlier.
"""

from __future__ import annotations

import gc
import json
import logging
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, cast

import anyio
from fastapi import FastAPI
from sqlalchemy import Engine, Integer, Table, bindparam, event, func, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from starlette.types import ASGIApp, Receive, Scope, Send

from server.kiosk_cache import HEARTBEAT_MARK, KioskCache, mark_time
from server.models import Kiosk, RequestNonce

log = logging.getLogger(__name__)

REORDER_SECONDS = 5  # heartbeats of one kiosk may arrive this much out of order
GIVE_UP_SECONDS = 60.0  # a heartbeat that could not be written for this long is dropped
FLEET_VIEW = "/api/v1/staff/kiosks"


@dataclass
class Beat:
    """A kiosk's newest reported state, waiting to be written."""

    kiosk_id: str
    ts: int  # as the kiosk signed it
    received_at: datetime
    app_version: str
    outbox_pending: int
    device_health: str  # JSON, as the kiosks table keeps it
    config_version_applied: int | None
    first_received: float = field(default_factory=time.monotonic)


# Per kiosk: (floor, top, nonces). The floor is refused at or below, top is the newest ts
# taken, nonces maps nonce -> ts above the floor. Plain tuples of ints, strings and such dicts:
# the garbage collector stops scanning them, which matters with 20,000 kiosks (a full
# collection over objects like these took 100-200 ms, a pause every heartbeat then waited out).
_Seen = tuple[int, int, dict[str, int]]


class ReplayGuard:
    """Which heartbeats of each kiosk were already taken (see the module's docstring)."""

    def __init__(self) -> None:
        self._seen: dict[str, _Seen] = {}
        self._lock = threading.Lock()

    def accept(self, kiosk_id: str, ts: int, nonce: str, recorded_mark: int | None) -> bool:
        """True, and remembered, if this heartbeat was not taken before; False for a replay."""
        with self._lock:
            seen = self._seen.get(kiosk_id)
            nonces: dict[str, int]
            if seen is None:
                start = recorded_mark if recorded_mark is not None else -1
                floor, top, nonces = start, start, {}
            else:
                floor, top, nonces = seen
                if recorded_mark is not None and recorded_mark > top:
                    floor = top = recorded_mark  # another process took a newer one
                    nonces = {}
            if ts <= floor or nonce in nonces:
                return False
            nonces[nonce] = ts
            if ts > top:
                top = ts
                if ts - REORDER_SECONDS > floor:
                    floor = ts - REORDER_SECONDS
                    nonces = {n: t for n, t in nonces.items() if t > floor}
            self._seen[kiosk_id] = (floor, top, nonces)
            return True


class HeartbeatWriter:
    """Pending heartbeats and the thread that writes them (started when one arrives)."""

    def __init__(self, engine: Engine, flush_seconds: float) -> None:
        self.engine = engine
        self.flush_seconds = flush_seconds
        self._pending: dict[str, Beat] = {}
        self._lock = threading.Lock()  # guards _pending and _running
        self._flushing = threading.Lock()  # one write at a time
        self._running = False
        self._wake = threading.Event()
        self.written = 0  # heartbeats written so far (for logs and tests)
        # Whoever closes the engine (an embedding program, a test) gets what is pending written.
        event.listen(engine, "engine_disposed", lambda _engine: self.close())

    def submit(self, beat: Beat) -> None:
        with self._lock:
            self._merge(beat)
            if not self._running:
                self._running = True
                threading.Thread(target=self._run, name="heartbeat-writer", daemon=True).start()

    def pending(self) -> int:
        return len(self._pending)

    def _merge(self, beat: Beat) -> None:
        old = self._pending.get(beat.kiosk_id)
        if old is None:
            self._pending[beat.kiosk_id] = beat
            return
        newer, older = (beat, old) if beat.ts >= old.ts else (old, beat)
        self._pending[beat.kiosk_id] = replace(
            newer,
            received_at=max(newer.received_at, older.received_at),
            config_version_applied=(
                newer.config_version_applied
                if newer.config_version_applied is not None
                else older.config_version_applied
            ),
            first_received=min(newer.first_received, older.first_received),
        )

    def _run(self) -> None:
        while True:
            self._wake.wait(self.flush_seconds)
            self._wake.clear()
            self.flush()
            with self._lock:
                if not self._pending:
                    self._running = False
                    return

    def flush(self) -> int:
        """Write what is pending now, in one transaction; the number of kiosks written."""
        with self._flushing:
            with self._lock:
                batch, self._pending = self._pending, {}
            if not batch:
                return 0
            try:
                self._write(list(batch.values()))
            except Exception:
                log.warning(
                    "could not write %d heartbeats; trying again", len(batch), exc_info=True
                )
                now = time.monotonic()
                with self._lock:
                    for beat in batch.values():
                        if now - beat.first_received < GIVE_UP_SECONDS:
                            self._merge(beat)
                return 0
            self.written += len(batch)
            return len(batch)

    def close(self) -> None:
        """Write everything pending (at shutdown); waits for a write in progress."""
        self._wake.set()
        written = self.flush()
        if written:
            log.info("wrote %d pending heartbeats at shutdown", written)

    def _write(self, beats: list[Beat]) -> None:
        kiosks = cast(Table, Kiosk.__table__)
        beat_update = (
            update(kiosks)
            .where(kiosks.c.id == bindparam("b_id"))
            .values(
                last_heartbeat_at=bindparam("b_at"),
                last_seen_at=bindparam("b_at"),
                app_version=bindparam("b_app"),
                outbox_pending=bindparam("b_outbox"),
                device_health=bindparam("b_devices"),
                config_version_applied=func.coalesce(
                    bindparam("b_applied", type_=Integer), kiosks.c.config_version_applied
                ),
            )
        )
        rows = [
            {
                "b_id": b.kiosk_id,
                "b_at": b.received_at,
                "b_app": b.app_version,
                "b_outbox": b.outbox_pending,
                "b_devices": b.device_health,
                "b_applied": b.config_version_applied,
            }
            for b in beats
        ]
        marks = [
            {"kiosk_id": b.kiosk_id, "nonce": HEARTBEAT_MARK, "seen_at": mark_time(b.ts)}
            for b in beats
        ]
        with self.engine.begin() as conn:
            conn.execute(beat_update, rows)
            conn.execute(_upsert_marks(conn.dialect.name), marks)


def _upsert_marks(dialect: str) -> Any:
    nonces = cast(Table, RequestNonce.__table__)
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(nonces)
    return statement.on_conflict_do_update(
        index_elements=[nonces.c.kiosk_id, nonces.c.nonce],
        set_={"seen_at": statement.excluded.seen_at},
        where=nonces.c.seen_at < statement.excluded.seen_at,  # never back (another process)
    )


def beat_from(kiosk_id: str, ts: int, body: Any, received_at: datetime) -> Beat:
    """A Beat from a validated HeartbeatCreate body."""
    return Beat(
        kiosk_id=kiosk_id,
        ts=ts,
        received_at=received_at,
        app_version=body.app_version,
        outbox_pending=body.outbox_pending,
        device_health=json.dumps([d.model_dump() for d in body.devices]),
        config_version_applied=body.config_version,
    )


class WritePendingBeforeFleetView:
    """The staff fleet API of this process shows every heartbeat it has answered."""

    def __init__(self, app: ASGIApp, writer: Callable[[], HeartbeatWriter]) -> None:
        self.app, self.writer = app, writer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(FLEET_VIEW):
            writer = self.writer()
            if writer.pending():
                await anyio.to_thread.run_sync(writer.flush)
        await self.app(scope, receive, send)


def install(app: FastAPI) -> None:
    """Credential cache, replay guard and writer on app.state; pending written at shutdown."""
    settings, engine = app.state.settings, app.state.engine
    cache = KioskCache(engine, settings.kiosk_cache_seconds)
    cache.watch(app.state.sessions)
    app.state.kiosk_cache = cache
    app.state.heartbeat_guard = ReplayGuard()
    app.state.heartbeats = HeartbeatWriter(engine, settings.heartbeat_flush_seconds)
    app.add_middleware(WritePendingBeforeFleetView, writer=lambda: app.state.heartbeats)

    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(a: Any) -> AsyncIterator[Any]:
        await anyio.to_thread.run_sync(cache.refresh)  # the fleet's first heartbeats all hit
        try:
            async with inner(a) as state:
                # What exists now (the app, its routes, schemas and models) lives as long as
                # the process: out of the collector's sight, a full collection scans only what
                # came later and stays far below the latency target (see _Seen).
                gc.collect()
                gc.freeze()
                yield state
        finally:
            await anyio.to_thread.run_sync(app.state.heartbeats.close)

    app.router.lifespan_context = lifespan
