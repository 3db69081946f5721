"""The operator's side of staff accounts: `adm-server staff-add` and the demo's token file."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from server import cli
from server.app import create_app
from server.demo import DEMO_STAFF, STAFF_TOKENS_FILE, write_staff_tokens
from server.settings import Settings
from server.staff_accounts import ROLES

OFFICER = "/api/v1/officer/applications"


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh install on SQLite, whatever ADM_* variables or .env the developer has."""
    for name in ("ADM_DATABASE_URL", "ADM_DATA_DIR", "ADM_STAFF_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path / "server"


def staff_add(data_dir: Path, *args: str) -> int:
    return cli.main(["--data-dir", str(data_dir), "staff-add", *args])


def test_staff_add_prints_a_token_that_opens_what_the_role_may(data_dir, capsys):
    code = staff_add(
        data_dir, "--username", "petugas1", "--name", "Nurul Hikmah", "--role", "officer"
    )
    token = capsys.readouterr().out.strip()

    with TestClient(create_app(Settings(data_dir=data_dir))) as client:
        queue = client.get(OFFICER, headers={"Authorization": f"Bearer {token}"})
        fleet = client.get("/api/v1/staff/kiosks", headers={"Authorization": f"Bearer {token}"})

    assert code == 0
    assert queue.status_code == 200
    assert fleet.status_code == 403


def test_staff_add_refuses_a_taken_username_and_prints_no_token(data_dir, capsys):
    args = ("--username", "teknisi1", "--name", "Syamsul", "--role", "technician")
    assert staff_add(data_dir, *args) == 0
    capsys.readouterr()

    assert staff_add(data_dir, *args) == 1
    assert capsys.readouterr().out == ""


def test_staff_add_knows_exactly_the_server_roles():
    assert cli.STAFF_ROLES == ROLES


def test_the_demo_staff_tokens_file_is_for_its_owner_only(tmp_path):
    tokens = {username: f"token-of-{username}" for username in DEMO_STAFF}
    path = tmp_path / STAFF_TOKENS_FILE
    path.write_text("old\n")
    path.chmod(0o644)

    written = write_staff_tokens(Settings(data_dir=tmp_path), tokens)

    assert written == path
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    lines = [line for line in path.read_text().splitlines() if not line.startswith("#")]
    assert lines == [
        "petugas officer token-of-petugas",
        "admin admin token-of-admin",
        "teknisi technician token-of-teknisi",
    ]
