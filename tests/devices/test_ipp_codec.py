"""The IPP codec: bytes on the wire as RFC 8010 spells them, and one clear error for bad bytes."""

from __future__ import annotations

import http.server
import random
import struct
import threading
from collections.abc import Iterator

import pytest

from devices.a4.ipp import (
    Attribute,
    IppClient,
    IppError,
    IppUnreachable,
    Operation,
    Tag,
    a4_job_attributes,
    base_operation_attributes,
    decode_response,
    encode_request,
    status_name,
)

URI = "ipp://localhost:631/printers/ADM-A4"


def wire(tag: int, name: str, value: bytes) -> bytes:
    """One attribute as RFC 8010 section 3.1.4 lays it out, written independently of the codec."""
    raw_name = name.encode()
    return struct.pack(">BH", tag, len(raw_name)) + raw_name + struct.pack(">H", len(value)) + value


def header(status: int = 0x0000, request_id: int = 7) -> bytes:
    return struct.pack(">BBHi", 1, 1, status, request_id)


def printer_response() -> bytes:
    """A Get-Printer-Attributes answer as cupsd would send it, built by hand."""
    return (
        header()
        + b"\x01"
        + wire(0x47, "attributes-charset", b"utf-8")
        + wire(0x48, "attributes-natural-language", b"en")
        + b"\x04"
        + wire(0x23, "printer-state", struct.pack(">i", 5))
        + wire(0x44, "printer-state-reasons", b"paused")
        + wire(0x44, "", b"media-low-report")
        + wire(0x22, "printer-is-accepting-jobs", b"\x01")
        + wire(0x21, "queued-job-count", struct.pack(">i", 3))
        + wire(0x33, "copies-supported", struct.pack(">ii", 1, 9999))
        + wire(0x35, "printer-info", b"\x00\x02id\x00\x0bPrinter KTP")
        + wire(0x13, "printer-location", b"")
        + wire(0x31, "printer-current-time", bytes([0x07, 0xEA, 11, 22, 13, 5, 9, 0, 43, 7, 0]))
        + b"\x03"
    )


# -- encoding -------------------------------------------------------------------------------------


def test_request_starts_with_version_operation_and_request_id_then_charset_and_language() -> None:
    target = Attribute.of(Tag.URI, "printer-uri", URI)
    groups = [(Tag.OPERATION, base_operation_attributes(target, "adm-kiosk"))]

    body = encode_request(Operation.GET_PRINTER_ATTRIBUTES, 42, groups)

    assert body[:8] == bytes.fromhex("0101000b0000002a")
    assert body[8:9] == b"\x01"
    charset = b"\x47\x00\x12attributes-charset\x00\x05utf-8"
    language = b"\x48\x00\x1battributes-natural-language\x00\x02en"
    assert body[9:].startswith(charset + language)
    assert b"\x45\x00\x0bprinter-uri\x00\x23" + URI.encode() in body
    assert b"\x42\x00\x14requesting-user-name\x00\x09adm-kiosk" in body
    assert body.endswith(b"\x03")


def test_print_job_carries_a4_fit_and_copies_in_the_job_group_and_the_document_last() -> None:
    target = Attribute.of(Tag.URI, "printer-uri", URI)
    groups = [
        (Tag.OPERATION, base_operation_attributes(target, "adm-kiosk")),
        (Tag.JOB, a4_job_attributes(copies=2)),
    ]

    body = encode_request(Operation.PRINT_JOB, 1, groups, data=b"%PDF-1.4 fake")

    assert body[2:4] == b"\x00\x02"
    job_group = body[body.index(b"\x02\x44") :]
    assert job_group.startswith(b"\x02" + b"\x44\x00\x05media\x00\x10iso_a4_210x297mm")
    assert b"\x44\x00\x0dprint-scaling\x00\x03fit" in job_group
    assert b"\x21\x00\x06copies\x00\x04\x00\x00\x00\x02" in job_group
    assert body.endswith(b"\x03%PDF-1.4 fake")


def test_additional_values_repeat_the_tag_with_an_empty_name() -> None:
    attribute = Attribute.of(Tag.KEYWORD, "requested-attributes", "job-state", "job-id")

    body = encode_request(Operation.GET_JOB_ATTRIBUTES, 1, [(Tag.OPERATION, [attribute])])

    assert (
        b"\x44\x00\x14requested-attributes\x00\x09job-state" + b"\x44\x00\x00\x00\x06job-id"
    ) in body


def test_a_value_that_does_not_fit_its_tag_is_refused_before_sending() -> None:
    with pytest.raises(IppError, match="cannot encode"):
        encode_request(1, 1, [(Tag.OPERATION, [Attribute.of(Tag.INTEGER, "copies", "two")])])
    with pytest.raises(IppError, match="longer than 65535"):
        encode_request(1, 1, [(Tag.OPERATION, [Attribute.of(Tag.TEXT, "x", "a" * 70000)])])


# -- decoding -------------------------------------------------------------------------------------


def test_hand_built_response_decodes_to_names_and_python_values() -> None:
    response = decode_response(printer_response())

    assert response.version == (1, 1)
    assert response.status == 0 and response.status_name == "successful-ok"
    assert response.request_id == 7
    attrs = response.attributes
    assert attrs["attributes-charset"] == "utf-8"
    assert attrs["printer-state"] == 5
    assert attrs["printer-state-reasons"] == ["paused", "media-low-report"]
    assert attrs["printer-is-accepting-jobs"] is True
    assert attrs["queued-job-count"] == 3
    assert attrs["copies-supported"] == (1, 9999)
    assert attrs["printer-info"] == "Printer KTP"
    assert attrs["printer-location"] is None
    assert attrs["printer-current-time"].isoformat() == "2026-11-22T13:05:09+07:00"
    assert [tag for tag, _ in response.groups] == [Tag.OPERATION, Tag.PRINTER]
    assert response.strings("printer-state-reasons") == ["paused", "media-low-report"]
    assert response.integer("queued-job-count") == 3
    assert response.raise_for_status() is response


def test_collections_are_skipped_and_the_attributes_after_them_still_decode() -> None:
    media_col = (
        wire(0x34, "media-col-default", b"")
        + wire(0x4A, "", b"media-size")
        + wire(0x34, "", b"")
        + wire(0x4A, "", b"x-dimension")
        + wire(0x21, "", struct.pack(">i", 21000))
        + wire(0x37, "", b"")
        + wire(0x37, "", b"")
        + wire(0x34, "", b"")  # a second collection value of the same attribute
        + wire(0x37, "", b"")
    )
    body = (
        header() + b"\x04" + media_col + wire(0x44, "media-default", b"iso_a4_210x297mm") + b"\x03"
    )

    attrs = decode_response(body).attributes

    assert attrs == {"media-default": "iso_a4_210x297mm"}


def test_document_data_after_the_end_tag_is_kept_apart() -> None:
    assert decode_response(header() + b"\x01\x03tail").data == b"tail"


def test_error_status_raises_with_its_name_and_the_server_message() -> None:
    body = (
        header(status=0x0406)
        + b"\x01"
        + wire(0x47, "attributes-charset", b"utf-8")
        + wire(0x41, "status-message", b"The printer or class does not exist.")
        + b"\x03"
    )

    with pytest.raises(IppError) as caught:
        decode_response(body).raise_for_status("Get-Printer-Attributes")

    message = str(caught.value)
    assert "client-error-not-found" in message and "0x0406" in message
    assert "The printer or class does not exist." in message
    assert caught.value.status == 0x0406


def test_successful_status_with_ignored_attributes_does_not_raise() -> None:
    decode_response(header(status=0x0001) + b"\x03").raise_for_status()
    assert status_name(0x0999) == "status-0x0999"


def test_every_truncation_of_a_response_raises_a_clear_ipp_error() -> None:
    body = printer_response()

    for cut in range(len(body)):
        with pytest.raises(IppError, match="truncated IPP response"):
            decode_response(body[:cut])


@pytest.mark.parametrize(
    ("garbage", "message"),
    [
        (b"<html><body>Bad Request</body></html>", "not an IPP response"),
        (b"", "truncated"),
        (header() + b"\x44\x00\x01x\x00\x01y\x03", "outside a group"),
        (header() + b"\x01" + wire(0x21, "copies", b"\x00\x01") + b"\x03", "INTEGER value"),
        (header() + b"\x01" + wire(0x22, "b", b"\x01\x01") + b"\x03", "BOOLEAN value"),
        (header() + b"\x01" + wire(0x44, "", b"orphan") + b"\x03", "without a name"),
        (header() + b"\x01\x44\xff\xffname", "truncated"),
        (header() + b"\x01" + wire(0x34, "col", b"") + bytes(5) + b"\x03", "inside a collection"),
        (header() + b"\x01" + wire(0x31, "t", bytes(11)) + b"\x03", "dateTime"),
    ],
    ids=[
        "html",
        "empty",
        "value-before-group",
        "short-integer",
        "long-boolean",
        "nameless-value",
        "name-longer-than-body",
        "delimiter-in-collection",
        "impossible-date",
    ],
)
def test_malformed_responses_raise_ipp_error_saying_what_is_wrong(
    garbage: bytes, message: str
) -> None:
    with pytest.raises(IppError, match=message):
        decode_response(garbage)


def test_random_bytes_never_escape_as_anything_but_ipp_error() -> None:
    rng = random.Random(8010)
    valid = printer_response()
    for _ in range(3000):
        body = bytearray(valid)
        for _ in range(rng.randint(1, 6)):
            body[rng.randrange(len(body))] = rng.randrange(256)
        try:
            decode_response(bytes(body))
        except IppError:
            pass


# -- transport ------------------------------------------------------------------------------------


class _Canned(http.server.BaseHTTPRequestHandler):
    """An HTTP peer that answers every POST with a fixed content type and body."""

    content_type = "text/html"
    body = b"<html>not ipp</html>"

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(200)
        self.send_header("Content-Type", self.content_type)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def http_peer(request: pytest.FixtureRequest) -> Iterator[int]:
    content_type, body = request.param
    handler = type("Handler", (_Canned,), {"content_type": content_type, "body": body})
    server = http.server.HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    ("http_peer", "message"),
    [
        (("text/html", b"<html>not ipp</html>"), "text/html, not IPP"),
        (("application/ipp", header()[:5]), "truncated IPP response"),
    ],
    indirect=["http_peer"],
)
def test_a_peer_that_does_not_speak_ipp_raises_ipp_error(http_peer: int, message: str) -> None:
    client = IppClient("127.0.0.1", http_peer, timeout=2)

    with pytest.raises(IppError, match=message):
        client.get_printer_attributes(client.printer_uri("ADM-A4"))


def test_nobody_listening_raises_ipp_unreachable(free_port: int) -> None:
    client = IppClient("127.0.0.1", free_port, timeout=2)

    with pytest.raises(IppUnreachable, match=f"127.0.0.1:{free_port}"):
        client.get_printer_attributes(client.printer_uri("ADM-A4"))


@pytest.mark.cups
def test_real_cupsd_answers_get_printer_attributes(cups_queue: str) -> None:
    client = IppClient(user="adm-kiosk", timeout=5)

    response = client.get_printer_attributes(
        client.printer_uri(cups_queue), ["printer-state", "document-format-supported"]
    )

    assert response.status_name == "successful-ok"
    assert response.integer("printer-state") in (3, 4, 5)
    assert "application/pdf" in response.strings("document-format-supported")
    assert "printer-name" not in response.attributes  # requested-attributes was honoured
