"""What the fuzzing of proof/fuzz.py found, each fed again through the product's own way in.

The inputs are the crashing ones libFuzzer saved (kept as seeds in proof/corpus/<target>/),
so each test is the fuzzer's finding replayed where a kiosk would meet it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from kiosk.codes import Refusal, classify
from kiosk.config import load_config
from kiosk.errors import ConfigError, ServerUnavailable
from kiosk.info_text import hours_rows
from kiosk.remote_config import RemoteConfig
from kiosk.server_client import ServerClient
from kiosk.service_state import Facts, decide

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "proof" / "corpus"
MINIMAL_CONFIG = (CORPUS / "kiosk_config" / "minimal.toml").read_text()


def run_kiosk_core(config: Path) -> subprocess.CompletedProcess[str]:
    """`adm-kiosk core --config FILE`, as a technician starts the headless kiosk."""
    return subprocess.run(
        [sys.executable, "-m", "screens.cli", "core", "--config", str(config)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


# --- kiosk configuration file (target kiosk_config) -----------------------------------------


def test_regression_config_with_a_number_for_data_dir_is_refused_by_name(tmp_path):
    config = tmp_path / "kiosk.toml"
    config.write_bytes((CORPUS / "kiosk_config" / "crash-data-dir-number").read_bytes())

    started = run_kiosk_core(config)

    assert started.returncode == 2, started.stderr
    assert "[kiosk] data_dir must be a string" in started.stderr
    assert "Traceback" not in started.stderr
    assert not (tmp_path / "60").exists()  # nothing was made of the bad value


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('timeout = "soon"', "[server] timeout must be"),
        ("timeout = [1]", "[server] timeout must be"),
        ("timeout = 0", "[server] timeout must be"),
        ("ca_bundle = 5", "[server] ca_bundle must be a string"),
    ],
)
def test_regression_config_server_values_of_the_wrong_type_are_refused_by_name(
    tmp_path, line, message
):
    # Found beside the fuzzer's data_dir crash: the same float()/str() on unchecked values.
    text = MINIMAL_CONFIG.replace("timeout = 10\n", "").replace('ca_bundle = ""\n', "")
    config = tmp_path / "kiosk.toml"
    config.write_text(text.replace("[server]\n", f"[server]\n{line}\n"))

    with pytest.raises(ConfigError) as refused:
        load_config(config)

    assert message in str(refused.value) and str(config) in str(refused.value)


def test_regression_config_nested_too_deep_is_a_config_error_not_a_recursion_error(tmp_path):
    config = tmp_path / "kiosk.toml"
    config.write_text(MINIMAL_CONFIG + "deep = " + "[" * 5000 + "\n")

    started = run_kiosk_core(config)

    assert started.returncode == 2, started.stderr
    assert "is not valid TOML: arrays or tables nested too deep" in started.stderr
    assert "RecursionError" not in started.stderr


def test_the_minimal_seed_config_still_loads(tmp_path):
    config = tmp_path / "kiosk.toml"
    config.write_text(MINIMAL_CONFIG)

    loaded = load_config(config)

    assert loaded.server_timeout == 10.0 and loaded.data_dir == Path("var/kiosk")


# --- the office's configuration, pushed by the server (target remote_config) ----------------


def test_regression_server_config_with_a_lone_surrogate_is_kept_not_fatal(tmp_path):
    sent = json.loads((CORPUS / "remote_config" / "crash-lone-surrogate").read_bytes())
    remote = RemoteConfig(tmp_path / "server-config.json")

    assert remote.offer(sent) is True

    restarted = RemoteConfig(tmp_path / "server-config.json")
    assert restarted.version == 3
    assert restarted.get("location")["region_code"] == "\ud800"
    assert not (tmp_path / "server-config.corrupt").exists()


def test_regression_server_config_with_services_not_a_list_offers_no_services(tmp_path):
    remote = RemoteConfig(tmp_path / "server-config.json")

    for services in (None, 1, "akta_kelahiran", {"code": "akta_kelahiran"}):
        remote.offer({"version": 5, "services": services})

        assert remote.version == 5
        assert remote.services() == [] and remote.service_codes() == []


def test_regression_region_code_with_a_superscript_digit_has_no_time_zone():
    # "²3".isdigit() is True and int("²3") raises: the service state and the hours text of
    # a location with such a region code crashed. Found reading the remote_config target.
    location = {"region_code": "²3", "opening_hours": {"mon": "08:00-16:00"}}

    state = decide(Facts(now=datetime(2026, 11, 23, 9, 0, tzinfo=UTC), location=location))

    assert state.offer("print").enabled in (True, False)
    assert hours_rows(location, "id") != []


# --- the server's Date header (target server_date) ------------------------------------------


class DateServer(BaseHTTPRequestHandler):
    """A server on loopback whose clock header is the fuzzer's crashing input."""

    date = ""

    def do_GET(self) -> None:  # noqa: N802 - the http.server hook's name
        body = b'{"id": "ADM-7307-01"}'
        self.send_response_only(200)
        self.send_header("Date", self.date)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def date_server() -> Iterator[str]:
    DateServer.date = (CORPUS / "server_date" / "crash-hour-overflow").read_bytes().decode()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), DateServer)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def test_regression_server_date_with_an_hour_beyond_any_clock_is_ignored(date_server):
    client = ServerClient(date_server, "ADM-7307-01:secret", timeout=5)

    answer = client.whoami()

    assert answer == {"id": "ADM-7307-01"}
    assert client._auth.clock_offset == 0.0  # the kiosk keeps its own clock


# --- the server's answers (target server_answers) -------------------------------------------


class PortalServer(BaseHTTPRequestHandler):
    """What answers in our server's place behind a village's captive portal or a proxy."""

    answer = (200, "text/html", b"")

    def _answer(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        status, content_type, body = self.answer
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer  # noqa: N815 - http.server's hook names

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def portal() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), PortalServer)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def test_regression_heartbeat_answered_by_a_captive_portal_is_server_unavailable(portal):
    # The fuzzer's first input: an empty 200. A login page is the same: not JSON. It raised
    # JSONDecodeError, which the heartbeat loop does not catch: heartbeats stopped for good.
    PortalServer.answer = (200, "text/html", b"<html>Login to the village wifi</html>")
    client = ServerClient(portal, "ADM-7307-01:secret", timeout=5)

    with pytest.raises(ServerUnavailable, match="not JSON"):
        client.heartbeat({"app_version": "0.1"})
    with pytest.raises(ServerUnavailable, match="not JSON"):
        client.claim("7KQ2-M9XD-4TRA")


def test_regression_config_answered_with_a_list_is_server_unavailable(portal):
    PortalServer.answer = (200, "application/json", b"[1, 2]")
    client = ServerClient(portal, "ADM-7307-01:secret", timeout=5)

    with pytest.raises(ServerUnavailable, match="not a JSON dict"):
        client.fetch_config()
    PortalServer.answer = (200, "application/json", b'{"a": 1}')
    with pytest.raises(ServerUnavailable, match="not a JSON list"):
        client.locations()


# --- scanned codes (target qr_codes) ----------------------------------------------------------


def test_regression_refused_pickup_code_reports_the_length_as_scanned():
    scanned = (CORPUS / "qr_codes" / "crash-refusal-length").read_text()

    verdict = classify(scanned)

    assert isinstance(verdict, Refusal)
    assert verdict.reason == "qr.refused.bad_pickup_code"
    assert verdict.length == len(scanned) == 11  # the trailing space counts: it was scanned
