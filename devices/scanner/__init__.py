"""Barcode/QR scanners: each decoded code is handed to a callback as text."""

from __future__ import annotations

import logging
from collections.abc import Callable

from devices.contract import Device

log = logging.getLogger(__name__)

CodeCallback = Callable[[str], None]


class Scanner(Device):
    """Contract: after :meth:`open`, every complete code read calls the code callback once."""

    kind = "scanner"

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self._on_code: CodeCallback | None = None

    def set_code_callback(self, callback: CodeCallback | None) -> None:
        self._on_code = callback

    def _deliver(self, code: str) -> None:
        self._count("scans_good")
        if self._on_code is None:
            log.warning("scanner %s: a code was read but nobody is listening", self.name)
            return
        self._on_code(code)
