"""One atheris target per parser that takes bytes from outside: what it feeds, what may come out.

A target's ``setup()`` imports the product modules it tests (so ``proof.fuzz`` can instrument
just those) and returns ``test_one(data: bytes)``. The contract each one checks: for any bytes
the parser returns a value or raises its own documented error, the one its caller catches;
anything else escapes ``test_one`` and libFuzzer records the input as a crash. Where a parser
has an inverse, the round trip is checked too (an AssertionError is a crash like any other).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from proof.fuzz_targets import devices, kiosk, server

TestOne = Callable[[bytes], None]


@dataclass(frozen=True)
class Target:
    name: str
    covers: str  # which of the kinds of outside input: scanner lines, QR payloads, ...
    parser: str  # the product code fed, as a reader finds it
    setup: Callable[[], TestOne]
    instrument: tuple[str, ...]  # module prefixes atheris instruments for coverage
    dictionary: str = ""  # proof/corpus/dicts/<name>.dict of tokens; default: the target's name


TARGETS: dict[str, Target] = {
    t.name: t
    for t in (
        Target(
            "scanner_lines",
            "scanner lines",
            "devices/scanner/serial_scanner.py SerialScanner line assembly and decoding",
            devices.scanner_lines,
            ("devices.scanner",),
        ),
        Target(
            "keyboard_wedge",
            "scanner lines",
            "devices/scanner/keyboard_wedge.py key events, devices/scanner/keymap.py",
            devices.keyboard_wedge,
            ("devices.scanner",),
        ),
        Target(
            "escpos_status",
            "ESC/POS status replies",
            "devices/receipt/escpos_printer.py paper and cover status bytes",
            devices.escpos_status,
            ("devices.receipt",),
        ),
        Target(
            "escpos_stream",
            "ESC/POS status replies",
            "devices/simulators/escpos_parser.py (bytes the kiosk sends the printer)",
            devices.escpos_stream,
            ("devices.simulators.escpos_parser", "devices.receipt"),
        ),
        Target(
            "ipp_response",
            "IPP responses",
            "devices/a4/ipp.py decode_response, encode_request",
            devices.ipp_response,
            ("devices.a4.ipp",),
        ),
        Target(
            "qr_codes",
            "QR payloads",
            "kiosk/codes.py classify, parse_pickup_code; kiosk/tickets.py; server/codes.py",
            kiosk.qr_codes,
            ("kiosk.codes", "kiosk.tickets", "server.codes"),
        ),
        Target(
            "document_token",
            "QR payloads",
            "server/signing.py verify_token, decode_payload (the document QR)",
            server.document_token,
            ("server.signing", "kiosk.codes"),
        ),
        Target(
            "kiosk_config",
            "config files",
            "kiosk/config.py load_config on a TOML file",
            kiosk.kiosk_config,
            ("kiosk.config", "kiosk.technician_pin"),
        ),
        Target(
            "remote_config",
            "config files",
            "kiosk/remote_config.py (server-pushed config on disk and offered), opening hours",
            kiosk.remote_config,
            ("kiosk.remote_config", "kiosk.opening_hours", "kiosk.service_state"),
            dictionary="json",
        ),
        Target(
            "server_date",
            "API payloads",
            "kiosk/request_signing.py learn_clock (the server's Date header)",
            kiosk.server_date,
            ("kiosk.request_signing",),
        ),
        Target(
            "server_answers",
            "API payloads",
            "kiosk/server_client.py: every answer of the server, from a loopback HTTP server",
            kiosk.server_answers,
            ("kiosk.server_client",),
        ),
        Target(
            "api_payloads",
            "API payloads",
            "server app in process: kiosk and public routes, signed, with fuzzed bodies",
            server.api_payloads,
            ("server.api", "server.applications", "server.heartbeats", "server.feedback"),
            dictionary="json",
        ),
    )
}


def _canary() -> TestOne:
    """A parser with a planted bug, so a test can see the harness catch and keep a crash."""

    def test_one(data: bytes) -> None:
        if data[:1] == b"<" and data[-1:] == b">":
            fields = data[1:-1].split(b",")
            _ = fields[3]  # IndexError for fewer than four fields: the planted bug

    return test_one


# Not fuzzed by run(): only for tests of the harness itself (tests/reliability/test_fuzz.py).
SELF_TESTS: dict[str, Target] = {
    "canary": Target(
        "canary", "self-test", "a planted IndexError", _canary, ("proof.fuzz_targets",)
    )
}


def target(name: str) -> Target:
    return TARGETS.get(name) or SELF_TESTS[name]
