"""The real server app on a real database, with the Sinjai demo data loaded: SQLite AND PostgreSQL.

Every test that asks for `server`, `make_server` or `empty_database` runs once per engine:
`[sqlite]` on a database file in tmp_path (the default deployment) and `[postgresql]` on the
test cluster named by ADM_TEST_POSTGRES_URL, which `make test` starts (scripts/postgres-test.sh)
and exports. Without it the PostgreSQL variants fail, telling to run `make test`: never skipped.

The demo register is built once per session and engine exactly as an operator would build it
(create_app on an empty database, then load_demo through server.db.transaction), and every
test gets its own copy of it: of the data dir (the signing keys, and on SQLite the database
file) and on PostgreSQL of the database, made by CREATE DATABASE ... TEMPLATE. Rendering the
three demo KK PDFs again for every test would cost most of the suite's time.
"""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, make_url, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool
from support import SIGN_AS, SignMarked

from server.app import create_app
from server.codes import hash_secret
from server.db import transaction
from server.demo import DEMO_KIOSK_ID, DEMO_STAFF, load_demo
from server.models import Kiosk, Resident
from server.settings import Settings
from server.signing import Signer

if TYPE_CHECKING:
    from httpx2 import Response

STAFF_TOKEN = "staff-token-for-api-tests"
SECOND_KIOSK_ID = "ADM-7307-02"
POSTGRES_URL_VARIABLE = "ADM_TEST_POSTGRES_URL"
ENGINES = ("sqlite", "postgresql")


# --- the databases ------------------------------------------------------------------------------


class PostgresCluster:
    """The test cluster of ADM_TEST_POSTGRES_URL: makes databases for this run and drops them.

    Databases are named adm_t<pid>_<n> after this pytest process, so runs side by side do not
    meet, and the leftovers of a run that was killed are dropped by the next one.
    """

    PREFIX = "adm_t"

    def __init__(self, url: str) -> None:
        self.url = make_url(url)
        # CREATE/DROP DATABASE cannot run inside a transaction.
        self.admin = create_engine(self.url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        self.mine = f"{self.PREFIX}{os.getpid()}_"
        self.created: list[str] = []
        self._numbers = itertools.count()

    def url_of(self, name: str) -> str:
        return self.url.set(database=name).render_as_string(hide_password=False)

    def create(self, template_url: str | None = None) -> str:
        """The URL of a new database: empty, or a copy of the database at ``template_url``."""
        name = f"{self.mine}{next(self._numbers)}"
        statement = f'CREATE DATABASE "{name}"'
        if template_url:
            statement += f' TEMPLATE "{make_url(template_url).database}" STRATEGY FILE_COPY'
        with self.admin.connect() as conn:
            conn.exec_driver_sql(statement)
        self.created.append(name)
        return self.url_of(name)

    def drop(self, url: str) -> None:
        """Drop the database, ending any session still on it (a server process left running)."""
        name = make_url(url).database
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if name in self.created:
            self.created.remove(name)

    def drop_leftovers(self) -> None:
        """Drop the databases of earlier runs whose pytest process is gone."""
        with self.admin.connect() as conn:
            names = conn.scalars(
                text("SELECT datname FROM pg_database WHERE datname LIKE :pattern"),
                {"pattern": self.PREFIX.replace("_", "\\_") + "%"},
            ).all()
        for name in names:
            pid = name[len(self.PREFIX) :].partition("_")[0]
            if pid.isdigit() and not Path(f"/proc/{pid}").exists():
                self.drop(self.url_of(name))

    def close(self) -> None:
        for name in list(self.created):
            self.drop(self.url_of(name))
        self.admin.dispose()


def run_make_test(problem: str) -> None:
    pytest.fail(
        f"{problem}: the PostgreSQL variants of the server tests need the test cluster. "
        f"Run `make test`, which starts it (scripts/postgres-test.sh) and sets "
        f"{POSTGRES_URL_VARIABLE}; or run `sudo bash scripts/postgres-test.sh` and export "
        f"{POSTGRES_URL_VARIABLE} as the URL it prints.",
        pytrace=False,
    )


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresCluster]:
    """The test cluster; FAILS (never skips) when it is not configured or not reachable."""
    url = os.environ.get(POSTGRES_URL_VARIABLE, "").strip()
    if not url:
        run_make_test(f"{POSTGRES_URL_VARIABLE} is not set")
    cluster = PostgresCluster(url)
    try:
        cluster.drop_leftovers()
    except OperationalError as exc:
        cluster.admin.dispose()
        where = cluster.url.render_as_string(hide_password=True)
        run_make_test(f"cannot reach the test PostgreSQL at {where} ({exc.orig})")
    yield cluster
    cluster.close()


@dataclass
class Database:
    """Where the servers of a test keep their data: SQLite in the data dir, or PostgreSQL."""

    engine: str  # sqlite | postgresql
    cluster: PostgresCluster | None = None

    def create(self, template_url: str = "") -> str:
        """settings.database_url for a new database, empty or a copy of ``template_url``.

        On SQLite it is "", the database file in the data dir: copying that dir copies it.
        """
        return self.cluster.create(template_url) if self.cluster else ""

    def drop(self, url: str) -> None:
        if self.cluster and url:
            self.cluster.drop(url)


@pytest.fixture(scope="session", params=ENGINES)
def database(request: pytest.FixtureRequest) -> Database:
    """Parametrizes every test that depends on it: once on SQLite, once on PostgreSQL."""
    if request.param == "postgresql":
        return Database("postgresql", request.getfixturevalue("postgres"))
    return Database("sqlite")


@pytest.fixture
def empty_database(database: Database) -> Iterator[str]:
    """settings.database_url of a new, empty database ("" on SQLite: adm.db in the data dir)."""
    url = database.create()
    yield url
    database.drop(url)


# --- the demo server ----------------------------------------------------------------------------


@dataclass
class DemoServer:
    app: FastAPI
    client: TestClient
    settings: Settings
    kiosk_credential: str
    codes: dict[str, str]  # KK number -> pickup code as handed to the citizen
    staff_tokens: dict[str, str]  # demo staff username -> API token

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
        """Have the test client sign this request with the credential (the demo kiosk's)."""
        return {SIGN_AS: credential or self.kiosk_credential}

    def staff_headers(self, role: str = "admin") -> dict[str, str]:
        """The bearer token of the demo staff account of this role (an admin may do anything)."""
        (username,) = (user for user, (_name, r) in DEMO_STAFF.items() if r == role)
        return self.bearer(self.staff_tokens[username])

    @staticmethod
    def bearer(token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}

    def add_kiosk(self, kiosk_id: str = SECOND_KIOSK_ID) -> str:
        """Enrol another kiosk the way the office does: only its credential's hash is stored."""
        secret = f"secret-of-{kiosk_id}"
        with self.db() as session:
            demo_kiosk = session.get(Kiosk, DEMO_KIOSK_ID)
            assert demo_kiosk is not None
            session.add(
                Kiosk(
                    id=kiosk_id,
                    name=f"ADM {kiosk_id}",
                    location_name="Kantor Kecamatan Sinjai Timur",
                    region_code="73.07.02",
                    credential_hash=hash_secret(secret),
                    created_at=datetime.now(),
                    location_id=demo_kiosk.location_id,  # offering the same services
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
    database_url: str  # "" on SQLite: the adm.db in data_dir
    kiosk_credential: str
    codes: dict[str, str]
    staff_tokens: dict[str, str]
    personal_data: list[str]


@pytest.fixture(scope="session")
def demo_template(
    tmp_path_factory: pytest.TempPathFactory, database: Database
) -> Iterator[DemoTemplate]:
    data_dir = tmp_path_factory.mktemp(f"demo-template-{database.engine}") / "server"
    database_url = database.create()
    settings = Settings(data_dir=data_dir, database_url=database_url, staff_token=STAFF_TOKEN)
    app = create_app(settings)
    with transaction(app.state.sessions) as session:
        demo = load_demo(session, Signer(settings.keys_dir), settings)
    with transaction(app.state.sessions) as session:
        columns = (Resident.nik, Resident.name, Resident.father_name, Resident.mother_name)
        rows = session.execute(select(*columns)).all()
    # SQLite: closes the file, folding the WAL into adm.db. PostgreSQL: CREATE DATABASE ...
    # TEMPLATE refuses a template that anyone is connected to.
    app.state.engine.dispose()
    assert rows
    personal_data = sorted({value.lower() for row in rows for value in row})
    yield DemoTemplate(
        data_dir,
        database_url,
        demo.kiosk_credential,
        dict(demo.pickup_codes),
        dict(demo.staff_tokens),
        personal_data,
    )
    database.drop(database_url)


@pytest.fixture(scope="session")
def personal_data(demo_template: DemoTemplate) -> list[str]:
    """Every NIK and every name (lower case) in the demo register: none may leave unmasked."""
    return demo_template.personal_data


MakeServer = Callable[..., DemoServer]


@pytest.fixture
def make_server(
    tmp_path: Path, demo_template: DemoTemplate, database: Database
) -> Iterator[MakeServer]:
    """Start the app on this test's copy of the demo data; again on the same copy = restart."""
    started: list[DemoServer] = []
    copies: list[str] = []  # this test's database, once made

    def make(**overrides: Any) -> DemoServer:
        data_dir = tmp_path / "server"
        if not data_dir.exists():
            shutil.copytree(demo_template.data_dir, data_dir)
            copies.append(database.create(demo_template.database_url))
        settings = Settings(
            **{
                "data_dir": data_dir,
                "database_url": copies[0],
                "staff_token": STAFF_TOKEN,
                **overrides,
            },
        )
        app = create_app(settings)
        client = TestClient(app, raise_server_exceptions=False)
        client.auth = SignMarked()
        server = DemoServer(
            app,
            client,
            settings,
            demo_template.kiosk_credential,
            dict(demo_template.codes),
            dict(demo_template.staff_tokens),
        )
        started.append(server)
        return server

    yield make
    for server in started:
        server.client.close()
        server.app.state.engine.dispose()
    for url in copies:
        database.drop(url)


@pytest.fixture
def server(make_server: MakeServer) -> DemoServer:
    return make_server()
