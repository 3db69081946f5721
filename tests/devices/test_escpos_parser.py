"""The simulator's ESC/POS parser survives any byte stream and reads what python-escpos sends."""

from __future__ import annotations

import random

from devices.simulators.escpos_parser import EscposStream

SAMPLE = (
    b"\x1b@\x1bt\x00\x1ba\x01\x1bE\x01HALO\n\x1bE\x00"
    b"\x1d(k\x04\x001A2\x00\x1d(k\x03\x001C\x06\x1d(k\x03\x001E0"
    b"\x1d(k\x0c\x001P0RCPT-0001\x1d(k\x03\x001Q0\n\x10\x04\x04\x1dV\x01"
)


def test_the_sample_receipt_is_understood():
    stream = EscposStream()
    queries = stream.feed(SAMPLE)
    assert queries == [4]
    [receipt] = stream.receipts
    assert receipt.lines[0] == "HALO"
    assert receipt.qr_codes == ["RCPT-0001"]
    assert receipt.cut


def test_feeding_byte_by_byte_gives_the_same_receipts():
    whole, split = EscposStream(), EscposStream()
    whole.feed(SAMPLE)
    for i in range(len(SAMPLE)):
        split.feed(SAMPLE[i : i + 1])
    assert [r.lines for r in split.receipts] == [r.lines for r in whole.receipts]
    assert [r.qr_codes for r in split.receipts] == [r.qr_codes for r in whole.receipts]


def test_random_bytes_never_crash_the_parser():
    rng = random.Random(7)
    for _ in range(2000):
        stream = EscposStream()
        data = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 64)))
        stream.feed(data)
        stream.feed(SAMPLE)  # and it keeps working afterwards
