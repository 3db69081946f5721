"""Staff admin pages over HTTP: locations, enrolling, moving and revoking kiosks, and roles.

The server is `adm-server serve` in its own process (tests/conftest.py `server`); the kiosk's
side is played by signed requests with the demo kiosk's real credential (kiosk.request_signing),
or with the credential a test obtains by enrolling through the code the console showed.
"""

from __future__ import annotations

import base64
import io
import re

import pytest
import requests
from console_http import FULL_NIK, Browser, audit_actions, demo_passwords, messages
from PIL import Image
from pyzbar.pyzbar import decode
from support import STAFF_TOKEN

from kiosk.request_signing import KioskAuth
from server.demo import _FAMILIES

DEMO_KIOSK = "ADM-7307-01"


@pytest.fixture
def passwords(server) -> dict[str, str]:
    return demo_passwords(server.data_dir)


@pytest.fixture
def admin(server, passwords) -> Browser:
    browser = Browser(server.url)
    assert browser.login("admin", passwords["admin"]).status_code == 303
    return browser


def public_locations(server) -> list[dict]:
    return requests.get(f"{server.url}/api/v1/public/locations", timeout=10).json()


def staff_kiosk(server, kiosk_id: str = DEMO_KIOSK) -> dict:
    response = server.staff_get(f"/api/v1/staff/kiosks/{kiosk_id}")
    assert response.status_code == 200, response.text
    return response.json()


def kiosk_session(credential: str) -> requests.Session:
    http = requests.Session()
    http.auth = KioskAuth(credential)
    return http


def heartbeat(server, http: requests.Session, config_version: int) -> None:
    answer = http.post(
        f"{server.url}/api/v1/kiosk/heartbeat",
        json={"app_version": "test", "config_version": config_version, "devices": []},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text


NEW_LOCATION = {
    "name": "Pasar Sentral Sinjai",
    "address": "Jl. Jend. Sudirman, Balangnipa",
    "region_code": "73.07.05",
    "latitude": "-5.1302",
    "longitude": "120.2561",
    "open_mon": "08:00",
    "close_mon": "15:00",
    "open_sat": "08:00",
    "close_sat": "12:00",
    "services": ["akta_kelahiran", "perubahan_kk"],
}


def test_admin_creates_a_location_that_citizens_see_with_its_hours(server, admin):
    admin.get("/console/admin/locations/new")
    answer = admin.post("/console/admin/locations", NEW_LOCATION)
    assert answer.status_code == 303
    page = admin.follow(answer)
    assert messages(page) == ["Lokasi ditambahkan."]
    assert "Pasar Sentral Sinjai" in page.text

    [created] = [loc for loc in public_locations(server) if loc["name"] == NEW_LOCATION["name"]]
    assert created["opening_hours"] == {"mon": "08:00-15:00", "sat": "08:00-12:00"}
    assert created["enabled_services"] == ["akta_kelahiran", "perubahan_kk"]
    assert (created["latitude"], created["longitude"]) == (-5.1302, 120.2561)
    assert ("admin", "location.create", str(created["id"])) in audit_actions(server.data_dir)


def test_a_location_with_mistakes_is_not_stored_and_keeps_what_was_typed(server, admin):
    before = public_locations(server)
    admin.get("/console/admin/locations/new")
    typed = dict(
        NEW_LOCATION,
        region_code="7307",
        latitude="selatan",
        open_tue="16:00",
        close_tue="08:00",
        open_wed="08:00",
        services=["akta_kelahiran", "bukan_layanan"],
    )
    answer = admin.post("/console/admin/locations", typed)
    assert answer.status_code == 400
    problems = re.findall(r"<li>([^<]+)</li>", answer.text)
    assert problems == [
        "Lintang adalah angka antara -90 dan 90, misalnya -5.1241 (atau kosong).",
        "Selasa: jam tutup harus sesudah jam buka.",
        "Rabu: isi jam buka dan jam tutup (JJ:MM), atau kosongkan keduanya untuk hari tutup.",
        "Kode wilayah berbentuk PP.KK, PP.KK.CC atau PP.KK.CC.DDDD, misalnya 73.07.05.",
        "Ada layanan yang tidak dikenal.",
    ]
    assert 'value="Pasar Sentral Sinjai"' in answer.text and 'value="selatan"' in answer.text
    assert public_locations(server) == before


def test_editing_a_location_gives_its_kiosks_a_new_configuration(server, admin):
    [demo] = public_locations(server)
    version = staff_kiosk(server)["config_version"]
    form = admin.get(f"/console/admin/locations/{demo['id']}")
    assert 'value="Kantor Kecamatan Sinjai Utara"' in form.text
    changed = dict(NEW_LOCATION, name="Kantor Camat Sinjai Utara (Ramadan)", services=[])
    changed.update(open_mon="08:00", close_mon="14:00")
    assert admin.post(f"/console/admin/locations/{demo['id']}", changed).status_code == 303

    kiosk = staff_kiosk(server)
    assert kiosk["config_version"] == version + 1
    assert kiosk["location_name"] == "Kantor Camat Sinjai Utara (Ramadan)"
    config = kiosk_session(server.credential_file.read_text().strip()).get(
        f"{server.url}/api/v1/kiosk/config", timeout=10
    )
    assert config.json()["services"] == []


def test_an_enrolment_code_is_shown_once_as_a_qr_code_that_enrols_the_kiosk(server, admin):
    admin.get("/console/admin/kiosks")
    answer = admin.post(
        "/console/admin/kiosks", {"id": "adm-7307-02", "name": "ADM Pasar", "location_id": "1"}
    )
    assert answer.status_code == 201
    assert answer.headers["cache-control"] == "no-store"
    code = re.search(r'id="enrolment-code">([^<]+)<', answer.text).group(1)
    png = re.search(r'src="data:image/png;base64,([^"]+)"', answer.text).group(1)
    [symbol] = decode(Image.open(io.BytesIO(base64.b64decode(png))))
    assert symbol.data.decode() == code  # what the technician's scan gives the kiosk

    enrolled = requests.post(
        f"{server.url}/api/v1/kiosk/enrol", json={"enrolment_code": code}, timeout=10
    )
    assert enrolled.status_code == 201, enrolled.text
    assert enrolled.json()["kiosk_id"] == "ADM-7307-02"
    again = requests.post(
        f"{server.url}/api/v1/kiosk/enrol", json={"enrolment_code": code}, timeout=10
    )
    assert again.status_code == 409  # one time only
    me = kiosk_session(enrolled.json()["credential"]).get(f"{server.url}/api/v1/kiosk/me")
    assert me.status_code == 200

    listing = admin.get("/console/admin/kiosks")
    row = re.search(r'data-kiosk-id="ADM-7307-02">(.*?)</tr>', listing.text, re.S).group(1)
    assert "terdaftar" in row and code not in listing.text  # the code is not shown again
    assert ("admin", "kiosk.create", "ADM-7307-02") in audit_actions(server.data_dir)


def test_a_kiosk_id_taken_or_malformed_is_refused_and_nothing_is_created(server, admin):
    admin.get("/console/admin/kiosks")
    taken = admin.post("/console/admin/kiosks", {"id": DEMO_KIOSK, "name": "Lagi"})
    assert taken.status_code == 400
    assert "Sudah ada anjungan dengan kode itu." in taken.text
    bad = admin.post("/console/admin/kiosks", {"id": "A", "name": "", "location_id": "99"})
    assert bad.status_code == 400
    assert re.findall(r"<li>([^<]+)</li>", bad.text) == [
        "Kode anjungan: 3–40 huruf besar, angka dan tanda hubung, misalnya ADM-7307-02.",
        "Nama anjungan wajib diisi (paling banyak 120 huruf).",
        "Lokasi itu tidak ada.",
    ]
    ids = [k["id"] for k in server.staff_get("/api/v1/staff/kiosks").json()]
    assert ids == [DEMO_KIOSK]


def applied_state(admin: Browser) -> str:
    page = admin.get(f"/console/admin/kiosks/{DEMO_KIOSK}")
    cell = re.search(r'id="config-state">(.*?)</dd>', page.text, re.S).group(1)
    return " ".join(re.sub(r"<[^>]+>", " ", cell).split())


def test_a_moved_kiosk_shows_waiting_until_it_reports_the_new_configuration(server, admin):
    kiosk = kiosk_session(server.credential_file.read_text().strip())
    version = staff_kiosk(server)["config_version"]
    heartbeat(server, kiosk, version)
    assert applied_state(admin) == f"v{version} · diterapkan"

    admin.get("/console/admin/locations/new")
    admin.post("/console/admin/locations", NEW_LOCATION)
    [market] = [loc for loc in public_locations(server) if loc["name"] == NEW_LOCATION["name"]]
    admin.get(f"/console/admin/kiosks/{DEMO_KIOSK}")
    moved = admin.post(
        f"/console/admin/kiosks/{DEMO_KIOSK}/location", {"location_id": str(market["id"])}
    )
    assert moved.status_code == 303
    assert "menyelesaikan sesi warga" in messages(admin.follow(moved))[0]
    assert applied_state(admin) == f"v{version + 1} · menunggu (menjalankan v{version})"

    config = kiosk.get(f"{server.url}/api/v1/kiosk/config", timeout=10).json()
    assert config["location"]["name"] == "Pasar Sentral Sinjai"
    heartbeat(server, kiosk, config["version"])
    assert applied_state(admin) == f"v{version + 1} · diterapkan"
    assert ("admin", "kiosk.place", DEMO_KIOSK) in audit_actions(server.data_dir)


def test_revoking_needs_a_reason_then_the_kiosk_is_refused(server, admin):
    kiosk = kiosk_session(server.credential_file.read_text().strip())
    admin.get(f"/console/admin/kiosks/{DEMO_KIOSK}")
    no_reason = admin.post(f"/console/admin/kiosks/{DEMO_KIOSK}/revoke", {"reason": " "})
    assert no_reason.status_code == 400
    assert "Anjungan belum dicabut." in messages(no_reason)[0]
    assert kiosk.get(f"{server.url}/api/v1/kiosk/me", timeout=10).status_code == 200

    done = admin.post(f"/console/admin/kiosks/{DEMO_KIOSK}/revoke", {"reason": "dicuri"})
    assert done.status_code == 303
    assert "dicabut" in messages(admin.follow(done))[0]
    assert kiosk.get(f"{server.url}/api/v1/kiosk/me", timeout=10).status_code == 403
    assert staff_kiosk(server)["revoked"] is True


ADMIN_POSTS = [
    ("/console/admin/locations", NEW_LOCATION),
    ("/console/admin/locations/1", NEW_LOCATION),
    ("/console/admin/kiosks", {"id": "ADM-7307-03", "name": "Tidak boleh"}),
    (f"/console/admin/kiosks/{DEMO_KIOSK}/location", {"location_id": "1"}),
    (f"/console/admin/kiosks/{DEMO_KIOSK}/enrolment-code", {}),
    (f"/console/admin/kiosks/{DEMO_KIOSK}/revoke", {"reason": "tidak boleh"}),
]
ADMIN_PAGES = [
    "/console/admin/locations",
    "/console/admin/locations/new",
    "/console/admin/locations/1",
    "/console/admin/kiosks",
    f"/console/admin/kiosks/{DEMO_KIOSK}",
]


@pytest.mark.parametrize("username", ["teknisi", "petugas"])
def test_technicians_and_officers_can_do_no_admin_action(server, passwords, username):
    browser = Browser(server.url)
    browser.login(username, passwords[username])
    browser.get("/console")
    before = (public_locations(server), staff_kiosk(server))
    for path in ADMIN_PAGES:
        assert browser.get(path).status_code == 403, path
    for path, form in ADMIN_POSTS:
        answer = browser.post(path, form)  # with a valid CSRF token: the role is what stops it
        assert answer.status_code == 403, path
        assert "bukan untuk peran Anda" in messages(answer)[0]
    assert (public_locations(server), staff_kiosk(server)) == before
    actions = [action for actor, action, _ in audit_actions(server.data_dir) if actor != "system"]
    assert not {"location.create", "kiosk.create", "kiosk.revoke", "kiosk.place"} & set(actions)


def test_officers_do_not_see_the_fleet_pages(server, passwords):
    browser = Browser(server.url)
    browser.login("petugas", passwords["petugas"])
    assert browser.get("/console/tech").status_code == 403
    assert browser.get(f"/console/tech/kiosks/{DEMO_KIOSK}").status_code == 403


def test_no_admin_or_technician_page_shows_a_nik(server, passwords):
    niks = {member[0] for family in _FAMILIES for member in family["members"]}
    names = {member[1] for family in _FAMILIES for member in family["members"]}
    pages = {
        "admin": [*ADMIN_PAGES, "/console/tech", f"/console/tech/kiosks/{DEMO_KIOSK}"],
        "teknisi": ["/console/tech", f"/console/tech/kiosks/{DEMO_KIOSK}"],
    }
    for username, paths in pages.items():
        browser = Browser(server.url)
        browser.login(username, passwords[username])
        for path in paths:
            page = browser.get(path)
            assert page.status_code == 200, path
            assert not FULL_NIK.search(page.text), path
            assert not any(nik in page.text for nik in niks), path
            assert not any(name in page.text for name in names), path


def test_the_staff_api_token_is_not_a_console_login(server):
    browser = Browser(server.url)
    browser.http.headers["Authorization"] = f"Bearer {STAFF_TOKEN}"
    assert browser.get("/console/admin/kiosks").status_code == 303
