"""The configuration the office sets for this kiosk on the server, kept on disk between runs.

The server says in every heartbeat answer which version is current; when it differs from the
newest one this kiosk has, the kiosk fetches it and writes it atomically to disk. It takes
effect between citizens: while a session is in progress (:meth:`RemoteConfig.begin_session`)
the fetched version waits, and :meth:`RemoteConfig.end_session` applies it, so a citizen never
sees the menu or the location change under their finger. The heartbeat reports the version in
effect (:attr:`RemoteConfig.version`). A kiosk that starts without the network runs on the copy
it has; a corrupt copy is set aside and the kiosk waits for the server, never crashes on it.

Next to it, the server's public list of locations is cached (``server-locations.json``): it
tells this kiosk's coordinates and the nearest other kiosk when a printer cannot print.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.events import KioskEvent

log = logging.getLogger(__name__)

LOCATIONS_MAX_AGE = 600.0  # seconds before the cached list of locations is asked for again


@dataclass(frozen=True)
class ConfigApplied(KioskEvent):
    """A configuration from the office took effect (between sessions)."""

    version: int = 0
    location_name: str = ""
    kind: str = field(init=False, default="config_applied")


def _write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as out:
        # ASCII with escapes: a text UTF-8 cannot hold (a lone surrogate) is kept, not fatal
        json.dump(data, out, ensure_ascii=True, indent=1, sort_keys=True)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)


class RemoteConfig:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.locations_path = path.with_name("server-locations.json")
        self._lock = threading.Lock()
        self._data: dict[str, Any] = self._load()
        self._pending: dict[str, Any] | None = None
        self._in_session = False
        self._listeners: list[Callable[[dict[str, Any]], None]] = []
        self._locations: list[dict[str, Any]] = self._load_locations()
        self._locations_at = 0.0  # monotonic time of the last refresh (0: from disk or never)

    def _load(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            aside = self.path.with_suffix(".corrupt")
            log.error("server configuration copy %s is unreadable (%s); set aside", self.path, exc)
            try:
                self.path.replace(aside)
            except OSError:
                pass
            return {}
        if not isinstance(data, dict) or not isinstance(data.get("version"), int):
            log.error("server configuration copy %s has no version; ignored", self.path)
            return {}
        return data

    def _load_locations(self) -> list[dict[str, Any]]:
        try:
            data = json.loads(self.locations_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return []
        except (OSError, ValueError) as exc:
            log.warning("cached list of locations %s unreadable (%s)", self.locations_path, exc)
            return []
        return [p for p in data if isinstance(p, dict)] if isinstance(data, list) else []

    @property
    def version(self) -> int:
        """The version in effect on this kiosk; 0 before it ever fetched one."""
        with self._lock:
            return int(self._data.get("version", 0))

    @property
    def newest_version(self) -> int:
        """The newest version this kiosk has: waiting for the session to end, or in effect."""
        with self._lock:
            data = self._pending if self._pending is not None else self._data
            return int(data.get("version", 0))

    def get(self, key: str, default: Any = None) -> Any:
        with self._lock:
            return self._data.get(key, default)

    def service_codes(self) -> list[str]:
        """The services citizens may apply for here, as the office set them."""
        return [str(s.get("code")) for s in self.services()]

    def services(self) -> list[dict[str, Any]]:
        """The services citizens may apply for here: code, name_id, name_en."""
        services = self.get("services", [])
        if not isinstance(services, list):  # the office's config is data; a wrong type offers none
            return []
        return [dict(s) for s in services if isinstance(s, dict) and s.get("code")]

    def add_listener(self, listener: Callable[[dict[str, Any]], None]) -> None:
        """``listener(config)`` is called after a configuration takes effect."""
        self._listeners.append(listener)

    # -- taking a new version ----------------------------------------------------------------
    def offer(self, data: dict[str, Any]) -> bool:
        """Keep a newly fetched configuration on disk; in effect now, or when the session ends.

        True when it took effect at once.
        """
        _write_json(self.path, data)
        with self._lock:
            waiting = self._in_session
            if waiting:
                self._pending = dict(data)
        if waiting:
            log.info(
                "server configuration version %s fetched; applied when the session ends",
                data.get("version"),
            )
            return False
        self._activate(dict(data))
        return True

    def apply(self, data: dict[str, Any]) -> None:
        """Take ``data`` now, whatever the session (a technician's explicit action)."""
        _write_json(self.path, data)
        self._activate(dict(data))

    def begin_session(self) -> None:
        """A citizen started using the kiosk: a new version waits until they are done."""
        with self._lock:
            self._in_session = True

    def end_session(self) -> bool:
        """The citizen left: a version that waited takes effect now. True if one did."""
        with self._lock:
            self._in_session = False
            pending, self._pending = self._pending, None
        if pending is None:
            return False
        self._activate(pending)
        return True

    def _activate(self, data: dict[str, Any]) -> None:
        with self._lock:
            self._data = data
            self._pending = None
        location = data.get("location")
        place: dict[str, Any] = location if isinstance(location, dict) else {}
        log.info(
            "server configuration version %s applied: location %r (%s), services %s, hours %s%s",
            data.get("version"),
            place.get("name", ""),
            place.get("id", "-"),
            ",".join(self.service_codes()) or "none",
            json.dumps(place.get("opening_hours", {}), sort_keys=True),
            f", language {data['language']}" if data.get("language") else "",
        )
        for listener in list(self._listeners):
            try:
                listener(data)
            except Exception:
                log.exception("configuration listener failed")

    # -- the other locations -----------------------------------------------------------------
    @property
    def locations(self) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(p) for p in self._locations]

    def locations_stale(self, now: float | None = None) -> bool:
        """True when the list of locations should be asked for again."""
        now = time.monotonic() if now is None else now
        with self._lock:
            return self._locations_at == 0.0 or now - self._locations_at > LOCATIONS_MAX_AGE

    def set_locations(self, places: list[dict[str, Any]]) -> None:
        """Keep the server's list of locations (on disk too: a restart without network has it)."""
        kept = [dict(p) for p in places if isinstance(p, dict)]
        _write_json(self.locations_path, kept)
        with self._lock:
            self._locations = kept
            self._locations_at = time.monotonic()
