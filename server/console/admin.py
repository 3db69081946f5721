"""Staff admin pages: kiosk locations (hours, services) and kiosks (enrol, place, revoke).

The same rules as the staff API (server/api/routes/locations.py and fleet.py): the same
checks of the input, the same domain functions (server/fleet.py), the same audit entries, with
`via="console"` in their detail. A form with a mistake comes back with the reader's values and
what is wrong, and nothing is stored.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import segno
from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from server.api.deps import SessionDep
from server.api.fleet_schemas import KIOSK_ID
from server.api.routes.locations import WEEKDAYS, LocationIn
from server.audit import audit
from server.catalogue import default_catalogue
from server.console.auth import AdminUser, CheckedForm, text_field
from server.console.i18n import translator
from server.console.pages import (
    ConsoleRefused,
    render,
    request_language,
    see_other,
    write_pending_heartbeats,
)
from server.fleet import (
    Enrolment,
    FleetRefused,
    create_kiosk,
    issue_enrolment_code,
    location_changed,
    place,
    revoke,
)
from server.models import EnrolmentCode, Kiosk, Location

router = APIRouter(prefix="/console/admin", include_in_schema=False)


# --- locations ----------------------------------------------------------------------------------


@dataclass
class LocationForm:
    """What the location form shows: stored values, or what the reader typed."""

    name: str = ""
    address: str = ""
    region_code: str = ""
    latitude: str = ""
    longitude: str = ""
    hours: dict[str, tuple[str, str]] = field(default_factory=dict)  # weekday -> (open, close)
    services: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, location: Location) -> LocationForm:
        hours = json.loads(location.opening_hours or "{}")
        return cls(
            name=location.name,
            address=location.address,
            region_code=location.region_code,
            latitude="" if location.latitude is None else f"{location.latitude:g}",
            longitude="" if location.longitude is None else f"{location.longitude:g}",
            hours={day: (span[:5], span[6:]) for day, span in hours.items()},
            services=json.loads(location.enabled_services or "[]"),
        )

    @classmethod
    def posted(cls, form: FormData) -> LocationForm:
        return cls(
            name=text_field(form, "name"),
            address=text_field(form, "address"),
            region_code=text_field(form, "region_code"),
            latitude=text_field(form, "latitude"),
            longitude=text_field(form, "longitude"),
            hours={
                day: (text_field(form, f"open_{day}"), text_field(form, f"close_{day}"))
                for day in WEEKDAYS
            },
            services=[v for v in form.getlist("services") if isinstance(v, str)],
        )

    def checked(self) -> tuple[LocationIn | None, list[tuple[str, dict[str, str]]]]:
        """The location to store, or the mistakes as (text key, values) for the reader."""
        errors: list[tuple[str, dict[str, str]]] = []
        coordinates: dict[str, float | None] = {}
        for name in ("latitude", "longitude"):
            text = getattr(self, name).replace(",", ".")
            try:
                coordinates[name] = float(text) if text else None
            except ValueError:
                coordinates[name] = None
                errors.append((f"err_{name}", {}))
        hours: dict[str, str] = {}
        for day in WEEKDAYS:
            opens, closes = self.hours.get(day, ("", ""))
            if not opens and not closes:
                continue
            if not (opens and closes) or not _TIME.match(opens) or not _TIME.match(closes):
                errors.append(("err_hours_both", {"day": day}))
            elif opens >= closes:
                errors.append(("err_hours_order", {"day": day}))
            else:
                hours[day] = f"{opens}-{closes}"
        try:
            body = LocationIn(
                name=self.name,
                address=self.address,
                region_code=self.region_code,
                latitude=coordinates["latitude"],
                longitude=coordinates["longitude"],
                opening_hours=hours,
                enabled_services=self.services,
            )
        except ValidationError as exc:
            fields = {str(e["loc"][0]) for e in exc.errors() if e["loc"]}
            reported = {key for key, _ in errors}
            errors += [
                (f"err_{name}", {})
                for name in _FIELDS
                if name in fields and f"err_{name}" not in reported
            ]
            return None, errors
        if errors:
            return None, errors
        return body, []


_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_FIELDS = (
    "name",
    "address",
    "region_code",
    "latitude",
    "longitude",
    "opening_hours",
    "enabled_services",
)


def _store(location: Location, body: LocationIn) -> None:
    location.name, location.address = body.name, body.address
    location.region_code = body.region_code
    location.latitude, location.longitude = body.latitude, body.longitude
    location.opening_hours = json.dumps(body.opening_hours, sort_keys=True)
    location.enabled_services = json.dumps(body.enabled_services)


def _location(session: Session, location_id: int) -> Location:
    location = session.get(Location, location_id)
    if location is None:
        raise ConsoleRefused(404, "err_unknown_location")
    return location


def _location_page(
    request: Request,
    form: LocationForm,
    location: Location | None,
    errors: list[tuple[str, dict[str, str]]] = (),  # type: ignore[assignment]
    status_code: int = 200,
) -> Response:
    t = translator(request_language(request))
    return render(
        request,
        "admin_location_form.html",
        status_code=status_code,
        form=form,
        location=location,
        weekdays=WEEKDAYS,
        services=_services(request),
        errors=[t(key, **{k: t(f"day_{v}") for k, v in values.items()}) for key, values in errors],
    )


def _services(request: Request) -> list[tuple[str, str]]:
    lang = request_language(request)
    catalogue = default_catalogue()
    return [
        (code, service.name_en if lang == "en" else service.name_id)
        for code, service in sorted(catalogue.services.items())
    ]


@router.get("/locations")
def locations(request: Request, _user: AdminUser, session: SessionDep) -> Response:
    rows = list(session.scalars(select(Location).order_by(Location.region_code, Location.name)))
    counts = dict(
        session.execute(
            select(Kiosk.location_id, func.count())
            .where(Kiosk.revoked_at.is_(None))
            .group_by(Kiosk.location_id)
        ).all()
    )
    return render(
        request,
        "admin_locations.html",
        locations=[(loc, LocationForm.of(loc), counts.get(loc.id, 0)) for loc in rows],
        weekdays=WEEKDAYS,
        done=request.query_params.get("done", ""),
    )


@router.get("/locations/new")
def new_location(request: Request, _user: AdminUser) -> Response:
    return _location_page(request, LocationForm(), None)


@router.post("/locations")
def create_location(
    request: Request, user: AdminUser, form: CheckedForm, session: SessionDep
) -> Response:
    typed = LocationForm.posted(form)
    body, errors = typed.checked()
    if body is None:
        return _location_page(request, typed, None, errors, 400)
    location = Location(config_version=1)
    _store(location, body)
    session.add(location)
    session.flush()
    audit(
        session, user.username, "location.create", str(location.id), name=body.name, via="console"
    )
    return see_other(f"/console/admin/locations?done=created&id={location.id}")


@router.get("/locations/{location_id}")
def edit_location(
    location_id: int, request: Request, _user: AdminUser, session: SessionDep
) -> Response:
    location = _location(session, location_id)
    return _location_page(request, LocationForm.of(location), location)


@router.post("/locations/{location_id}")
def update_location(
    location_id: int, request: Request, user: AdminUser, form: CheckedForm, session: SessionDep
) -> Response:
    location = _location(session, location_id)
    typed = LocationForm.posted(form)
    body, errors = typed.checked()
    if body is None:
        return _location_page(request, typed, location, errors, 400)
    _store(location, body)
    location.config_version += 1
    location_changed(session, location)  # its kiosks fetch the change at their next heartbeat
    audit(
        session,
        user.username,
        "location.update",
        str(location.id),
        version=location.config_version,
        via="console",
    )
    return see_other(f"/console/admin/locations?done=updated&id={location.id}")


# --- kiosks -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KioskRow:
    kiosk: Kiosk
    enrolled: bool
    applied: bool  # runs the newest configuration, by its last heartbeat


def _enrolled(session: Session, kiosk: Kiosk) -> bool:
    used = session.scalar(
        select(EnrolmentCode.id).where(
            EnrolmentCode.kiosk_id == kiosk.id, EnrolmentCode.used_at.is_not(None)
        )
    )
    return used is not None or kiosk.last_seen_at is not None


def _row(session: Session, kiosk: Kiosk) -> KioskRow:
    return KioskRow(
        kiosk, _enrolled(session, kiosk), kiosk.config_version_applied == kiosk.config_version
    )


def _kiosk(session: Session, kiosk_id: str) -> Kiosk:
    kiosk = session.get(Kiosk, kiosk_id)
    if kiosk is None:
        raise ConsoleRefused(404, "err_unknown_kiosk")
    return kiosk


def _all_locations(session: Session) -> list[Location]:
    return list(session.scalars(select(Location).order_by(Location.name)))


def _kiosks_page(
    request: Request,
    session: Session,
    errors: list[str] = (),  # type: ignore[assignment]
    typed: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    write_pending_heartbeats(request)
    kiosks = list(session.scalars(select(Kiosk).order_by(Kiosk.id)))
    return render(
        request,
        "admin_kiosks.html",
        status_code=status_code,
        kiosks=[_row(session, k) for k in kiosks],
        locations=_all_locations(session),
        errors=errors,
        typed=typed or {"id": "", "name": "", "location_id": ""},
        done=request.query_params.get("done", ""),
    )


@router.get("/kiosks")
def kiosks(request: Request, _user: AdminUser, session: SessionDep) -> Response:
    return _kiosks_page(request, session)


def _enrolment_page(request: Request, kiosk: Kiosk, enrolment: Enrolment) -> Response:
    # The kiosk's scanner reads the code as typed: `adm-kiosk enrol` takes it either way.
    qr = segno.make(enrolment.code, error="m")
    return render(
        request,
        "admin_enrolment.html",
        status_code=201,
        kiosk=kiosk,
        code=enrolment.code,
        expires_at=enrolment.expires_at,
        qr_png=qr.png_data_uri(scale=8, border=4),
    )


@router.post("/kiosks")
def create(request: Request, user: AdminUser, form: CheckedForm, session: SessionDep) -> Response:
    t = translator(request_language(request))
    typed = {
        "id": text_field(form, "id").upper(),
        "name": text_field(form, "name"),
        "location_id": text_field(form, "location_id"),
    }
    errors = []
    if not re.match(KIOSK_ID, typed["id"]):
        errors.append(t("err_kiosk_id"))
    if not typed["name"] or len(typed["name"]) > 120:
        errors.append(t("err_kiosk_name"))
    location_id = int(typed["location_id"]) if typed["location_id"].isdigit() else None
    if typed["location_id"] and (location_id is None or session.get(Location, location_id) is None):
        errors.append(t("err_unknown_location"))
    if not errors:
        try:
            kiosk, enrolment = create_kiosk(
                session, user.username, typed["id"], typed["name"], location_id
            )
        except FleetRefused as exc:
            errors.append(t("err_kiosk_exists") if exc.reason == "kiosk_exists" else exc.message)
        else:
            return _enrolment_page(request, kiosk, enrolment)
    return _kiosks_page(request, session, errors, typed, 400)


@router.get("/kiosks/{kiosk_id}")
def show(kiosk_id: str, request: Request, _user: AdminUser, session: SessionDep) -> Response:
    write_pending_heartbeats(request)
    kiosk = _kiosk(session, kiosk_id)
    return render(
        request,
        "admin_kiosk.html",
        row=_row(session, kiosk),
        locations=_all_locations(session),
        done=request.query_params.get("done", ""),
        error="",
    )


@router.post("/kiosks/{kiosk_id}/location")
def move(
    kiosk_id: str, request: Request, user: AdminUser, form: CheckedForm, session: SessionDep
) -> Response:
    kiosk = _kiosk(session, kiosk_id)
    location_id = text_field(form, "location_id")
    if not location_id.isdigit() or session.get(Location, int(location_id)) is None:
        raise ConsoleRefused(400, "err_unknown_location")
    if kiosk.revoked_at is not None:
        raise ConsoleRefused(409, "err_kiosk_revoked")
    try:
        place(session, user.username, kiosk, int(location_id))
    except FleetRefused:
        raise ConsoleRefused(400, "err_unknown_location") from None
    return see_other(f"/console/admin/kiosks/{kiosk.id}?done=moved")


@router.post("/kiosks/{kiosk_id}/enrolment-code")
def new_code(
    kiosk_id: str, request: Request, user: AdminUser, _form: CheckedForm, session: SessionDep
) -> Response:
    kiosk = _kiosk(session, kiosk_id)
    try:
        enrolment = issue_enrolment_code(session, user.username, kiosk)
    except FleetRefused:
        raise ConsoleRefused(409, "err_kiosk_revoked") from None
    return _enrolment_page(request, kiosk, enrolment)


@router.post("/kiosks/{kiosk_id}/revoke")
def revoke_kiosk(
    kiosk_id: str, request: Request, user: AdminUser, form: CheckedForm, session: SessionDep
) -> Response:
    kiosk = _kiosk(session, kiosk_id)
    reason = text_field(form, "reason")
    if not 3 <= len(reason) <= 300:
        return render(
            request,
            "admin_kiosk.html",
            status_code=400,
            row=_row(session, kiosk),
            locations=_all_locations(session),
            done="",
            error=translator(request_language(request))("err_revoke_reason"),
        )
    revoke(session, user.username, kiosk, reason)
    return see_other(f"/console/admin/kiosks/{kiosk.id}?done=revoked")
