"""Issuing a birth, a death or a move changes the register, and the new KK shows it on paper.

The application goes the way an office takes it: submitted at the kiosk, verified, approved and
issued through the officer API; the papers are read back as a citizen reads them (pdftotext).
Each test that uses `server` runs on SQLite and on PostgreSQL (see conftest.py).
"""

from __future__ import annotations

import base64
import io
import json
import subprocess
import threading
from datetime import date
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select, update

from server.applications import register
from server.applications.models import Application
from server.applications.register import (
    assign_nik,
    choose_head,
    movers_named,
    next_serial,
    relations_under,
)
from server.db import transaction
from server.models import AuditEntry, Document, Family, Resident
from server.nik import InvalidNik, nik_prefix, parse_nik

OFFICER = "/api/v1/officer/applications"
KK_BASO = "7307051203150001"  # Andi Baso Rahman (head), Hasnawati (ISTRI), two children
KK_ARIFIN = "7307021508180004"  # Muh. Arifin (head), Syamsiah (ISTRI), Ahmad Fauzi (ANAK, 2005)
KK_NURHAYATI = "7307031102200002"  # Hj. Sitti Nurhayati (head, widowed), Rahmat Hidayat (ANAK)
ANDI = "7307051405800003"
HASNAWATI = "7307054209840002"
RIZKY = "7307052001100001"
ARIFIN = "7307023011750001"
SYAMSIAH = "7307024803780001"
FAUZI = "7307021906050002"
NURHAYATI = "7307036512580001"
RAHMAT = "7307030404900003"


# --- taking an application through the office -------------------------------------------------


def _png() -> str:
    out = io.BytesIO()
    Image.new("RGB", (16, 16), "white").save(out, "PNG")
    return base64.b64encode(out.getvalue()).decode()


def _papers(*codes: str) -> list[dict]:
    return [{"requirement": c, "content_type": "image/png", "data": _png()} for c in codes]


def birth(applicant: str = ANDI, **fields: str) -> dict:
    return {
        "service": "akta_kelahiran",
        "applicant_nik": applicant,
        "applicant_phone": "0812-4455-6677",
        "fields": {
            "nama_anak": "Andi Nurul Baso",
            "jenis_kelamin": "P",
            "tempat_lahir": "Sinjai",
            "tanggal_lahir": "2025-11-01",
            "nama_ayah": "Andi Baso Rahman",
            "nama_ibu": "Hasnawati",
            "nomor_kk": KK_BASO,
            **fields,
        },
        "papers": _papers("surat_keterangan_lahir", "ktp_ayah", "ktp_ibu", "kk_lama"),
    }


def death(nik: str, kk: str, name: str, applicant: str) -> dict:
    return {
        "service": "akta_kematian",
        "applicant_nik": applicant,
        "applicant_phone": "0812-4455-6677",
        "fields": {
            "nik_almarhum": nik,
            "nomor_kk": kk,
            "nama_almarhum": name,
            "tanggal_kematian": "2025-10-20",
            "tempat_kematian": "Sinjai",
            "hubungan_pelapor": "Istri",
        },
        "papers": _papers("surat_keterangan_kematian", "kk_lama", "ktp_pelapor"),
    }


def move_out(applicant: str, kk: str, along: str = "") -> dict:
    fields = {
        "nomor_kk": kk,
        "alamat_tujuan": "Jl. Perintis Kemerdekaan No. 7",
        "kabupaten_tujuan": "Kota Makassar",
        "provinsi_tujuan": "Sulawesi Selatan",
        "alasan_pindah": "pekerjaan",
    }
    if along:
        fields["anggota_pindah"] = along
    return {
        "service": "skpwni",
        "applicant_nik": applicant,
        "applicant_phone": "0812-4455-6677",
        "fields": fields,
        "papers": _papers("kk", "ktp_pemohon"),
    }


_keys = iter(range(10**6))


def approved(server, body: dict) -> str:
    """Submit at the kiosk, verify and approve: the ticket of an application ready to issue."""
    headers = {**server.kiosk_headers(), "Idempotency-Key": f"register-{next(_keys)}"}
    response = server.client.post("/api/v1/kiosk/applications", json=body, headers=headers)
    assert response.status_code == 201, response.text
    ticket: str = response.json()["ticket"]
    for step in ("verify", "approve"):
        taken = server.client.post(f"{OFFICER}/{ticket}/{step}", headers=server.staff_headers())
        assert taken.status_code == 200, taken.text
    return ticket


def issue(server, ticket: str):
    return server.client.post(f"{OFFICER}/{ticket}/issue", headers=server.staff_headers())


def issued(server, body: dict) -> tuple[str, dict[str, str]]:
    """The ticket and its documents' ids by type."""
    ticket = approved(server, body)
    response = issue(server, ticket)
    assert response.status_code == 200, response.text
    return ticket, {d["doc_type"]: d["id"] for d in response.json()["documents"]}


def pdf_text(server, document_id: str, tmp_path: Path) -> str:
    with server.db() as session:
        document = session.get(Document, document_id)
        assert document is not None
        path = tmp_path / f"{document_id}.pdf"
        path.write_bytes(document.pdf)
    result = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    )
    return result.stdout


def resident(server, nik: str) -> Resident:
    with server.db() as session:
        found = session.scalars(select(Resident).where(Resident.nik == nik)).one()
        session.expunge(found)
    return found


def family_view(server, kk: str) -> list[tuple[str, str, str]]:
    """(NIK, relation, marital status) of the current members, head first."""
    with server.db() as session:
        family = session.scalars(select(Family).where(Family.kk_number == kk)).one()
        return [(m.nik, m.relation, m.marital_status) for m in family.current_members]


def counts(server) -> tuple[int, int]:
    with server.db() as session:
        documents = session.scalar(select(func.count()).select_from(Document)) or 0
        residents = session.scalar(select(func.count()).select_from(Resident)) or 0
    return documents, residents


def register_audit(server, ticket: str) -> list[tuple[str, dict]]:
    with server.db() as session:
        rows = session.execute(
            select(AuditEntry.action, AuditEntry.detail)
            .where(AuditEntry.subject == ticket, AuditEntry.action.startswith("register."))
            .order_by(AuditEntry.id)
        ).all()
    return [(action, json.loads(detail)) for action, detail in rows]


def child_of(server, ticket: str) -> Resident:
    with server.db() as session:
        child = session.scalars(select(Resident).where(Resident.added_ticket == ticket)).one()
        session.expunge(child)
    return child


# --- birth -------------------------------------------------------------------------------------


def test_a_birth_puts_the_child_on_the_new_kk_with_a_valid_nik_shown_on_the_kia(server, tmp_path):
    ticket, documents = issued(server, birth())

    child = child_of(server, ticket)
    parts = parse_nik(child.nik)
    assert child.nik.startswith("730705")  # the family's province, regency, district
    assert (parts.birth_date, parts.sex) == (date(2025, 11, 1), "P")
    assert child.nik[6:12] == "411125"  # a girl: day 01 + 40
    assert child.nik[12:] == "0001"
    assert (child.relation, child.marital_status, child.religion) == (
        "ANAK",
        "BELUM KAWIN",
        "Islam",
    )
    assert (child.father_name, child.mother_name) == ("Andi Baso Rahman", "Hasnawati")
    kk = pdf_text(server, documents["KK"], tmp_path)
    assert child.nik in kk and "Andi Nurul Baso" in kk
    assert ANDI in kk and HASNAWATI in kk  # everyone else still there
    for doc_type in ("KIA", "AKTA_KELAHIRAN"):
        text = pdf_text(server, documents[doc_type], tmp_path)
        assert "NIK Anak" in text and child.nik in text, doc_type
    assert family_view(server, KK_BASO)[-1] == (child.nik, "ANAK", "BELUM KAWIN")


def test_the_child_goes_on_the_kk_named_on_the_form_as_a_grandchild(server, tmp_path):
    """Ahmad Fauzi still lives on his father's KK: his daughter is CUCU there."""
    body = birth(
        FAUZI,
        nama_anak="Nur Fadilah Fauzi",
        tanggal_lahir="2025-12-24",
        nama_ayah="Ahmad Fauzi",
        nama_ibu="Rini Andriani",
        nomor_kk=KK_ARIFIN,
    )
    ticket, documents = issued(server, body)

    child = child_of(server, ticket)
    assert child.nik.startswith("730702641225")  # DD+40, MM, YY
    assert child.relation == "CUCU"
    with server.db() as session:
        kk = session.get(Document, documents["KK"])
        assert kk is not None and kk.number == KK_ARIFIN
    assert child.nik in pdf_text(server, documents["KK"], tmp_path)


def test_two_births_on_one_day_get_consecutive_serials(server):
    first, _ = issued(server, birth())
    second, _ = issued(server, birth(nama_anak="Andi Nurul Basri"))

    assert child_of(server, first).nik[12:] == "0001"
    assert child_of(server, second).nik[12:] == "0002"


def test_an_unknown_nomor_kk_refuses_issuing_and_makes_nothing(server):
    ticket = approved(server, birth(nomor_kk="7307059999990001"))
    before = counts(server)

    response = issue(server, ticket)

    assert (response.status_code, server.reason(response)) == (409, "unknown_kk")
    assert "7307**********01" in response.json()["detail"]["message"]
    assert counts(server) == before
    with server.db() as session:
        status = session.scalar(select(Application.status).where(Application.ticket == ticket))
    assert status == "approved"


def test_an_issue_retry_adds_the_child_once(server, tmp_path):
    ticket, _ = issued(server, birth())
    with server.db() as session:  # as if the first issue's answer was lost and it ran again
        session.execute(
            update(Application).where(Application.ticket == ticket).values(status="approved")
        )

    again = issue(server, ticket)

    assert again.status_code == 200, again.text
    documents = {d["doc_type"]: d["id"] for d in again.json()["documents"]}
    with server.db() as session:
        added = session.scalars(select(Resident).where(Resident.added_ticket == ticket)).all()
    assert len(added) == 1
    kk = pdf_text(server, documents["KK"], tmp_path)
    assert kk.count(added[0].nik) == 1
    assert [a for a, _ in register_audit(server, ticket)] == ["register.member_added"]


def test_the_same_child_from_a_second_application_is_refused(server):
    issued(server, birth())
    again = approved(server, birth(applicant=HASNAWATI))
    before = counts(server)

    response = issue(server, again)

    assert (response.status_code, server.reason(response)) == (409, "already_registered")
    assert counts(server) == before


def test_a_birth_is_audited_with_the_nik_masked(server):
    ticket, _ = issued(server, birth())
    child = child_of(server, ticket)

    ((action, detail),) = register_audit(server, ticket)

    assert action == "register.member_added"
    assert detail["nik"] == child.nik[:4] + "**********" + child.nik[-2:]
    assert detail["kk"] == "7307**********01"
    assert child.nik not in json.dumps(detail) and "Nurul" not in json.dumps(detail)


# --- death -------------------------------------------------------------------------------------


def test_after_a_death_the_new_kk_no_longer_lists_the_deceased(server, tmp_path):
    ticket, documents = issued(server, death(RIZKY, KK_BASO, "Muhammad Rizky Baso", HASNAWATI))

    assert sorted(documents) == ["AKTA_KEMATIAN", "KK"]
    kk = pdf_text(server, documents["KK"], tmp_path)
    assert RIZKY not in kk and "Muhammad Rizky Baso" not in kk
    assert ANDI in kk and HASNAWATI in kk
    gone = resident(server, RIZKY)
    assert (gone.left_reason, gone.left_ticket) == ("meninggal", ticket)
    assert gone.left_at is not None
    assert [n for n, _, _ in family_view(server, KK_BASO)] == [
        ANDI,
        HASNAWATI,
        "7307055107140002",
    ]


def test_when_the_head_dies_the_widow_heads_the_family(server, tmp_path):
    ticket, documents = issued(server, death(ANDI, KK_BASO, "Andi Baso Rahman", HASNAWATI))

    assert family_view(server, KK_BASO) == [
        (HASNAWATI, "KEPALA KELUARGA", "CERAI MATI"),
        (RIZKY, "ANAK", "BELUM KAWIN"),
        ("7307055107140002", "ANAK", "BELUM KAWIN"),
    ]
    kk = pdf_text(server, documents["KK"], tmp_path)
    assert ANDI not in kk and "CERAI MATI" in kk
    with server.db() as session:
        document = session.get(Document, documents["KK"])
        assert document is not None and document.holder_name == "Hasnawati"
    actions = dict(register_audit(server, ticket))
    assert actions["register.member_left"]["nik"] == "7307**********03"
    assert actions["register.marital_status"]["nik"] == "7307**********02"
    assert actions["register.head_changed"]["head"] == "7307**********02"
    assert actions["register.head_changed"]["head_was"] == "ISTRI"


def test_when_a_widowed_head_dies_the_eldest_adult_child_heads_then_the_card_closes(
    server, tmp_path
):
    issued(server, death(NURHAYATI, KK_NURHAYATI, "Hj. Sitti Nurhayati", RAHMAT))
    assert family_view(server, KK_NURHAYATI) == [(RAHMAT, "KEPALA KELUARGA", "BELUM KAWIN")]

    ticket, documents = issued(server, death(RAHMAT, KK_NURHAYATI, "Rahmat Hidayat", ANDI))

    assert sorted(documents) == ["AKTA_KEMATIAN"]  # nobody is left to list on a KK
    assert family_view(server, KK_NURHAYATI) == []
    assert "register.family_emptied" in dict(register_audit(server, ticket))


def test_a_nik_not_on_the_named_kk_refuses_issuing_and_makes_nothing(server):
    ticket = approved(server, death(FAUZI, KK_BASO, "Ahmad Fauzi", HASNAWATI))
    before = counts(server)

    response = issue(server, ticket)

    assert (response.status_code, server.reason(response)) == (409, "not_a_member")
    assert FAUZI not in response.text
    assert counts(server) == before
    assert resident(server, FAUZI).left_at is None


def test_a_death_already_recorded_by_another_application_is_refused(server):
    issued(server, death(RIZKY, KK_BASO, "Muhammad Rizky Baso", HASNAWATI))
    again = approved(server, death(RIZKY, KK_BASO, "Muhammad Rizky Baso", ANDI))

    response = issue(server, again)

    assert (response.status_code, server.reason(response)) == (409, "not_a_member")


def test_a_death_issued_again_changes_nothing_twice(server):
    ticket, _ = issued(server, death(ANDI, KK_BASO, "Andi Baso Rahman", HASNAWATI))
    with server.db() as session:
        session.execute(
            update(Application).where(Application.ticket == ticket).values(status="approved")
        )

    response = issue(server, ticket)

    assert response.status_code == 200, response.text
    assert family_view(server, KK_BASO)[0] == (HASNAWATI, "KEPALA KELUARGA", "CERAI MATI")
    actions = [a for a, _ in register_audit(server, ticket)]
    assert actions.count("register.member_left") == 1
    assert actions.count("register.head_changed") == 1


# --- moving out (SKPWNI) ---------------------------------------------------------------------


def test_a_head_moving_out_with_his_wife_leaves_the_son_heading_the_family(server, tmp_path):
    ticket, documents = issued(server, move_out(ARIFIN, KK_ARIFIN, "Syamsiah"))

    assert family_view(server, KK_ARIFIN) == [(FAUZI, "KEPALA KELUARGA", "BELUM KAWIN")]
    assert resident(server, ARIFIN).left_reason == "pindah"
    assert resident(server, SYAMSIAH).marital_status == "KAWIN"  # moving widows nobody
    letter = pdf_text(server, documents["SKPWNI"], tmp_path)
    assert ARIFIN in letter and SYAMSIAH in letter and FAUZI not in letter
    left = [d["nik"] for a, d in register_audit(server, ticket) if a == "register.member_left"]
    assert left == ["7307**********01", "7307**********01"]


def test_a_mover_the_kk_does_not_list_refuses_issuing(server):
    ticket = approved(server, move_out(FAUZI, KK_ARIFIN, "Rini Andriani"))
    before = counts(server)

    response = issue(server, ticket)

    assert (response.status_code, server.reason(response)) == (409, "unknown_mover")
    assert "Rini Andriani" in response.json()["detail"]["message"]
    assert counts(server) == before


# --- NIK assignment, unit level ------------------------------------------------------------------


def test_the_nik_prefix_adds_40_to_the_day_for_women():
    assert nik_prefix("73.07.05.1001", date(2025, 11, 1), "P") == "730705411125"
    assert nik_prefix("73.07.05.1001", date(2025, 11, 1), "L") == "730705011125"
    assert nik_prefix("16.12.03", date(2010, 1, 31), "P") == "161203710110"
    with pytest.raises(InvalidNik):
        nik_prefix("73.07", date(2025, 11, 1), "L")
    with pytest.raises(InvalidNik):
        nik_prefix("73.07.05", date(2025, 11, 1), "X")


def newborn(family_id: int, name: str = "Bayi", sex: str = "P", born=date(1984, 9, 2)) -> Resident:
    return Resident(
        nik="",
        name=name,
        sex=sex,
        birth_place="Sinjai",
        birth_date=born,
        religion="Islam",
        education="Tidak/Belum Sekolah",
        occupation="Belum/Tidak Bekerja",
        marital_status="BELUM KAWIN",
        relation="ANAK",
        nationality="WNI",
        father_name="Andi Baso Rahman",
        mother_name="Hasnawati",
        family_id=family_id,
        position=99,
    )


def _family(session, kk: str = KK_BASO) -> Family:
    return session.scalars(select(Family).where(Family.kk_number == kk)).one()


def test_serials_follow_the_highest_taken_for_the_same_twelve_digits(server):
    with server.db() as session:
        family = _family(session)
        # Hasnawati, 7307054209840002, has this prefix: the next is 0003, then 0004.
        first = assign_nik(session, newborn(family.id), family.region_code)
        second = assign_nik(session, newborn(family.id, "Bayi Dua"), family.region_code)
        boy = assign_nik(session, newborn(family.id, "Bayi Tiga", "L"), family.region_code)

    assert (first, second) == ("7307054209840003", "7307054209840004")
    assert boy == "7307050209840001"
    for nik in (first, second, boy):
        parse_nik(nik)


def test_a_serial_taken_meanwhile_is_skipped_and_nothing_else_is_lost(server, monkeypatch):
    real = next_serial
    stale = iter([2])  # Hasnawati's serial, as if another process had just taken it

    def racing(session, prefix):
        return next(stale, None) or real(session, prefix)

    monkeypatch.setattr(register, "next_serial", racing)
    with server.db() as session:
        family = _family(session)
        family.address = "Jl. Persatuan Raya No. 14"  # pending before the NIK is taken
        nik = assign_nik(session, newborn(family.id), family.region_code)

    assert nik == "7307054209840003"
    with server.db() as session:
        assert _family(session).address == "Jl. Persatuan Raya No. 14"
        assert session.scalar(select(func.count()).where(Resident.nik == nik)) == 1


def test_two_processes_taking_the_same_prefix_at_once_get_different_niks(server, monkeypatch):
    """Two families of one district; both add a girl born the same day, both at once.

    On PostgreSQL the second one's insert waits on the unique index, fails when the first
    commits, and takes the next serial; on SQLite it waits for the write lock before it looks.
    """
    sessions = server.app.state.sessions
    looked: list[str] = []

    def counted(session, prefix):
        looked.append(threading.current_thread().name)
        return next_serial(session, prefix)

    monkeypatch.setattr(register, "next_serial", counted)
    with transaction(sessions) as session:
        other = Family(
            kk_number="7307050101250009",
            address="Jl. Jend. Sudirman No. 3",
            rt_rw="002/003",
            village="Balangnipa",
            district="Sinjai Utara",
            regency="Kabupaten Sinjai",
            province="Sulawesi Selatan",
            postal_code="92611",
            region_code="73.07.05.1002",
        )
        session.add(other)
        session.flush()
        other_id, baso_id = other.id, _family(session).id
    born = date(2025, 11, 1)
    answers: dict[str, str] = {}

    def second_process() -> None:
        try:
            with transaction(sessions) as b:
                answers["b"] = assign_nik(b, newborn(other_id, "Bayi B", born=born), "73.07.05")
        except Exception as exc:  # noqa: BLE001 - reported to the test below
            answers["error"] = repr(exc)

    with transaction(sessions) as a:
        answers["a"] = assign_nik(a, newborn(baso_id, "Bayi A", born=born), "73.07.05")
        thread = threading.Thread(target=second_process, name="b")
        thread.start()
        thread.join(1.0)
        assert thread.is_alive()  # waiting for the first: it has not committed yet
    thread.join(60)

    assert not thread.is_alive() and "error" not in answers, answers
    assert answers == {"a": "7307054111250001", "b": "7307054111250002"}
    retried = server.app.state.engine.dialect.name == "postgresql"
    assert looked.count("b") == (2 if retried else 1)


# --- the head-of-family rule, unit level -------------------------------------------------------


def person(
    id: int,
    relation: str,
    born: date,
    sex: str = "L",
    status: str = "BELUM KAWIN",
    name: str = "",
    father: str = "-",
    mother: str = "-",
) -> Resident:
    return Resident(
        id=id,
        nik=f"73070501018{id:05d}",
        name=name or f"Orang {id}",
        sex=sex,
        birth_date=born,
        marital_status=status,
        relation=relation,
        father_name=father,
        mother_name=mother,
        position=id,
    )


ON = date(2026, 1, 1)


def test_a_surviving_spouse_heads_before_any_child():
    son = person(2, "ANAK", date(1990, 1, 1), status="KAWIN")
    wife = person(3, "ISTRI", date(1970, 1, 1), "P", "KAWIN")
    mother = person(4, "ORANG TUA", date(1945, 1, 1), "P", "CERAI MATI")

    assert choose_head([son, wife, mother], ON) is wife
    assert relations_under(wife, [son, wife, mother]) == {2: "ANAK", 4: "MERTUA"}


def test_without_a_spouse_the_eldest_adult_child_heads_and_siblings_become_famili_lain():
    minor = person(2, "ANAK", date(2015, 1, 1), name="Adik")
    elder = person(3, "ANAK", date(2000, 1, 1), "P", "KAWIN", name="Kakak")
    younger = person(4, "ANAK", date(2005, 1, 1), name="Tengah")
    grandma = person(5, "ORANG TUA", date(1940, 1, 1), "P")
    husband = person(6, "MENANTU", date(1998, 1, 1), "L", "KAWIN")
    baby = person(7, "CUCU", date(2024, 1, 1), mother="Kakak")
    family = [minor, elder, younger, grandma, husband, baby]

    assert choose_head(family, ON) is elder
    assert relations_under(elder, family) == {
        2: "FAMILI LAIN",
        4: "FAMILI LAIN",
        5: "FAMILI LAIN",
        6: "SUAMI",
        7: "ANAK",
    }


def test_minors_only_the_eldest_heads_and_nobody_left_means_no_head():
    a = person(2, "ANAK", date(2012, 5, 1))
    b = person(3, "ANAK", date(2010, 5, 1))

    assert choose_head([a, b], ON) is b
    assert choose_head([], ON) is None


def test_movers_are_named_by_nik_or_exact_name_and_anything_else_is_unknown():
    wife = person(3, "ISTRI", date(1970, 1, 1), "P", "KAWIN", name="Syamsiah")
    son = person(2, "ANAK", date(1990, 1, 1), name="Ahmad Fauzi")

    assert movers_named(f"syamsiah dan {son.nik}", [wife, son]) == ([wife, son], [])
    assert movers_named("-", [wife, son]) == ([], [])
    assert movers_named("Syamsiah, Budi", [wife, son]) == ([wife], ["Budi"])
