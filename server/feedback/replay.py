"""Once per idempotency key: a kiosk's outbox resends a complaint or survey until it hears back.

The complaints and survey_answers tables have no idempotency columns yet, so the key and the
digest of what was sent are kept in the submission's own audit entry, written in the same
transaction as the row: a retry finds that entry and the row it names. Twins racing through
two server processes are serialised by a lock on the kiosk's row (as application submission
does), so the second one finds the first one's entry.

When the tables gain (kiosk_id, idempotency_key) columns with a unique constraint, this module
is the one place to change.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.feedback import FeedbackRefused
from server.models import AuditEntry, Kiosk

KEY = "idempotency_key"
DIGEST = "digest"


@dataclass(frozen=True)
class Earlier:
    """The first submission under a key: the record it made (its audit subject), its digest."""

    subject: str
    digest: str


def lock_kiosk(session: Session, kiosk: Kiosk) -> None:
    """One submission per kiosk at a time (a row lock on PostgreSQL; SQLite has one writer)."""
    session.execute(select(Kiosk.id).where(Kiosk.id == kiosk.id).with_for_update())


def earlier_submission(session: Session, kiosk: Kiosk, action: str, key: str) -> Earlier | None:
    """What this kiosk stored under ``key`` with ``action``, if it did."""
    needle = json.dumps({KEY: key})[1:-1]  # as audit() writes it: "idempotency_key": "..."
    rows = session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.actor == f"kiosk:{kiosk.id}",
            AuditEntry.action == action,
            AuditEntry.detail.contains(needle, autoescape=True),
        )
        .order_by(AuditEntry.id)
    )
    for row in rows:
        detail = json.loads(row.detail)
        if detail.get(KEY) == key:
            return Earlier(row.subject, str(detail.get(DIGEST, "")))
    return None


def check_same(earlier: Earlier, digest: str, what: str) -> None:
    """A retry must carry what the first request carried; other content under the key is 409."""
    if earlier.digest != digest:
        raise FeedbackRefused(
            409,
            "idempotency_conflict",
            f"This idempotency key was already used for a different {what}",
        )
