"""The kiosks' credentials kept in memory, so a heartbeat is checked without the database.

A heartbeat needs only four things about its kiosk: the digest of its secret (to check the
signature), whether it is revoked, the configuration version the office set (for the ack) and
the newest heartbeat time already recorded for it (server/heartbeats.py, against replays).
This cache holds them for every kiosk, read from the database in one query, and is trusted
for ``ttl`` seconds from the moment that query started:

- In this process a change is seen at once: every session of the app's session factory
  reports, when it commits, the kiosks whose credential, revocation or configuration version
  it changed (by the ORM or by a bulk UPDATE of the kiosks table), and their entries are
  dropped, so the next request reads them again.
- A change made by another server process (or by ``adm-server`` commands) is seen within
  ``ttl`` seconds: an entry older than that is never used. The whole table is read again in the
  background once the snapshot is ``REFRESH_AT`` of ``ttl`` old, so under steady traffic no
  request waits for it; a request that finds no usable entry reads its kiosk alone, in one
  thread-pool call.

An unknown kiosk is not remembered: a request naming one reads the database every time, as
before the cache.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, String, and_, event, inspect, select, type_coerce
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction, sessionmaker

from server.models import Kiosk, RequestNonce

log = logging.getLogger(__name__)

# The row of request_nonces that holds a kiosk's newest recorded heartbeat time (its seen_at).
# Real nonces are 16-64 lowercase hex digits, so this one cannot collide with any of them.
HEARTBEAT_MARK = "heartbeat-mark"
REFRESH_AT = 0.8  # of the ttl: start reading the table again in the background
MISSING_REFRESH_SECONDS = 1.0  # a kiosk not in a snapshot this old: read the table again
REFRESH_WAIT_SECONDS = 2.0  # a request missing its kiosk waits this long for a running read
KEEP_WARM_SECONDS = 60.0  # read again on time, without a request to start it, this long after one
_WATCHED = ("credential_hash", "revoked_at", "config_version")
_CHANGED = "adm.kiosks_changed"  # Session.info key: kiosk ids (or ALL) changed in this transaction
ALL = "*"


@dataclass(frozen=True)
class KioskEntry:
    id: str
    credential_hash: str
    revoked: bool
    config_version: int
    heartbeat_mark: int | None  # newest heartbeat ts the database holds for it (any process)
    loaded_at: float  # time.monotonic() when the query that read it started


def _query() -> Any:
    # Cheap to read for a whole fleet: no datetime is parsed here (on SQLite that would be most
    # of the cost), only when a heartbeat needs its kiosk's mark.
    return select(
        Kiosk.id,
        Kiosk.credential_hash,
        Kiosk.revoked_at.is_not(None),
        Kiosk.config_version,
        type_coerce(RequestNonce.seen_at, String),
    ).outerjoin(
        RequestNonce,
        and_(RequestNonce.kiosk_id == Kiosk.id, RequestNonce.nonce == HEARTBEAT_MARK),
    )


def _entry(row: Any, loaded_at: float) -> KioskEntry:
    kiosk_id, credential_hash, revoked, config_version, mark = row
    return KioskEntry(
        id=kiosk_id,
        credential_hash=credential_hash,
        revoked=bool(revoked),
        config_version=config_version,
        heartbeat_mark=_seconds(mark),
        loaded_at=loaded_at,
    )


def _seconds(mark: Any) -> int | None:
    """A stored mark as the heartbeat ts it records: text from SQLite, a datetime elsewhere."""
    if mark is None:
        return None
    moment = datetime.fromisoformat(mark) if isinstance(mark, str) else mark
    return int(moment.timestamp())


def mark_time(ts: int) -> datetime:
    """How a heartbeat ts is stored in request_nonces.seen_at (naive local, as seen_at is)."""
    return datetime.fromtimestamp(ts)


class KioskCache:
    def __init__(self, engine: Engine, ttl: float) -> None:
        self.engine = engine
        self.ttl = ttl
        self._snapshot: dict[str, Any] = {}  # id -> row of _query(), as read with the table
        self._singles: dict[str, KioskEntry] = {}  # read one by one since
        self._lock = threading.Lock()
        self._generation = 0  # raised by every invalidation: a read begun before it is stale
        self._snapshot_at = float("-inf")  # when the last full read started
        self._refreshing = False
        self._refreshed = threading.Event()  # set whenever no background read is running
        self._refreshed.set()
        self._used_at = float("-inf")  # when a request last asked for an entry
        self._timer: threading.Timer | None = None  # the next read on time (see _keep_warm)

    # --- reading ----------------------------------------------------------------------------

    def get(self, kiosk_id: str) -> KioskEntry | None:
        """The entry if it may be trusted now, without touching the database; else None."""
        now = time.monotonic()
        self._used_at = now
        if self._timer is None:
            self._keep_warm()
        snapshot_at = self._snapshot_at
        row = self._snapshot.get(kiosk_id)
        age = now - snapshot_at
        # Read all again when the snapshot gets old, or sooner when it lacks a kiosk (new ones
        # were enrolled, or this process just started): one query instead of one per kiosk.
        if age > self.ttl * REFRESH_AT or (row is None and age > MISSING_REFRESH_SECONDS):
            self._start_refresh()
        if row is not None and age <= self.ttl:
            return _entry(row, snapshot_at)
        single = self._singles.get(kiosk_id)
        if single is not None and now - single.loaded_at <= self.ttl:
            return single
        return None

    def fetch(self, kiosk_id: str) -> KioskEntry | None:
        """The kiosk's entry, reading the database if need be (blocking: in a worker thread).

        While the whole table is being read, wait for that (a fleet's worth of new kiosks, or a
        process just started, would otherwise make as many single reads as requests).
        """
        if self._refreshing and self._refreshed.wait(REFRESH_WAIT_SECONDS):
            entry = self.get(kiosk_id)
            if entry is not None:
                return entry
        return self.load(kiosk_id)

    def load(self, kiosk_id: str) -> KioskEntry | None:
        """Read one kiosk from the database (blocking: call it in a worker thread)."""
        generation, started = self._generation, time.monotonic()
        with self.engine.connect() as conn:
            row = conn.execute(_query().where(Kiosk.id == kiosk_id)).one_or_none()
        if row is None:
            return None
        entry = _entry(row, started)
        with self._lock:
            if generation == self._generation:  # else a change committed while reading
                self._singles[kiosk_id] = entry
        return entry

    def refresh(self) -> None:
        """Read every kiosk again (blocking)."""
        generation, started = self._generation, time.monotonic()
        with self.engine.connect() as conn:
            rows = conn.execute(_query()).all()
        snapshot = {row[0]: tuple(row) for row in rows}  # plain tuples: no GC scans
        with self._lock:
            if generation == self._generation:
                self._snapshot, self._singles = snapshot, {}
                self._snapshot_at = started
            # else: a change committed while reading; the next request starts another read

    def _start_refresh(self) -> None:
        with self._lock:
            if self._refreshing:
                return
            self._refreshing = True
            self._refreshed.clear()
        threading.Thread(target=self._refresh_in_background, daemon=True).start()

    def _refresh_in_background(self) -> None:
        try:
            self.refresh()
        except Exception:  # the database away for a moment: requests read their kiosk alone
            log.warning("could not read the kiosks for the credential cache", exc_info=True)
            self._snapshot_at = time.monotonic() - self.ttl * REFRESH_AT + 1  # retry in ~1 s
        finally:
            with self._lock:
                self._refreshing = False
                self._refreshed.set()
            self._keep_warm()

    def _keep_warm(self) -> None:
        """While requests come, read the table again on time even if none comes just then.

        A snapshot is otherwise only read again when a request finds it old; after a lull
        longer than the ttl every request would find it expired and wait for the whole table
        (20,000 kiosks on SQLite: about 0.1 s, a burst of slow answers when traffic resumes).
        So a timer starts the read REFRESH_AT of the ttl after the last one, as long as a
        request came in the last KEEP_WARM_SECONDS; an idle server stops reading.
        """
        with self._lock:
            if self._timer is not None or time.monotonic() - self._used_at > KEEP_WARM_SECONDS:
                return
            # (not sooner than a quarter second: a read that changes crossed would start again)
            delay = max(0.25, self._snapshot_at + self.ttl * REFRESH_AT - time.monotonic())
            self._timer = threading.Timer(delay, self._due)
            self._timer.daemon = True
            self._timer.start()

    def _due(self) -> None:
        with self._lock:
            self._timer = None
        if time.monotonic() - self._snapshot_at >= self.ttl * REFRESH_AT:
            self._start_refresh()  # when it is done, it sets the next timer
        else:  # read in the meantime (a request found it old): due again from that read
            self._keep_warm()

    # --- forgetting -------------------------------------------------------------------------

    def invalidate(self, kiosk_ids: Iterable[str]) -> None:
        with self._lock:
            self._generation += 1
            for kiosk_id in kiosk_ids:
                if kiosk_id == ALL:
                    self._snapshot, self._singles = {}, {}
                    self._snapshot_at = float("-inf")
                else:
                    self._snapshot.pop(kiosk_id, None)
                    self._singles.pop(kiosk_id, None)

    def watch(self, sessions: sessionmaker[Session]) -> None:
        """Drop entries when a session of this factory commits a change to them."""

        def after_flush(session: Session, _flush: UOWTransaction) -> None:
            changed: set[str] = session.info.setdefault(_CHANGED, set())
            for obj in (*session.new, *session.dirty, *session.deleted):
                if isinstance(obj, Kiosk) and (
                    obj in session.deleted or _watched_change(obj) or obj in session.new
                ):
                    changed.add(obj.id)

        def on_execute(state: ORMExecuteState) -> None:
            # A bulk UPDATE (or DELETE) of kiosks: which ones it hits is not known here.
            if (state.is_update or state.is_delete) and _touches_kiosks(state):
                state.session.info.setdefault(_CHANGED, set()).add(ALL)

        def after_commit(session: Session) -> None:
            changed = session.info.pop(_CHANGED, None)
            if changed:
                self.invalidate(changed)

        def after_rollback(session: Session) -> None:
            session.info.pop(_CHANGED, None)

        event.listen(sessions, "after_flush", after_flush)
        event.listen(sessions, "do_orm_execute", on_execute)
        event.listen(sessions, "after_commit", after_commit)
        event.listen(sessions, "after_rollback", after_rollback)


def _watched_change(kiosk: Kiosk) -> bool:
    attrs = inspect(kiosk).attrs
    return any(attrs[name].history.has_changes() for name in _WATCHED)


def _touches_kiosks(state: ORMExecuteState) -> bool:
    table = getattr(state.statement, "table", None)
    return getattr(table, "name", None) == Kiosk.__tablename__
