"""Personal data never reaches the kiosk's log file unmasked, tracebacks included."""

from __future__ import annotations

import logging

from kiosk.logs import mask_personal, setup_logging


def test_nik_and_pickup_codes_are_masked():
    assert mask_personal("NIK 7307061405800003 ok") == "NIK 7307**********03 ok"
    assert mask_personal("code 7KQ2-M9XD-4TRA") == "code 7KQ2-****-****"
    assert mask_personal("receipt R-20261122-7KQ2M9") == "receipt R-20261122-7KQ2M9"


def test_the_log_file_holds_no_nik_even_in_a_traceback(tmp_path):
    root = logging.getLogger()
    before = list(root.handlers)
    path = setup_logging(tmp_path, stderr=False)
    try:
        log = logging.getLogger("test")
        log.info("resident %s asked", "7307064209840002")
        try:
            raise ValueError("bad KK 7307061203150001")
        except ValueError:
            log.exception("failed for code %s", "ADMP:J7QC-A8C0-K580")
        for handler in root.handlers:
            handler.flush()
        text = path.read_text()
    finally:
        for handler in root.handlers[:]:
            if handler not in before:
                root.removeHandler(handler)
                handler.close()
    assert "7307064209840002" not in text and "7307**********02" in text
    assert "7307061203150001" not in text and "ValueError" in text
    assert "A8C0" not in text
