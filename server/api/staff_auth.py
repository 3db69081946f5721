"""Who is calling the staff API, and whether their role allows it.

Staff send `Authorization: Bearer <token>`, the personal token of their account
(server/staff_accounts.py). The role decides what they may do:

- officer: the application workflow and what citizens were told (OfficerDep);
- technician: the fleet's health (TechnicianDep);
- admin (staff admin): everything above, plus kiosk locations and staff accounts (AdminDep);
- any role: read-only office views such as the print counts of a document (StaffDep).

ADM_STAFF_TOKEN (settings.staff_token), when set, is a bootstrap credential of role admin,
recorded in the audit log as "bootstrap-admin": it lets a fresh install create its first
accounts (POST /api/v1/staff/accounts, or `adm-server staff-add`). Unset it once they exist.

No credential, or one that is not a bearer token: 401 unauthenticated. A token that belongs to
no account, to a revoked one, or to a role that may not do this: 403 forbidden.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from server.api.deps import SessionDep, SettingsDep
from server.api.errors import ApiError
from server.staff_accounts import BOOTSTRAP_ADMIN, find_by_token

_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="StaffToken",
    description="The personal API token of a staff account (or the bootstrap ADM_STAFF_TOKEN)",
)


@dataclass(frozen=True)
class StaffMember:
    """The person behind a staff request; `username` is their name in the audit log."""

    username: str
    display_name: str
    role: str


def current_staff(
    session: SessionDep,
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> StaffMember:
    """The staff member whose token this is, in any role; 401 or 403 otherwise."""
    if credentials is None:
        raise ApiError(401, "unauthenticated", "Bearer credential required")
    token = credentials.credentials
    if settings.staff_token and hmac.compare_digest(token.encode(), settings.staff_token.encode()):
        return StaffMember(BOOTSTRAP_ADMIN, "Bootstrap admin (ADM_STAFF_TOKEN)", "admin")
    account = find_by_token(session, token)
    if account is None:
        raise ApiError(403, "forbidden", "Unknown staff token")
    if account.revoked_at is not None:
        raise ApiError(403, "forbidden", "This staff account has been revoked")
    return StaffMember(account.username, account.display_name, account.role)


def _role_in(*roles: str) -> Callable[[StaffMember], StaffMember]:
    def allowed(member: Annotated[StaffMember, Depends(current_staff)]) -> StaffMember:
        if member.role not in roles:
            raise ApiError(
                403, "forbidden", f"This needs a staff account of role {' or '.join(roles)}"
            )
        return member

    return allowed


StaffDep = Annotated[StaffMember, Depends(current_staff)]
OfficerDep = Annotated[StaffMember, Depends(_role_in("officer", "admin"))]
TechnicianDep = Annotated[StaffMember, Depends(_role_in("technician", "admin"))]
AdminDep = Annotated[StaffMember, Depends(_role_in("admin"))]
