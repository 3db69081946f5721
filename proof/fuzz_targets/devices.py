"""Targets for the device layer: bytes from scanners and printers, and bytes sent to printers."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import atheris


def scanner_lines() -> Callable[[bytes], None]:
    """Serial scanner bytes in arbitrary chunks: only whole, printable, bounded codes come out."""
    from devices.scanner.serial_scanner import SerialScanner

    scanners = [
        SerialScanner("fuzz-cr", "/dev/null", terminator="CR", max_length=64),
        SerialScanner("fuzz-lf", "/dev/null", terminator="LF", max_length=64),
        SerialScanner("fuzz-crlf", "/dev/null", terminator="CRLF", prefix="]Q", suffix="#"),
    ]
    delivered: list[str] = []
    for scanner in scanners:
        scanner.set_code_callback(delivered.append)

    def test_one(data: bytes) -> None:
        fdp = atheris.FuzzedDataProvider(data)
        scanner = scanners[fdp.ConsumeIntInRange(0, len(scanners) - 1)]
        scanner._discarding = False
        delivered.clear()
        framed = fdp.ConsumeBool()
        if framed:  # round trip: one printable code, framed as the scanner sends it
            code = fdp.ConsumeUnicodeNoSurrogates(80)
            line = scanner.prefix + code.encode() + scanner.suffix + scanner.terminator
            chunks = [line]
        else:
            chunks = []
            while fdp.remaining_bytes():
                chunks.append(fdp.ConsumeBytes(fdp.ConsumeIntInRange(1, 300)))
        buffer = bytearray()
        for chunk in chunks:
            buffer.extend(chunk)
            scanner._split_lines(buffer)
        for text in delivered:
            assert isinstance(text, str) and text.isprintable(), repr(text)
            assert "\r" not in text and "\n" not in text, repr(text)
            assert len(text.encode()) <= scanner.max_length, len(text)
        if framed and not ("\r" in code or "\n" in code):  # else it is two lines, not one
            expect_whole = (
                code
                and code.isprintable()
                and len(code.encode()) <= scanner.max_length
                and len(line) - len(scanner.terminator) <= scanner.max_length
            )
            if expect_whole:
                assert delivered == [code], (code, delivered)
            else:
                assert delivered in ([], [code]), (code, delivered)

    return test_one


def keyboard_wedge() -> Callable[[bytes], None]:
    """Kernel input_event records through the wedge's own reader loop; the keymap types back.

    The records go through a pipe that stands in for the evdev node (the same read() and
    select() the reader does on /dev/input/...); its end of file is the device going away,
    which stops the loop.
    """
    from devices.contract import DeviceState, StatusKind
    from devices.scanner.keyboard_wedge import EV_KEY, EVENT, KeyboardWedgeScanner
    from devices.scanner.keymap import KEY_ENTER, char_for, keys_for

    scanner = KeyboardWedgeScanner(
        "fuzz", "/nonexistent/adm-fuzz-kbd", grab=False, max_length=64, reconnect_interval=0
    )
    delivered: list[str] = []
    scanner.set_code_callback(delivered.append)
    scanner.add_listener(lambda e: scanner._stop.set() if e.kind is StatusKind.OFFLINE else None)

    def read_through_the_reader(raw: bytes) -> None:
        readable, writable = os.pipe()
        os.write(writable, raw)
        os.close(writable)
        scanner._fd = readable
        scanner._stop.clear()
        scanner._set_state(DeviceState.IDLE)
        scanner._run()  # returns at end of file: the reader closed the pipe and went offline
        assert scanner._fd is None

    def test_one(data: bytes) -> None:
        fdp = atheris.FuzzedDataProvider(data)
        delivered.clear()
        if fdp.ConsumeBool():  # round trip: type a text key by key, as the simulator does
            text = fdp.ConsumeUnicodeNoSurrogates(24)
            if not text:
                return
            records = b""
            for char in text:
                key = keys_for(char)
                if key is None:
                    return  # a character no key of the US layout types
                code, shifted = key
                assert char_for(code, shifted) == char, (char, key)
                records += EVENT.pack(0, 0, EV_KEY, 42, int(shifted))  # shift down or up
                records += EVENT.pack(0, 0, EV_KEY, code, 1) + EVENT.pack(0, 0, EV_KEY, code, 0)
            records += EVENT.pack(0, 0, EV_KEY, KEY_ENTER, 1)
            read_through_the_reader(records)
            assert delivered == [text], (text, delivered)
            return
        read_through_the_reader(fdp.ConsumeBytes(fdp.remaining_bytes()))
        for text in delivered:
            assert text and text.isprintable() and len(text) <= scanner.max_length, repr(text)

    return test_one


class StatusReplies:
    """The transport python-escpos gives the driver, answering status queries from the fuzzer.

    A double of the printer's wire only (a real printer cannot answer arbitrary bytes on cue);
    the driver's own status handling runs unchanged on what it returns.
    """

    def __init__(self, fdp: Any) -> None:
        self.fdp = fdp
        self.replies: list[bytes] = []

    def query_status(self, query: bytes) -> bytes:
        reply = bytes(self.fdp.ConsumeBytes(self.fdp.ConsumeIntInRange(0, 3)))
        self.replies.append(reply)
        return reply


def escpos_status() -> Callable[[bytes], None]:
    """Any status reply: the driver says ready, not ready (paper, cover) or offline, nothing else.

    The expected answer follows the documented bits (DLE EOT 4: bits 5-6 empty; DLE EOT 2:
    bit 2 cover open); an empty reply to the paper query is a printer that did not answer.
    """
    from devices.errors import DeviceNotReady, DeviceOffline
    from devices.receipt.escpos_printer import EscposReceiptPrinter

    printer = EscposReceiptPrinter("fuzz", transport="network", host="printer.invalid")

    def test_one(data: bytes) -> None:
        fdp = atheris.FuzzedDataProvider(data)
        device = StatusReplies(fdp)
        after = fdp.ConsumeBool()
        outcome = "ready"
        try:
            (printer._check_paper_after if after else printer._check_paper)(device)
        except DeviceNotReady as exc:
            outcome = "cover" if "cover" in str(exc) else "paper"
        except DeviceOffline:
            outcome = "offline"
        replies = device.replies
        paper = replies[0]
        if not paper:
            expected = "ready" if after else "offline"
        elif paper[0] & 0x60:
            expected = "paper"
        elif after:
            expected = "ready"
        else:
            cover = replies[1]
            expected = "cover" if cover and cover[0] & 0x04 else "ready"
        assert outcome == expected, (replies, outcome, expected)

    return test_one


def escpos_stream() -> Callable[[bytes], None]:
    """The simulated printer's parser never crashes; what the driver prints reads back as sent."""
    from devices.receipt.escpos_printer import EscposReceiptPrinter
    from devices.simulators.escpos_parser import EscposStream, TextLine

    printer = EscposReceiptPrinter("fuzz", transport="network", host="printer.invalid")

    class Wire:
        """python-escpos' _raw, collecting what the driver would put on the wire."""

        def __init__(self) -> None:
            self.sent = bytearray()

        def _raw(self, data: bytes) -> None:
            self.sent += data

    def test_one(data: bytes) -> None:
        fdp = atheris.FuzzedDataProvider(data)
        stream = EscposStream(paper_left=fdp.ConsumeIntInRange(0, 40) or None)
        if fdp.ConsumeBool():  # round trip through the driver's own line encoding
            text = fdp.ConsumeString(60).replace("\n", " ")
            text = "".join(c if 0x20 <= ord(c) < 0x7F else "?" for c in text)
            wire = Wire()
            printer._line(wire, text, "center", fdp.ConsumeBool(), fdp.ConsumeBool())
            stream.feed(bytes(wire.sent))
            lines = [e for e in stream.current.elements if isinstance(e, TextLine)]
            if stream.paper_left is None or stream.dropped == 0:
                assert [line.text for line in lines] == [text], (text, lines)
            return
        while fdp.remaining_bytes():
            queries = stream.feed(fdp.ConsumeBytes(fdp.ConsumeIntInRange(1, 64)))
            assert all(0 <= q <= 255 for q in queries)
        stream.connection_lost()
        for receipt in [*stream.receipts, stream.current]:
            _ = receipt.lines, receipt.qr_codes, receipt.images

    return test_one


def ipp_response() -> Callable[[bytes], None]:
    """decode_response raises IppError or answers; a request we encode decodes back the same."""
    from devices.a4 import ipp

    def test_one(data: bytes) -> None:
        fdp = atheris.FuzzedDataProvider(data)
        if fdp.ConsumeBool():
            _round_trip(ipp, fdp)
            return
        raw = fdp.ConsumeBytes(fdp.remaining_bytes())
        try:
            response = ipp.decode_response(raw)
        except ipp.IppError:
            return
        _ = response.status_name, response.status_message, response.attributes
        for name in list(response.attributes)[:8]:
            response.integer(name), response.strings(name)
        try:
            response.raise_for_status()
        except ipp.IppError:
            assert response.status >= 0x400

    return test_one


def _round_trip(ipp: Any, fdp: Any) -> None:
    attributes = []
    for _ in range(fdp.ConsumeIntInRange(1, 4)):
        name = fdp.ConsumeUnicodeNoSurrogates(12) or "x"
        kind = fdp.ConsumeIntInRange(0, 3)
        if kind == 0:
            attributes.append(
                ipp.Attribute.of(ipp.Tag.INTEGER, name, fdp.ConsumeIntInRange(-(2**31), 2**31 - 1))
            )
        elif kind == 1:
            attributes.append(ipp.Attribute.of(ipp.Tag.BOOLEAN, name, fdp.ConsumeBool()))
        elif kind == 2:
            attributes.append(
                ipp.Attribute.of(ipp.Tag.KEYWORD, name, fdp.ConsumeUnicodeNoSurrogates(20))
            )
        else:
            attributes.append(
                ipp.Attribute.of(ipp.Tag.RANGE, name, (fdp.ConsumeInt(4), fdp.ConsumeInt(4)))
            )
    request_id = fdp.ConsumeIntInRange(0, 2**31 - 1)
    body = ipp.encode_request(0x0002, request_id, [(ipp.Tag.OPERATION, attributes)], b"%PDF")
    decoded = ipp.decode_response(body)
    assert decoded.request_id == request_id and decoded.data == b"%PDF"
    expected: dict[str, Any] = {}
    for attribute in attributes:
        expected[attribute.name] = attribute.values[0]  # a repeated name: the last one wins
    assert decoded.attributes == expected, (decoded.attributes, expected)
