"""Keyboard-wedge scanners read through evdev, grabbed, so codes never depend on UI focus.

A scanner in keyboard mode types each code followed by Enter. Reading its input device
directly (/dev/input/by-id/...-event-kbd) and grabbing it (EVIOCGRAB) keeps the keystrokes away
from the touchscreen app, whatever has focus. Only the standard library is needed: the
kernel's input_event records are decoded here.
"""

from __future__ import annotations

import errno
import fcntl
import logging
import os
import select
import struct

from devices.contract import DeviceState, HealthLevel, HealthReport, StatusKind
from devices.scanner import ThreadedScanner
from devices.scanner.keymap import KEY_ENTER, KEY_KPENTER, KEY_LEFTSHIFT, KEY_RIGHTSHIFT, char_for

log = logging.getLogger(__name__)

EVENT = struct.Struct("llHHi")  # struct input_event: timeval, type, code, value
EV_KEY = 1
EVIOCGRAB = 0x40044590  # _IOW('E', 0x90, int)


class KeyboardWedgeScanner(ThreadedScanner):
    """A scanner that types; ``device`` is its evdev node, preferably the by-id link."""

    def __init__(
        self,
        name: str,
        device: str,
        grab: bool = True,
        max_length: int = 2048,
        reconnect_interval: float = 1.0,
    ) -> None:
        super().__init__(name)
        self.device = device
        self.grab = grab
        self.max_length = max_length
        self.reconnect_interval = reconnect_interval
        self._fd: int | None = None

    def _connect(self) -> bool:
        try:
            fd = os.open(self.device, os.O_RDONLY | os.O_NONBLOCK)
        except OSError as exc:
            self._went_offline(f"cannot open {self.device}: {exc.strerror}")
            return False
        if self.grab:
            try:
                fcntl.ioctl(fd, EVIOCGRAB, 1)
            except OSError as exc:
                os.close(fd)
                why = "not an input device" if exc.errno == errno.ENOTTY else exc.strerror
                self._went_offline(f"cannot grab {self.device}: {why}")
                return False
        if self.state is DeviceState.OFFLINE:
            self._emit(StatusKind.ONLINE, self.device)
            self._count("reconnects")
        self._fd = fd
        self._set_state(DeviceState.IDLE)
        return True

    def _went_offline(self, why: str) -> None:
        if self.state is not DeviceState.OFFLINE:
            log.warning("scanner %s: %s", self.name, why)
            self._set_state(DeviceState.OFFLINE, why)
            self._emit(StatusKind.OFFLINE, self.device)

    def _disconnect(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def _run(self) -> None:
        pending = b""
        typed: list[str] = []
        shift = False
        while not self._stop.is_set():
            if self._fd is None:
                if not self._connect():
                    self._stop.wait(self.reconnect_interval)
                continue
            if not select.select([self._fd], [], [], 0.2)[0]:
                continue
            try:
                data = os.read(self._fd, EVENT.size * 64)
            except BlockingIOError:
                continue
            except OSError as exc:
                self._disconnect()
                self._went_offline(f"{self.device} vanished: {exc.strerror}")
                continue
            if not data:  # the writer went away (a FIFO) or the device was removed
                self._disconnect()
                self._went_offline(f"{self.device} closed")
                continue
            pending += data
            while len(pending) >= EVENT.size:
                _sec, _usec, kind, code, value = EVENT.unpack_from(pending)
                pending = pending[EVENT.size :]
                if kind != EV_KEY:
                    continue
                if code in (KEY_LEFTSHIFT, KEY_RIGHTSHIFT):
                    shift = value != 0
                elif value == 1:  # key press; releases and auto-repeat type nothing
                    self._key(code, shift, typed)

    def _key(self, code: int, shift: bool, typed: list[str]) -> None:
        if code in (KEY_ENTER, KEY_KPENTER):
            if typed:
                self._deliver("".join(typed))
                typed.clear()
            return
        char = char_for(code, shift)
        if char is None:
            self._count("scans_failed")
            log.warning("scanner %s: key %d types nothing we accept; code dropped", self.name, code)
            typed.clear()
            return
        typed.append(char)
        if len(typed) > self.max_length:
            self._count("scans_failed")
            typed.clear()

    def check_health(self, level: HealthLevel = HealthLevel.INTERNAL) -> HealthReport:
        ok = self._fd is not None and self.state is DeviceState.IDLE
        return HealthReport(
            device=self.name,
            level=level,
            ok=ok,
            text_id=f"Pemindai (keyboard) {self.device}: "
            f"{'terhubung' if ok else 'tidak terhubung'}",
            text_en=f"Scanner (keyboard) {self.device}: {'connected' if ok else 'not connected'}",
            details={
                "device": self.device,
                "grab": self.grab,
                "state": self.state.value,
                "counters": self.counter_snapshot(),
            },
        )
