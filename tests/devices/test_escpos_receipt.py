"""The ESC/POS receipt driver talking to the simulated printer across a real pty."""

from __future__ import annotations

import pytest
from support import wait_until

from devices.contract import StatusKind
from devices.errors import DeviceNotReady, DeviceOffline
from devices.receipt import Receipt, ReceiptLine
from devices.receipt.escpos_printer import EscposReceiptPrinter
from devices.simulators.escpos_peer import EscposPeer

RECEIPT = Receipt(
    lines=[
        ReceiptLine("ANJUNGAN DUKCAPIL MANDIRI", bold=True, align="center"),
        ReceiptLine("No.     : R-20261122-7KQ2M9"),
    ],
    qr="R-20261122-7KQ2M9",
    footer=[ReceiptLine("Terima kasih")],
)


@pytest.fixture
def peer(tmp_path):
    p = EscposPeer(tmp_path / "receipt")
    yield p
    p.close()


def printer_on(peer, **options) -> EscposReceiptPrinter:
    return EscposReceiptPrinter(
        "receipt", transport="serial", port=peer.path, timeout=1.0, **options
    )


def test_a_receipt_arrives_with_its_lines_native_qr_and_cut(peer):
    printer_on(peer).print_receipt(RECEIPT)
    [receipt] = peer.wait_for_receipts(1, timeout=5)
    assert "ANJUNGAN DUKCAPIL MANDIRI" in receipt.lines
    assert "No.     : R-20261122-7KQ2M9" in receipt.lines
    assert receipt.qr_codes == ["R-20261122-7KQ2M9"]
    assert receipt.cut
    # paper sensor and cover before the receipt, the paper sensor again after the cut
    assert peer.stream.status_queries == [4, 2, 4]


def test_empty_paper_refuses_the_receipt_and_says_so(peer):
    events = []
    printer = printer_on(peer)
    printer.add_listener(events.append)
    peer.paper = "empty"
    with pytest.raises(DeviceNotReady, match="out of paper"):
        printer.print_receipt(RECEIPT)
    assert peer.wait_for_receipts(1, timeout=0.5) == []
    assert b"ANJUNGAN" not in bytes(peer.received)
    assert StatusKind.PAPER_EMPTY in [e.kind for e in events]


def test_paper_near_end_still_prints_and_warns(peer):
    events = []
    printer = printer_on(peer)
    printer.add_listener(events.append)
    peer.paper = "near_end"
    printer.print_receipt(RECEIPT)
    assert len(peer.wait_for_receipts(1, timeout=5)) == 1
    assert StatusKind.PAPER_NEAR_END in [e.kind for e in events]


def test_a_printer_that_does_not_answer_status_is_offline(peer):
    peer.answer_status = False
    with pytest.raises(DeviceOffline, match="did not answer"):
        printer_on(peer).print_receipt(RECEIPT)
    assert b"ANJUNGAN" not in bytes(peer.received)


def test_a_missing_port_is_offline_with_the_port_named(tmp_path):
    printer = EscposReceiptPrinter("receipt", port=str(tmp_path / "gone"))
    with pytest.raises(DeviceOffline, match="gone"):
        printer.print_receipt(RECEIPT)
    assert not printer.check_health().ok


def test_without_status_query_a_mute_printer_still_gets_the_receipt(peer):
    peer.answer_status = False
    printer_on(peer, status_query=False).print_receipt(RECEIPT)
    assert len(peer.wait_for_receipts(1, timeout=5)) == 1


def test_text_is_sent_in_the_profiles_code_page(peer):
    receipt = Receipt(lines=[ReceiptLine("Atas nama: Andi Renée")])
    printer_on(peer, profile="generic-80mm").print_receipt(receipt)
    peer.wait_for_receipts(1, timeout=5)
    data = bytes(peer.received)
    assert b"\x1bt\x13" in data  # ESC t 19: code page 858 selected before the text
    assert "Andi Renée".encode("cp858") in data


def test_a_58mm_printer_without_cutter_or_status_gets_neither(peer):
    peer.answer_status = False
    printer_on(peer, profile="generic-58mm").print_receipt(RECEIPT)
    wait_until(lambda: b"Terima kasih" in bytes(peer.received), 5, what="the whole receipt")
    assert b"\x10\x04" not in bytes(peer.received)
    assert b"\x1dV" not in bytes(peer.received)
    assert b"ANJUNGAN DUKCAPIL MANDIRI" in bytes(peer.received)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"profile": "no-such-model"}, "unknown; known"),
        ({"cut": "sideways"}, "cut must be"),
        ({"codepage": "klingon"}, "code page"),
        ({"colour": "red"}, "unknown option"),
    ],
)
def test_a_wrong_profile_setting_is_a_configuration_error(peer, options, message):
    from devices.errors import ConfigError

    with pytest.raises(ConfigError, match=message):
        printer_on(peer, **options)


def test_a_usb_printer_that_is_not_plugged_in_is_offline_with_its_ids_named():
    printer = EscposReceiptPrinter(
        "receipt", transport="usb", usb_vendor="04b8", usb_product="0e15", timeout=1.0
    )
    with pytest.raises(DeviceOffline, match="USB 04b8:0e15"):
        printer.print_receipt(RECEIPT)
