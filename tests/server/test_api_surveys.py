"""Satisfaction surveys (SKM) over HTTP: answered at a kiosk, summarised for the office.

Each test runs on SQLite and on PostgreSQL (see conftest.py).
"""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select, update

from server.models import AuditEntry, SurveyAnswer

KIOSK_PATH = "/api/v1/kiosk/surveys"
SUMMARY_PATH = "/api/v1/staff/surveys/summary"
UNSUR = (
    "persyaratan",
    "prosedur",
    "waktu",
    "biaya",
    "produk",
    "kompetensi",
    "perilaku",
    "pengaduan",
    "sarana",
)


def survey(**changes) -> dict:
    body: dict = {"service": "print", "rating": 5}
    body.update(changes)
    return body


def send(server, body: dict, key: str | None = "outbox-s001", credential: str | None = None):
    headers = server.kiosk_headers(credential)
    if key is not None:
        headers["Idempotency-Key"] = key
    return server.client.post(KIOSK_PATH, json=body, headers=headers)


def sent(server, body: dict, key: str, credential: str | None = None) -> dict:
    response = send(server, body, key, credential)
    assert response.status_code == 201, response.text
    receipt: dict = response.json()
    return receipt


def summary(server, role: str = "admin", **params) -> dict:
    response = server.client.get(SUMMARY_PATH, params=params, headers=server.staff_headers(role))
    assert response.status_code == 200, response.text
    body: dict = response.json()
    return body


def stored(server) -> int:
    with server.db() as session:
        return session.scalar(select(func.count()).select_from(SurveyAnswer)) or 0


# --- at the kiosk -------------------------------------------------------------------------------


def test_one_tap_after_printing_is_a_survey(server):
    response = send(server, survey(rating=4))

    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["service"], body["rating"]) == ("print", 4)
    assert isinstance(body["id"], int)
    assert stored(server) == 1


def test_the_nine_unsur_and_a_comment_are_kept_as_given(server):
    answers = dict.fromkeys(UNSUR, 3) | {"waktu": 4, "biaya": 4}

    sent(
        server,
        survey(service="akta_kelahiran", answers=answers, comment="  Cepat sekali, terima kasih. "),
        "outbox-s002",
    )

    with server.db() as session:
        row = session.scalars(select(SurveyAnswer)).one()
        assert row.service == "akta_kelahiran"
        assert row.comment == "Cepat sekali, terima kasih."
        assert row.kiosk_id == "ADM-7307-01"
    stats = {q["id"]: q["mean"] for q in summary(server)["questions"]}
    assert stats == dict.fromkeys(UNSUR, 3.0) | {"waktu": 4.0, "biaya": 4.0}


def test_the_same_idempotency_key_returns_the_first_survey(server):
    first = send(server, survey(), "outbox-s042")
    again = send(server, survey(), "outbox-s042")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert stored(server) == 1
    assert summary(server)["count"] == 1


def test_the_same_key_with_another_rating_is_a_conflict(server):
    send(server, survey(rating=5), "outbox-s042")

    response = send(server, survey(rating=1), "outbox-s042")

    assert (response.status_code, server.reason(response)) == (409, "idempotency_conflict")
    assert stored(server) == 1


def test_the_same_key_from_another_kiosk_is_another_survey(server):
    second = server.add_kiosk()

    sent(server, survey(), "outbox-s001")
    sent(server, survey(), "outbox-s001", credential=second)

    assert stored(server) == 2


@pytest.mark.parametrize(
    ("key", "reason"), [(None, "idempotency_key_required"), ("short", "invalid_idempotency_key")]
)
def test_a_survey_needs_a_usable_idempotency_key(server, key, reason):
    response = send(server, survey(), key)

    assert (response.status_code, server.reason(response)) == (400, reason)
    assert stored(server) == 0


@pytest.mark.parametrize(
    "change",
    [
        {"rating": 0},
        {"rating": 6},
        {"rating": "5"},
        {"rating": 4.5},
        {"rating": True},
        {"rating": None},
        {"answers": {"kecepatan": 3}},  # not one of the nine unsur
        {"answers": {"waktu": 5}},  # the SKM scale ends at 4
        {"answers": {"waktu": 0}},
        {"answers": {"waktu": "4"}},
        {"answers": ["waktu", 4]},
        {"comment": "x" * 281},
        {"comment": "bagus\x07"},
        {"comment": "baris satu\nbaris dua"},  # a short comment is one line
        {"service": ""},
        {"nik": "7307051405800003"},
    ],
)
def test_a_survey_the_office_cannot_count_is_refused_and_nothing_is_stored(server, change):
    response = send(server, survey(**change))

    assert response.status_code == 422, response.text
    assert server.reason(response) == "invalid_request"
    assert stored(server) == 0


def test_a_service_the_office_does_not_offer_is_refused_by_name(server):
    response = send(server, survey(service="paspor"))

    assert (response.status_code, server.reason(response)) == (422, "unknown_service")
    assert stored(server) == 0
    with server.db() as session:
        submitted = select(func.count()).where(AuditEntry.action == "survey.submit")
        assert session.scalar(submitted) == 0


def test_only_a_signed_kiosk_may_answer(server):
    response = server.client.post(
        KIOSK_PATH, json=survey(), headers={"Idempotency-Key": "outbox-s001"}
    )

    assert (response.status_code, server.reason(response)) == (401, "unauthenticated")
    assert stored(server) == 0


# --- the office's summary -----------------------------------------------------------------------


def test_the_summary_counts_means_and_the_ratings_given(server):
    for n, rating in enumerate([5, 4, 4, 2]):
        sent(server, survey(rating=rating), f"outbox-s00{n}")

    body = summary(server)

    assert body["count"] == 4
    assert body["mean_rating"] == 3.75
    assert body["ratings"] == {"1": 0, "2": 1, "3": 0, "4": 2, "5": 1}
    assert body["kiosks"] == [{"kiosk_id": "ADM-7307-01", "count": 4, "mean_rating": 3.75}]
    assert [q["id"] for q in body["questions"]] == list(UNSUR)
    assert all(q["count"] == 0 and q["mean"] is None for q in body["questions"])
    assert body["ikm"] is None


def test_nothing_answered_yet_is_an_empty_summary(server):
    body = summary(server)

    assert (body["count"], body["mean_rating"], body["ikm"], body["kiosks"]) == (0, None, None, [])
    assert body["ratings"] == {"1": 0, "2": 0, "3": 0, "4": 0, "5": 0}


def test_the_summary_is_per_kiosk_and_may_be_of_one_kiosk(server):
    second = server.add_kiosk()
    sent(server, survey(rating=5), "outbox-s001")
    sent(server, survey(rating=3), "outbox-s001", credential=second)
    sent(server, survey(rating=2), "outbox-s002", credential=second)

    everywhere = summary(server)
    there = summary(server, kiosk_id="ADM-7307-02")

    assert everywhere["kiosks"] == [
        {"kiosk_id": "ADM-7307-01", "count": 1, "mean_rating": 5.0},
        {"kiosk_id": "ADM-7307-02", "count": 2, "mean_rating": 2.5},
    ]
    assert (there["count"], there["mean_rating"], there["kiosk_id"]) == (2, 2.5, "ADM-7307-02")
    assert [k["kiosk_id"] for k in there["kiosks"]] == ["ADM-7307-02"]


def test_the_summary_covers_the_days_asked_for_both_included(server):
    days = ["2026-10-31T23:59:00", "2026-11-01T00:00:00", "2026-11-30T23:59:59", "2026-12-01"]
    for n, _ in enumerate(days):
        sent(server, survey(rating=n + 1), f"outbox-s00{n}")
    with server.db() as session:
        for n, day in enumerate(days):
            session.execute(
                update(SurveyAnswer)
                .where(SurveyAnswer.rating == n + 1)
                .values(created_at=datetime.fromisoformat(day))
            )

    november = summary(server, since="2026-11-01", until="2026-11-30")
    from_november = summary(server, since="2026-11-01")
    until_october = summary(server, until="2026-10-31")

    assert (november["count"], november["mean_rating"]) == (2, 2.5)
    assert (november["since"], november["until"]) == ("2026-11-01", "2026-11-30")
    assert from_november["count"] == 3
    assert until_october["count"] == 1


def test_a_period_that_ends_before_it_starts_is_refused(server):
    response = server.client.get(
        SUMMARY_PATH,
        params={"since": "2026-12-01", "until": "2026-11-01"},
        headers=server.staff_headers(),
    )

    assert (response.status_code, server.reason(response)) == (422, "invalid_period")


@pytest.mark.parametrize(
    ("value", "ikm", "grade"), [(4, 100.0, "A"), (3, 75.0, "C"), (2, 50.0, "D")]
)
def test_the_ikm_comes_from_the_nine_unsur_as_permenpan_14_2017_reckons_it(
    server, value, ikm, grade
):
    sent(server, survey(answers=dict.fromkeys(UNSUR, value)), "outbox-s001")
    sent(server, survey(answers=dict.fromkeys(UNSUR, value)), "outbox-s002")

    body = summary(server)

    assert (body["ikm"], body["ikm_grade"]) == (ikm, grade)


def test_the_ikm_weighs_each_unsur_equally(server):
    # persyaratan averages 3.5 over two answers; the other eight are 3 (one answer each)
    sent(server, survey(answers=dict.fromkeys(UNSUR, 3) | {"persyaratan": 4}), "outbox-s001")
    sent(server, survey(answers={"persyaratan": 3}), "outbox-s002")

    body = summary(server)

    assert body["questions"][0] == {
        "id": "persyaratan",
        "name_id": "Persyaratan",
        "name_en": "Requirements",
        "count": 2,
        "mean": 3.5,
    }
    assert body["ikm"] == round((3.5 + 8 * 3) / 9 * 25, 2)  # 76.39: grade C
    assert body["ikm_grade"] == "C"


def test_any_staff_role_reads_the_summary_but_not_without_a_token(server):
    sent(server, survey(), "outbox-s001")

    for role in ("officer", "technician", "admin"):
        assert summary(server, role)["count"] == 1
    assert server.client.get(SUMMARY_PATH).status_code == 401
