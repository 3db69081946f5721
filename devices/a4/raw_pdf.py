"""A4 printers that take PDF directly: raw TCP port 9100 (JetDirect) or a USB printer device.

There is no job tracking on a raw link, so the driver asks the printer itself: over the
network it sends PJL INFO STATUS before the job (paper, cover, offline) and counts the job
done only when every byte was accepted and the printer answered again afterwards. Over USB
(/dev/usb/lpN) only the write itself can be checked.
"""

from __future__ import annotations

import logging
import os
import re
import socket
import time

from devices.a4 import A4Printer, PrintResult, ProgressCallback
from devices.contract import DeviceState, HealthLevel, HealthReport, StatusKind
from devices.errors import ConfigError, DeviceNotReady, DeviceOffline, JobFailed

log = logging.getLogger(__name__)

UEL = b"\x1b%-12345X"  # Universal Exit Language: resets the printer's language
_STATUS = re.compile(rb"CODE=(\d+)")


def pjl_job(pdf: bytes, title: str) -> bytes:
    """Wrap a PDF in the PJL a raw printer needs to pick its PDF interpreter."""
    name = re.sub(r"[^A-Za-z0-9 ._-]", "", title)[:80] or "ADM"
    return (
        UEL
        + f'@PJL JOB NAME="{name}"\r\n@PJL SET PAPER=A4\r\n@PJL ENTER LANGUAGE=PDF\r\n'.encode()
        + pdf
        + UEL
        + f'@PJL EOJ NAME="{name}"\r\n'.encode()
        + UEL
    )


def classify(code: int) -> tuple[StatusKind | None, str]:
    """PJL status code -> what it means for the kiosk (10xxx ready, 40021 cover, 41xxx paper)."""
    if 10000 <= code < 11000:
        return None, "ready"
    if code == 40021:
        return StatusKind.COVER_OPEN, "cover open"
    if 41000 <= code < 42000:
        return StatusKind.PAPER_EMPTY, "paper out"
    if code == 40079:
        return StatusKind.OFFLINE, "offline"
    return StatusKind.STATE, f"printer reports status {code}"


class RawPdfPrinter(A4Printer):
    """One raw printer; ``transport`` is network (host, port 9100) or usb (a device path)."""

    def __init__(
        self,
        name: str,
        transport: str = "network",
        host: str = "",
        port: int = 9100,
        device: str = "",
        timeout: float = 30.0,
        status_query: bool = True,
    ) -> None:
        super().__init__(name)
        if transport not in ("network", "usb"):
            raise ConfigError(f"{name}: transport must be network or usb, not {transport!r}")
        if transport == "network" and not host:
            raise ConfigError(f"{name}: a network printer needs a host")
        if transport == "usb" and not device:
            raise ConfigError(f"{name}: a USB printer needs a device such as /dev/usb/lp0")
        self.transport, self.host, self.port, self.device = transport, host, port, device
        self.timeout = timeout
        self.status_query = status_query and transport == "network"

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}" if self.transport == "network" else self.device

    # -- network ----------------------------------------------------------------------------
    def _connect(self) -> socket.socket:
        try:
            return socket.create_connection((self.host, self.port), timeout=self.timeout)
        except OSError as exc:
            self._set_state(DeviceState.OFFLINE, str(exc))
            self._emit(StatusKind.OFFLINE, self.where)
            raise DeviceOffline(f"A4 printer at {self.where} cannot be reached: {exc}") from exc

    def query_status(self) -> int:
        """Ask the printer for its PJL status code."""
        with self._connect() as sock:
            sock.sendall(UEL + b"@PJL INFO STATUS\r\n" + UEL)
            reply = b""
            deadline = time.monotonic() + min(self.timeout, 5.0)
            while b"\x0c" not in reply and time.monotonic() < deadline:
                try:
                    chunk = sock.recv(1024)
                except TimeoutError:
                    break
                if not chunk:
                    break
                reply += chunk
        match = _STATUS.search(reply)
        if match is None:
            raise DeviceOffline(f"A4 printer at {self.where} did not answer a PJL status query")
        return int(match.group(1))

    def _check_ready(self) -> None:
        if not self.status_query:
            return
        code = self.query_status()
        kind, meaning = classify(code)
        if kind is None:
            return
        if kind is not StatusKind.STATE:
            self._emit(kind, meaning)
        self._set_state(DeviceState.ERROR, meaning)
        raise DeviceNotReady(f"A4 printer at {self.where}: {meaning} (PJL {code})")

    # -- contract ---------------------------------------------------------------------------
    def open(self) -> None:
        if self.transport == "usb" and not os.path.exists(self.device):
            self._set_state(DeviceState.OFFLINE, "device missing")
            raise DeviceOffline(f"A4 printer device {self.device} is not there (unplugged?)")
        self._check_ready()
        self._set_state(DeviceState.IDLE)

    def print_pdf(
        self,
        pdf: bytes,
        title: str,
        timeout: float = 120.0,
        on_progress: ProgressCallback | None = None,
    ) -> PrintResult:
        self._check_ready()
        self._set_state(DeviceState.BUSY)
        data = pjl_job(pdf, title)
        try:
            if self.transport == "network":
                with self._connect() as sock:
                    sock.settimeout(timeout)
                    sock.sendall(data)
                    sock.shutdown(socket.SHUT_WR)
                    while sock.recv(1024):  # the printer closes once it has taken the job
                        pass
            else:
                fd = os.open(self.device, os.O_WRONLY)
                try:
                    view = memoryview(data)
                    while view:
                        view = view[os.write(fd, view) :]
                finally:
                    os.close(fd)
        except OSError as exc:
            self._count("jobs_failed")
            self._set_state(DeviceState.ERROR, str(exc))
            raise JobFailed(f"A4 printer at {self.where} lost the job: {exc}") from exc
        if on_progress is not None:
            on_progress("sent")
        # The printer took every byte; a paper fault that stopped it shows in its status now.
        self._check_ready()
        self._count("jobs_ok")
        self._count("bytes", len(data))
        self._set_state(DeviceState.IDLE)
        return PrintResult(job_id=f"raw-{int(time.time() * 1000)}", pages=None, state="completed")

    def check_health(self, level: HealthLevel = HealthLevel.INTERNAL) -> HealthReport:
        try:
            self.open()
            ok, text_id, text_en = True, "siap", "ready"
        except (DeviceOffline, DeviceNotReady) as exc:
            ok, text_id, text_en = False, "bermasalah", str(exc)
        return HealthReport(
            device=self.name,
            level=level,
            ok=ok,
            text_id=f"Printer A4 di {self.where}: {text_id}",
            text_en=f"A4 printer at {self.where}: {text_en}",
            details={
                "where": self.where,
                "state": self.state.value,
                "counters": self.counter_snapshot(),
            },
        )
