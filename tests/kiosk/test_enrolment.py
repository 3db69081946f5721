"""A technician enrols a new kiosk with `adm-kiosk enrol CODE`, against a real server process."""

from __future__ import annotations

import stat
import subprocess

import requests
from support import BIN, STAFF_TOKEN, write_kiosk_config

from kiosk.server_client import ServerClient

NEW_KIOSK = "ADM-7307-09"


def create_kiosk(server) -> str:
    """What the office does first: the kiosk record and its one-time code."""
    [location] = requests.get(server.url + "/api/v1/public/locations", timeout=10).json()
    response = requests.post(
        server.url + "/api/v1/staff/kiosks",
        json={"id": NEW_KIOSK, "name": "ADM Balai Desa", "location_id": location["id"]},
        headers={"Authorization": f"Bearer {STAFF_TOKEN}"},
        timeout=10,
    )
    assert response.status_code == 201, response.text
    return str(response.json()["enrolment_code"])


def kiosk_config(tmp_path, server, sim):
    config = write_kiosk_config(tmp_path, server, sim)
    credential = tmp_path / "new-kiosk" / "credential"
    text = config.read_text().replace(str(server.credential_file), str(credential))
    config.write_text(text.replace('id = "ADM-7307-01"', f'id = "{NEW_KIOSK}"'))
    return config, credential


def enrol(config, code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [BIN / "adm-kiosk", "enrol", code, "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_enrolling_writes_a_private_credential_the_server_accepts(tmp_path, server, sim):
    config, credential = kiosk_config(tmp_path, server, sim)

    done = enrol(config, create_kiosk(server))

    assert done.returncode == 0, done.stderr
    assert f"enrolled as {NEW_KIOSK} (ADM Balai Desa)" in done.stdout
    assert stat.S_IMODE(credential.stat().st_mode) == 0o600
    client = ServerClient(server.url, credential.read_text().strip())
    assert client.whoami()["id"] == NEW_KIOSK
    assert client.fetch_config()["location"]["name"] == "Kantor Kecamatan Sinjai Utara"


def test_a_used_code_is_refused_and_the_credential_stays(tmp_path, server, sim):
    config, credential = kiosk_config(tmp_path, server, sim)
    code = create_kiosk(server)
    assert enrol(config, code).returncode == 0
    first = credential.read_text()

    again = enrol(config, code)

    assert again.returncode == 1
    assert "enrolment_code_used" in again.stderr
    assert credential.read_text() == first


def test_a_mistyped_code_is_named_as_such(tmp_path, server, sim):
    config, credential = kiosk_config(tmp_path, server, sim)
    create_kiosk(server)

    done = enrol(config, "AAAA-BBBB-CCCC-DDDD")

    assert done.returncode == 1
    assert "unknown_enrolment_code" in done.stderr
    assert "Traceback" not in done.stderr
    assert not credential.exists()
