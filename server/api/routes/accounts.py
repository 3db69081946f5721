"""Staff accounts: a staff admin creates, lists and revokes them (AdminDep).

A new account's token is in the answer to its creation and nowhere else: not in the list,
not in the database (only its hash), not in the audit log.
"""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field, field_validator

from server.api.deps import SessionDep
from server.api.errors import ApiError
from server.api.staff_auth import AdminDep
from server.api.times import ServerTime
from server.models import StaffAccount
from server.staff_accounts import (
    USERNAME_PATTERN,
    InvalidAccount,
    RoleName,
    UnknownAccount,
    UsernameTaken,
    create_account,
    list_accounts,
    revoke_account,
)

PREFIX = "/api/v1/staff/accounts"
router = APIRouter(tags=["staff accounts"])


class StaffAccountCreate(BaseModel):
    username: str = Field(pattern=USERNAME_PATTERN, description="a-z, 0-9, '.', '_', '-'")
    display_name: str = Field(min_length=1, max_length=120)
    role: RoleName

    @field_validator("display_name")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the display name is empty")
        return value.strip()


class StaffAccountPublic(BaseModel):
    username: str
    display_name: str
    role: RoleName
    created_at: ServerTime
    revoked_at: ServerTime | None


class StaffAccountCreated(StaffAccountPublic):
    token: str = Field(description="The account's API token; shown this once, never again")


def _public(account: StaffAccount) -> StaffAccountPublic:
    return StaffAccountPublic.model_validate(account, from_attributes=True)


@router.post(PREFIX, status_code=201)
def create(body: StaffAccountCreate, admin: AdminDep, session: SessionDep) -> StaffAccountCreated:
    """A new officer, technician or staff admin; hand them the token in the answer."""
    try:
        account, token = create_account(
            session, body.username, body.display_name, body.role, admin.username
        )
    except UsernameTaken as exc:
        raise ApiError(409, "username_taken", str(exc)) from None
    except InvalidAccount as exc:
        raise ApiError(422, "invalid_request", str(exc)) from None
    return StaffAccountCreated(**_public(account).model_dump(), token=token)


@router.get(PREFIX)
def accounts(_admin: AdminDep, session: SessionDep) -> list[StaffAccountPublic]:
    """Every account, revoked ones too, by username; never a token or its hash."""
    return [_public(account) for account in list_accounts(session)]


@router.post(PREFIX + "/{username}/revoke")
def revoke(username: str, admin: AdminDep, session: SessionDep) -> StaffAccountPublic:
    """The account's token stops working at once; the account stays for the audit log."""
    try:
        account = revoke_account(session, username, admin.username)
    except UnknownAccount as exc:
        raise ApiError(404, "unknown_account", str(exc)) from None
    return _public(account)
