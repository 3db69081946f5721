"""Enrol a new kiosk: exchange the office's one-time code for the kiosk's own credential.

The technician runs `adm-kiosk enrol CODE` at the kiosk. The credential lands in the file the
kiosk configuration names, created with mode 0600 and replaced atomically, so a power cut
leaves either the old credential or the new one, never half of one. The new credential is
checked with a signed call before the command says it worked.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from kiosk.config import KioskConfig
from kiosk.errors import ServerRefused, ServerUnavailable
from kiosk.server_client import ServerClient


@dataclass(frozen=True)
class Enrolled:
    kiosk_id: str
    name: str
    credential_file: Path
    config_id_matches: bool


def write_credential(path: Path, credential: str) -> None:
    """Atomically, readable by the kiosk's user only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(credential + "\n")
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)


def enrol(config: KioskConfig, code: str) -> Enrolled:
    """Redeem the code at the configured server and store the credential it gives."""
    url = config.server_url.rstrip("/") + "/api/v1/kiosk/enrol"
    try:
        response = requests.post(
            url,
            json={"enrolment_code": code.strip()},
            timeout=(3.05, config.server_timeout),
            verify=config.ca_bundle or True,
        )
    except requests.RequestException as exc:
        raise ServerUnavailable(f"enrol at {config.server_url}: {type(exc).__name__}") from exc
    body: Any = _json(response)
    if response.status_code != 201:
        detail = body.get("detail", {}) if isinstance(body, dict) else {}
        detail = detail if isinstance(detail, dict) else {}
        raise ServerRefused(
            response.status_code,
            str(detail.get("reason", "http_error")),
            str(detail.get("message", response.reason)),
            {},
        )
    credential = str(body.get("credential", ""))
    kiosk_id = str(body.get("kiosk_id", ""))
    if not kiosk_id or not credential.startswith(kiosk_id + ":"):
        raise ServerUnavailable("the enrolment answer carries no usable credential")
    write_credential(config.credential_file, credential)
    me = ServerClient(config.server_url, credential, config.server_timeout, config.ca_bundle)
    name = str(me.whoami().get("name", kiosk_id))
    return Enrolled(kiosk_id, name, config.credential_file, kiosk_id == config.kiosk_id)


def _json(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return {}
