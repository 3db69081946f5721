"""Staff roles: what an officer, a technician and a staff admin may each do, as a client sees it.

The demo has one account per role (petugas, teknisi, admin); `server.staff_headers(role)` sends
that account's token. ADM_STAFF_TOKEN is only a bootstrap admin for a fresh install.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from proof.sample_bodies import birth_application
from server.codes import hash_secret
from server.demo import load_demo
from server.models import AuditEntry, StaffAccount
from server.signing import Signer

OFFICER = "/api/v1/officer/applications"
ACCOUNTS = "/api/v1/staff/accounts"
LOCATIONS = "/api/v1/staff/locations"
UNKNOWN_TICKET = "ADM-7307-2611-ZZZZ"
APPLICATION = f"{OFFICER}/{UNKNOWN_TICKET}"
ROLES = ("officer", "technician", "admin")
LOCATION = {
    "name": "Balai Desa Biringere",
    "address": "Jl. Persatuan Raya, Biringere",
    "region_code": "73.07.05.1001",
    "opening_hours": {"mon": "08:00-15:00"},
}
NEW_OFFICER = {"username": "andi.petugas", "display_name": "Andi Pallawa", "role": "officer"}
APPLICATION_WORK = {"officer", "admin"}

# (method, path, JSON body, the roles that may, the status they get); everyone else gets 403.
# Unknown tickets, locations and accounts: a 404 shows the request got past the role check
# without changing anything.
ROLE_TABLE = [
    ("GET", OFFICER, None, APPLICATION_WORK, 200),
    ("GET", f"{APPLICATION}", None, APPLICATION_WORK, 404),
    ("GET", f"{APPLICATION}/papers/1", None, APPLICATION_WORK, 404),
    ("POST", f"{APPLICATION}/verify", None, APPLICATION_WORK, 404),
    ("POST", f"{APPLICATION}/request-fixes", {"reason": "KTP buram"}, APPLICATION_WORK, 404),
    ("POST", f"{APPLICATION}/approve", None, APPLICATION_WORK, 404),
    ("POST", f"{APPLICATION}/reject", {"reason": "Bukan warga"}, APPLICATION_WORK, 404),
    ("POST", f"{APPLICATION}/issue", None, APPLICATION_WORK, 404),
    ("POST", f"{APPLICATION}/deliver", {"via": "printed"}, APPLICATION_WORK, 404),
    ("GET", f"/api/v1/staff/notifications?ticket={UNKNOWN_TICKET}", None, APPLICATION_WORK, 404),
    ("GET", "/api/v1/staff/documents?number=7307051203150001", None, set(ROLES), 200),
    ("GET", "/api/v1/staff/kiosks", None, {"technician", "admin"}, 200),
    ("POST", LOCATIONS, LOCATION, {"admin"}, 201),
    ("PUT", f"{LOCATIONS}/999999", LOCATION, {"admin"}, 404),
    ("GET", ACCOUNTS, None, {"admin"}, 200),
    ("POST", ACCOUNTS, NEW_OFFICER, {"admin"}, 201),
    ("POST", f"{ACCOUNTS}/nobody/revoke", None, {"admin"}, 404),
]


def submitted(server) -> str:
    """A birth certificate application from the demo kiosk; its ticket."""
    body = birth_application()
    headers = {**server.kiosk_headers(), "Idempotency-Key": "outbox-roles-0001"}
    response = server.client.post("/api/v1/kiosk/applications", json=body, headers=headers)
    assert response.status_code == 201, response.text
    ticket: str = response.json()["ticket"]
    return ticket


def step(server, ticket: str, name: str, headers: dict[str, str]):
    return server.client.post(f"{OFFICER}/{ticket}/{name}", headers=headers)


def create_account(server, body: dict, headers: dict[str, str] | None = None) -> dict:
    response = server.client.post(ACCOUNTS, json=body, headers=headers or server.staff_headers())
    assert response.status_code == 201, response.text
    created: dict = response.json()
    return created


def audit_entries(server, action: str) -> list[tuple[str, str]]:
    """(actor, subject) of every audit entry of this action, oldest first."""
    with server.db() as session:
        rows = session.execute(
            select(AuditEntry.actor, AuditEntry.subject)
            .where(AuditEntry.action == action)
            .order_by(AuditEntry.id)
        )
        return [(actor, subject) for actor, subject in rows]


def refused(server, response) -> bool:
    return (response.status_code, server.reason(response)) == (403, "forbidden")


# --- the table: each role reaches what it may, and only that -----------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("method", "path", "body", "allowed", "status"),
    ROLE_TABLE,
    ids=[f"{method} {path}" for method, path, *_ in ROLE_TABLE],
)
def test_each_role_reaches_what_it_may_and_is_refused_the_rest(
    server, role, method, path, body, allowed, status
):
    response = server.client.request(method, path, json=body, headers=server.staff_headers(role))

    if role in allowed:
        assert response.status_code == status, response.text
    else:
        assert refused(server, response), response.text


# --- what the roles mean at work ----------------------------------------------------------------


def test_a_technician_cannot_approve_an_application(server):
    ticket = submitted(server)
    assert step(server, ticket, "verify", server.staff_headers("officer")).status_code == 200

    response = step(server, ticket, "approve", server.staff_headers("technician"))

    assert refused(server, response)
    detail = server.client.get(f"{OFFICER}/{ticket}", headers=server.staff_headers("officer"))
    assert detail.json()["status"] == "in_verification"


def test_an_officer_takes_an_application_through_every_step(server):
    ticket = submitted(server)
    officer = server.staff_headers("officer")

    for name in ("verify", "approve", "issue"):
        response = step(server, ticket, name, officer)
        assert response.status_code == 200, (name, response.text)

    assert response.json()["status"] == "issued"


def test_the_audit_log_names_the_officer_who_verified_an_application(server):
    ticket = submitted(server)

    response = step(server, ticket, "verify", server.staff_headers("officer"))

    assert response.json()["history"][-1]["actor"] == "petugas"
    assert audit_entries(server, "application.in_verification") == [("petugas", ticket)]


def test_an_officer_cannot_create_a_location(server):
    response = server.client.post(LOCATIONS, json=LOCATION, headers=server.staff_headers("officer"))

    assert refused(server, response)
    listed = server.client.get("/api/v1/public/locations").json()
    assert LOCATION["name"] not in [location["name"] for location in listed]


def test_location_changes_are_audited_in_the_admins_name(server):
    created = server.client.post(LOCATIONS, json=LOCATION, headers=server.staff_headers("admin"))
    assert created.status_code == 201, created.text

    assert audit_entries(server, "location.create") == [("admin", str(created.json()["id"]))]


def test_a_technician_sees_the_fleet_but_an_officer_does_not(server):
    as_technician = server.client.get(
        "/api/v1/staff/kiosks", headers=server.staff_headers("technician")
    )
    as_officer = server.client.get("/api/v1/staff/kiosks", headers=server.staff_headers("officer"))

    assert as_technician.status_code == 200
    assert "ADM-7307-01" in [kiosk["id"] for kiosk in as_technician.json()]
    assert refused(server, as_officer)


# --- accounts -----------------------------------------------------------------------------------


def test_an_admin_creates_an_officer_whose_token_then_works(server):
    created = create_account(server, NEW_OFFICER)
    token = server.bearer(created["token"])

    queue = server.client.get(OFFICER, headers=token)
    fleet = server.client.get("/api/v1/staff/kiosks", headers=token)

    assert created["username"] == "andi.petugas" and created["role"] == "officer"
    assert created["revoked_at"] is None
    assert queue.status_code == 200
    assert refused(server, fleet)


def test_a_new_officer_is_named_in_the_audit_log_of_what_they_do(server):
    token = server.bearer(create_account(server, NEW_OFFICER)["token"])
    ticket = submitted(server)

    assert step(server, ticket, "verify", token).status_code == 200

    assert audit_entries(server, "application.in_verification") == [("andi.petugas", ticket)]
    assert audit_entries(server, "staff_account.create")[-1] == ("admin", "andi.petugas")


def test_the_token_is_shown_once_and_only_its_hash_is_kept(server):
    token = create_account(server, NEW_OFFICER)["token"]

    listed = server.client.get(ACCOUNTS, headers=server.staff_headers())

    assert listed.status_code == 200
    rows = {row["username"]: row for row in listed.json()}
    assert set(rows) >= {"admin", "petugas", "teknisi", "andi.petugas"}
    assert set(rows["andi.petugas"]) == {
        "username",
        "display_name",
        "role",
        "created_at",
        "revoked_at",
    }
    assert token not in listed.text and hash_secret(token) not in listed.text
    with server.db() as session:
        account = session.scalar(
            select(StaffAccount).where(StaffAccount.username == "andi.petugas")
        )
        assert account is not None and account.token_hash == hash_secret(token)
        details = session.scalars(select(AuditEntry.detail)).all()
    assert not any(token in detail or hash_secret(token) in detail for detail in details)


def test_a_revoked_account_is_refused(server):
    token = server.bearer(create_account(server, NEW_OFFICER)["token"])

    revoked = server.client.post(f"{ACCOUNTS}/andi.petugas/revoke", headers=server.staff_headers())
    response = server.client.get(OFFICER, headers=token)

    assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None
    assert refused(server, response)
    assert audit_entries(server, "staff_account.revoke") == [("admin", "andi.petugas")]


def test_revoking_twice_keeps_the_first_time(server):
    create_account(server, NEW_OFFICER)
    path = f"{ACCOUNTS}/andi.petugas/revoke"

    first = server.client.post(path, headers=server.staff_headers()).json()
    second = server.client.post(path, headers=server.staff_headers()).json()

    assert second["revoked_at"] == first["revoked_at"]
    assert len(audit_entries(server, "staff_account.revoke")) == 1


def test_a_revoked_admin_can_no_longer_create_accounts(server):
    admin = {"username": "rina.admin", "display_name": "Rina Admin", "role": "admin"}
    token = server.bearer(create_account(server, admin)["token"])
    server.client.post(f"{ACCOUNTS}/rina.admin/revoke", headers=server.staff_headers())

    response = server.client.post(ACCOUNTS, json=NEW_OFFICER, headers=token)

    assert refused(server, response)


def test_a_username_stays_taken_after_its_account_is_revoked(server):
    create_account(server, NEW_OFFICER)
    server.client.post(f"{ACCOUNTS}/andi.petugas/revoke", headers=server.staff_headers())

    again = server.client.post(ACCOUNTS, json=NEW_OFFICER, headers=server.staff_headers())

    assert (again.status_code, server.reason(again)) == (409, "username_taken")


def test_the_bootstrap_name_is_no_username(server):
    body = {**NEW_OFFICER, "username": "bootstrap-admin"}

    response = server.client.post(ACCOUNTS, json=body, headers=server.staff_headers())

    assert (response.status_code, server.reason(response)) == (409, "username_taken")


@pytest.mark.parametrize(
    "change",
    [
        {"username": "Andi Pallawa"},
        {"username": "ab"},
        {"username": "x" * 61},
        {"display_name": "   "},
        {"role": "superuser"},
        {"role": None},
    ],
    ids=["spaces", "short", "long", "blank-name", "unknown-role", "no-role"],
)
def test_a_bad_account_is_an_invalid_request(server, change):
    body = {**NEW_OFFICER, **change}

    response = server.client.post(ACCOUNTS, json=body, headers=server.staff_headers())

    assert (response.status_code, server.reason(response)) == (422, "invalid_request")
    listed = server.client.get(ACCOUNTS, headers=server.staff_headers()).json()
    assert [row["username"] for row in listed] == ["admin", "petugas", "teknisi"]


def test_an_unknown_account_cannot_be_revoked(server):
    response = server.client.post(f"{ACCOUNTS}/nobody/revoke", headers=server.staff_headers())

    assert (response.status_code, server.reason(response)) == (404, "unknown_account")


# --- credentials --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "authorization",
    ["", "Bearer", "Bearer   ", "Basic YWRtaW46YWRtaW4=", "just-a-token"],
    ids=["empty", "no-token", "blank-token", "basic", "no-scheme"],
)
def test_a_missing_or_malformed_credential_is_unauthenticated(server, authorization):
    response = server.client.get(OFFICER, headers={"Authorization": authorization})

    assert (response.status_code, server.reason(response)) == (401, "unauthenticated")


def test_a_token_of_no_account_is_forbidden(server):
    response = server.client.get(OFFICER, headers=server.bearer("not-a-staff-token"))

    assert refused(server, response)


def test_a_token_with_characters_beyond_ascii_is_forbidden_not_an_error(server):
    response = server.client.get(
        OFFICER, headers={"Authorization": "Bearer tok\xe9n".encode("latin-1")}
    )

    assert refused(server, response)


def test_the_bootstrap_token_is_an_admin_recorded_as_bootstrap_admin(server):
    bootstrap = server.bearer(server.settings.staff_token)

    created = create_account(server, NEW_OFFICER, headers=bootstrap)

    assert created["role"] == "officer"
    assert audit_entries(server, "staff_account.create")[-1] == (
        "bootstrap-admin",
        "andi.petugas",
    )


def test_without_a_bootstrap_token_accounts_still_work_and_no_empty_token_does(make_server):
    server = make_server(staff_token="")

    with_account = server.client.get(OFFICER, headers=server.staff_headers("officer"))
    old_token = server.client.get(OFFICER, headers=server.bearer("staff-token-for-api-tests"))
    empty = server.client.get(OFFICER, headers={"Authorization": "Bearer "})

    assert with_account.status_code == 200
    assert refused(server, old_token)
    assert (empty.status_code, server.reason(empty)) == (401, "unauthenticated")


def test_loading_the_demo_again_gives_its_accounts_new_tokens(server):
    old = server.staff_headers("officer")
    with server.db() as session:
        demo = load_demo(session, Signer(server.settings.keys_dir), server.settings)

    with_old = server.client.get(OFFICER, headers=old)
    with_new = server.client.get(OFFICER, headers=server.bearer(demo.staff_tokens["petugas"]))

    assert refused(server, with_old)
    assert with_new.status_code == 200
