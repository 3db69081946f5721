"""Resolving a pickup code: the kiosk shows what will print before it claims anything."""

from __future__ import annotations

RESOLVE = "/api/v1/kiosk/pickup-codes/resolve"


def resolve(server, code: str, credential: str | None = None):
    return server.client.post(
        RESOLVE, json={"pickup_code": code}, headers=server.kiosk_headers(credential)
    )


def test_a_ready_code_shows_its_documents_with_the_holder_masked(server):
    response = resolve(server, server.code(0))

    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["status"] == "ready"
    (document,) = answer["documents"]
    assert (document["doc_type"], document["number"]) == ("KK", server.kk(0))
    assert "*" in document["holder_masked"]


def test_resolving_claims_nothing(server):
    for _ in range(3):
        assert resolve(server, server.code(0)).json()["status"] == "ready"

    assert server.claim(server.code(0)).status_code == 201


def test_a_code_being_printed_elsewhere_and_a_printed_one_say_so(server):
    job = server.claim(server.code(0)).json()
    other = server.add_kiosk()
    assert resolve(server, server.code(0), other).json()["status"] == "in_progress"

    assert server.report(job["id"], "printed").status_code == 200

    answer = resolve(server, server.code(0), other).json()
    assert answer["status"] == "printed" and answer["printed_at"]


def test_an_unknown_code_is_refused_without_saying_more(server):
    for text in ("ZZZZ-ZZZZ-ZZZZ", "not a code at all"):
        response = resolve(server, text)
        assert (response.status_code, server.reason(response)) == (404, "unknown_code")


def test_only_kiosks_resolve_codes(server):
    response = server.client.post(RESOLVE, json={"pickup_code": server.code(0)})
    assert response.status_code == 401
