"""Many kiosks claim one pickup code at the same instant, through two real server processes.

A deployment here is what an office runs: `adm-server demo` once, then two `adm-server serve`
processes on free ports sharing one database (PostgreSQL, or SQLite in WAL mode in one data
dir), and KIOSKS kiosks enrolled with their own credentials. Every kiosk first opens its
keep-alive connection (GET /me), then all wait at a barrier and send their request together.
On either engine exactly one kiosk may win a code (the others hear 409 in_progress), again
after the winner failed or its lease ran out, and a job ends once, counting its documents once.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from support import BIN, STAFF_TOKEN, free_port, wait_until

from kiosk.request_signing import KioskAuth
from server.codes import hash_secret, normalise_pickup_code
from server.db import make_engine, session_factory, transaction
from server.models import AuditEntry, Document, Kiosk, PickupCode, PrintJob
from server.printing import issue_pickup_code
from server.settings import Settings

KIOSKS = 20
SERVERS = 2
CLAIM = "/api/v1/kiosk/print-jobs"


@dataclass
class Deployment:
    """One database, the demo register in it, KIOSKS kiosks, and server processes on demand."""

    engine_name: str
    root: Path
    env: dict[str, str]
    engine: Engine
    kiosks: list[str]  # credentials "<id>:<secret>"
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    _pairs: dict[int, list[str]] = field(default_factory=dict)

    def servers(self, lease_seconds: int = 600) -> list[str]:
        """Base URLs of SERVERS `adm-server serve` processes with this claim lease, started once."""
        if lease_seconds not in self._pairs:
            urls = []
            for _ in range(SERVERS):
                port = free_port()
                log = open(self.root / f"serve-{port}.log", "w")  # noqa: SIM115
                env = dict(self.env, ADM_CLAIM_LEASE_SECONDS=str(lease_seconds))
                self.processes.append(
                    subprocess.Popen(
                        [BIN / "adm-server", "serve", "--port", str(port)],
                        env=env,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                    )
                )
                urls.append(f"http://127.0.0.1:{port}")
            for url in urls:
                wait_until(lambda url=url: answers(url), 60, what=f"adm-server at {url}")
            self._pairs[lease_seconds] = urls
        return self._pairs[lease_seconds]

    def new_code(self, family: int = 0) -> tuple[str, str]:
        """A fresh pickup code for the KK of one demo family (issued as the office does: more
        than one live code may cover a document), and that document's id."""
        with self.db() as session:
            documents = session.scalars(select(Document).order_by(Document.number)).all()
            document = documents[family]
            return issue_pickup_code(session, [document], 1), document.id

    def print_count(self, document_id: str) -> int:
        with self.db() as session:
            document = session.get(Document, document_id)
            assert document is not None
            return document.print_count

    def db(self) -> AbstractContextManager[Session]:
        return transaction(session_factory(self.engine))

    def logs(self) -> str:
        return "\n".join(
            f"--- {p.name}\n" + p.read_text()[-3000:] for p in sorted(self.root.glob("*.log"))
        )


def answers(url: str) -> bool:
    try:
        return requests.get(url + "/api/v1/public/signing-keys", timeout=1).ok
    except requests.RequestException:
        return False


@pytest.fixture(scope="module")
def deployment(database: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    root = tmp_path_factory.mktemp(f"race-{database.engine}")
    database_url = database.create()  # "" on SQLite: adm.db in the shared data dir
    env = dict(
        os.environ,
        ADM_DATA_DIR=str(root / "server"),
        ADM_DATABASE_URL=database_url,
        ADM_STAFF_TOKEN=STAFF_TOKEN,
    )
    subprocess.run(
        [BIN / "adm-server", "demo"], env=env, check=True, capture_output=True, timeout=120
    )
    settings = Settings(data_dir=root / "server", database_url=database_url)
    engine = make_engine(settings.effective_database_url)
    kiosks = []
    with transaction(session_factory(engine)) as session:
        for number in range(1, KIOSKS + 1):
            kiosk_id, secret = f"ADM-7307-R{number:02d}", f"secret-of-race-kiosk-{number}"
            session.add(
                Kiosk(
                    id=kiosk_id,
                    name=f"ADM race kiosk {number}",
                    location_name="Kantor Kecamatan Sinjai Barat",
                    region_code="73.07.03",
                    credential_hash=hash_secret(secret),
                    created_at=datetime.now(),
                )
            )
            kiosks.append(f"{kiosk_id}:{secret}")
    deployment = Deployment(database.engine, root, env, engine, kiosks)
    try:
        yield deployment
    finally:
        for proc in deployment.processes:
            proc.terminate()
        for proc in deployment.processes:
            proc.wait(timeout=15)
        engine.dispose()
        database.drop(database_url)


_credentials: dict[str, str] = {}  # kiosk id -> credential, of every kiosk that signed here


def signed(credential: str) -> KioskAuth:
    """Sign like a kiosk does: every request with the kiosk's own credential."""
    _credentials[kiosk_id(credential)] = credential
    return KioskAuth(credential)


def reason(response: requests.Response) -> str | None:
    try:
        detail = response.json().get("detail")
    except (ValueError, AttributeError):
        return None
    return detail.get("reason") if isinstance(detail, dict) else None


def at_once(
    servers: list[str],
    credentials: list[str],
    request: Callable[[requests.Session, str, str], requests.Response],
) -> list[requests.Response]:
    """request(session, server, credential) for every credential, all released by one barrier.

    The i-th kiosk talks to servers[i % len(servers)]; each first opens its keep-alive
    connection and checks its credential, so that only the raced request is left to send.
    """
    barrier = threading.Barrier(len(credentials))
    responses: list[requests.Response | None] = [None] * len(credentials)
    errors: list[BaseException] = []

    def kiosk(index: int, credential: str) -> None:
        server = servers[index % len(servers)]
        with requests.Session() as session:
            try:
                me = session.get(f"{server}/api/v1/kiosk/me", auth=signed(credential))
                assert me.status_code == 200, me.text
            finally:
                barrier.wait(timeout=60)  # never leave the others waiting
            try:
                responses[index] = request(session, server, credential)
            except BaseException as exc:  # noqa: BLE001 - reported by the main thread
                errors.append(exc)

    threads = [
        threading.Thread(target=kiosk, args=(i, c), daemon=True) for i, c in enumerate(credentials)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert all(r is not None for r in responses), "a kiosk got no answer"
    return [r for r in responses if r is not None]


def claim_request(code: str) -> Callable[[requests.Session, str, str], requests.Response]:
    def post(session: requests.Session, server: str, credential: str) -> requests.Response:
        return session.post(
            server + CLAIM, json={"pickup_code": code}, auth=signed(credential), timeout=60
        )

    return post


def outcomes(responses: list[requests.Response]) -> Counter[tuple[int, str | None]]:
    return Counter((r.status_code, reason(r)) for r in responses)


def one_winner(
    deployment: Deployment, responses: list[requests.Response], what: str
) -> requests.Response:
    """Exactly one 201; every other answer a 409 in_progress (never a 500, never two wins)."""
    seen = outcomes(responses)
    expected = Counter({(201, None): 1, (409, "in_progress"): len(responses) - 1})
    errors = [r.text for r in responses if r.status_code >= 500][:3]
    assert seen == expected, (
        f"{what} on {deployment.engine_name}: {dict(seen)}; server errors: {errors}\n"
        + deployment.logs()
    )
    (winner,) = [r for r in responses if r.status_code == 201]
    return winner


def jobs_of(deployment: Deployment, code: str) -> list[tuple[str, str]]:
    """(status, kiosk id) of every print job of this code, oldest first."""
    canonical = normalise_pickup_code(code)
    assert canonical is not None
    with deployment.db() as session:
        code_hash = hash_secret(canonical)
        return [
            (job.status, job.kiosk_id)
            for job in session.scalars(
                select(PrintJob)
                .join(PickupCode, PrintJob.pickup_code_id == PickupCode.id)
                .where(PickupCode.code_hash == code_hash)
                .order_by(PrintJob.claimed_at)
            )
        ]


def credential_of(response: requests.Response) -> str:
    """The credential of the kiosk that sent the request of this response."""
    header = response.request.headers["Authorization"]
    return _credentials[header.split("kiosk=", 1)[1].split(",", 1)[0]]


def kiosk_id(credential: str) -> str:
    return credential.partition(":")[0]


# --- the claim race ------------------------------------------------------------------------------


def test_of_many_kiosks_claiming_one_code_at_once_exactly_one_wins(deployment):
    servers = deployment.servers()
    for round_ in range(3):
        code, _ = deployment.new_code(round_ % 3)

        responses = at_once(servers, deployment.kiosks, claim_request(code))

        winner = one_winner(deployment, responses, f"round {round_}")
        assert jobs_of(deployment, code) == [("claimed", kiosk_id(credential_of(winner)))]


def test_after_the_winner_reports_failure_exactly_one_of_the_next_wave_wins(deployment):
    servers = deployment.servers()
    code, _ = deployment.new_code(0)
    first = one_winner(
        deployment, at_once(servers, deployment.kiosks, claim_request(code)), "first wave"
    )
    failed = requests.post(
        f"{servers[0]}{CLAIM}/{first.json()['id']}/result",
        json={"outcome": "failed", "stage": "a4", "detail": "paper jam"},
        auth=signed(credential_of(first)),
        timeout=30,
    )
    assert failed.status_code == 200, failed.text

    second = one_winner(
        deployment, at_once(servers, deployment.kiosks, claim_request(code)), "second wave"
    )

    assert second.json()["id"] != first.json()["id"]
    winner = kiosk_id(credential_of(second))
    assert [status for status, _ in jobs_of(deployment, code)] == ["failed", "claimed"]
    assert jobs_of(deployment, code)[1] == ("claimed", winner)


def test_an_unconfirmed_claim_is_taken_by_one_other_kiosk_once_its_lease_expired(deployment):
    servers = deployment.servers(lease_seconds=1)
    code, _ = deployment.new_code(1)
    first_kiosk, others = deployment.kiosks[0], deployment.kiosks[1:]
    started = time.monotonic()
    first = requests.post(
        servers[0] + CLAIM, json={"pickup_code": code}, auth=signed(first_kiosk), timeout=30
    )
    assert first.status_code == 201, first.text
    meanwhile = requests.post(
        servers[1] + CLAIM, json={"pickup_code": code}, auth=signed(others[0]), timeout=30
    )
    if time.monotonic() - started < 0.9:  # still within the one-second lease
        assert (meanwhile.status_code, reason(meanwhile)) == (409, "in_progress")

    time.sleep(max(0.0, started + 1.5 - time.monotonic()))  # the kiosk never reported back
    taken = one_winner(deployment, at_once(servers, others, claim_request(code)), "after expiry")

    assert credential_of(taken) != first_kiosk
    download = requests.get(
        servers[1] + first.json()["documents"][0]["download_path"],
        auth=signed(first_kiosk),
        timeout=30,
    )
    assert (download.status_code, reason(download)) == (409, "lease_expired")


def test_printed_reported_twice_at_once_counts_the_document_once(deployment):
    servers = deployment.servers()
    code, document_id = deployment.new_code(2)
    count_before = deployment.print_count(document_id)
    kiosk = deployment.kiosks[0]
    claim = requests.post(
        servers[0] + CLAIM, json={"pickup_code": code}, auth=signed(kiosk), timeout=30
    )
    assert claim.status_code == 201, claim.text
    job_id = claim.json()["id"]

    def printed(session: requests.Session, server: str, credential: str) -> requests.Response:
        return session.post(
            f"{server}{CLAIM}/{job_id}/result",
            json={"outcome": "printed"},
            auth=signed(credential),
            timeout=60,
        )

    # The report and its retries from the kiosk's outbox, reaching both servers together.
    responses = at_once(servers, [kiosk] * 2, printed)

    assert [r.status_code for r in responses] == [200, 200], [r.text for r in responses]
    assert {r.json()["status"] for r in responses} == {"printed"}
    with deployment.db() as session:
        reports = session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "print_job.printed", AuditEntry.subject == job_id)
        )
    assert deployment.print_count(document_id) == count_before + 1
    assert reports == 1


def test_printed_and_failed_reported_at_once_end_the_job_one_way(deployment):
    servers = deployment.servers()
    code, document_id = deployment.new_code(2)
    count_before = deployment.print_count(document_id)
    kiosk = deployment.kiosks[1]
    claim = requests.post(
        servers[1] + CLAIM, json={"pickup_code": code}, auth=signed(kiosk), timeout=30
    )
    assert claim.status_code == 201, claim.text
    job_id = claim.json()["id"]
    reports = iter(["printed", "failed"])
    lock = threading.Lock()

    def report(session: requests.Session, server: str, credential: str) -> requests.Response:
        with lock:
            outcome = next(reports)
        return session.post(
            f"{server}{CLAIM}/{job_id}/result",
            json={"outcome": outcome, "stage": "a4"},
            auth=signed(credential),
            timeout=60,
        )

    responses = at_once(servers, [kiosk] * 2, report)

    seen = sorted((r.status_code, reason(r)) for r in responses)
    assert seen == [(200, None), (409, "job_closed")], [r.text for r in responses]
    (accepted,) = [r for r in responses if r.status_code == 200]
    status = accepted.json()["status"]
    with deployment.db() as session:
        job = session.get(PrintJob, job_id)
        assert job is not None
        code_used = job.pickup_code.used_at is not None
    assert job.status == status
    assert code_used == (status == "printed")
    assert deployment.print_count(document_id) == count_before + (status == "printed")


def test_two_codes_for_one_document_printed_at_once_count_it_twice(deployment):
    """Two live codes may cover one document (e.g. a code sent again): each print counts."""
    servers = deployment.servers()
    codes = [deployment.new_code(1) for _ in range(2)]
    document_id = codes[0][1]
    count_before = deployment.print_count(document_id)
    kiosks = deployment.kiosks[2:4]
    jobs = {}
    for (code, _), kiosk in zip(codes, kiosks, strict=True):
        claim = requests.post(
            servers[0] + CLAIM, json={"pickup_code": code}, auth=signed(kiosk), timeout=30
        )
        assert claim.status_code == 201, claim.text
        jobs[kiosk] = claim.json()["id"]

    def printed(session: requests.Session, server: str, credential: str) -> requests.Response:
        return session.post(
            f"{server}{CLAIM}/{jobs[credential]}/result",
            json={"outcome": "printed"},
            auth=signed(credential),
            timeout=60,
        )

    responses = at_once(servers, kiosks, printed)

    assert [r.status_code for r in responses] == [200, 200], [r.text for r in responses]
    assert deployment.print_count(document_id) == count_before + 2


def test_what_a_kiosk_was_answered_is_already_in_the_database(deployment):
    """The answer must come after the commit: a kiosk that heard 201 or 200 acts on it at
    once (downloads, reports, or hands the code to the next kiosk), maybe via the other server.
    """
    servers = deployment.servers()
    kiosk = deployment.kiosks[7]
    late = []
    for round_ in range(40):
        code, _ = deployment.new_code(round_ % 3)
        claim = requests.post(
            servers[0] + CLAIM, json={"pickup_code": code}, auth=signed(kiosk), timeout=30
        )
        assert claim.status_code == 201, claim.text
        if jobs_of(deployment, code) != [("claimed", kiosk_id(kiosk))]:
            late.append(f"round {round_}: claim")
        job_id = claim.json()["id"]
        failed = requests.post(
            f"{servers[1]}{CLAIM}/{job_id}/result",
            json={"outcome": "failed", "stage": "download"},
            auth=signed(kiosk),
            timeout=30,
        )
        if failed.status_code != 200:  # 404 unknown_job: the other server saw no claim yet
            late.append(f"round {round_}: the report got {failed.status_code} {failed.text}")
        elif jobs_of(deployment, code) != [("failed", kiosk_id(kiosk))]:
            late.append(f"round {round_}: report")

    assert late == [], "answered before the transaction was committed"


def test_the_demo_data_is_shared_by_both_server_processes(deployment):
    """The race above is only a race if both processes see one database."""
    servers = deployment.servers()
    keys = [requests.get(s + "/api/v1/public/signing-keys", timeout=10).json() for s in servers]
    assert keys[0] == keys[1]
    code, _ = deployment.new_code(0)
    first = requests.post(
        servers[0] + CLAIM,
        json={"pickup_code": code},
        auth=signed(deployment.kiosks[5]),
        timeout=30,
    )
    other = requests.post(
        servers[1] + CLAIM,
        json={"pickup_code": code},
        auth=signed(deployment.kiosks[6]),
        timeout=30,
    )
    assert first.status_code == 201, first.text
    assert (other.status_code, reason(other)) == (409, "in_progress")
