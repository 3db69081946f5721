"""The real server app on a real SQLite file in tmp_path, with the Sinjai demo data loaded.

The demo register is built once per session exactly as an operator would build it
(create_app on an empty data dir, then load_demo through server.db.transaction), and every
test gets its own copy of that data dir: the database file and the signing keys. Rendering
the three demo KK PDFs again for every test would cost most of the suite's time.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from server.app import create_app
from server.codes import hash_secret
from server.db import transaction
from server.demo import load_demo
from server.models import Kiosk
from server.settings import Settings
from server.signing import Signer

if TYPE_CHECKING:
    from httpx2 import Response

STAFF_TOKEN = "staff-token-for-api-tests"
SECOND_KIOSK_ID = "ADM-7307-02"


@dataclass
class DemoServer:
    app: FastAPI
    client: TestClient
    settings: Settings
    kiosk_credential: str
    codes: dict[str, str]  # KK number -> pickup code as handed to the citizen

    def kk(self, family: int = 0) -> str:
        """The KK number of the demo family at this index (in load order)."""
        return list(self.codes)[family]

    def code(self, family: int = 0) -> str:
        """The pickup code of the demo family at this index."""
        return self.codes[self.kk(family)]

    @staticmethod
    def reason(response: Response) -> str | None:
        """The stable machine word of an error response, or None when the body has none."""
        try:
            body = response.json()
        except ValueError:
            return None
        detail = body.get("detail") if isinstance(body, dict) else None
        return detail.get("reason") if isinstance(detail, dict) else None

    def db(self) -> AbstractContextManager[Session]:
        return transaction(self.app.state.sessions)

    def kiosk_headers(self, credential: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {credential or self.kiosk_credential}"}

    def staff_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.settings.staff_token}"}

    def add_kiosk(self, kiosk_id: str = SECOND_KIOSK_ID) -> str:
        """Enrol another kiosk the way the office does: only its credential's hash is stored."""
        secret = f"secret-of-{kiosk_id}"
        with self.db() as session:
            session.add(
                Kiosk(
                    id=kiosk_id,
                    name=f"ADM {kiosk_id}",
                    location_name="Kantor Kecamatan Sinjai Timur",
                    region_code="73.07.02",
                    credential_hash=hash_secret(secret),
                    created_at=datetime.now(),
                )
            )
        return f"{kiosk_id}:{secret}"

    def claim(self, code: str, credential: str | None = None) -> Response:
        return self.client.post(
            "/api/v1/kiosk/print-jobs",
            json={"pickup_code": code},
            headers=self.kiosk_headers(credential),
        )

    def report(
        self, job_id: str, outcome: str, credential: str | None = None, **extra: Any
    ) -> Response:
        return self.client.post(
            f"/api/v1/kiosk/print-jobs/{job_id}/result",
            json={"outcome": outcome, **extra},
            headers=self.kiosk_headers(credential),
        )

    def download(self, path: str, credential: str | None = None) -> Response:
        return self.client.get(path, headers=self.kiosk_headers(credential))

    def staff_documents(self, number: str) -> list[dict[str, Any]]:
        response = self.client.get(
            "/api/v1/staff/documents",
            params={"number": number},
            headers=self.staff_headers(),
        )
        assert response.status_code == 200, response.text
        documents: list[dict[str, Any]] = response.json()
        return documents

    def print_count(self, number: str) -> int:
        (document,) = self.staff_documents(number)
        return int(document["print_count"])


@dataclass(frozen=True)
class DemoTemplate:
    data_dir: Path
    kiosk_credential: str
    codes: dict[str, str]


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> DemoTemplate:
    data_dir = tmp_path_factory.mktemp("demo-template") / "server"
    settings = Settings(data_dir=data_dir, staff_token=STAFF_TOKEN)
    app = create_app(settings)
    with transaction(app.state.sessions) as session:
        demo = load_demo(session, Signer(settings.keys_dir), settings)
    app.state.engine.dispose()  # closes the file, folding the WAL into adm.db
    return DemoTemplate(data_dir, demo.kiosk_credential, dict(demo.pickup_codes))


@pytest.fixture(scope="session")
def personal_data(demo_template: DemoTemplate) -> list[str]:
    """Every NIK and every name (lower case) in the demo register: none may leave unmasked."""
    with closing(sqlite3.connect(demo_template.data_dir / "adm.db")) as db:
        rows = db.execute("SELECT nik, name, father_name, mother_name FROM residents").fetchall()
    assert rows
    return sorted({value.lower() for row in rows for value in row})


MakeServer = Callable[..., DemoServer]


@pytest.fixture
def make_server(tmp_path: Path, demo_template: DemoTemplate) -> Iterator[MakeServer]:
    """Start the app on this test's copy of the demo data dir; again on the same dir = restart."""
    started: list[DemoServer] = []

    def make(**overrides: Any) -> DemoServer:
        data_dir = tmp_path / "server"
        if not data_dir.exists():
            shutil.copytree(demo_template.data_dir, data_dir)
        settings = Settings(
            **{"data_dir": data_dir, "staff_token": STAFF_TOKEN, **overrides},
        )
        app = create_app(settings)
        client = TestClient(app, raise_server_exceptions=False)
        server = DemoServer(
            app, client, settings, demo_template.kiosk_credential, dict(demo_template.codes)
        )
        started.append(server)
        return server

    yield make
    for server in started:
        server.client.close()
        server.app.state.engine.dispose()


@pytest.fixture
def server(make_server: MakeServer) -> DemoServer:
    return make_server()
