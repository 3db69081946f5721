"""A simulated keyboard-wedge scanner: types codes as kernel input_event records into a FIFO."""

from __future__ import annotations

import os
import struct
import time
from pathlib import Path

from devices.scanner.keymap import KEY_ENTER, KEY_LEFTSHIFT, keys_for

EVENT = struct.Struct("llHHi")
EV_SYN, EV_KEY = 0, 1


def _event(kind: int, code: int, value: int) -> bytes:
    now = time.time()
    return EVENT.pack(int(now), int((now % 1) * 1_000_000), kind, code, value)


def _tap(code: int, shift: bool) -> bytes:
    out = b""
    if shift:
        out += _event(EV_KEY, KEY_LEFTSHIFT, 1)
    out += _event(EV_KEY, code, 1) + _event(EV_SYN, 0, 0)
    out += _event(EV_KEY, code, 0) + _event(EV_SYN, 0, 0)
    if shift:
        out += _event(EV_KEY, KEY_LEFTSHIFT, 0)
    return out


def typed(text: str, enter: bool = True) -> bytes:
    """The input_event stream a US-layout keyboard produces typing ``text``."""
    out = b""
    for char in text:
        keys = keys_for(char)
        if keys is None:
            raise ValueError(f"a US keyboard cannot type {char!r}")
        out += _tap(*keys)
    return out + (_tap(KEY_ENTER, False) if enter else b"")


class KeyboardPeer:
    """Owns a FIFO standing in for /dev/input/eventN (no uinput here); the driver reads it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        if path.exists():
            path.unlink()
        os.mkfifo(path)
        # Opening the read end non-blocking first lets us hold a write end without a reader.
        self._keep = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        self._fd = os.open(path, os.O_WRONLY)

    def type(self, text: str, enter: bool = True) -> None:
        os.write(self._fd, typed(text, enter))

    def send_raw(self, data: bytes) -> None:
        os.write(self._fd, data)

    def close(self) -> None:
        os.close(self._fd)
        os.close(self._keep)
