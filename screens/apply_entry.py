"""Apply, what the citizen types: the NIK, a mobile number, and the service's questions.

    apply_nik -> apply_phone -> apply_field (one question at a time) -> apply_confirm

Each is checked on its own screen as the server would check it (kiosk/apply.py): a wrong NIK
is refused where it was typed, in plain words, and nothing moves on.

While the NIK screen shows, the scanner feeds it (ScanMode.NIK, kiosk/core.py): a scanned NIK
fills the field and is checked as a typed one; anything else scanned is told on this screen and
changes nothing.
"""

from __future__ import annotations

from typing import Any

from kivy.properties import BooleanProperty, DictProperty, NumericProperty, StringProperty

from kiosk.apply import (
    answer_problem,
    date_from_digits,
    grouped,
    nik_problem,
    phone_problem,
)
from kiosk.codes import ScanMode
from kiosk.events import NikScanned, ScanRefused
from kiosk.info_text import name_in
from screens import feedback_parts  # noqa: F401  (the footer buttons of the .kv rules)
from screens.apply_common import ApplyScreen
from screens.base import SecondaryButton, load_kv
from screens.registry import kiosk_screen

MAX_PHONE = 14  # 628 and eleven more digits


class ChoiceButton(SecondaryButton):
    """One answer of a choice question; ``chosen`` shows which one is picked."""

    chosen = BooleanProperty(False)


def date_mask(digits: str) -> str:
    """'0111' -> '01-11-____'."""
    filled = (digits + "________")[:8]
    return f"{filled[0:2]}-{filled[2:4]}-{filled[4:8]}"


@kiosk_screen("apply_nik")
class ApplyNikScreen(ApplyScreen):
    """The applicant's NIK on our keypad or from the scanner, checked for its structure."""

    nik = StringProperty("")
    problem = StringProperty("")  # a message key, or ""
    scan_message = StringProperty("")  # why the last scan was no NIK (a message key), or ""

    grouped = staticmethod(grouped)

    def on_pre_enter(self, *args: Any) -> None:
        self.problem = ""
        self.scan_message = ""
        self._scans_for(ScanMode.NIK)

    def on_pre_leave(self, *args: Any) -> None:
        self._scans_for(ScanMode.PICKUP)

    def _scans_for(self, mode: ScanMode) -> None:
        core = getattr(self.app, "core", None)
        if core is not None:
            core.set_scan_mode(mode)

    def core_event(self, event: object) -> bool:
        if not isinstance(event, NikScanned | ScanRefused):
            return False
        if isinstance(event, ScanRefused) and event.mode != ScanMode.NIK.value:
            return False
        if self.manager is None or self.manager.current != self.name:
            return True  # read just as the citizen left: not theirs to see on another screen
        if isinstance(event, NikScanned):
            self.scanned(event.nik)
        else:
            self.scan_message = event.message
            self.content_changed()
        return True

    def scanned(self, nik: str) -> None:
        """A NIK from the scanner: in the field, and checked as if typed (without Next)."""
        self.scan_message = ""
        self.ids.keypad.value = nik  # the keypad holds what Next takes; it sets self.nik
        self.problem = nik_problem(nik) or ""
        self.content_changed()

    def on_nik(self, instance: Any, value: str) -> None:
        self.scan_message = ""
        if self.problem and not nik_problem(value) or not value:
            self.problem = ""

    def on_problem(self, instance: Any, value: str) -> None:
        self._show_variant()
        if value:
            self.content_changed()

    def on_scan_message(self, instance: Any, value: str) -> None:
        self._show_variant()

    def _show_variant(self) -> None:
        self.variant = "invalid" if self.problem else "scan_refused" if self.scan_message else ""

    def back(self) -> None:
        capture = self.app.screen("apply_capture")
        if capture.total:
            capture.index = capture.total - 1
            capture._show_paper()
            self.app.show("apply_capture")
        else:
            self.app.show("apply_requirements")

    def next(self) -> None:
        problem = nik_problem(self.nik)
        if problem:
            self.problem = problem
            return
        self.draft.nik = self.nik
        self.app.show("apply_phone")

    def reset(self) -> None:
        self.ids.keypad.clear()
        self.nik = ""
        self.problem = ""
        self.scan_message = ""
        super().reset()


@kiosk_screen("apply_phone")
class ApplyPhoneScreen(ApplyScreen):
    """A mobile number for the office's WhatsApp messages (required)."""

    back_to = "apply_nik"
    phone = StringProperty("")
    problem = StringProperty("")
    max_phone = MAX_PHONE

    grouped = staticmethod(grouped)

    def on_pre_enter(self, *args: Any) -> None:
        self.problem = ""

    def on_phone(self, instance: Any, value: str) -> None:
        if self.problem and (not value or not phone_problem(value)):
            self.problem = ""

    def on_problem(self, instance: Any, value: str) -> None:
        self.variant = "invalid" if value else ""
        if value:
            self.content_changed()

    def next(self) -> None:
        problem = phone_problem(self.phone)
        if problem:
            self.problem = problem
            return
        self.draft.phone = self.phone
        field = self.app.screen("apply_field")
        if self.draft.field_specs():
            field.ask(0)
            self.app.show("apply_field")
        else:
            self.app.show("apply_confirm")

    def reset(self) -> None:
        self.ids.keypad.clear()
        self.phone = ""
        self.problem = ""
        super().reset()


@kiosk_screen("apply_field")
class ApplyFieldScreen(ApplyScreen):
    """One question of the service; ``mode``: text (keyboard), digits, date (keypad), choice."""

    index = NumericProperty(0)
    total = NumericProperty(0)
    spec = DictProperty({})
    mode = StringProperty("text")
    value = StringProperty("")  # as typed: letters, digits, or a choice's code
    problem = StringProperty("")

    def ask(self, index: int) -> None:
        specs = self.draft.field_specs()
        self.total = len(specs)
        self.index = index
        self.spec = specs[index]
        kind = self.spec.get("type")
        self.mode = {"date": "date", "nik": "digits", "kk_number": "digits"}.get(
            str(kind), "choice" if kind == "choice" else "text"
        )
        self.problem = ""
        self.variant = str(self.spec.get("code", ""))
        saved = self.draft.fields.get(str(self.spec.get("code")), "")
        if self.mode == "date" and saved:
            saved = f"{saved[8:10]}{saved[5:7]}{saved[0:4]}"
        self.ids.keyboard.value = saved if self.mode == "text" else ""
        self.ids.keypad.value = saved if self.mode in ("digits", "date") else ""
        self.ids.keypad.max_length = 8 if self.mode == "date" else 16
        self.value = saved
        self.fill_choices()

    def on_pre_enter(self, *args: Any) -> None:
        self.ids.keyboard.label_keys()
        self.app.bind(language=self.ids.keyboard.label_keys)
        self.app.bind(language=self.fill_choices)

    def on_leave(self, *args: Any) -> None:
        self.app.unbind(language=self.ids.keyboard.label_keys)
        self.app.unbind(language=self.fill_choices)
        super().on_leave(*args)

    def on_problem(self, instance: Any, value: str) -> None:
        self.variant = str(self.spec.get("code", "")) + ("-invalid" if value else "")
        if value:
            self.content_changed()

    def typed(self, value: str) -> None:
        self.value = value
        if self.problem:
            self.problem = ""

    def fill_choices(self, *args: Any) -> None:
        box = self.ids.choices
        box.clear_widgets()
        if self.mode != "choice":
            return
        lang = self.app.language if self.app is not None else "id"
        for option in self.spec.get("options") or []:
            code = str(option.get("code"))
            button = ChoiceButton(text=name_in(option, lang), chosen=self.value == code)
            button.bind(on_release=lambda _b, c=code: self.choose(c))
            box.add_widget(button)

    def choose(self, code: str) -> None:
        self.typed(code)
        self.fill_choices()
        self.next()

    def title(self, spec: dict[str, Any], lang: str) -> str:
        return name_in(spec, lang) if spec else ""

    def shown_value(self, value: str, mode: str) -> str:
        if mode == "date":
            return date_mask(value)
        if mode == "digits":
            return grouped(value)
        return value

    def answer(self) -> str:
        if self.mode == "date":
            return date_from_digits(self.value) or self.value
        return self.value.strip()

    def next(self) -> None:
        answer = self.answer()
        if self.mode == "date" and self.value and not date_from_digits(self.value):
            problem: str | None = "apply.field.date"
        else:
            problem = answer_problem(dict(self.spec), answer)
        if problem:
            self.problem = problem
            return
        self.draft.fields[str(self.spec.get("code"))] = answer
        if self.index + 1 < self.total:
            self.ask(self.index + 1)
            self.content_changed()
        else:
            self.app.show("apply_confirm")

    def back(self) -> None:
        if self.index > 0:
            self.ask(self.index - 1)
            self.content_changed()
        else:
            self.app.show("apply_phone")

    def reset(self) -> None:
        self.ids.keyboard.clear()
        self.ids.keyboard.lower = False
        self.ids.keypad.clear()
        self.ids.choices.clear_widgets()
        self.value = ""
        self.spec = {}
        self.problem = ""
        self.index = 0
        self.total = 0
        super().reset()


load_kv("apply_entry.kv")
