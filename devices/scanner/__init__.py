"""Barcode/QR scanners: each decoded code is handed to a callback as text."""

from __future__ import annotations

import logging
import threading
from abc import abstractmethod
from collections.abc import Callable

from devices.contract import Device, DeviceState

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


class ThreadedScanner(Scanner):
    """A scanner whose reader thread owns the device: connect on open, stop and join on close."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def open(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._connect()
        self._thread = threading.Thread(target=self._run, name=f"scanner-{self.name}", daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
            self._thread = None
        self._disconnect()
        self._set_state(DeviceState.CLOSED)

    @abstractmethod
    def _connect(self) -> bool:
        """Open the device once; False (and offline) when it is not there."""

    @abstractmethod
    def _disconnect(self) -> None:
        """Release the device."""

    @abstractmethod
    def _run(self) -> None:
        """Read until ``self._stop`` is set, reconnecting as needed."""
