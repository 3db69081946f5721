"""A durable outbox: what the server must hear survives power cuts and network loss.

Messages are written to SQLite (WAL, synchronous FULL) before anything is shown to the
citizen, keyed so the same message can never be queued twice while it waits, and delivered by a
background thread with back-off until the server accepts them. The server treats repeats as
no-ops (idempotency keys).

A message may carry personal data (an application: NIK, photos of papers). Once the server has
it, the row is deleted, its pages overwritten (secure_delete) and the write-ahead log truncated,
so nothing of it stays in the kiosk's files; a message the server refused for good keeps only
its key, kind and the refusal.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kiosk.errors import ServerRefused, ServerUnavailable

log = logging.getLogger(__name__)

Sender = Callable[[str, dict[str, Any]], None]

HELD = 9e18  # next_try of a held message: kept on disk, not sent until released or restarted

_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    key TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    created REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_try REAL NOT NULL,
    delivered REAL,
    rejected TEXT
)
"""


class Outbox:
    """Stores messages and delivers them through ``sender`` in order of creation."""

    def __init__(self, path: Path, sender: Sender, max_backoff: float = 60.0) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute("PRAGMA secure_delete=ON")  # deleted rows are overwritten with zeros
        self._db.execute(_SCHEMA)
        self._lock = threading.Lock()
        self._sender = sender
        self._max_backoff = max_backoff
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._idle = threading.Event()
        self._thread: threading.Thread | None = None

    def put(self, kind: str, key: str, payload: dict[str, Any]) -> bool:
        """Queue a message durably; False if a message with this key was already queued.

        A held message with this key (:meth:`hold`) is replaced by this one and sent.
        """
        return self._write(kind, key, payload, 0.0)

    def hold(self, kind: str, key: str, payload: dict[str, Any]) -> bool:
        """Keep what the server must hear if the kiosk dies now, without sending it yet.

        A later :meth:`hold` or :meth:`put` of the same key replaces it; if the process ends
        first (a power cut), the next :meth:`start` sends it as last written.
        """
        return self._write(kind, key, payload, HELD)

    def _write(self, kind: str, key: str, payload: dict[str, Any], next_try: float) -> bool:
        with self._lock:
            cur = self._db.execute(
                "INSERT INTO outbox (key, kind, payload, created, next_try) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET kind = excluded.kind, "
                "payload = excluded.payload, next_try = excluded.next_try "
                "WHERE outbox.next_try >= ?",
                (key, kind, json.dumps(payload), time.time(), next_try, HELD),
            )
        if next_try < HELD:
            self._idle.clear()
            self._wake.set()
        return cur.rowcount == 1

    def pending(self) -> list[tuple[str, str, dict[str, Any]]]:
        with self._lock:
            rows = self._db.execute(
                "SELECT key, kind, payload FROM outbox "
                "WHERE delivered IS NULL AND rejected IS NULL ORDER BY created"
            ).fetchall()
        return [(k, kind, json.loads(p)) for k, kind, p in rows]

    def deliver_due(self) -> int:
        """Try every message that is due now; return how many are still waiting."""
        now = time.time()
        with self._lock:
            rows = self._db.execute(
                "SELECT key, kind, payload, attempts FROM outbox WHERE delivered IS NULL "
                "AND rejected IS NULL AND next_try <= ? ORDER BY created",
                (now,),
            ).fetchall()
        for key, kind, payload, attempts in rows:
            try:
                self._sender(kind, json.loads(payload))
            except ServerUnavailable as exc:
                delay = min(self._max_backoff, 0.5 * 2**attempts)
                log.info("outbox: %s %s not delivered (%s); retry in %.1fs", kind, key, exc, delay)
                self._update("attempts = attempts + 1, next_try = ?", (now + delay, key))
                break  # keep the order: later messages wait for this one
            except ServerRefused as exc:
                log.error("outbox: server refused %s %s for good: %s", kind, key, exc)
                self._update("rejected = ?, payload = '{}'", (str(exc)[:200], key))
                self._forget_on_disk()
            else:
                self._delivered(key)
        return len(self.pending())

    def _delivered(self, key: str) -> None:
        """The server has it: the message leaves the kiosk's disk."""
        with self._lock:
            self._db.execute("DELETE FROM outbox WHERE key = ?", (key,))
        self._forget_on_disk()

    def _forget_on_disk(self) -> None:
        """Move the overwritten pages into the database file and empty the write-ahead log,
        which still holds the message as it was written."""
        with self._lock:
            busy, _, _ = self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy:
            log.warning("outbox: the write-ahead log could not be emptied now")

    def _update(self, assignment: str, params: tuple[Any, ...]) -> None:
        with self._lock:
            self._db.execute(f"UPDATE outbox SET {assignment} WHERE key = ?", params)  # noqa: S608

    def start(self) -> None:
        """Deliver in the background; what an ended run left held is sent as last written."""
        with self._lock:
            self._db.execute("UPDATE outbox SET next_try = 0 WHERE next_try >= ?", (HELD,))
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="outbox", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                waiting = self.deliver_due()
            except Exception:  # the delivery loop must survive anything and retry
                log.exception("outbox delivery failed")
                waiting = 1
            if waiting == 0:
                self._idle.set()
            self._wake.wait(timeout=1.0)
            self._wake.clear()

    def wait_idle(self, timeout: float) -> bool:
        """Block until everything queued so far was delivered (for shutdown and tests)."""
        return self._idle.wait(timeout)

    def close(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        with self._lock:
            self._db.close()
