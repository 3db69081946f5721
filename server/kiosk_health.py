"""How a kiosk is doing, as the office sees it: online, degraded or offline; paper; history.

A kiosk is *offline* when its last heartbeat is older than three heartbeat intervals (or it
never sent one), *degraded* when it is alive but a device is not ready (error, offline,
closed) or its receipt paper is low, and *online* otherwise. Paper is read from the receipt
printer's report: out when the printer is in error for paper, low while it reports the roll
near its end.

History: every `sample_seconds` the sampler keeps a copy of each kiosk's newest reported
health that is newer than its last copy (HeartbeatSample), and deletes copies older than
`KEEP`. So the table holds at most KEEP / sample_seconds rows per kiosk (288 at five minutes),
written once per round, off the heartbeat path.

Remote health checks: a technician's request (HealthCheckRequest, with the level asked for)
is carried by EVERY heartbeat answer to that kiosk (`health_check_request: {id, level}`) until
the kiosk reports its result for that id (POST /api/v1/kiosk/health-checks/{id}/result). So
an answer that is lost on the way, or taken by a replayed heartbeat (another server process
accepts a replay until it has read the kiosk's heartbeat mark, server/heartbeats.py), cannot
swallow the request: the kiosk's next heartbeat gets it again. The kiosk runs each request id
once and sends the same result again if asked again. `delivered_at` is when it first went out.

The heartbeat route does no database work per heartbeat, so it asks the `HealthCheckInbox`:
the kiosks with an unanswered request, read again at most every `ttl` seconds in one query of
that small table (and at once in the process where the request was made or answered).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import anyio
from fastapi import FastAPI
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from server.models import HealthCheckRequest, HeartbeatSample, Kiosk

log = logging.getLogger(__name__)

KEEP = timedelta(hours=24)
OFFLINE_AFTER_BEATS = 3
NOT_READY = frozenset({"error", "offline", "closed"})


@dataclass(frozen=True)
class DeviceReport:
    name: str
    kind: str
    state: str
    detail: str
    counters: dict[str, int] = field(default_factory=dict)

    @property
    def ready(self) -> bool:
        return self.state not in NOT_READY


@dataclass(frozen=True)
class Condition:
    state: str  # online | degraded | offline | revoked
    paper: str  # ok | low | out | unknown
    problems: tuple[str, ...]  # device names that are not ready


def devices(health_json: str | None) -> list[DeviceReport]:
    """The devices of a stored heartbeat; an unreadable record reads as no devices."""
    try:
        raw = json.loads(health_json or "[]")
    except ValueError:
        return []
    found = []
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, dict):
            continue
        counters = item.get("counters") if isinstance(item.get("counters"), dict) else {}
        found.append(
            DeviceReport(
                name=str(item.get("name", "")),
                kind=str(item.get("kind", "")),
                state=str(item.get("state", "")),
                detail=str(item.get("detail", "")),
                counters={str(k): v for k, v in (counters or {}).items() if isinstance(v, int)},
            )
        )
    return found


def paper_of(reports: list[DeviceReport]) -> str:
    """ok, low or out for the receipt printer; unknown without one."""
    receipt = [d for d in reports if d.name == "receipt" or d.kind == "receipt"]
    if not receipt:
        return "unknown"
    paper = "ok"
    for device in receipt:
        detail = device.detail.lower()
        if device.state == "error" and "paper" in detail:
            return "out"
        if "near_end" in detail or "near end" in detail:
            paper = "low"
    return paper


def condition(kiosk: Kiosk, now: datetime, heartbeat_seconds: int) -> Condition:
    reports = devices(kiosk.device_health)
    problems = tuple(d.name for d in reports if not d.ready)
    paper = paper_of(reports)
    if kiosk.revoked_at is not None:
        state = "revoked"
    elif kiosk.last_heartbeat_at is None or now - kiosk.last_heartbeat_at > timedelta(
        seconds=OFFLINE_AFTER_BEATS * heartbeat_seconds
    ):
        state = "offline"
    elif problems or paper in ("low", "out"):
        state = "degraded"
    else:
        state = "online"
    return Condition(state, paper, problems)


# --- history ------------------------------------------------------------------------------------


def sample_round(factory: sessionmaker[Session], now: datetime) -> int:
    """Keep a copy of every kiosk's health that is newer than its last copy; drop old copies."""
    with factory() as session, session.begin():
        newest = (
            select(HeartbeatSample.kiosk_id, func.max(HeartbeatSample.at).label("at"))
            .group_by(HeartbeatSample.kiosk_id)
            .subquery()
        )
        rows = session.execute(
            select(Kiosk.id, Kiosk.last_heartbeat_at, Kiosk.device_health, Kiosk.outbox_pending)
            .outerjoin(newest, newest.c.kiosk_id == Kiosk.id)
            .where(
                Kiosk.last_heartbeat_at.is_not(None),
                Kiosk.revoked_at.is_(None),
                (newest.c.at.is_(None)) | (Kiosk.last_heartbeat_at > newest.c.at),
            )
        ).all()
        session.add_all(
            HeartbeatSample(
                kiosk_id=kiosk_id, at=at, device_health=health or "[]", outbox_pending=outbox
            )
            for kiosk_id, at, health, outbox in rows
        )
        session.execute(delete(HeartbeatSample).where(HeartbeatSample.at < now - KEEP))
    return len(rows)


def history(session: Session, kiosk_id: str, since: datetime) -> list[HeartbeatSample]:
    return list(
        session.scalars(
            select(HeartbeatSample)
            .where(HeartbeatSample.kiosk_id == kiosk_id, HeartbeatSample.at >= since)
            .order_by(HeartbeatSample.at)
        )
    )


class Sampler:
    """The thread that runs a sample round every `seconds` while the server runs."""

    def __init__(self, factory: sessionmaker[Session], seconds: float) -> None:
        self.factory, self.seconds = factory, seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="health-sampler", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.wait(self.seconds):
            try:
                sample_round(self.factory, datetime.now())
            except Exception:  # the next round tries again; the server keeps serving
                log.exception("heartbeat history sample failed")


def install_sampler(app: FastAPI, seconds: float) -> None:
    """Run the sampler while the app is being served (not in TestClient without lifespan)."""
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(a: Any) -> AsyncIterator[Any]:
        sampler = Sampler(app.state.sessions, seconds)
        sampler.start()
        try:
            async with inner(a) as state:
                yield state
        finally:
            sampler.stop()

    app.router.lifespan_context = lifespan


# --- remote health checks -----------------------------------------------------------------------


LEVELS = ("external", "internal")  # nobody stands at the kiosk: never "interactive"


@dataclass(frozen=True)
class HealthCheckOrder:
    """What a heartbeat answer carries: which request, at which level."""

    id: int
    level: str


class UnknownHealthCheck(Exception):
    """No such request for this kiosk."""


def request_health_check(
    session: Session, kiosk_id: str, actor: str, now: datetime, level: str = "external"
) -> HealthCheckOrder:
    """Ask once: a request still unanswered is not doubled (and keeps its level)."""
    if level not in LEVELS:
        raise ValueError(f"not a remote health check level: {level!r}")
    waiting = session.scalar(
        select(HealthCheckRequest).where(
            HealthCheckRequest.kiosk_id == kiosk_id, HealthCheckRequest.reported_at.is_(None)
        )
    )
    if waiting is None:
        waiting = HealthCheckRequest(
            kiosk_id=kiosk_id, requested_at=now, requested_by=actor, level=level
        )
        session.add(waiting)
        session.flush()
    return HealthCheckOrder(waiting.id, waiting.level)


def mark_delivered(session: Session, request_id: int, now: datetime) -> None:
    """The first heartbeat answer that carried the request: when it went out."""
    session.execute(
        update(HealthCheckRequest)
        .where(HealthCheckRequest.id == request_id, HealthCheckRequest.delivered_at.is_(None))
        .values(delivered_at=now)
        .execution_options(synchronize_session=False)
    )


def record_result(
    session: Session, kiosk_id: str, request_id: int, checks: list[dict[str, Any]], now: datetime
) -> HealthCheckRequest:
    """Keep the kiosk's first result for the request; a repeat of it changes nothing."""
    found = session.get(HealthCheckRequest, request_id)
    if found is None or found.kiosk_id != kiosk_id:
        raise UnknownHealthCheck(request_id)
    if found.reported_at is None:
        found.result = json.dumps(checks, ensure_ascii=False)
        found.reported_at = now
        if found.delivered_at is None:
            found.delivered_at = now
    return found


@dataclass(frozen=True)
class CheckResult:
    """One device's line of a reported health check, as the console shows it."""

    device: str
    ok: bool
    text_id: str
    text_en: str
    details: dict[str, Any]


def results(request: HealthCheckRequest) -> list[CheckResult]:
    """The reported checks; an unreadable record reads as none."""
    try:
        raw = json.loads(request.result or "[]")
    except ValueError:
        return []
    found = []
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, dict):
            continue
        text = item.get("text") if isinstance(item.get("text"), dict) else {}
        details = item.get("details") if isinstance(item.get("details"), dict) else {}
        found.append(
            CheckResult(
                device=str(item.get("device", "")),
                ok=item.get("ok") is True,
                text_id=str((text or {}).get("id", "")),
                text_en=str((text or {}).get("en", "")),
                details=details or {},
            )
        )
    return found


def latest_health_check(session: Session, kiosk_id: str) -> HealthCheckRequest | None:
    return session.scalar(
        select(HealthCheckRequest)
        .where(HealthCheckRequest.kiosk_id == kiosk_id)
        .order_by(HealthCheckRequest.requested_at.desc(), HealthCheckRequest.id.desc())
        .limit(1)
    )


def waiting_health_checks(session: Session) -> dict[str, HealthCheckOrder]:
    """The kiosks whose health check request has no result yet, with that request."""
    rows = session.execute(
        select(HealthCheckRequest.kiosk_id, HealthCheckRequest.id, HealthCheckRequest.level)
        .where(HealthCheckRequest.reported_at.is_(None))
        .order_by(HealthCheckRequest.id)
    ).all()
    return {kiosk_id: HealthCheckOrder(id_, level) for kiosk_id, id_, level in rows}


class HealthCheckInbox:
    """Which kiosks have a health check unanswered, known without a query on every heartbeat."""

    def __init__(self, factory: sessionmaker[Session], ttl: float = 5.0) -> None:
        self.factory, self.ttl = factory, ttl
        self._waiting: dict[str, HealthCheckOrder] = {}
        self._delivered: set[int] = set()  # marked delivered from this process
        self._read_at = float("-inf")  # time.monotonic() of the last read
        self._reading = threading.Lock()  # one read at a time; others use the last one

    def note(self, kiosk_id: str, order: HealthCheckOrder) -> None:
        """A request made in this process: its next heartbeat here carries it, no wait."""
        self._waiting[kiosk_id] = order

    def answered(self, kiosk_id: str, request_id: int) -> None:
        """The kiosk reported the result through this process: stop handing the request out.

        (Another process stops within its ttl; the kiosk ignores an id it has answered.)"""
        if (order := self._waiting.get(kiosk_id)) is not None and order.id == request_id:
            self._waiting.pop(kiosk_id, None)

    async def take(self, kiosk_id: str) -> HealthCheckOrder | None:
        """The request this kiosk has not answered yet, in every answer until it does."""
        if time.monotonic() - self._read_at > self.ttl and self._reading.acquire(blocking=False):
            try:
                await anyio.to_thread.run_sync(self._read)
            finally:
                self._reading.release()
        order = self._waiting.get(kiosk_id)
        if order is None:
            return None
        if order.id not in self._delivered:
            try:
                await anyio.to_thread.run_sync(self._deliver, order.id)
                self._delivered.add(order.id)
            except Exception:  # only the time it went out is missing; it still goes out
                log.exception("health check request %s: delivery time not recorded", order.id)
        return order

    def _read(self) -> None:
        started = time.monotonic()
        with self.factory() as session:
            waiting = waiting_health_checks(session)
        self._waiting = waiting
        self._delivered &= {o.id for o in waiting.values()}  # forget what is answered
        self._read_at = started

    def _deliver(self, request_id: int) -> None:
        with self.factory() as session, session.begin():
            mark_delivered(session, request_id, datetime.now())
