"""Public pages, no login: is this paper genuine? where are the kiosks, and when are they open?"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from server.api.deps import SessionDep, SignerDep
from server.catalogue import default_catalogue
from server.console.kiosk_places import MAP_HEIGHT, MAP_WIDTH, kiosk_places, map_marks
from server.console.pages import render
from server.console.verification import MAX_INPUT, verify_input

VERIFY_PATH = "/verifikasi"
LOCATIONS_PATH = "/lokasi"
router = APIRouter(include_in_schema=False)


def _doc_type_names() -> dict[str, tuple[str, str]]:
    return {code: (t.name_id, t.name_en) for code, t in default_catalogue().document_types.items()}


def _service_names() -> dict[str, tuple[str, str]]:
    return {code: (s.name_id, s.name_en) for code, s in default_catalogue().services.items()}


@router.get(VERIFY_PATH, response_class=HTMLResponse)
def verify_page(
    request: Request,
    session: SessionDep,
    signer: SignerDep,
    kode: str = "",
) -> HTMLResponse:
    """The form, and the answer for the code or number in ``kode`` (a GET: nothing changes)."""
    kode = kode[: MAX_INPUT + 1]  # anything longer is no code and no number: "unreadable"
    finding = verify_input(session, signer, kode)
    response = render(
        request,
        "public_verify.html",
        asked=kode.strip()[:MAX_INPUT],
        finding=finding,
        doc_types=_doc_type_names(),
        public_page="verify",
    )
    response.headers["Cache-Control"] = "no-store"  # a revocation shows at once
    response.headers["Referrer-Policy"] = "no-referrer"  # the code stays off other sites' logs
    return response


@router.get(LOCATIONS_PATH, response_class=HTMLResponse)
def locations_page(request: Request, session: SessionDep) -> HTMLResponse:
    """Where kiosks stand, grouped by regency, with hours on each place's own clock, and a map."""
    regions = kiosk_places(session)
    return render(
        request,
        "public_locations.html",
        regions=regions,
        marks=map_marks(regions),
        map_width=MAP_WIDTH,
        map_height=MAP_HEIGHT,
        services=_service_names(),
        public_page="locations",
    )
