"""The contract every device obeys, after UnifiedPOS: state, open/close, health, counters, events.

A driver subclasses :class:`Device` (or one of the class contracts in ``scanner``, ``receipt``,
``a4``) and reports state changes through :meth:`Device._set_state` and :meth:`Device._emit`,
which fan out to listeners on whatever thread the driver runs on.
"""

from __future__ import annotations

import enum
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from devices.io_guard import io_method

log = logging.getLogger(__name__)


class DeviceState(enum.Enum):
    CLOSED = "closed"
    IDLE = "idle"
    BUSY = "busy"
    ERROR = "error"
    OFFLINE = "offline"


class HealthLevel(enum.Enum):
    INTERNAL = "internal"  # self-test without moving paper
    EXTERNAL = "external"  # prints / scans / captures a test
    INTERACTIVE = "interactive"  # with a person watching


class StatusKind(enum.Enum):
    PAPER_NEAR_END = "paper_near_end"
    PAPER_EMPTY = "paper_empty"
    PAPER_OK = "paper_ok"
    COVER_OPEN = "cover_open"
    COVER_CLOSED = "cover_closed"
    OFFLINE = "offline"
    ONLINE = "online"
    STATE = "state"


@dataclass(frozen=True)
class StatusEvent:
    """Something a device wants its owner to know, e.g. paper empty."""

    device: str
    kind: StatusKind
    detail: str = ""
    at: float = field(default_factory=time.time)


@dataclass(frozen=True)
class HealthReport:
    """The outcome of a health check, readable by a technician in Indonesian or English."""

    device: str
    level: HealthLevel
    ok: bool
    text_id: str
    text_en: str
    details: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "device": self.device,
            "level": self.level.value,
            "ok": self.ok,
            "text": {"id": self.text_id, "en": self.text_en},
            "details": self.details,
        }


Listener = Callable[[StatusEvent], None]

# Events that are also statistics a technician wants over months.
_COUNTED_EVENTS = {
    StatusKind.PAPER_EMPTY: "paper_outs",
    StatusKind.COVER_OPEN: "cover_opens",
    StatusKind.OFFLINE: "disconnects",
}


# Methods that may block on hardware: every driver's own versions are guarded (devices/io_guard).
BLOCKING_METHODS = (
    "open",
    "close",
    "check_health",
    "print_receipt",
    "print_pdf",
    "capture",
    "capture_to_file",
)


class Device:
    """Base of every driver: state machine, counters and listener fan-out."""

    kind: str = "device"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name in BLOCKING_METHODS:
            method = cls.__dict__.get(name)
            if callable(method) and not getattr(method, "__io_guarded__", False):
                setattr(cls, name, io_method(method, cls.__name__))

    def __init__(self, name: str) -> None:
        self.name = name
        self._state = DeviceState.CLOSED
        self._listeners: list[Listener] = []
        self._lock = threading.RLock()
        self.counters: dict[str, int] = {}
        self._online_since: float | None = None

    # -- life cycle -------------------------------------------------------------------------
    def open(self) -> None:
        """Claim the device for this process; idempotent."""
        self._set_state(DeviceState.IDLE)

    def close(self) -> None:
        """Release the device; idempotent."""
        self._set_state(DeviceState.CLOSED)

    def check_health(self, level: HealthLevel = HealthLevel.INTERNAL) -> HealthReport:
        """Report whether the device can work now."""
        ok = self._state in (DeviceState.IDLE, DeviceState.BUSY)
        return HealthReport(
            device=self.name,
            level=level,
            ok=ok,
            text_id=f"{self.name}: {'siap' if ok else 'tidak siap'} ({self._state.value})",
            text_en=f"{self.name}: {'ready' if ok else 'not ready'} ({self._state.value})",
            details={"state": self._state.value, "counters": dict(self.counters)},
        )

    # -- state and events -------------------------------------------------------------------
    @property
    def state(self) -> DeviceState:
        return self._state

    def add_listener(self, listener: Listener) -> None:
        with self._lock:
            self._listeners.append(listener)

    def remove_listener(self, listener: Listener) -> None:
        with self._lock:
            if listener in self._listeners:
                self._listeners.remove(listener)

    def _set_state(self, state: DeviceState, detail: str = "") -> None:
        with self._lock:
            if state is self._state:
                return
            self._state = state
            online = state in (DeviceState.IDLE, DeviceState.BUSY)
            if online and self._online_since is None:
                self._online_since = time.monotonic()
            elif not online and self._online_since is not None:
                self._count("seconds_online", int(time.monotonic() - self._online_since))
                self._online_since = None
            if state is DeviceState.ERROR:
                self._count("errors")
        self._emit(StatusKind.STATE, state.value if not detail else f"{state.value}: {detail}")

    def _emit(self, kind: StatusKind, detail: str = "") -> None:
        counter = _COUNTED_EVENTS.get(kind)
        if counter is not None:
            self._count(counter)
        event = StatusEvent(device=self.name, kind=kind, detail=detail)
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(event)
            except Exception:  # a faulty listener must not stop the device
                log.exception("listener failed on %s", event)

    def _count(self, counter: str, n: int = 1) -> None:
        with self._lock:
            self.counters[counter] = self.counters.get(counter, 0) + n

    # -- statistics that outlive the process (see devices.counters) ---------------------------
    def restore_counters(self, saved: dict[str, int]) -> None:
        """Continue counting from what an earlier run saved."""
        with self._lock:
            for name, value in saved.items():
                self.counters[name] = self.counters.get(name, 0) + value

    def counter_snapshot(self) -> dict[str, int]:
        """Counters as of now, the current online stretch included."""
        with self._lock:
            snapshot = dict(self.counters)
            if self._online_since is not None:
                now = time.monotonic()
                snapshot["seconds_online"] = snapshot.get("seconds_online", 0) + int(
                    now - self._online_since
                )
        return snapshot
