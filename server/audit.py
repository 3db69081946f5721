"""The append-only audit log: every change of state says who, what and to which record."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from server.models import AuditEntry


def audit(session: Session, actor: str, action: str, subject: str, **detail: Any) -> None:
    session.add(
        AuditEntry(
            at=datetime.now(),
            actor=actor,
            action=action,
            subject=subject,
            detail=json.dumps(detail, default=str, sort_keys=True),
        )
    )
