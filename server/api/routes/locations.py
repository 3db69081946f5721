"""Kiosk locations: staff admins create and edit them; anyone may see where kiosks stand, when."""

from __future__ import annotations

import json
import re

from fastapi import APIRouter
from pydantic import BaseModel, Field, field_validator
from sqlalchemy import select

from server.api.deps import SessionDep
from server.api.errors import ApiError
from server.api.staff_auth import AdminDep
from server.audit import audit
from server.catalogue import default_catalogue
from server.fleet import location_changed
from server.models import Location

router = APIRouter(tags=["locations"])

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HOURS = re.compile(r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$")
_REGION = re.compile(r"^\d{2}(\.\d{2}){1,2}(\.\d{4})?$")


class LocationIn(BaseModel):
    name: str = Field(min_length=1, max_length=120)
    address: str = Field(min_length=1, max_length=200)
    region_code: str = Field(max_length=13)
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    opening_hours: dict[str, str] = Field(default_factory=dict)  # weekday -> "08:00-16:00"
    enabled_services: list[str] = Field(default_factory=list, max_length=32)

    @field_validator("region_code")
    @classmethod
    def _region(cls, value: str) -> str:
        if not _REGION.match(value):
            raise ValueError("region code is PP.KK, PP.KK.CC or PP.KK.CC.DDDD")
        return value

    @field_validator("enabled_services")
    @classmethod
    def _services(cls, value: list[str]) -> list[str]:
        known = default_catalogue().services
        unknown = [code for code in value if code not in known]
        if unknown:
            # ascii(): a code is the caller's text, which may not even be encodable (a lone
            # surrogate): the message must be, or building the 422 fails with a 500.
            raise ValueError(f"unknown service codes: {', '.join(map(ascii, unknown[:5]))}")
        return sorted(set(value))

    @field_validator("opening_hours")
    @classmethod
    def _hours(cls, value: dict[str, str]) -> dict[str, str]:
        for day, hours in value.items():
            if day not in WEEKDAYS or not _HOURS.match(hours) or hours[:5] >= hours[6:]:
                raise ValueError("opening hours are weekday (mon..sun) -> 'HH:MM-HH:MM'")
        return value


class LocationPublic(LocationIn):
    id: int
    config_version: int


def _public(location: Location) -> LocationPublic:
    return LocationPublic(
        id=location.id,
        name=location.name,
        address=location.address,
        region_code=location.region_code,
        latitude=location.latitude,
        longitude=location.longitude,
        opening_hours=json.loads(location.opening_hours),
        enabled_services=json.loads(location.enabled_services),
        config_version=location.config_version,
    )


def _apply(location: Location, body: LocationIn) -> None:
    location.name, location.address = body.name, body.address
    location.region_code = body.region_code
    location.latitude, location.longitude = body.latitude, body.longitude
    location.opening_hours = json.dumps(body.opening_hours, sort_keys=True)
    location.enabled_services = json.dumps(body.enabled_services)


@router.post("/api/v1/staff/locations", status_code=201)
def create_location(body: LocationIn, admin: AdminDep, session: SessionDep) -> LocationPublic:
    """A new place for kiosks, with its hours and the services offered there."""
    location = Location(config_version=1)
    _apply(location, body)
    session.add(location)
    session.flush()
    audit(session, admin.username, "location.create", str(location.id), name=body.name)
    return _public(location)


@router.put("/api/v1/staff/locations/{location_id}")
def update_location(
    location_id: int, body: LocationIn, admin: AdminDep, session: SessionDep
) -> LocationPublic:
    """Change a location; its config version goes up so its kiosks fetch the change."""
    location = session.get(Location, location_id)
    if location is None:
        raise ApiError(404, "unknown_location", "No such location")
    _apply(location, body)
    location.config_version += 1
    location_changed(session, location)
    audit(
        session,
        admin.username,
        "location.update",
        str(location.id),
        version=location.config_version,
    )
    return _public(location)


@router.get("/api/v1/public/locations")
def list_locations(session: SessionDep) -> list[LocationPublic]:
    """Where the kiosks stand and when they are open, for citizens and the kiosk screen."""
    return [_public(loc) for loc in session.scalars(select(Location).order_by(Location.name))]
