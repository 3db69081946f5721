"""The application draft at the kiosk: its checks agree with the server's, and it forgets."""

from __future__ import annotations

import random
import re
from datetime import date

import pytest

from kiosk.apply import (
    ApplicationDraft,
    answer_problem,
    date_from_digits,
    mask_nik,
    nik_problem,
    phone_problem,
)
from proof.sample_bodies import FATHER, birth_application
from server.applications.schemas import ApplicationCreate
from server.catalogue import default_catalogue
from server.nik import InvalidNik, parse_nik

TODAY = date(2026, 11, 22)


def akta_kelahiran() -> dict:
    """The service as the kiosk gets it from GET /api/v1/public/services."""
    from server.applications.schemas import catalogue_public

    services = catalogue_public(default_catalogue()).model_dump()["services"]
    return next(s for s in services if s["code"] == "akta_kelahiran")


@pytest.mark.parametrize(
    ("nik", "problem"),
    [
        (FATHER, None),
        ("7307054405800003", None),  # a woman born on the 4th: 04 + 40
        ("730705140580000", "apply.nik.length"),
        ("73070514058000031", "apply.nik.length"),
        ("73070514058O0003", "apply.nik.length"),  # a letter O, not a zero
        ("7300051405800003", "apply.nik.region"),
        ("7307053002800003", "apply.nik.date"),  # 30 February
        ("7307057205800003", "apply.nik.date"),  # day 72 - 40 = 32
        ("7307051405800000", "apply.nik.serial"),
    ],
)
def test_a_nik_is_judged_by_its_parts(nik, problem):
    assert nik_problem(nik, TODAY) == problem


def test_the_kiosk_and_the_server_agree_on_every_nik():
    rng = random.Random(5)
    for _ in range(3000):
        digits = "".join(rng.choice("0123456789") for _ in range(16))
        # half of them near-valid, so the date and serial checks are reached
        if rng.random() < 0.5:
            day, month = rng.randint(1, 71), rng.randint(1, 13)
            digits = f"7307{digits[4:6]}{day:02d}{month:02d}{digits[10:]}"
        try:
            parse_nik(digits, century_cutoff=TODAY.year % 100)
            server_ok = True
        except InvalidNik:
            server_ok = False
        assert (nik_problem(digits, TODAY) is None) == server_ok, digits


@pytest.mark.parametrize(
    ("phone", "problem"),
    [
        ("081234567890", None),
        ("0812345678", None),  # 10 digits
        ("0812345678901", None),  # 13 digits
        ("6281234567890", None),
        ("", "apply.phone.empty"),
        ("0212345678", "apply.phone.prefix"),
        ("081234567", "apply.phone.length"),
        ("08123456789012", "apply.phone.length"),
    ],
)
def test_a_mobile_number_is_indonesian_with_10_to_13_digits(phone, problem):
    assert phone_problem(phone) == problem


def test_answers_are_checked_as_the_catalogue_asks():
    fields = {f["code"]: f for f in akta_kelahiran()["fields"]}
    assert answer_problem(fields["nama_anak"], "") == "apply.field.required"
    assert answer_problem(fields["nama_anak"], "ANDI NURUL") is None
    assert answer_problem(fields["jenis_kelamin"], "X") == "apply.field.choice"
    assert answer_problem(fields["jenis_kelamin"], "P") is None
    assert answer_problem(fields["tanggal_lahir"], "2026-02-30", TODAY) == "apply.field.date"
    assert answer_problem(fields["tanggal_lahir"], "2027-01-01", TODAY) == "apply.field.date_range"
    assert answer_problem(fields["tanggal_lahir"], date_from_digits("01112026"), TODAY) is None
    assert answer_problem(fields["nomor_kk"], "73070512031500") == "apply.field.kk"


def complete_draft() -> ApplicationDraft:
    draft = ApplicationDraft(kiosk_id="ADM-7307-01")
    draft.start(akta_kelahiran())
    for paper in draft.paper_specs():
        if paper["required"]:
            draft.keep_paper(paper["code"], b"\xff\xd8\xff" + bytes([len(paper["code"])]) * 500)
    draft.nik = FATHER
    draft.phone = "081244556677"
    draft.fields = dict(birth_application()["fields"])
    return draft


def test_a_complete_draft_is_a_request_the_server_schema_takes():
    draft = complete_draft()
    assert draft.problems() == []
    body = draft.body()
    request = ApplicationCreate.model_validate(body)
    assert request.service == "akta_kelahiran" and request.applicant_nik == FATHER
    assert sorted(p.requirement for p in request.papers) == sorted(
        ["surat_keterangan_lahir", "ktp_ayah", "ktp_ibu", "kk_lama"]
    )
    assert all(p.content_type == "image/jpeg" for p in request.papers)


def test_the_idempotency_key_is_made_once_per_draft_and_fits_the_server_rule():
    draft = complete_draft()
    key = draft.key
    assert re.fullmatch(r"[A-Za-z0-9_.:-]{8,64}", key)
    draft.nik = "7307054405800003"  # changing answers keeps the key
    assert draft.key == key
    draft.start(akta_kelahiran())  # a new application gets a new one
    assert draft.key != key and draft.papers == {}


def test_an_incomplete_draft_names_what_is_missing():
    draft = complete_draft()
    draft.drop_paper("ktp_ibu")
    draft.nik = "7307051405800000"
    draft.fields["nama_anak"] = ""
    assert draft.problems() == ["apply.problem.papers", "apply.problem.nik", "apply.problem.fields"]


def test_wiping_overwrites_the_photos_and_forgets_every_answer():
    draft = complete_draft()
    photos = list(draft.papers.values())
    assert draft.wipe() == 4
    assert all(photo == bytearray(len(photo)) for photo in photos)  # zeros, not the JPEG
    assert draft.empty and draft.nik == "" and draft.fields == {} and draft.key == ""


def test_a_retake_overwrites_the_photo_it_replaces():
    draft = complete_draft()
    first = draft.papers["ktp_ayah"]
    draft.keep_paper("ktp_ayah", b"\xff\xd8\xffnew")
    assert first == bytearray(len(first)) and bytes(draft.papers["ktp_ayah"]) == b"\xff\xd8\xffnew"


def test_a_detached_draft_takes_everything_and_leaves_nothing_behind():
    draft = complete_draft()
    key = draft.key
    sent = draft.detach()
    assert draft.empty and draft.papers == {}
    assert sent.key == key and len(sent.papers) == 4 and sent.problems() == []


def test_the_nik_is_masked_as_the_office_masks_it():
    assert mask_nik(FATHER) == "7307**********03"
