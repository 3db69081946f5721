"""Slowing and locking login guesses: failures are counted per username and per address.

After `login_free_failures` failures (`login_ip_free_failures` for an address) a key must
wait before its next try, twice as long after each further failure (at most a minute); at
`login_lock_failures` for a username (`login_ip_lock_failures` for an address) it is locked
for `login_lock_seconds`. A try that comes too early is not checked at all, right password or
not. Counts older than the window are forgotten; a successful login clears its username's
count (not its address's).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server.console.settings import ConsoleSettings
from server.models import LoginThrottle

MAX_DELAY_SECONDS = 60.0


@dataclass(frozen=True)
class Refusal:
    """Why a login try is not checked: locked until a time, or to wait some seconds."""

    locked_until: datetime | None
    wait_seconds: int


def user_key(username: str) -> str:
    return f"user:{username}"[:120]


def address_key(address: str) -> str:
    return f"ip:{address}"[:120]


def _lock_after(key: str, settings: ConsoleSettings) -> int:
    if key.startswith("ip:"):
        return settings.login_ip_lock_failures
    return settings.login_lock_failures


def delay(key: str, failures: int, settings: ConsoleSettings) -> float:
    """Seconds this key waits after this many failures."""
    free = (
        settings.login_ip_free_failures if key.startswith("ip:") else settings.login_free_failures
    )
    extra = failures - free
    if extra <= 0:
        return 0.0
    return min(settings.login_delay_seconds * 2 ** (extra - 1), MAX_DELAY_SECONDS)


def refusal(
    session: Session, keys: list[str], settings: ConsoleSettings, now: datetime
) -> Refusal | None:
    """Whether a try for these keys must be refused now, and how it is told."""
    window = timedelta(seconds=settings.login_window_seconds)
    worst: Refusal | None = None
    for key in keys:
        row = session.get(LoginThrottle, key)
        if row is None:
            continue
        if row.locked_until is not None and row.locked_until > now:
            return Refusal(row.locked_until, 0)
        if now - row.last_failure_at > window:
            continue
        ready_at = row.last_failure_at + timedelta(seconds=delay(key, row.failures, settings))
        if ready_at > now:
            wait = max(1, int((ready_at - now).total_seconds() + 0.999))
            if worst is None or wait > worst.wait_seconds:
                worst = Refusal(None, wait)
    return worst


def record_failure(
    session: Session, keys: list[str], settings: ConsoleSettings, now: datetime
) -> list[str]:
    """Count a failed try against each key; the keys that became locked by it."""
    window = timedelta(seconds=settings.login_window_seconds)
    locked = []
    for key in keys:
        row = session.get(LoginThrottle, key)
        if row is None:
            row = LoginThrottle(key=key, failures=0, last_failure_at=now)
            try:
                with session.begin_nested():
                    session.add(row)
            except IntegrityError:  # another try of the same key inserted it first
                row = session.get(LoginThrottle, key, populate_existing=True)
                assert row is not None
        expired_lock = row.locked_until is not None and row.locked_until <= now
        if expired_lock or now - row.last_failure_at > window:
            row.failures, row.locked_until = 0, None
        session.flush()
        # In the database, so two tries at once both count.
        session.execute(
            update(LoginThrottle)
            .where(LoginThrottle.key == key)
            .values(failures=LoginThrottle.failures + 1, last_failure_at=now)
            .execution_options(synchronize_session=False)
        )
        session.refresh(row)
        if row.failures >= _lock_after(key, settings) and row.locked_until is None:
            row.locked_until = now + timedelta(seconds=settings.login_lock_seconds)
            locked.append(key)
    return locked


def clear(session: Session, key: str) -> None:
    session.execute(delete(LoginThrottle).where(LoginThrottle.key == key))
