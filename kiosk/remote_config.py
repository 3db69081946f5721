"""The configuration the office sets for this kiosk on the server, kept on disk between runs.

The server says in every heartbeat answer which version is current; when it differs from the
one on disk the kiosk fetches the new one, writes it atomically, and reports the version it
now runs in its next heartbeat. A kiosk that starts without the network runs on the copy it
has; a corrupt copy is set aside and the kiosk waits for the server, never crashes on it.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


class RemoteConfig:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._data: dict[str, Any] = self._load()

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

    @property
    def version(self) -> int:
        """The version this kiosk runs; 0 before it ever fetched one."""
        with self._lock:
            return int(self._data.get("version", 0))

    def get(self, key: str, default: Any = None) -> Any:
        with self._lock:
            return self._data.get(key, default)

    def service_codes(self) -> list[str]:
        """The services citizens may apply for here, as the office set them."""
        return [str(s.get("code")) for s in self.get("services", []) if isinstance(s, dict)]

    def apply(self, data: dict[str, Any]) -> None:
        """Keep a newly fetched configuration: on disk first (atomically), then in memory."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        with open(tmp, "w", encoding="utf-8") as out:
            json.dump(data, out, ensure_ascii=False, indent=1, sort_keys=True)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, self.path)
        with self._lock:
            self._data = dict(data)
        log.info("server configuration version %s applied", data.get("version"))
