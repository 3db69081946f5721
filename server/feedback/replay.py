"""Once per idempotency key: a kiosk's outbox resends a complaint or survey until it hears back.

Each row keeps the kiosk's key and the digest of what was sent, unique per (kiosk, key). A retry
finds the first row and gets it back; other content under the same key is refused. Twins racing
through two server processes are serialised by a lock on the kiosk's row (as application
submission does), and the unique constraint stands behind it.
"""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.feedback import FeedbackRefused
from server.models import Complaint, Kiosk, SurveyAnswer

Row = TypeVar("Row", Complaint, SurveyAnswer)


def lock_kiosk(session: Session, kiosk: Kiosk) -> None:
    """One submission per kiosk at a time (a row lock on PostgreSQL; SQLite has one writer)."""
    session.execute(select(Kiosk.id).where(Kiosk.id == kiosk.id).with_for_update())


def earlier_submission(session: Session, model: type[Row], kiosk: Kiosk, key: str) -> Row | None:
    """What this kiosk stored under ``key``, if it did."""
    return session.scalars(
        select(model).where(model.kiosk_id == kiosk.id, model.idempotency_key == key)
    ).one_or_none()


def check_same(earlier: Complaint | SurveyAnswer, digest: str, what: str) -> None:
    """A retry must carry what the first request carried; other content under the key is 409."""
    if earlier.request_digest != digest:
        raise FeedbackRefused(
            409,
            "idempotency_conflict",
            f"This idempotency key was already used for a different {what}",
        )
