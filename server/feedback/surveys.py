"""The satisfaction survey (survei kepuasan masyarakat, SKM) a citizen answers after a service.

Two parts, both from the kiosk's last screen:

- an overall rating, 1 (sangat tidak puas, very unsatisfied) to 5 (sangat puas, very satisfied),
  the one tap most citizens give;
- optionally the nine elements (unsur) of the national SKM (Permenpan RB No. 14 Tahun 2017),
  each on that regulation's own four-point scale: 1 tidak baik, 2 kurang baik, 3 baik,
  4 sangat baik. Answers on that scale add up to the office's satisfaction index (IKM), which
  offices report; so the scale is kept exactly, not stretched to five points.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.audit import audit
from server.catalogue import Catalogue
from server.feedback import FeedbackRefused
from server.feedback.replay import check_same, earlier_submission, lock_kiosk
from server.models import Kiosk, SurveyAnswer
from server.signing import canonical_json

log = logging.getLogger(__name__)

PRINT_SERVICE = "print"  # printing finished documents: not an application in the catalogue
RATINGS = (1, 2, 3, 4, 5)
SKM_SCALE = (1, 2, 3, 4)
# The nine unsur of Permenpan RB 14/2017, in its order: id -> (Indonesian, English)
QUESTIONS: dict[str, tuple[str, str]] = {
    "persyaratan": ("Persyaratan", "Requirements"),
    "prosedur": ("Sistem, mekanisme, dan prosedur", "Procedure"),
    "waktu": ("Waktu penyelesaian", "Time to complete"),
    "biaya": ("Biaya/tarif", "Cost"),
    "produk": ("Produk spesifikasi jenis pelayanan", "What the service delivers"),
    "kompetensi": ("Kompetensi pelaksana", "Competence of the staff"),
    "perilaku": ("Perilaku pelaksana", "Conduct of the staff"),
    "pengaduan": ("Penanganan pengaduan, saran dan masukan", "Handling of complaints"),
    "sarana": ("Sarana dan prasarana", "Facilities"),
}
MAX_COMMENT = 280
SUBMIT = "survey.submit"
# IKM (25-100) -> mutu pelayanan, Permenpan RB 14/2017: lowest index of each grade
IKM_GRADES = ((88.31, "A"), (76.61, "B"), (65.00, "C"), (25.00, "D"))


@dataclass(frozen=True)
class SurveyDraft:
    """A survey as the kiosk sent it, already checked but for the service code."""

    service: str
    rating: int
    answers: dict[str, int]
    comment: str

    def digest(self) -> str:
        content = {
            "service": self.service,
            "rating": self.rating,
            "answers": self.answers,
            "comment": self.comment,
        }
        return hashlib.sha256(canonical_json(content)).hexdigest()


def check_service(catalogue: Catalogue, service: str) -> None:
    if service != PRINT_SERVICE and service not in catalogue.services:
        raise FeedbackRefused(
            422, "unknown_service", f"Service is {PRINT_SERVICE!r} or a code of the catalogue"
        )


def submit_survey(
    session: Session, catalogue: Catalogue, kiosk: Kiosk, key: str, draft: SurveyDraft
) -> tuple[SurveyAnswer, bool]:
    """Store the survey once per (kiosk, key); returns it and whether it is new."""
    check_service(catalogue, draft.service)
    digest = draft.digest()
    lock_kiosk(session, kiosk)
    earlier = earlier_submission(session, SurveyAnswer, kiosk, key)
    if earlier is not None:
        check_same(earlier, digest, "survey")
        return earlier, False
    survey = SurveyAnswer(
        kiosk_id=kiosk.id,
        service=draft.service,
        rating=draft.rating,
        answers=json.dumps(draft.answers, sort_keys=True),
        comment=draft.comment,
        created_at=datetime.now(),
        idempotency_key=key,
        request_digest=digest,
    )
    session.add(survey)
    session.flush()
    audit(
        session,
        f"kiosk:{kiosk.id}",
        SUBMIT,
        str(survey.id),
        service=draft.service,
        rating=draft.rating,
    )
    log.info(
        "survey %s from kiosk %s: %s rated %d", survey.id, kiosk.id, draft.service, draft.rating
    )
    return survey, True


# --- the office's summary ---------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionSummary:
    id: str
    name_id: str
    name_en: str
    count: int
    mean: float | None


@dataclass(frozen=True)
class KioskSummary:
    kiosk_id: str | None
    count: int
    mean_rating: float | None


@dataclass(frozen=True)
class SurveySummary:
    since: date | None
    until: date | None
    kiosk_id: str | None
    count: int
    mean_rating: float | None
    ratings: dict[str, int]  # "1".."5" -> how many gave it
    questions: list[QuestionSummary]
    ikm: float | None  # 25-100, only when every one of the nine unsur has answers
    ikm_grade: str | None  # A (sangat baik) .. D (tidak baik)
    kiosks: list[KioskSummary]


def _mean(total: int, count: int) -> float | None:
    return round(total / count, 2) if count else None


def ikm_of(question_means: list[float]) -> float:
    """The SKM index: the nine unsur weighted equally, on the 1-4 scale times 25."""
    return round(sum(question_means) / len(question_means) * 25, 2)


def ikm_grade(ikm: float) -> str:
    return next((grade for lowest, grade in IKM_GRADES if ikm >= lowest), "D")


def summarise(
    session: Session, since: date | None, until: date | None, kiosk_id: str | None
) -> SurveySummary:
    """Counts and means of the surveys answered from ``since`` to ``until``, both included."""
    query = select(SurveyAnswer.kiosk_id, SurveyAnswer.rating, SurveyAnswer.answers)
    if since is not None:
        query = query.where(SurveyAnswer.created_at >= datetime.combine(since, time()))
    if until is not None:
        after = datetime.combine(until + timedelta(days=1), time())
        query = query.where(SurveyAnswer.created_at < after)
    if kiosk_id is not None:
        query = query.where(SurveyAnswer.kiosk_id == kiosk_id)
    ratings = dict.fromkeys(RATINGS, 0)
    per_question: dict[str, list[int]] = {q: [0, 0] for q in QUESTIONS}  # [count, total]
    per_kiosk: dict[str | None, list[int]] = defaultdict(lambda: [0, 0])
    for row_kiosk, rating, answers in session.execute(query):
        ratings[rating] = ratings.get(rating, 0) + 1
        per_kiosk[row_kiosk][0] += 1
        per_kiosk[row_kiosk][1] += rating
        for question, value in json.loads(answers or "{}").items():
            if question in per_question:
                per_question[question][0] += 1
                per_question[question][1] += value
    count = sum(ratings.values())
    questions = [
        QuestionSummary(
            q, name_id, name_en, per_question[q][0], _mean(per_question[q][1], per_question[q][0])
        )
        for q, (name_id, name_en) in QUESTIONS.items()
    ]
    answered = [total / n for n, total in per_question.values() if n]
    ikm = ikm_of(answered) if len(answered) == len(QUESTIONS) else None
    return SurveySummary(
        since=since,
        until=until,
        kiosk_id=kiosk_id,
        count=count,
        mean_rating=_mean(sum(r * n for r, n in ratings.items()), count),
        ratings={str(r): n for r, n in sorted(ratings.items())},
        questions=questions,
        ikm=ikm,
        ikm_grade=ikm_grade(ikm) if ikm is not None else None,
        kiosks=[
            KioskSummary(k, n, _mean(total, n))
            for k, (n, total) in sorted(per_kiosk.items(), key=lambda item: item[0] or "")
        ],
    )
