"""What anyone scanning the QR code on a paper learns from /v/<token>: genuine, revoked, unknown."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select, update

from server.demo import OFFICIAL
from server.issuance import issue_kk
from server.models import Document, Family
from server.signing import Signer

B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def token_of(server, family: int = 0) -> str:
    number = server.kk(family)
    with server.db() as session:
        token: str = session.scalars(
            select(Document.signed_token).where(Document.number == number)
        ).one()
    return token


def verify(server, token: str) -> dict:
    response = server.client.get(f"/v/{token}")
    assert response.status_code == 200, response.text
    body: dict = response.json()
    return body


def other_b64_char(char: str) -> str:
    """Another base64url character with the same upper four bits (the last char of a
    64-byte signature carries two bits of padding)."""
    return B64URL[B64URL.index(char) ^ 1]


def test_token_of_an_issued_document_is_genuine_with_its_number(server):
    body = verify(server, token_of(server))

    assert body["status"] == "genuine"
    assert body["doc_type"] == "KK"
    assert body["number"] == server.kk(0)
    assert body["issued_on"] == datetime.now().date().isoformat()


def test_verification_shows_no_personal_data(server, personal_data):
    response = server.client.get(f"/v/{token_of(server)}")

    assert response.status_code == 200
    assert not [p for p in personal_data if p in response.text.lower()]


@pytest.mark.parametrize("where", ["first", "middle", "last"])
def test_token_with_one_signature_character_changed_is_unknown(server, where):
    token = token_of(server)
    signature_start = token.rindex(".") + 1
    index = {
        "first": signature_start,
        "middle": (signature_start + len(token)) // 2,
        "last": len(token) - 1,
    }[where]
    forged = token[:index] + other_b64_char(token[index]) + token[index + 1 :]
    assert forged != token

    body = verify(server, forged)

    assert body["status"] == "unknown"
    assert body["number"] is None


def test_token_whose_number_was_changed_is_unknown(server):
    token = token_of(server, 0)
    forged = token.replace(server.kk(0), server.kk(1))
    assert forged != token

    body = verify(server, forged)

    assert body["status"] == "unknown"
    assert body["number"] is None


def test_token_whose_issue_date_was_changed_is_unknown(server):
    token = token_of(server)
    today = datetime.now().date().isoformat()
    forged = token.replace(today, "2020-01-01")
    assert forged != token

    assert verify(server, forged)["status"] == "unknown"


def test_token_spliced_from_two_documents_is_unknown(server):
    andi, arifin = token_of(server, 0), token_of(server, 1)
    spliced = andi.rsplit(".", 1)[0] + "." + arifin.rsplit(".", 1)[1]

    assert verify(server, spliced)["status"] == "unknown"


def test_genuine_signature_for_a_document_not_in_the_register_is_unknown(server):
    signer = Signer(server.settings.keys_dir)
    token = signer.sign(
        {"i": "0123456789abcdef", "t": "KK", "n": server.kk(0), "d": "2026-01-01", "h": "0" * 24}
    )

    body = verify(server, token)

    assert body["status"] == "unknown"
    assert body["number"] is None


GARBAGE_TOKENS = {
    "word": "hello",
    "10 KB": "A" * 10_240,
    "prefix only": "ADM1..",
    "wrong version": "ADM2.1~a~KK~1~2026-01-01~h~k.AAAA",
    "fields but no key": "ADM1.1~a~KK~1~2026-01-01~h~nokey.AAAA",
    "bad base64": "ADM1.1~a~KK~1~2026-01-01~h~k.A",
    "sql injection": "' OR 1=1 --",
    "unicode": "ADM1.ü~ß~KK~١~2026-01-01~🙂~k.ÄÖÜ",
    "percent nul": "ADM1.%00.%00",
}


@pytest.mark.parametrize("token", GARBAGE_TOKENS.values(), ids=GARBAGE_TOKENS.keys())
def test_garbage_token_is_unknown_never_a_server_error(server, token):
    response = server.client.get(f"/v/{token}")

    assert response.status_code == 200
    assert response.json()["status"] == "unknown"


def test_token_of_a_revoked_document_is_revoked(server):
    with server.db() as session:
        session.execute(
            update(Document)
            .where(Document.number == server.kk(0))
            .values(revoked_at=datetime.now())
        )

    body = verify(server, token_of(server))

    assert body["status"] == "revoked"
    assert body["number"] == server.kk(0)


def test_revoking_one_document_leaves_the_others_genuine(server):
    with server.db() as session:
        session.execute(
            update(Document)
            .where(Document.number == server.kk(0))
            .values(revoked_at=datetime.now())
        )

    assert verify(server, token_of(server, 1))["status"] == "genuine"


# --- key rotation --------------------------------------------------------------------------------


def test_signing_keys_lists_the_one_key_a_new_server_made(server):
    response = server.client.get("/api/v1/public/signing-keys")

    assert response.status_code == 200
    (key_id,) = response.json()
    assert token_of(server).rsplit(".", 1)[0].endswith(f"~{key_id}")


def test_old_tokens_stay_genuine_after_rotation_and_restart(make_server):
    server = make_server()
    old_token = token_of(server)
    Signer(server.settings.keys_dir).rotate()

    restarted = make_server()

    assert verify(restarted, old_token)["status"] == "genuine"


def test_documents_issued_after_rotation_are_signed_with_the_new_key(make_server):
    server = make_server()
    (old_key,) = server.client.get("/api/v1/public/signing-keys").json()
    new_key = Signer(server.settings.keys_dir).rotate()
    restarted = make_server()

    with restarted.db() as session:
        family = session.scalars(select(Family).where(Family.kk_number == server.kk(0))).one()
        document = issue_kk(
            session, family, restarted.app.state.signer, restarted.settings.public_url, OFFICIAL
        )
        new_token = document.signed_token

    assert new_key != old_key
    assert new_token.rsplit(".", 1)[0].endswith(f"~{new_key}")
    assert verify(restarted, new_token)["status"] == "genuine"
    versions = restarted.staff_documents(restarted.kk(0))
    assert [d["version"] for d in versions] == [1, 2]


def test_signing_keys_lists_old_and_new_key_after_rotation(make_server):
    server = make_server()
    (old_key,) = server.client.get("/api/v1/public/signing-keys").json()
    new_key = Signer(server.settings.keys_dir).rotate()

    restarted = make_server()
    response = restarted.client.get("/api/v1/public/signing-keys")

    assert response.status_code == 200
    keys = response.json()
    assert set(keys) == {old_key, new_key}
    assert all(len(value) == 43 for value in keys.values())  # 32 raw bytes, base64url


def test_a_phone_opening_the_qr_link_gets_the_verification_page_not_json(server):
    token = token_of(server)
    browser = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    response = server.client.get(f"/v/{token}", headers=browser, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/verifikasi?kode=")

    page = server.client.get(f"/v/{token}", headers=browser)  # the redirect followed
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert server.kk(0) in page.text
    assert verify(server, token)["status"] == "genuine"  # a program asking for JSON still gets it
