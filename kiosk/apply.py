"""One citizen's application while it is being put together at the kiosk, and its checks.

The draft holds what the citizen gave (service, photographed papers, NIK, phone, answers) in
memory only, until "Send": then :meth:`ApplicationDraft.body` becomes one outbox message and
the draft is wiped. The idempotency key is made once per draft, when the draft starts, so a
resend of the same application (outbox retry, power cut) is the same request to the server.

The checks repeat the server's (server/nik.py, server/applications/submission.py) so a citizen
hears about a mistake on the screen where they made it, not minutes later from the office.
"""

from __future__ import annotations

import base64
import re
import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

# --- NIK -------------------------------------------------------------------------------------
NIK_LENGTH = 16


def nik_problem(nik: str, today: date | None = None) -> str | None:
    """Why ``nik`` cannot be a NIK (a message key), or None when its structure is right.

    16 digits: province, regency, district (none 00), birth date DDMMYY with 40 added to the
    day for women, a serial that is not 0000.
    """
    if len(nik) != NIK_LENGTH or not nik.isascii() or not nik.isdigit():
        return "apply.nik.length"
    if "00" in (nik[0:2], nik[2:4], nik[4:6]):
        return "apply.nik.region"
    day, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    if day > 40:
        day -= 40
    this_year = (today or date.today()).year
    year = 2000 + yy if yy <= this_year % 100 else 1900 + yy
    try:
        date(year, month, day)
    except ValueError:
        return "apply.nik.date"
    if nik[12:16] == "0000":
        return "apply.nik.serial"
    return None


def mask_nik(nik: str) -> str:
    """7307**********03: the office's way of showing a NIK in logs and on paper."""
    if len(nik) < 8:
        return "*" * len(nik)
    return nik[:4] + "*" * (len(nik) - 6) + nik[-2:]


# --- mobile number ----------------------------------------------------------------------------
# 08xx with 10 to 13 digits in all, or the same number written 628xx (+62 cannot be typed on
# the keypad; it is the same number).
_MOBILE = re.compile(r"^(?:0|62)(8[0-9]{8,11})$")


def phone_problem(digits: str) -> str | None:
    """Why ``digits`` is not an Indonesian mobile number (a message key), or None."""
    if not digits:
        return "apply.phone.empty"
    if not digits.startswith(("08", "628")):
        return "apply.phone.prefix"
    if _MOBILE.match(digits) is None:
        return "apply.phone.length"
    return None


def mask_phone(digits: str) -> str:
    """0812 **** 7890: enough to recognise one's own number, not enough for the next person."""
    if len(digits) <= 8:
        return digits
    return f"{digits[:4]} {'*' * (len(digits) - 8)} {digits[-4:]}"


def grouped(digits: str) -> str:
    """7307 0514 0580 0003: easier to check against the card than sixteen digits in a row."""
    return " ".join(digits[i : i + 4] for i in range(0, len(digits), 4))


# --- the service's questions -----------------------------------------------------------------
_KK = re.compile(r"^[0-9]{16}$")
MAX_ANSWER = 200


def answer_problem(spec: dict[str, Any], value: str, today: date | None = None) -> str | None:
    """Why ``value`` does not answer the catalogue question ``spec`` (a message key), or None.

    ``value`` is what the screen will send: a date as YYYY-MM-DD, a choice as its code.
    """
    value = value.strip()
    if not value:
        return "apply.field.required" if spec.get("required") else None
    if len(value) > MAX_ANSWER or not value.isprintable():
        return "apply.field.text"
    kind = spec.get("type")
    if kind == "date":
        try:
            day = date.fromisoformat(value)
        except ValueError:
            return "apply.field.date"
        if day > (today or date.today()) or day.year < 1900:
            return "apply.field.date_range"
    elif kind == "nik":
        return nik_problem(value, today)
    elif kind == "kk_number" and not _KK.match(value):
        return "apply.field.kk"
    elif kind == "choice":
        codes = {str(o.get("code")) for o in spec.get("options") or [] if isinstance(o, dict)}
        if value not in codes:
            return "apply.field.choice"
    return None


def date_from_digits(digits: str) -> str:
    """DDMMYYYY typed on the keypad -> YYYY-MM-DD ("" when not eight digits)."""
    if len(digits) != 8 or not digits.isdigit():
        return ""
    return f"{digits[4:8]}-{digits[2:4]}-{digits[0:2]}"


# --- the draft --------------------------------------------------------------------------------
@dataclass
class ApplicationDraft:
    """What one citizen has given so far; :meth:`wipe` forgets all of it."""

    kiosk_id: str
    key: str = ""
    service: dict[str, Any] = field(default_factory=dict)
    papers: dict[str, bytearray] = field(default_factory=dict)  # requirement -> JPEG
    nik: str = ""
    phone: str = ""
    fields: dict[str, str] = field(default_factory=dict)

    def start(self, service: dict[str, Any]) -> None:
        """A new application for ``service``, with a new idempotency key; nothing kept before."""
        self.wipe()
        self.service = dict(service)
        # 8-64 of A-Z a-z 0-9 _.:- (the server's rule for Idempotency-Key)
        self.key = f"app-{self.kiosk_id}-{uuid.uuid4().hex}"[:64]

    @property
    def service_code(self) -> str:
        return str(self.service.get("code", ""))

    @property
    def reference(self) -> str:
        """A short number a citizen can read out, from the key the server keeps with the
        application (Idempotency-Key), so the office can find it before the ticket is known."""
        tail = self.key.rsplit("-", 1)[-1][:8].upper()
        return f"{tail[:4]}-{tail[4:]}" if tail else ""

    def paper_specs(self) -> list[dict[str, Any]]:
        return [p for p in self.service.get("papers") or [] if isinstance(p, dict)]

    def field_specs(self) -> list[dict[str, Any]]:
        return [f for f in self.service.get("fields") or [] if isinstance(f, dict)]

    def keep_paper(self, requirement: str, jpeg: bytes) -> None:
        """A photographed paper the citizen chose to use (a retake replaces the older one)."""
        self.drop_paper(requirement)
        self.papers[requirement] = bytearray(jpeg)

    def drop_paper(self, requirement: str) -> None:
        old = self.papers.pop(requirement, None)
        if old is not None:
            old[:] = bytes(len(old))  # overwrite, so the photo does not linger in freed memory

    def missing_papers(self) -> list[str]:
        return [
            str(p.get("code"))
            for p in self.paper_specs()
            if p.get("required") and str(p.get("code")) not in self.papers
        ]

    def problems(self) -> list[str]:
        """What still stops sending (message keys); empty when the draft is complete."""
        found = []
        if not self.service_code or not self.key:
            found.append("apply.problem.service")
        if self.missing_papers():
            found.append("apply.problem.papers")
        if nik_problem(self.nik):
            found.append("apply.problem.nik")
        if phone_problem(self.phone):
            found.append("apply.problem.phone")
        if any(
            answer_problem(s, self.fields.get(str(s.get("code")), "")) for s in self.field_specs()
        ):
            found.append("apply.problem.fields")
        return found

    def body(self) -> dict[str, Any]:
        """The request the server takes (POST /api/v1/kiosk/applications)."""
        answers = {code: value.strip() for code, value in self.fields.items() if value.strip()}
        return {
            "service": self.service_code,
            "applicant_nik": self.nik,
            "applicant_phone": self.phone,
            "notify_via": "whatsapp",
            "fields": answers,
            "papers": [
                {
                    "requirement": code,
                    "content_type": "image/jpeg",
                    "data": base64.b64encode(bytes(jpeg)).decode("ascii"),
                }
                for code, jpeg in self.papers.items()
            ],
        }

    def detach(self) -> ApplicationDraft:
        """Move everything into a new draft (the one to send), leaving this one empty."""
        moved = ApplicationDraft(
            self.kiosk_id, self.key, self.service, self.papers, self.nik, self.phone, self.fields
        )
        self.key, self.service, self.papers = "", {}, {}
        self.nik, self.phone, self.fields = "", "", {}
        return moved

    @property
    def empty(self) -> bool:
        return not (self.key or self.papers or self.nik or self.phone or self.fields)

    def wipe(self) -> int:
        """Forget everything of this citizen; returns how many photos were dropped."""
        photos = len(self.papers)
        for requirement in list(self.papers):
            self.drop_paper(requirement)
        self.key = ""
        self.service = {}
        self.nik = ""
        self.phone = ""
        self.fields = {}
        return photos
