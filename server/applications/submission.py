"""Receiving an application: check the form against the catalogue, give it a ticket, store it once.

A kiosk's outbox repeats a submission until it hears back, so a submission carries an
idempotency key: the same key with the same content returns the first application, the same
key with other content is refused. Nothing is stored when anything is refused.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server.applications.errors import ApplicationRefused
from server.applications.models import Application, ApplicationPaper, StatusChange
from server.applications.papers import CheckedPaper
from server.audit import audit
from server.catalogue import Catalogue, FieldSpec, Service
from server.codes import ALPHABET
from server.fleet import enabled_services
from server.models import Kiosk
from server.nik import InvalidNik, parse_nik
from server.privacy import mask_nik
from server.signing import canonical_json

CHANNELS = ("kiosk", "whatsapp", "web", "counter")
MAX_TEXT = 200
_PHONE = re.compile(r"^(?:\+62|62|0)(8[0-9]{7,12})$")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,100}\.[A-Za-z]{2,24}$")
_KK = re.compile(r"^[0-9]{16}$")


@dataclass(frozen=True)
class Submission:
    """What a citizen handed in, before it is checked against the catalogue."""

    service_code: str
    applicant_nik: str
    applicant_phone: str | None
    applicant_email: str | None
    notify_via: str
    fields: dict[str, str]
    papers: list[CheckedPaper]

    def digest(self) -> str:
        """SHA-256 of the content, papers by their hashes: equal requests, equal digests."""
        content = {
            "service": self.service_code,
            "nik": self.applicant_nik,
            "phone": self.applicant_phone,
            "email": self.applicant_email,
            "notify_via": self.notify_via,
            "fields": self.fields,
            "papers": [[p.requirement_code, p.content_type, p.sha256] for p in self.papers],
        }
        return hashlib.sha256(canonical_json(content)).hexdigest()


def service_of(catalogue: Catalogue, code: str) -> Service:
    service = catalogue.services.get(code)
    if service is None:
        raise ApplicationRefused(422, "unknown_service", f"No service {code!r} in the catalogue")
    return service


def normalise_phone(phone: str) -> str:
    """An Indonesian mobile number as +628..., or refused."""
    match = _PHONE.match(re.sub(r"[\s-]", "", phone))
    if match is None:
        raise ApplicationRefused(422, "invalid_phone", "Nomor HP tidak valid / invalid phone")
    return "+62" + match.group(1)


def _check_value(spec: FieldSpec, value: str) -> str:
    value = value.strip()
    bad = ApplicationRefused(
        422, "invalid_field", f"Field {spec.code!r} is not valid", field=spec.code
    )
    if len(value) > MAX_TEXT or not value.isprintable():
        raise bad
    if spec.type == "date":
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise bad from None
        if day > date.today() or day.year < 1900:
            raise bad
        return day.isoformat()
    if spec.type == "nik":
        try:
            parse_nik(value)
        except InvalidNik:
            raise bad from None
    elif spec.type == "kk_number" and not _KK.match(value):
        raise bad
    elif spec.type == "choice" and value not in {o.code for o in spec.options}:
        raise bad
    return value


def check_fields(service: Service, fields: dict[str, str]) -> dict[str, str]:
    """The answers, normalised; unknown, missing and malformed answers are refused by field."""
    for code in fields:
        if service.field(code) is None:
            raise ApplicationRefused(
                422, "unknown_field", f"{service.code} asks no field {code!r}", field=code
            )
    checked: dict[str, str] = {}
    for spec in service.fields:
        value = fields.get(spec.code, "").strip()
        if not value:
            if spec.required:
                raise ApplicationRefused(
                    422, "missing_field", f"Field {spec.code!r} is required", field=spec.code
                )
            continue
        checked[spec.code] = _check_value(spec, value)
    return checked


def missing_papers(service: Service, papers: list[str]) -> list[str]:
    """Required requirement codes with no paper."""
    return [p.code for p in service.papers if p.required and p.code not in papers]


def check_submission(service: Service, submission: Submission) -> Submission:
    """The submission with its answers normalised, or ApplicationRefused naming the problem."""
    try:
        parse_nik(submission.applicant_nik)
    except InvalidNik as exc:
        raise ApplicationRefused(422, "invalid_nik", str(exc)) from None
    phone = normalise_phone(submission.applicant_phone) if submission.applicant_phone else None
    email = (submission.applicant_email or "").strip() or None
    if email is not None and not _EMAIL.match(email):
        raise ApplicationRefused(422, "invalid_email", "Alamat e-mail tidak valid / invalid e-mail")
    contact = {"whatsapp": phone, "sms": phone, "email": email}.get(submission.notify_via)
    if contact is None:
        raise ApplicationRefused(
            422, "no_contact", "Give the phone or e-mail the notification should go to"
        )
    fields = check_fields(service, submission.fields)
    missing = missing_papers(service, [p.requirement_code for p in submission.papers])
    if missing:
        raise ApplicationRefused(
            422, "missing_papers", "Required papers are missing", papers=missing
        )
    return Submission(
        service.code,
        submission.applicant_nik,
        phone,
        email,
        submission.notify_via,
        fields,
        submission.papers,
    )


def new_ticket(session: Session, region_code: str, now: datetime) -> str:
    """ADM-7307-2611-7KQ2: regency, year and month, four characters easy to read aloud."""
    regency = re.sub(r"[^0-9]", "", region_code)[:4].ljust(4, "0")
    for _ in range(20):
        tail = "".join(secrets.choice(ALPHABET) for _ in range(4))
        ticket = f"ADM-{regency}-{now:%y%m}-{tail}"
        if session.scalar(select(Application.id).where(Application.ticket == ticket)) is None:
            return ticket
    raise ApplicationRefused(503, "tickets_exhausted", "No free ticket number; try again")


def _replay(existing: Application, digest: str) -> Application:
    if existing.request_digest != digest:
        raise ApplicationRefused(
            409,
            "idempotency_conflict",
            "This idempotency key was already used for a different application",
            ticket=existing.ticket,
        )
    return existing


def _by_key(session: Session, kiosk: Kiosk, key: str) -> Application | None:
    return session.scalar(
        select(Application).where(
            Application.kiosk_id == kiosk.id, Application.idempotency_key == key
        )
    )


def submit_at_kiosk(
    session: Session, catalogue: Catalogue, kiosk: Kiosk, key: str, submission: Submission
) -> tuple[Application, bool]:
    """Store the application once per (kiosk, key); returns it and whether it is new."""
    service = service_of(catalogue, submission.service_code)
    # One submission per kiosk at a time (PostgreSQL row lock; SQLite serialises writers), so a
    # twin sent by the kiosk's outbox while the first is still being stored finds the first.
    session.execute(select(Kiosk.id).where(Kiosk.id == kiosk.id).with_for_update())
    existing = _by_key(session, kiosk, key)
    if existing is not None:
        # A retry of what was accepted is answered as before, even if the office has since
        # stopped offering the service here.
        return _replay(existing, check_submission(service, submission).digest()), False
    if service.code not in enabled_services(kiosk):
        raise ApplicationRefused(
            403,
            "service_not_offered",
            "This service is not offered at this kiosk's location",
            service=service.code,
        )
    submission = check_submission(service, submission)
    digest = submission.digest()
    now = datetime.now()
    application = Application(
        ticket=new_ticket(session, kiosk.region_code, now),
        service_code=service.code,
        channel="kiosk",
        status="submitted",
        region_code=kiosk.region_code,
        applicant_nik=submission.applicant_nik,
        applicant_phone=submission.applicant_phone,
        applicant_email=submission.applicant_email,
        notify_via=submission.notify_via,
        fix_papers="[]",
        kiosk_id=kiosk.id,
        idempotency_key=key,
        request_digest=digest,
        created_at=now,
        updated_at=now,
    )
    application.set_fields(submission.fields)
    application.papers = [_paper(p, now) for p in submission.papers]
    application.history = [
        StatusChange(from_status=None, to_status="submitted", actor=f"kiosk:{kiosk.id}", at=now)
    ]
    session.add(application)
    try:
        session.flush()
    except IntegrityError:  # a twin got in between our lookup and now: its retry will replay
        raise ApplicationRefused(
            503, "try_again", "The same submission is being stored right now; send it again"
        ) from None
    audit(
        session,
        f"kiosk:{kiosk.id}",
        "application.submit",
        application.ticket,
        service=service.code,
        nik=mask_nik(submission.applicant_nik),
        papers=len(submission.papers),
    )
    return application, True


def _paper(paper: CheckedPaper, now: datetime) -> ApplicationPaper:
    return ApplicationPaper(
        requirement_code=paper.requirement_code,
        content_type=paper.content_type,
        size=len(paper.data),
        sha256=paper.sha256,
        data=paper.data,
        uploaded_at=now,
    )


def add_papers(application: Application, papers: list[CheckedPaper], now: datetime) -> bool:
    """Attach resubmitted papers, replacing older ones of the same requirement; False if all
    of them are already there (a repeated resubmission)."""
    present = {(p.requirement_code, p.sha256) for p in application.current_papers()}
    new = [p for p in papers if (p.requirement_code, p.sha256) not in present]
    if not new:
        return False
    replaced = {p.requirement_code for p in new}
    for old in application.current_papers():
        if old.requirement_code in replaced:
            old.superseded_at = now
    application.papers.extend(_paper(p, now) for p in new)
    return True


_TICKET = re.compile(rf"^ADM-[0-9]{{4}}-[0-9]{{4}}-[{ALPHABET}]{{4}}$")


def find_application(session: Session, ticket: str) -> Application:
    """The application of a ticket as typed (any case, spaces for dashes), or unknown_ticket."""
    text = re.sub(r"[\s-]+", "-", ticket.strip().upper())
    head, _, tail = text.rpartition("-")
    text = f"{head}-{tail.translate(str.maketrans('OIL', '011'))}"
    found = None
    if _TICKET.match(text):
        found = session.scalar(select(Application).where(Application.ticket == text))
    if found is None:
        raise ApplicationRefused(404, "unknown_ticket", "No application has this ticket number")
    return found
