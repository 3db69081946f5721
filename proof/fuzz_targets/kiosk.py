"""Targets for the kiosk: scanned codes, typed tickets, its config files, the server's answers."""

from __future__ import annotations

import json
import tempfile
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import atheris

from proof.fuzz_targets.values import json_value

# What the kiosk reads from its configuration (kiosk/remote_config.py, service_state, info_text).
CONFIG_KEYS = (
    "version",
    "services",
    "location",
    "language",
    "kiosk_name",
    "code",
    "name_id",
    "name_en",
    "name",
    "id",
    "region_code",
    "opening_hours",
    "mon",
    "tue",
    "sat",
    "sun",
    "latitude",
    "longitude",
    "heartbeat_seconds",
)


def _scratch_dir() -> Path:
    """A folder for the files a target writes (under TMPDIR, which proof.fuzz removes after)."""
    return Path(tempfile.mkdtemp(prefix="adm-fuzz-"))


def qr_codes() -> Callable[[bytes], None]:
    """classify never raises; its canonical form classifies to itself; kiosk and server agree."""
    from kiosk.codes import CodeKind, Refusal, ScannedCode, classify, parse_pickup_code
    from kiosk.tickets import parse_ticket
    from server.codes import normalise_pickup_code

    def test_one(data: bytes) -> None:
        found = classify(data)  # as the camera's decoder hands it over: bytes
        assert isinstance(found, ScannedCode | Refusal)
        text = data.decode("utf-8", "replace")
        as_text = classify(text)  # as a serial scanner hands it over: text
        if isinstance(as_text, Refusal):
            assert as_text.reason.startswith("qr.refused.") and as_text.length == len(text)
        else:
            again = classify(as_text.text)
            assert again == as_text, (text, as_text, again)
            assert as_text.masked
        if isinstance(found, ScannedCode):
            assert as_text == found, (data, found, as_text)
        pickup = parse_pickup_code(text)
        if pickup is not None:
            assert parse_pickup_code(pickup) == pickup
            # The server takes every code the kiosk sends it, as the same code.
            assert normalise_pickup_code(text) == pickup.replace("-", ""), (text, pickup)
            scanned = classify("ADMP:" + pickup)
            assert isinstance(scanned, ScannedCode) and scanned.kind is CodeKind.PICKUP
        normalise_pickup_code(text)
        ticket = parse_ticket(text)
        if ticket is not None:
            assert parse_ticket(ticket) == ticket
            assert classify(ticket) == ScannedCode(CodeKind.TICKET, ticket), ticket

    return test_one


def kiosk_config() -> Callable[[bytes], None]:
    """Any file as the kiosk's TOML configuration: a KioskConfig or one ConfigError, no other."""
    from kiosk.config import KioskConfig, load_config
    from kiosk.errors import ConfigError

    path = _scratch_dir() / "kiosk.toml"

    def test_one(data: bytes) -> None:
        path.write_bytes(data)
        try:
            config = load_config(path)
        except ConfigError as exc:
            assert str(path) in str(exc), str(exc)  # the message names the file
            return
        assert isinstance(config, KioskConfig)
        assert set(config.devices) >= {"scanner", "receipt", "a4"}

    return test_one


def remote_config() -> Callable[[bytes], None]:
    """The office's config as the kiosk keeps it (disk) and takes it (heartbeat fetch).

    Both are read by the kiosk core for its service state (kiosk/core.py service_state): the
    target reads them the same way, through kiosk/service_state.decide and the hours text.
    """
    from kiosk.info_text import hours_rows
    from kiosk.remote_config import RemoteConfig
    from kiosk.service_state import Facts, decide

    folder = _scratch_dir()
    path = folder / "server-config.json"
    now = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)

    def read_as_the_core_does(remote: RemoteConfig) -> None:
        location = remote.get("location")
        facts = Facts(
            now=now,
            location=location if isinstance(location, dict) else None,
            enabled_services=tuple(remote.service_codes()),
            config_known=remote.version > 0,
            locations=remote.locations,
            follow_hours=True,
        )
        decide(facts)
        remote.services()
        if isinstance(location, dict):
            hours_rows(location, "id")

    def test_one(data: bytes) -> None:
        for stale in (path, path.with_suffix(".corrupt"), remote_locations(path)):
            stale.unlink(missing_ok=True)
        fdp = atheris.FuzzedDataProvider(data)
        if fdp.ConsumeBool():  # a value as the server's JSON may hold, built field by field
            offered = json_value(fdp, CONFIG_KEYS)
            if isinstance(offered, dict):
                offered["version"] = fdp.ConsumeIntInRange(1, 2**31)
            path.write_text("{}")
        else:  # the copy on disk, any bytes: read, or set aside, never raised
            raw = fdp.ConsumeBytes(fdp.remaining_bytes())
            path.write_bytes(raw)
            try:
                offered = json.loads(raw)
            except (ValueError, RecursionError):
                offered = None
        remote = RemoteConfig(path)
        read_as_the_core_does(remote)
        # What ServerClient.fetch_config passes on: a JSON object with an integer version.
        if isinstance(offered, dict) and isinstance(offered.get("version"), int):
            remote.offer(offered)
            assert remote.version == offered["version"]
            read_as_the_core_does(remote)
            reread = RemoteConfig(path)  # and the kiosk restarted on what it kept
            assert reread.version == offered["version"]
            read_as_the_core_does(reread)

    return test_one


def remote_locations(path: Path) -> Path:
    return path.with_name("server-locations.json")


def server_date() -> Callable[[bytes], None]:
    """The server's Date header: the kiosk follows a sane clock and ignores anything else."""
    import requests

    from kiosk.request_signing import KioskAuth

    auth = KioskAuth("kiosk-fuzz:secret")

    def test_one(data: bytes) -> None:
        response = requests.Response()
        response.headers["Date"] = data.decode("latin-1")  # header bytes as http.client reads
        auth.clock_offset = 0.0
        auth.learn_clock(response)
        assert isinstance(auth.clock_offset, float)

    return test_one


# What the kiosk reads in the server's answers (kiosk/server_client.py and its callers).
ANSWER_KEYS = (
    "version",
    "id",
    "receipt_number",
    "status",
    "documents",
    "doc_type",
    "number",
    "holder_masked",
    "download_path",
    "config_version",
    "detail",
    "reason",
    "message",
    "server_time",
    "ticket",
    "services",
    "location",
    "health_check",
)
STATUSES = (200, 201, 400, 401, 404, 409, 422, 500, 503)


class _Answers(BaseHTTPRequestHandler):
    """A server on loopback that answers every request with what the fuzzer chose."""

    status = 200
    headers_out: tuple[tuple[str, str], ...] = ()
    body = b""

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self.send_response_only(self.status)
        for name, value in self.headers_out:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    do_GET = do_POST = _answer  # noqa: N815 - http.server's hook names

    def log_message(self, *args: object) -> None:
        pass


def server_answers() -> Callable[[bytes], None]:
    """Any answer of the server: the kiosk's client returns it or raises its own two errors.

    Its callers (kiosk/core.py heartbeats and config, kiosk/pickup.py) catch ServerUnavailable
    and ServerRefused; anything else would end the heartbeat thread or the citizen's print.
    The answers come from a real HTTP server on loopback, as a proxy or captive portal might.
    """
    from kiosk.errors import ServerRefused, ServerUnavailable
    from kiosk.server_client import JobDocument, ServerClient

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Answers)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    client = ServerClient(f"http://127.0.0.1:{httpd.server_address[1]}", "ADM-F:secret", 5)
    document = JobDocument("d1", "KK", "7307", "A*** B***", "/api/v1/kiosk/print-jobs/j/d1/pdf")
    calls: tuple[Callable[[], object], ...] = (
        client.whoami,
        lambda: client.heartbeat({"app_version": "fuzz"}),
        client.fetch_config,
        lambda: client.claim("7KQ2-M9XD-4TRA"),
        lambda: client.claim_with_pin("REG-1", "123456"),
        lambda: client.resolve("7KQ2-M9XD-4TRA"),
        lambda: client.application_status("ADM-7307-2611-7KQ2"),
        client.locations,
        client.services,
        lambda: client.submit_complaint("key-0001", {"category": "x", "text": "y"}),
        lambda: client.download(document),
        lambda: client.report_result("j", "printed", None, ""),
    )

    def test_one(data: bytes) -> None:
        fdp = atheris.FuzzedDataProvider(data)
        call = calls[fdp.ConsumeIntInRange(0, len(calls) - 1)]
        _Answers.status = STATUSES[fdp.ConsumeIntInRange(0, len(STATUSES) - 1)]
        kind = fdp.ConsumeIntInRange(0, 2)
        _Answers.headers_out = (
            ("Content-Type", ("application/json", "text/html", "application/pdf")[kind]),
        )
        if fdp.ConsumeBool():
            _Answers.body = json.dumps(json_value(fdp, ANSWER_KEYS)).encode()
        else:
            _Answers.body = fdp.ConsumeBytes(fdp.remaining_bytes())
        try:
            call()
        except (ServerUnavailable, ServerRefused):
            pass

    return test_one
