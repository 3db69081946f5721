"""Serial barcode/QR scanners (RS-232 or USB CDC): framed lines in, one code per line out.

A reader thread owns the port. Line noise and half lines are dropped and counted, never
delivered. When the port vanishes (cable pulled) the scanner goes offline and keeps trying to
reopen the same path; a /dev/serial/by-id/... path finds the scanner again after replugging.
"""

from __future__ import annotations

import logging
import time

import serial

from devices.contract import DeviceState, HealthLevel, HealthReport, StatusKind
from devices.errors import ConfigError
from devices.ports import parse_port, resolve_port
from devices.scanner import ThreadedScanner

log = logging.getLogger(__name__)

TERMINATORS = {"CR": b"\r", "LF": b"\n", "CRLF": b"\r\n"}


class SerialScanner(ThreadedScanner):
    """A scanner on a serial port that ends every code with a terminator."""

    def __init__(
        self,
        name: str,
        port: str,
        baudrate: int = 9600,
        terminator: str = "CR",
        prefix: str = "",
        suffix: str = "",
        max_length: int = 2048,
        partial_timeout: float = 1.0,
        reconnect_interval: float = 1.0,
    ) -> None:
        super().__init__(name)
        if terminator.upper() not in TERMINATORS:
            raise ConfigError(f"{name}: terminator must be one of {', '.join(TERMINATORS)}")
        parse_port(port)  # a malformed usb:VID:PID is a configuration error, said at once
        self.port = port
        self.baudrate = baudrate
        self.terminator = TERMINATORS[terminator.upper()]
        self.prefix = prefix.encode()
        self.suffix = suffix.encode()
        self.max_length = max_length
        self.partial_timeout = partial_timeout
        self.reconnect_interval = reconnect_interval
        self._serial: serial.Serial | None = None
        self._discarding = False

    def check_health(self, level: HealthLevel = HealthLevel.INTERNAL) -> HealthReport:
        online = self._serial is not None and self.state is not DeviceState.OFFLINE
        return HealthReport(
            device=self.name,
            level=level,
            ok=online,
            text_id=f"Pemindai di {self.port}: {'terhubung' if online else 'tidak terhubung'}",
            text_en=f"Scanner on {self.port}: {'connected' if online else 'not connected'}",
            details={"port": self.port, "state": self.state.value, "counters": dict(self.counters)},
        )

    # -- port handling ----------------------------------------------------------------------
    def _connect(self) -> bool:
        try:
            path = resolve_port(self.port)
            if path is None:
                raise OSError(f"no serial device {self.port} is plugged in")
            # exclusive: a second process (adm-diag while the app runs) is refused, instead of
            # both reading every other byte of the same codes
            self._serial = serial.Serial(path, self.baudrate, timeout=0.2, exclusive=True)
        except (serial.SerialException, OSError) as exc:
            if self.state is not DeviceState.OFFLINE:
                log.warning("scanner %s: cannot open %s: %s", self.name, self.port, exc)
                self._set_state(DeviceState.OFFLINE, str(exc))
                self._emit(StatusKind.OFFLINE, self.port)
            return False
        if self.state is DeviceState.OFFLINE:
            self._emit(StatusKind.ONLINE, self.port)
            self._count("reconnects")
        self._set_state(DeviceState.IDLE)
        return True

    def _disconnect(self) -> None:
        if self._serial is not None:
            try:
                self._serial.close()
            except (serial.SerialException, OSError):
                log.debug("scanner %s: error while closing", self.name, exc_info=True)
            self._serial = None

    def _run(self) -> None:
        buffer = bytearray()
        last_byte = time.monotonic()
        while not self._stop.is_set():
            if self._serial is None:
                if not self._connect():
                    self._stop.wait(self.reconnect_interval)
                    continue
            assert self._serial is not None
            try:
                chunk = self._serial.read(256)
            except (serial.SerialException, OSError) as exc:
                log.warning("scanner %s: port lost: %s", self.name, exc)
                self._disconnect()
                self._set_state(DeviceState.OFFLINE, str(exc))
                self._emit(StatusKind.OFFLINE, self.port)
                buffer.clear()
                continue
            now = time.monotonic()
            if not chunk:
                if (buffer or self._discarding) and now - last_byte > self.partial_timeout:
                    if buffer and not self._discarding:
                        self._reject(buffer, "incomplete line (no terminator)")
                    buffer.clear()
                    self._discarding = False
                continue
            last_byte = now
            buffer.extend(chunk)
            self._split_lines(buffer)

    def _split_lines(self, buffer: bytearray) -> None:
        while True:
            end = buffer.find(self.terminator)
            if end < 0:
                if len(buffer) > self.max_length and not self._discarding:
                    self._reject(buffer, "line longer than max_length")
                    self._discarding = True  # the rest of this line is dropped too
                if self._discarding:
                    buffer.clear()
                return
            line = bytes(buffer[:end])
            del buffer[: end + len(self.terminator)]
            if self._discarding:
                self._discarding = False
                continue
            # A CRLF scanner configured as CR leaves a leading LF on the next line, and vice versa.
            line = line.strip(b"\r\n")
            if line:
                self._handle_line(line)

    def _handle_line(self, line: bytes) -> None:
        if self.prefix:
            if not line.startswith(self.prefix):
                self._reject(line, "missing prefix")
                return
            line = line[len(self.prefix) :]
        if self.suffix:
            if not line.endswith(self.suffix):
                self._reject(line, "missing suffix")
                return
            line = line[: -len(self.suffix)]
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            self._reject(line, "not UTF-8")
            return
        if not text.isprintable() or len(line) > self.max_length:
            self._reject(line, "control characters or too long")
            return
        self._deliver(text)

    def _reject(self, data: bytes | bytearray, why: str) -> None:
        # Only the length is logged: a scanned line may be a personal pickup code.
        self._count("scans_failed")
        log.warning("scanner %s: dropped %d bytes: %s", self.name, len(data), why)
