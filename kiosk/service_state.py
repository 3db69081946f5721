"""What this kiosk can offer a citizen right now, and what to tell them when it cannot.

A pure decision, no I/O: :func:`decide` takes the facts (server reachable, which printers cannot
print, this location's opening hours and enabled services, the other kiosks' places) and
returns a :class:`ServiceState`. The screens only show it: tiles offered, greyed with a reason,
or left out, and notices on the attract screen and the menu.

What still works when something is wrong (the rules the office agreed to):

- server unreachable: printing waits (a code cannot be checked: the tile is greyed and says
  so); status, locations and requirements need the connection, which the notice says, but
  stay open (the heartbeat may be a few seconds behind: each flow asks the server itself and
  says plainly when it cannot, with a "try again"); applications are still taken (they wait
  in the outbox and are sent when the connection is back), and so are surveys and complaints.
- a printer that cannot print (paper out, cover open, offline): no printing; applications
  need the receipt printer for their receipt. The notice names the nearest other kiosk.
- outside opening hours: nobody from the office is there to refill paper or help, so printing
  and new applications wait for opening time; everything that only informs (status,
  requirements, locations) and surveys/complaints still work. The notice says when it opens.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any

from kiosk.i18n import t
from kiosk.info_text import clock_text, day_name, distance_km
from kiosk.opening_hours import local_time, open_state, parse_hours, zone_of

PRINTER_ROLES = ("a4", "receipt")
NEEDS_SERVER = ("status", "locations", "requirements")


@dataclass(frozen=True)
class Facts:
    """Everything the decision depends on, gathered by the core (see KioskCore.service_state)."""

    now: datetime  # aware
    server_reachable: bool = True
    printer_problems: Sequence[str] = ()  # roles (a4, receipt) that cannot print now
    location: Mapping[str, Any] | None = None  # the office's config: name, region, hours, id
    enabled_services: Sequence[str] = ()  # service codes citizens may apply for here
    config_known: bool = False  # the kiosk has fetched its configuration at least once
    locations: Sequence[Mapping[str, Any]] = ()  # every ADM location, from the server
    follow_hours: bool = True  # False: open around the clock whatever the hours say


@dataclass(frozen=True)
class Offer:
    """How one menu flow is offered: shown or left out; usable, or greyed with a reason."""

    shown: bool = True
    enabled: bool = True
    reason: str = ""  # what the tile says instead of its description: closed|offline|printer


@dataclass(frozen=True)
class Opening:
    """When a closed location opens again (``day`` is a weekday name like ``mon``)."""

    day: str
    at: time
    today: bool
    zone: str


@dataclass(frozen=True)
class ServiceState:
    online: bool = True
    open: bool = True
    opening: Opening | None = None  # when closed and the hours say when it opens
    printers_ok: bool = True
    nearest: Mapping[str, Any] | None = None  # the nearest other kiosk location, if known
    location_name: str = ""
    flows: Mapping[str, Offer] = field(default_factory=dict)
    notices: tuple[str, ...] = ()  # closed | printer | offline, most important first

    def offer(self, flow: str) -> Offer:
        """A flow this module does not know (a new tile) is offered as it is."""
        return self.flows.get(flow, Offer())


def decide(facts: Facts) -> ServiceState:
    """The kiosk's service state from the facts; see the module text for the rules."""
    location = facts.location or {}
    hours = parse_hours(location.get("opening_hours"))
    region = str(location.get("region_code", ""))
    is_open, opening = True, None
    if hours and facts.follow_hours:
        state = open_state(hours, local_time(region, facts.now))
        is_open = state.open
        if not is_open and state.next_day is not None and state.next_time is not None:
            zone = zone_of(region)
            opening = Opening(
                state.next_day, state.next_time, state.next_is_today, zone.name if zone else ""
            )
    online = facts.server_reachable
    problems = set(facts.printer_problems)
    printers_ok = not problems
    services = bool(facts.enabled_services)

    flows: dict[str, Offer] = {}
    if not is_open:
        flows["print"] = Offer(enabled=False, reason="closed")
    elif not printers_ok:
        flows["print"] = Offer(enabled=False, reason="printer")
    elif not online:
        flows["print"] = Offer(enabled=False, reason="offline")
    else:
        flows["print"] = Offer()

    if not services:
        flows["apply"] = Offer(shown=False)
    elif not is_open:
        flows["apply"] = Offer(enabled=False, reason="closed")
    elif "receipt" in problems:
        flows["apply"] = Offer(enabled=False, reason="printer")
    else:
        flows["apply"] = Offer()  # offline: it waits in the outbox

    for flow in NEEDS_SERVER:
        flows[flow] = Offer()  # offline: the notice says they need the connection
    if facts.config_known and not services:
        flows["requirements"] = Offer(shown=False)  # this place takes no applications

    notices = []
    if not is_open:
        notices.append("closed")
    if not printers_ok:
        notices.append("printer")
    if not online:
        notices.append("offline")
    return ServiceState(
        online=online,
        open=is_open,
        opening=opening,
        printers_ok=printers_ok,
        nearest=nearest_other(location, facts.locations) if not printers_ok else None,
        location_name=str(location.get("name", "")),
        flows=flows,
        notices=tuple(notices),
    )


def nearest_other(
    here: Mapping[str, Any], places: Sequence[Mapping[str, Any]]
) -> Mapping[str, Any] | None:
    """The nearest other location by coordinates; None when distances are not known.

    The office's configuration carries no coordinates: this kiosk's own come from its entry in
    the server's list (same id).
    """
    own_id = here.get("id")
    mine = next((p for p in places if own_id is not None and p.get("id") == own_id), None)
    if mine is None:
        return None
    best: tuple[float, Mapping[str, Any]] | None = None
    for place in places:
        if place is mine or not place.get("name"):
            continue
        km = distance_km(dict(mine), dict(place))
        if km is not None and (best is None or km < best[0]):
            best = (km, place)
    return best[1] if best is not None else None


# --- wording ----------------------------------------------------------------------------------


def opening_text(opening: Opening | None, lang: str) -> str:
    """``Senin 08.00 WITA`` / ``hari ini pukul 08.00 WITA``; empty when unknown."""
    if opening is None:
        return ""
    at = clock_text(opening.at, lang)
    key = "service.opens_today" if opening.today else "service.opens_day"
    return t(key, lang, day=day_name(opening.day, lang), time=at, zone=opening.zone).strip()


def nearest_text(state: ServiceState, lang: str) -> str:
    if state.nearest is None:
        return t("service.nearest.unknown", lang)
    return t(
        "service.nearest",
        lang,
        name=str(state.nearest.get("name", "")),
        address=str(state.nearest.get("address", "")),
    )


def notice_text(state: ServiceState, notice: str, lang: str) -> str:
    """One notice as a sentence or two for the citizen."""
    if notice == "closed":
        when = opening_text(state.opening, lang)
        head = t("service.closed.when", lang, when=when) if when else t("service.closed", lang)
        return head + " " + t("service.closed.still", lang)
    if notice == "printer":
        return t("service.printer", lang) + " " + nearest_text(state, lang)
    if notice == "offline":
        return t("service.offline", lang)
    return ""


def short_notice_text(state: ServiceState, notice: str, lang: str) -> str:
    """One notice in one line, for the menu (its tiles need the room)."""
    if notice == "closed":
        when = opening_text(state.opening, lang)
        if not when:
            return t("service.closed", lang) + " " + t("service.closed.still", lang)
        return t("service.short.closed", lang, when=when)
    if notice == "printer":
        if state.nearest is None:
            return t("service.short.printer.unknown", lang)
        return t(
            "service.short.printer",
            lang,
            name=str(state.nearest.get("name", "")),
            address=str(state.nearest.get("address", "")),
        )
    if notice == "offline":
        return t("service.short.offline", lang)
    return ""


def notices_text(state: ServiceState, lang: str, short: bool = False) -> str:
    """Every notice, one paragraph each (one line each when ``short``)."""
    word = short_notice_text if short else notice_text
    return "\n".join(word(state, n, lang) for n in state.notices)


def reason_text(state: ServiceState, flow: str, lang: str) -> str:
    """What a greyed tile says instead of its description."""
    reason = state.offer(flow).reason
    if reason == "closed":
        when = opening_text(state.opening, lang)
        return (
            t("service.reason.closed.when", lang, when=when)
            if when
            else t("service.reason.closed", lang)
        )
    if reason == "printer":
        return t("service.reason.printer", lang)
    if reason == "offline":
        key = "service.reason.print_waits" if flow == "print" else "service.reason.offline"
        return t(key, lang)
    return ""
