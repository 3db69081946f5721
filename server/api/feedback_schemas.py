"""Request and response bodies of complaints (pengaduan) and satisfaction surveys (SKM).

Free text is checked here (server/plain_text.py): a refused body is a 422 naming the field,
and nothing is stored.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal, get_args

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from server.api.times import ServerTime
from server.applications.errors import ApplicationRefused
from server.applications.submission import normalise_phone
from server.feedback import complaints, surveys
from server.models import Complaint
from server.plain_text import clean_text

CategoryName = Literal["layanan", "dokumen", "perangkat", "petugas", "lainnya"]
ComplaintStatus = Literal["open", "answered", "closed"]
QuestionId = Literal[
    "persyaratan",
    "prosedur",
    "waktu",
    "biaya",
    "produk",
    "kompetensi",
    "perilaku",
    "pengaduan",
    "sarana",
]
assert set(get_args(CategoryName)) == set(complaints.CATEGORIES)
assert set(get_args(ComplaintStatus)) == set(complaints.STATUSES)
assert list(get_args(QuestionId)) == list(surveys.QUESTIONS)


def _paragraphs(max_length: int) -> AfterValidator:
    return AfterValidator(lambda text: clean_text(text, max_length, lines=True))


def _mobile(phone: str | None) -> str | None:
    if phone is None or not phone.strip():
        return None
    try:
        return normalise_phone(phone)
    except ApplicationRefused:
        raise ValueError("not an Indonesian mobile number (08..., +628...)") from None


def _comment(text: str) -> str:
    return clean_text(text, surveys.MAX_COMMENT) if text.strip() else ""


# --- complaints -------------------------------------------------------------------------------


class ComplaintCreate(BaseModel):
    """What the citizen typed at the kiosk; the phone, if given, is where the answer goes."""

    model_config = ConfigDict(extra="forbid")

    category: CategoryName
    text: Annotated[
        str,
        Field(min_length=1, max_length=complaints.MAX_TEXT),
        _paragraphs(complaints.MAX_TEXT),
    ]
    contact_phone: Annotated[str | None, Field(max_length=40), AfterValidator(_mobile)] = None


class ComplaintReceipt(BaseModel):
    """For the kiosk's screen and receipt: the ticket the citizen notes."""

    ticket: str
    category: CategoryName
    status: ComplaintStatus
    created_at: ServerTime


class ComplaintAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    answer: Annotated[
        str,
        Field(min_length=1, max_length=complaints.MAX_ANSWER),
        _paragraphs(complaints.MAX_ANSWER),
    ]


class ComplaintPublic(BaseModel):
    """The office's view of one complaint, with the phone to reach the citizen."""

    ticket: str
    kiosk_id: str | None
    category: CategoryName
    category_id: str  # the category's name in Indonesian
    text: str
    contact_phone: str | None
    status: ComplaintStatus
    answer: str | None
    created_at: ServerTime
    answered_at: ServerTime | None
    answered_by: str | None


def complaint_receipt(complaint: Complaint) -> ComplaintReceipt:
    return ComplaintReceipt.model_validate(complaint, from_attributes=True)


def complaint_public(complaint: Complaint) -> ComplaintPublic:
    return ComplaintPublic.model_validate(
        {
            **{
                name: getattr(complaint, name)
                for name in ComplaintPublic.model_fields
                if name != "category_id"
            },
            "category_id": complaints.CATEGORIES[complaint.category][0],
        }
    )


# --- surveys ----------------------------------------------------------------------------------


class SurveyCreate(BaseModel):
    """One survey: the overall rating, and optionally the nine SKM unsur on their 1-4 scale."""

    model_config = ConfigDict(extra="forbid")

    service: str = Field(min_length=1, max_length=40)  # "print" or a service code
    rating: int = Field(strict=True, ge=1, le=5)  # 1 sangat tidak puas .. 5 sangat puas
    answers: dict[QuestionId, Annotated[int, Field(strict=True, ge=1, le=4)]] = Field(
        default_factory=dict
    )
    comment: Annotated[str, Field(max_length=surveys.MAX_COMMENT), AfterValidator(_comment)] = ""


class SurveyReceipt(BaseModel):
    id: int
    service: str
    rating: int
    created_at: ServerTime


class QuestionSummaryPublic(BaseModel):
    id: QuestionId
    name_id: str
    name_en: str
    count: int
    mean: float | None  # on the SKM scale, 1-4


class KioskSummaryPublic(BaseModel):
    kiosk_id: str | None
    count: int
    mean_rating: float | None


class SurveySummaryPublic(BaseModel):
    """Over the surveys answered from `since` to `until` (both days included)."""

    model_config = ConfigDict(from_attributes=True)

    since: date | None
    until: date | None
    kiosk_id: str | None
    count: int
    mean_rating: float | None  # 1-5
    ratings: dict[str, int]  # "1".."5" -> how many surveys gave that rating
    questions: list[QuestionSummaryPublic]
    ikm: float | None  # indeks kepuasan masyarakat, 25-100, when all nine unsur have answers
    ikm_grade: Literal["A", "B", "C", "D"] | None
    kiosks: list[KioskSummaryPublic]
