"""Regressions the security harnesses (proof/authz.py, proof/hostile.py) found, one test each.

Each runs against `adm-server serve` as its own process (tests/conftest.py `server`), the way a
kiosk or an officer meets the bug.
"""

from __future__ import annotations

import base64
import io
import json
import sqlite3

import pytest
import requests
from PIL import Image
from support import ServerProcess

from proof.hostile import declared_bomb_jpeg, declared_bomb_png, decompression_bomb_png, post_signed
from proof.sample_bodies import birth_application


def _stored(server: ServerProcess) -> tuple[int, int]:
    with sqlite3.connect(server.data_dir / "adm.db") as db:
        (applications,) = db.execute("SELECT count(*) FROM applications").fetchone()
        (papers,) = db.execute("SELECT count(*) FROM application_papers").fetchone()
    return applications, papers


def _with_paper(data: bytes, content_type: str) -> dict:
    body = birth_application()
    body["papers"][1]["content_type"] = content_type
    body["papers"][1]["data"] = base64.b64encode(data).decode()
    return body


def _image(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 240), "white").save(out, fmt)
    return out.getvalue()


BOMBS = {
    "png_declaring_50000_x_50000": (declared_bomb_png, "image/png"),
    "png_decompression_bomb": (lambda: decompression_bomb_png(12_000), "image/png"),
    "jpeg_declaring_50000_x_50000": (declared_bomb_jpeg, "image/jpeg"),
}


@pytest.mark.parametrize("case", sorted(BOMBS))
def test_regression_image_bomb_was_stored_for_the_officer_to_open(server, case):
    """Only the first bytes were checked: a paper declaring 2.5 gigapixels was stored, and the
    officer's browser would have decoded it. Now refused with image_too_large."""
    make, content_type = BOMBS[case]
    kiosk = server.credential_file.read_text().strip()

    answer = post_signed(
        server.url, kiosk, "/api/v1/kiosk/applications", _with_paper(make(), content_type)
    )

    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"]["reason"] == "image_too_large"
    assert answer.json()["detail"]["paper"] == 1
    assert _stored(server) == (0, 0)


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_regression_truncated_image_was_stored_as_a_paper(server, fmt):
    """A picture cut off in transfer passed the magic-bytes check and was stored as the
    citizen's paper; the officer saw half a page. Now refused with broken_image."""
    whole = _image(fmt)
    kiosk = server.credential_file.read_text().strip()
    content_type = f"image/{fmt.lower()}"

    cut = post_signed(
        server.url,
        kiosk,
        "/api/v1/kiosk/applications",
        _with_paper(whole[: len(whole) * 2 // 3], content_type),
    )
    assert cut.status_code == 422, cut.text
    assert cut.json()["detail"]["reason"] == "broken_image"
    assert _stored(server) == (0, 0)

    entire = post_signed(
        server.url, kiosk, "/api/v1/kiosk/applications", _with_paper(whole, content_type)
    )
    assert entire.status_code == 201, entire.text
    assert _stored(server) == (1, 4)


@pytest.mark.parametrize("method", ["POST", "PUT"])
def test_regression_lone_surrogate_in_a_service_code_was_a_server_error(server, method):
    """JSON may carry half a UTF-16 pair ("\\ud83d"); the location's service check put it in its
    error message, which could not be encoded, and the admin got a 500 instead of a 422."""
    admin = _demo_token(server, "admin")
    body = {
        "name": "Balai Desa Uji",
        "address": "Jl. Uji 1",
        "region_code": "73.07.01",
        "enabled_services": ["akta\ud83d"],
    }
    path = "/api/v1/staff/locations" + ("/1" if method == "PUT" else "")

    answer = requests.request(
        method,
        server.url + path,
        data=json.dumps(body),  # ensure_ascii: the surrogate travels as \ud83d
        headers={"Authorization": f"Bearer {admin}", "Content-Type": "application/json"},
        timeout=30,
    )

    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"]["reason"] == "invalid_request"
    assert answer.json()["detail"]["errors"][0]["loc"] == ["body", "enabled_services"]


def _demo_token(server: ServerProcess, role: str) -> str:
    lines = (server.data_dir / "demo-staff-tokens.txt").read_text().splitlines()
    return next(
        line.split()[2] for line in lines if not line.startswith("#") and line.split()[1] == role
    )
