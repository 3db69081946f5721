"""Device counters that survive restarts: one JSON file per kiosk, written atomically.

Counters are statistics for technicians (lines printed, cuts, scans, errors, hours online), so
they are flushed every few seconds rather than on every increment: a power cut loses at most
the last interval, never the file.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from devices.contract import Device

log = logging.getLogger(__name__)


class CounterStore:
    """Loads saved counters into devices and writes them back periodically and on close."""

    def __init__(self, path: Path, interval: float = 10.0) -> None:
        self.path = path
        self.interval = interval
        self._devices: list[Device] = []
        self._saved = self._load()
        self._last_written: dict[str, dict[str, int]] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def _load(self) -> dict[str, dict[str, int]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            aside = self.path.with_suffix(".corrupt")
            log.warning(
                "counter file %s unreadable (%s); kept as %s, counting from zero",
                self.path,
                exc,
                aside,
            )
            try:
                self.path.replace(aside)
            except OSError:
                log.warning("could not move %s aside", self.path)
            return {}
        if not isinstance(data, dict):
            return {}
        return {
            str(name): {str(k): int(v) for k, v in values.items() if isinstance(v, int)}
            for name, values in data.items()
            if isinstance(values, dict)
        }

    def attach(self, device: Device) -> None:
        """Give the device its saved counters; from now on they are saved with the rest."""
        with self._lock:
            device.restore_counters(self._saved.get(device.name, {}))
            self._devices.append(device)

    def snapshot(self) -> dict[str, dict[str, int]]:
        with self._lock:
            devices = list(self._devices)
        data = dict(self._saved)
        for device in devices:
            data[device.name] = device.counter_snapshot()
        return data

    def flush(self) -> None:
        """Write the counters if they changed: temp file, fsync, rename."""
        data = self.snapshot()
        if data == self._last_written:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(data, fh, sort_keys=True, indent=1)
            fh.flush()
            os.fsync(fh.fileno())
        tmp.replace(self.path)
        self._last_written = data

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="counters", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.flush()
            except OSError:
                log.exception("could not save device counters to %s", self.path)

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        self.flush()
