"""ESC/POS receipt printers through python-escpos, over serial or network (port 9100).

The connection is opened for each receipt and closed after, so a printer that was power-cycled
between citizens is simply found again. Where the profile allows, the paper sensor is asked
(DLE EOT 4) before printing, so an empty roll is reported instead of a receipt lost in the air.
"""

from __future__ import annotations

import contextlib
import io
import logging
import termios
from collections.abc import Callable
from typing import Any

from devices.contract import DeviceState, HealthLevel, HealthReport, StatusKind
from devices.errors import ConfigError, DeviceNotReady, DeviceOffline, DriverUnavailable
from devices.receipt import Receipt, ReceiptPrinter
from devices.receipt.encoding import encode_text, select_codepage
from devices.receipt.profiles import load_profile

log = logging.getLogger(__name__)

PAPER_STATUS_QUERY = b"\x10\x04\x04"  # DLE EOT 4: paper roll sensor
PAPER_NEAR_END_BITS = 0x0C
PAPER_EMPTY_BITS = 0x60
OFFLINE_STATUS_QUERY = b"\x10\x04\x02"  # DLE EOT 2: off-line cause
COVER_OPEN_BIT = 0x04
_ALIGN = {"left": 0, "center": 1, "right": 2}
INITIALIZE = b"\x1b@"  # ESC @: drops a half line left in the printer by an earlier failure

try:
    from escpos import printer as escpos_printer
    from escpos.exceptions import Error as EscposError
except ImportError:  # pragma: no cover - depends on the installation
    escpos_printer = None
    EscposError = Exception


# What check_health tells a technician reading Indonesian, by the fault's English message.
_FAULTS_ID = (
    ("out of paper", "kertas habis"),
    ("cover is open", "tutup printer terbuka"),
    ("did not answer", "printer tidak menjawab"),
)


def is_usable() -> bool:
    return escpos_printer is not None


class EscposReceiptPrinter(ReceiptPrinter):
    """One ESC/POS printer; ``transport`` is serial or network, the rest comes from its profile."""

    def __init__(
        self,
        name: str,
        transport: str = "serial",
        port: str = "",
        baudrate: int = 19200,
        host: str = "",
        tcp_port: int = 9100,
        usb_vendor: str = "",
        usb_product: str = "",
        timeout: float = 3.0,
        profile: str = "generic-80mm",
        **overrides: Any,
    ) -> None:
        super().__init__(name)
        if transport not in ("serial", "network", "usb"):
            raise ConfigError(
                f"{name}: transport must be serial, network or usb, not {transport!r}"
            )
        if transport == "serial" and not port:
            raise ConfigError(f"{name}: a serial receipt printer needs a port")
        if transport == "network" and not host:
            raise ConfigError(f"{name}: a network receipt printer needs a host")
        if transport == "usb" and not (usb_vendor and usb_product):
            raise ConfigError(f"{name}: a USB receipt printer needs usb_vendor and usb_product")
        self.transport = transport
        self.port, self.baudrate = port, baudrate
        self.host, self.tcp_port, self.timeout = host, tcp_port, timeout
        self.usb_vendor, self.usb_product = usb_vendor, usb_product
        settings = load_profile(profile, overrides)
        self.profile = profile
        self.width = int(settings["width"])
        self.native_qr = bool(settings["native_qr"])
        self.status_query = bool(settings["status_query"])
        self.cut_mode = {"partial": "PART", "full": "FULL", "none": ""}[settings["cut"]]
        self.flow_control = str(settings["flow_control"])
        self._codepage_command, self._codec = select_codepage(str(settings["codepage"]))

    @property
    def where(self) -> str:
        if self.transport == "usb":
            return f"USB {self.usb_vendor}:{self.usb_product}"
        return self.port if self.transport == "serial" else f"{self.host}:{self.tcp_port}"

    def _connect(self) -> Any:
        if escpos_printer is None:
            raise DriverUnavailable("python-escpos is not installed (pip install python-escpos)")
        try:
            if self.transport == "serial":
                device = escpos_printer.Serial(
                    devfile=self.port,
                    baudrate=self.baudrate,
                    timeout=self.timeout,
                    dsrdtr=self.flow_control == "dsrdtr",
                    xonxoff=self.flow_control == "xonxoff",
                )
            elif self.transport == "usb":
                device = escpos_printer.Usb(
                    int(self.usb_vendor, 16), int(self.usb_product, 16), timeout=0
                )
            else:
                device = escpos_printer.Network(self.host, self.tcp_port, timeout=self.timeout)
            device.open()
            if self.transport == "serial" and self.flow_control == "rtscts" and device.device:
                device.device.rtscts = True  # python-escpos has no rtscts option of its own
        except Exception as exc:  # python-escpos raises many kinds on a missing device
            self._set_state(DeviceState.OFFLINE, str(exc))
            self._emit(StatusKind.OFFLINE, self.where)
            raise DeviceOffline(f"receipt printer at {self.where} cannot be opened: {exc}") from exc
        if device.device is None:
            self._set_state(DeviceState.OFFLINE)
            raise DeviceOffline(f"receipt printer at {self.where} cannot be opened")
        return device

    def _query(self, device: Any, query: bytes) -> bytes:
        """One real-time status byte; on serial, return as soon as it arrives."""
        if self.transport == "serial":
            device._raw(query)
            reply: bytes = device.device.read(1)  # query_status() reads 16: a full timeout
            return reply
        return bytes(device.query_status(query))

    def _check_cover(self, device: Any) -> None:
        try:
            reply = self._query(device, OFFLINE_STATUS_QUERY)
        except (EscposError, OSError) as exc:
            raise DeviceOffline(f"receipt printer at {self.where} failed a status query") from exc
        if reply and reply[0] & COVER_OPEN_BIT:
            self._emit(StatusKind.COVER_OPEN, self.where)
            self._set_state(DeviceState.ERROR, "cover open")
            raise DeviceNotReady(f"receipt printer at {self.where}: the cover is open")

    def _check_paper(self, device: Any) -> None:
        # python-escpos' paper_status() reports "plenty" when the printer does not answer at
        # all, so the reply byte is read and decoded here: bits 2-3 near end, bits 5-6 empty.
        try:
            reply = self._query(device, PAPER_STATUS_QUERY)
        except (EscposError, OSError) as exc:
            raise DeviceOffline(f"receipt printer at {self.where} failed a status query") from exc
        if not reply:
            self._set_state(DeviceState.OFFLINE, "no status reply")
            self._emit(StatusKind.OFFLINE, self.where)
            raise DeviceOffline(
                f"receipt printer at {self.where} did not answer the paper status query"
            )
        if reply[0] & PAPER_EMPTY_BITS:
            self._emit(StatusKind.PAPER_EMPTY, self.where)
            self._set_state(DeviceState.ERROR, "paper empty")
            raise DeviceNotReady(f"receipt printer at {self.where} is out of paper")
        if reply[0] & PAPER_NEAR_END_BITS:
            self._emit(StatusKind.PAPER_NEAR_END, self.where)
        self._check_cover(device)

    def _release(self, device: Any) -> None:
        """Close the port; a port that vanished mid-receipt must not hide why it failed."""
        try:
            device.close()
        except (EscposError, OSError, termios.error) as exc:  # tcdrain on an unplugged port
            log.warning("receipt printer at %s did not close cleanly: %s", self.where, exc)
            with contextlib.suppress(OSError):
                device.device.close()  # pyserial's own close does not drain
            device._device = False  # or python-escpos drains the dead port again in __del__

    def open(self) -> None:
        """Check that the printer answers; the connection itself is made per receipt."""
        device = self._connect()
        try:
            if self.status_query:
                self._check_paper(device)
        finally:
            self._release(device)
        self._set_state(DeviceState.IDLE)

    def print_receipt(self, receipt: Receipt, on_sent: Callable[[], None] | None = None) -> None:
        self._set_state(DeviceState.BUSY)
        device = self._connect()
        try:
            if self.status_query:
                self._check_paper(device)
            device._raw(INITIALIZE + self._codepage_command)
            for line in receipt.lines:
                self._line(device, line.text, line.align, line.bold, line.double)
            if receipt.qr:
                device.set(align="center")
                # python-escpos print()s a warning to stdout for image QR codes, which would
                # corrupt the headless kiosk's event stream on stdout.
                with contextlib.redirect_stdout(io.StringIO()):
                    device.qr(receipt.qr, native=self.native_qr, size=6, center=not self.native_qr)
                device.set(align="left")
            for line in receipt.footer:
                self._line(device, line.text, line.align, line.bold, line.double)
            if self.cut_mode:
                device.cut(mode=self.cut_mode)
            else:
                device._raw(b"\n" * 4)  # no cutter: feed the receipt past the tear bar
            if on_sent is not None:
                on_sent()
            if self.status_query:  # the roll may have ended under this receipt
                self._check_paper_after(device)
        except (DeviceNotReady, DeviceOffline):
            raise
        except (EscposError, OSError) as exc:
            self._set_state(DeviceState.ERROR, str(exc))
            raise DeviceOffline(f"receipt printer at {self.where} failed: {exc}") from exc
        finally:
            self._release(device)
        self._count("receipts")
        if self.cut_mode:
            self._count("cuts")
        self._count("lines", len(receipt.lines) + len(receipt.footer))
        self._set_state(DeviceState.IDLE)

    def _check_paper_after(self, device: Any) -> None:
        try:
            reply = self._query(device, PAPER_STATUS_QUERY)
        except (EscposError, OSError) as exc:
            raise DeviceOffline(f"receipt printer at {self.where} failed a status query") from exc
        if reply and reply[0] & PAPER_EMPTY_BITS:
            self._emit(StatusKind.PAPER_EMPTY, self.where)
            self._set_state(DeviceState.ERROR, "paper ran out during the receipt")
            raise DeviceNotReady(
                f"receipt printer at {self.where} ran out of paper during the receipt"
            )

    def _line(self, device: Any, text: str, align: str, bold: bool, double: bool) -> None:
        # ESC ! sets bold and size at once: python-escpos' set(double_*=False) sends nothing,
        # which left every line after a double one double. ESC a aligns.
        mode = (0x08 if bold else 0) | (0x30 if double else 0)
        style = b"\x1b!" + bytes([mode]) + b"\x1ba" + bytes([_ALIGN.get(align, 0)])
        device._raw(style + encode_text(text, self._codec) + b"\n")

    def check_health(self, level: HealthLevel = HealthLevel.INTERNAL) -> HealthReport:
        try:
            self.open()
            ok, why_id, why_en = True, "siap", "ready"
        except (DeviceOffline, DeviceNotReady, DriverUnavailable) as exc:
            ok, why_en = False, str(exc)
            # The technician reading Indonesian learns the fault too, not only "a problem".
            why_id = next((i for e, i in _FAULTS_ID if e in why_en), "bermasalah")
        return HealthReport(
            device=self.name,
            level=level,
            ok=ok,
            text_id=f"Printer tanda terima di {self.where}: {why_id}",
            text_en=f"Receipt printer at {self.where}: {why_en}",
            details={
                "where": self.where,
                "state": self.state.value,
                "counters": dict(self.counters),
            },
        )
