"""Technician pages: the fleet by region (online, degraded, offline; paper), one kiosk's devices.

What they show comes from the kiosks' heartbeats (server/kiosk_health.py). Nothing here shows
personal data: kiosks report devices, counters and short device messages only.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import groupby

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from server.api.deps import SessionDep, SettingsDep
from server.audit import audit
from server.console.auth import CheckedForm, TechnicianUser, text_field
from server.console.chart import line_chart
from server.console.pages import ConsoleRefused, render, see_other, write_pending_heartbeats
from server.kiosk_health import (
    LEVELS,
    Condition,
    DeviceReport,
    condition,
    devices,
    history,
    latest_health_check,
    request_health_check,
    results,
)
from server.models import Kiosk

router = APIRouter(prefix="/console/tech", include_in_schema=False)

HISTORY = timedelta(hours=24)
RECENT_ERRORS = 20


@dataclass(frozen=True)
class FleetRow:
    kiosk: Kiosk
    condition: Condition
    age_seconds: int | None  # since the last heartbeat


@dataclass(frozen=True)
class ErrorSeen:
    at: datetime
    device: str
    state: str
    detail: str


def _region(kiosk: Kiosk) -> str:
    return kiosk.region_code or "—"


@router.get("")
def fleet(
    request: Request, _user: TechnicianUser, session: SessionDep, settings: SettingsDep
) -> Response:
    write_pending_heartbeats(request)
    now = datetime.now()
    kiosks = list(session.scalars(select(Kiosk).order_by(Kiosk.region_code, Kiosk.id)))
    rows = [
        FleetRow(
            k,
            condition(k, now, settings.kiosk_heartbeat_seconds),
            int((now - k.last_heartbeat_at).total_seconds()) if k.last_heartbeat_at else None,
        )
        for k in kiosks
    ]
    regions = [(region, list(group)) for region, group in groupby(rows, lambda r: _region(r.kiosk))]
    states = Counter(r.condition.state for r in rows)
    papers = Counter(r.condition.paper for r in rows)
    return render(
        request,
        "tech_fleet.html",
        regions=regions,
        states=states,
        papers=papers,
        refresh_seconds=15,
    )


def _kiosk(session: Session, kiosk_id: str) -> Kiosk:
    kiosk = session.get(Kiosk, kiosk_id)
    if kiosk is None:
        raise ConsoleRefused(404, "err_unknown_kiosk")
    return kiosk


def _recent_errors(samples: list[tuple[datetime, list[DeviceReport]]]) -> list[ErrorSeen]:
    """Devices not ready, newest first, each spell once (while it lasts it is one error)."""
    seen: list[ErrorSeen] = []
    last: dict[str, tuple[str, str]] = {}
    for at, reports in samples:
        for device in reports:
            key = (device.state, device.detail)
            if not device.ready and last.get(device.name) != key:
                seen.append(ErrorSeen(at, device.name, device.state, device.detail))
            last[device.name] = key
    return list(reversed(seen))[:RECENT_ERRORS]


@router.get("/kiosks/{kiosk_id}")
def kiosk_page(
    kiosk_id: str,
    request: Request,
    _user: TechnicianUser,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    write_pending_heartbeats(request)
    now = datetime.now()
    kiosk = _kiosk(session, kiosk_id)
    current = devices(kiosk.device_health)
    samples = [(s.at, devices(s.device_health)) for s in history(session, kiosk.id, now - HISTORY)]
    if kiosk.last_heartbeat_at is not None and (
        not samples or samples[-1][0] < kiosk.last_heartbeat_at
    ):
        samples.append((kiosk.last_heartbeat_at, current))
    names = [d.name for d in current] or sorted({d.name for _, r in samples for d in r})
    chosen = request.query_params.get("device")
    device = (
        chosen if chosen in names else ("receipt" if "receipt" in names else next(iter(names), ""))
    )
    data: dict[str, list[tuple[datetime, int]]] = {}
    for at, reports in samples:
        for report in reports:
            if report.name == device:
                for counter, value in report.counters.items():
                    data.setdefault(counter, []).append((at, value))
    return render(
        request,
        "tech_kiosk.html",
        kiosk=kiosk,
        condition=condition(kiosk, now, settings.kiosk_heartbeat_seconds),
        devices=current,
        device_names=names,
        device=device,
        chart=line_chart(data),
        sample_count=len(samples),
        errors=_recent_errors(samples),
        health_check=(check := latest_health_check(session, kiosk.id)),
        health_results=results(check) if check is not None else [],
        health_levels=LEVELS,
        done=request.query_params.get("done", ""),
    )


@router.post("/kiosks/{kiosk_id}/health-check")
def ask_health_check(
    kiosk_id: str,
    request: Request,
    user: TechnicianUser,
    form: CheckedForm,
    session: SessionDep,
) -> Response:
    kiosk = _kiosk(session, kiosk_id)
    if kiosk.revoked_at is not None:
        raise ConsoleRefused(409, "err_kiosk_revoked")
    level = text_field(form, "level") or "external"
    if level not in LEVELS:
        raise ConsoleRefused(400, "err_health_check_level")
    order = request_health_check(session, kiosk.id, user.username, datetime.now(), level)
    audit(session, user.username, "kiosk.health_check_request", kiosk.id, via="console")
    # Every heartbeat answer carries the request until the kiosk reports its result; here the
    # next one does at once (other server processes read it within their inbox's ttl).
    request.app.state.health_checks.note(kiosk.id, order)
    return see_other(f"/console/tech/kiosks/{kiosk.id}?done=health_check")
