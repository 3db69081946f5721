"""The application workflow on the real database: legal steps recorded and audited, others refused.

Each test runs on SQLite and on PostgreSQL (see conftest.py).
"""

from __future__ import annotations

import base64
import io
import json

import pytest
from PIL import Image
from sqlalchemy import select, update

from server.applications.errors import ApplicationRefused
from server.applications.models import Application, Notification
from server.applications.notifications import OutboxNotifier
from server.applications.papers import check_papers
from server.applications.submission import Submission, submit_at_kiosk
from server.applications.workflow import (
    STATUSES,
    TRANSITIONS,
    move,
    reject,
    request_fixes,
    resubmit,
)
from server.catalogue import default_catalogue
from server.demo import DEMO_KIOSK_ID
from server.models import AuditEntry, Kiosk

APPLICANT = "7307051405800003"  # Andi Baso Rahman, head of the first demo family
LEGAL = sorted((a, b) for a, targets in TRANSITIONS.items() for b in targets)
ILLEGAL = sorted((a, b) for a in STATUSES for b in STATUSES if b not in TRANSITIONS[a])


def png(colour: str = "white") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(out, "PNG")
    return out.getvalue()


def new_application(session, key: str, status: str = "submitted") -> Application:
    """A real kiosk submission of a KIA application; ``status`` set directly for the test."""
    catalogue = default_catalogue()
    service = catalogue.services["kia"]
    paper = base64.b64encode(png()).decode()
    papers = check_papers(
        service,
        [(code, "image/png", paper) for code in ("kutipan_akta_kelahiran", "kk", "ktp_orang_tua")],
    )
    submission = Submission(
        "kia",
        APPLICANT,
        "081234567890",
        None,
        "whatsapp",
        {
            "nik_anak": "7307055107140002",
            "nama_anak": "Nur Aisyah Baso",
            "tanggal_lahir": "2014-07-11",
            "nomor_kk": "7307051203150001",
        },
        papers,
    )
    kiosk = session.get(Kiosk, DEMO_KIOSK_ID)
    application, created = submit_at_kiosk(session, catalogue, kiosk, key, submission)
    assert created
    application.status = status
    session.flush()
    return application


def audit_actions(session, ticket: str) -> list[str]:
    return list(
        session.scalars(
            select(AuditEntry.action).where(AuditEntry.subject == ticket).order_by(AuditEntry.id)
        )
    )


def test_submission_is_recorded_in_the_history_and_audited(server):
    with server.db() as session:
        application = new_application(session, "first-submission")
        history = [(h.from_status, h.to_status, h.actor) for h in application.history]
        actions = audit_actions(session, application.ticket)
        detail = json.loads(
            session.scalars(
                select(AuditEntry.detail).where(AuditEntry.subject == application.ticket)
            ).one()
        )

    assert history == [(None, "submitted", f"kiosk:{DEMO_KIOSK_ID}")]
    assert actions == ["application.submit"]
    assert detail["nik"] == "7307**********03"  # masked in the audit log


@pytest.mark.parametrize(("start", "to"), LEGAL, ids=[f"{a}->{b}" for a, b in LEGAL])
def test_every_legal_transition_is_taken_recorded_and_audited(server, start, to):
    reason = "Foto KK buram, mohon difoto ulang" if to in ("needs_fixing", "rejected") else None
    with server.db() as session:
        application = new_application(session, f"legal-{start}-{to}"[:64], start)
        change = move(session, application, to, "staff", reason)
        ticket = application.ticket

    with server.db() as session:
        stored = session.scalars(select(Application).where(Application.ticket == ticket)).one()
        last = stored.history[-1]
        entry = session.scalars(
            select(AuditEntry).where(
                AuditEntry.subject == ticket, AuditEntry.action == f"application.{to}"
            )
        ).one()

    assert stored.status == to
    assert (last.from_status, last.to_status, last.actor, last.reason) == (
        start,
        to,
        "staff",
        reason,
    )
    assert change.to_status == to
    assert entry.actor == "staff"
    assert json.loads(entry.detail) == {"from": start, "reason": reason}


def test_every_illegal_transition_is_refused_and_changes_nothing(server):
    refused = []
    with server.db() as session:
        for start, to in ILLEGAL:
            application = new_application(session, f"illegal-{start}-{to}"[:64], start)
            with pytest.raises(ApplicationRefused) as caught:
                move(session, application, to, "staff", "alasan")
            refused.append((caught.value.status, caught.value.reason, caught.value.extra))
            assert application.status == start
            assert len(application.history) == 1
            assert audit_actions(session, application.ticket) == ["application.submit"]

    assert refused == [
        (409, "illegal_transition", {"current": start, "to": to}) for start, to in ILLEGAL
    ]
    assert len(ILLEGAL) == len(STATUSES) ** 2 - len(LEGAL)


@pytest.mark.parametrize("to", ["needs_fixing", "rejected"])
@pytest.mark.parametrize("reason", [None, "", "   "])
def test_needs_fixing_and_rejected_need_a_reason(server, to, reason):
    with server.db() as session:
        application = new_application(session, f"reason-{to}", "in_verification")
        with pytest.raises(ApplicationRefused) as caught:
            move(session, application, to, "staff", reason)

    assert caught.value.reason == "reason_required"


def test_a_step_someone_else_took_meanwhile_is_refused(server):
    with server.db() as session:
        application = new_application(session, "concurrent")
        # another officer's server process approves it behind this session's back
        session.execute(
            update(Application)
            .where(Application.id == application.id)
            .values(status="rejected")
            .execution_options(synchronize_session=False)
        )
        with pytest.raises(ApplicationRefused) as caught:
            move(session, application, "in_verification", "staff")

    assert caught.value.reason == "concurrent_change"


def test_request_fixes_tells_the_citizen_the_reason_and_the_papers(server):
    catalogue = default_catalogue()
    with server.db() as session:
        application = new_application(session, "fixes", "in_verification")
        request_fixes(
            session,
            application,
            "staff",
            "Foto KK terpotong di bagian bawah",
            ["kk"],
            catalogue,
            OutboxNotifier(session),
        )
        (note,) = session.scalars(select(Notification)).all()

    assert application.status == "needs_fixing"
    assert application.papers_to_fix == ["kk"]
    assert (note.kind, note.channel, note.recipient) == (
        "needs_fixing",
        "whatsapp",
        "+6281234567890",
    )
    assert "Foto KK terpotong di bagian bawah" in note.text
    assert application.ticket in note.text
    assert "Kartu Keluarga" in note.text


def test_request_fixes_for_a_paper_the_service_does_not_ask_is_refused(server):
    with server.db() as session:
        application = new_application(session, "fixes-unknown", "in_verification")
        with pytest.raises(ApplicationRefused) as caught:
            request_fixes(
                session,
                application,
                "staff",
                "Foto buram",
                ["paspor"],
                default_catalogue(),
                OutboxNotifier(session),
            )

    assert caught.value.reason == "unknown_requirement"
    assert application.status == "in_verification"


def test_resubmitted_papers_send_it_back_to_verification_once(server):
    service = default_catalogue().services["kia"]
    new_kk = check_papers(service, [("kk", "image/png", base64.b64encode(png("red")).decode())])
    with server.db() as session:
        application = new_application(session, "resubmit", "needs_fixing")
        application.status_reason = "Foto KK buram"
        assert resubmit(session, application, "kiosk:ADM-7307-01", new_kk) is True
        again = resubmit(session, application, "kiosk:ADM-7307-01", new_kk)
        current = {p.requirement_code: p.sha256 for p in application.current_papers()}
        superseded = [p for p in application.papers if p.superseded_at is not None]
        steps = [(h.from_status, h.to_status) for h in application.history]

    assert again is False  # a repeat from the kiosk outbox changes nothing
    assert application.status == "in_verification"
    assert application.status_reason is None
    assert current["kk"] == new_kk[0].sha256
    assert [p.requirement_code for p in superseded] == ["kk"]
    assert steps == [(None, "submitted"), ("needs_fixing", "in_verification")]


def test_new_papers_for_an_application_not_needing_fixes_are_refused(server):
    service = default_catalogue().services["kia"]
    papers = check_papers(service, [("kk", "image/png", base64.b64encode(png("blue")).decode())])
    with server.db() as session:
        application = new_application(session, "resubmit-early", "submitted")
        with pytest.raises(ApplicationRefused) as caught:
            resubmit(session, application, "kiosk:ADM-7307-01", papers)

    assert caught.value.reason == "illegal_transition"
    assert application.status == "submitted"


def test_reject_tells_the_citizen_why(server):
    reason = "Surat keterangan lahir bukan milik anak yang dimohonkan"
    with server.db() as session:
        application = new_application(session, "reject", "in_verification")
        reject(session, application, "staff", reason, default_catalogue(), OutboxNotifier(session))
        notes = session.execute(select(Notification.kind, Notification.text)).all()

    assert application.status == "rejected"
    assert application.status_reason == reason
    ((kind, text),) = notes
    assert kind == "rejected"
    assert reason in text
    assert "ditolak" in text
