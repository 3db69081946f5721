"""Check status: the citizen types the ticket of an application and sees where it is.

States: ``entry`` (the keyboard), ``checking``, ``result``, ``incomplete`` (no ticket could be
read from what was typed; the server is not asked), ``unknown`` (the server knows no such
ticket) and ``unavailable`` (no answer from the server). Nothing is kept after the session.
"""

from __future__ import annotations

from typing import Any

from kivy.properties import DictProperty, StringProperty

from kiosk.errors import ServerRefused
from kiosk.i18n import t
from kiosk.info_text import date_text, parse_time
from kiosk.tickets import MAX_TYPED, parse_ticket
from screens.base import (
    AMBER,
    AMBER_BG,
    BLUE,
    BLUE_LIGHT,
    GREEN,
    GREEN_DARK,
    GREEN_LIGHT,
    NAVY,
    RED,
    RED_DARK,
    BaseScreen,
    load_kv,
)
from screens.info_common import Fetch
from screens.registry import MENU, MenuEntry, kiosk_screen, menu_entry

READY = "issued"
DELIVERED = ("printed", "couriered", "emailed")
MESSAGE_STATES = ("checking", "incomplete", "unknown", "unavailable")


@kiosk_screen("status")
class StatusScreen(BaseScreen):
    state = StringProperty("entry")
    ticket = StringProperty("")  # the ticket asked about, in the server's form
    application = DictProperty({})  # the server's answer (KioskApplication)

    def __init__(self, **kw):
        super().__init__(**kw)
        self._fetch = Fetch()
        self._follows_language = False

    def on_kv_post(self, base_widget):
        self.ids.keyboard.max_length = MAX_TYPED

    def on_state(self, instance, value):
        self.variant = "" if value == "entry" else value

    def on_pre_enter(self, *args):
        app = self.app
        if app is not None and not self._follows_language:
            app.bind(language=self.ids.keyboard.label_keys)
            self._follows_language = True
        self.ids.keyboard.label_keys()
        if self.state != "entry":
            self._show("entry")

    def on_leave(self, *args):
        self._fetch.cancel()
        super().on_leave(*args)

    def reset(self) -> None:
        self._fetch.cancel()
        self.ids.keyboard.value = ""
        self.ids.keyboard.lower = False
        self.ticket = ""
        self.application = {}
        self.state = "entry"

    # --- what the citizen does -----------------------------------------------------------------
    def check(self) -> None:
        typed = self.ids.keyboard.value
        if not typed.strip() or self.state != "entry":
            return
        ticket = parse_ticket(typed)
        if ticket is None:
            self.ticket = typed.strip().upper()
            self._show("incomplete")
            return
        self.ticket = ticket
        self.application = {}
        self._show("checking")
        app = self.app
        if app is None:
            return
        server = app.core.server
        self._fetch.ask(lambda: server.application_status(ticket), self._answer, self._failed)

    def retry(self) -> None:
        """Ask the server again about the same ticket."""
        if self.state == "unavailable":
            self._show("entry")
            self.check()

    def edit(self) -> None:
        """Back to the keyboard with what was typed, to correct one character."""
        if self.state != "checking":
            self._show("entry")

    def back(self) -> None:
        """From the keyboard to the menu; from anything else to the keyboard."""
        app = self.app
        if self.state == "result":  # found: the next one is another ticket
            self.ids.keyboard.value = ""
        if self.state != "entry":
            self._fetch.cancel()
            self._show("entry")
        elif app is not None:
            app.show(self.back_to)

    def print_documents(self) -> None:
        app = self.app
        entry = MENU.get("print")
        if app is not None and entry is not None and self.ready(self.application):
            app.show(entry.screen)

    # --- answers ---------------------------------------------------------------------------
    def _answer(self, application: dict[str, Any]) -> None:
        if not isinstance(application, dict) or "status" not in application:
            self._show("unavailable")
            return
        self.application = application
        self.ticket = str(application.get("ticket") or self.ticket)
        self._show("result")

    def _failed(self, error: Exception) -> None:
        if isinstance(error, ServerRefused) and error.reason == "unknown_ticket":
            self._show("unknown")
        else:
            self._show("unavailable")

    def _show(self, state: str) -> None:
        self.state = state
        if state == "result":
            self.variant = "result-" + str(self.application.get("status", ""))
        self.ids.result_scroll.scroll_y = 1
        self.content_changed()

    # --- texts and colours for the kv rules ----------------------------------------------------
    def message_heading(self, state: str, lang: str) -> str:
        if state in ("incomplete", "unknown", "unavailable"):
            key = "info.unavailable.title" if state == "unavailable" else f"status.{state}.title"
            return t(key, lang)
        return ""

    def message_text(self, state: str, ticket: str, lang: str) -> str:
        if state == "checking":
            return t("status.checking", lang, ticket=ticket)
        if state == "unknown":
            return t("status.unknown.body", lang, ticket=ticket)
        if state == "incomplete":
            return t("status.incomplete.body", lang)
        if state == "unavailable":
            return t("info.unavailable.body", lang)
        return ""

    @staticmethod
    def typed_something(value: str) -> bool:
        return bool(value.strip())

    @staticmethod
    def reason_of(application: dict[str, Any]) -> str:
        """The officer's reason, quoted as written (in Indonesian); empty when there is none."""
        reason = str(application.get("reason") or "").strip()
        return f"\u201c{reason}\u201d" if reason else ""

    @staticmethod
    def service_name(application: dict[str, Any], lang: str) -> str:
        name = application.get("service_name_en" if lang == "en" else "service_name_id")
        return str(name or application.get("service_name_id") or application.get("service", ""))

    @staticmethod
    def status_label(application: dict[str, Any], lang: str) -> str:
        label = application.get("status_en" if lang == "en" else "status_id")
        return str(label or application.get("status_id") or application.get("status", ""))

    @staticmethod
    def next_step(application: dict[str, Any], lang: str) -> str:
        status = application.get("status")
        if not status:
            return ""
        if application.get("documents_ready") or status == READY:
            return t("status.next.ready", lang)
        if status == "needs_fixing":
            return t("status.next.needs_fixing", lang)
        if status == "rejected":
            return t("status.next.rejected", lang)
        if status in DELIVERED:
            return t("status.next.delivered", lang)
        return t("status.next.waiting", lang)

    @staticmethod
    def ready(application: dict[str, Any]) -> bool:
        return bool(application.get("documents_ready")) and "print" in MENU

    @staticmethod
    def missing_text(application: dict[str, Any], lang: str) -> str:
        names = []
        for paper in application.get("missing") or []:
            if isinstance(paper, dict):
                name = paper.get("name_en" if lang == "en" else "name_id") or paper.get("code")
                names.append(f"\u2022  {name}")
        return "\n".join(names)

    @staticmethod
    def submitted_text(application: dict[str, Any], lang: str) -> str:
        created = parse_time(application.get("created_at"))
        if created is None:
            return ""
        return t("status.submitted_on", lang, date=date_text(created, lang, with_time=False))

    @staticmethod
    def updated_text(application: dict[str, Any], lang: str) -> str:
        updated = parse_time(application.get("updated_at"))
        return (
            "" if updated is None else t("status.updated_on", lang, date=date_text(updated, lang))
        )

    @staticmethod
    def tone(application: dict[str, Any]) -> dict[str, Any]:
        """Background, border and text colour of the status panel."""
        status = application.get("status")
        if status == READY or status in DELIVERED:
            return {"bg": GREEN_LIGHT, "line": GREEN, "text": GREEN_DARK}
        if status == "needs_fixing":
            return {"bg": AMBER_BG, "line": AMBER, "text": RED_DARK}
        if status == "rejected":
            return {"bg": AMBER_BG, "line": RED, "text": RED_DARK}
        return {"bg": BLUE_LIGHT, "line": BLUE, "text": NAVY}


menu_entry(MenuEntry("status", "status", order=30))

load_kv("status.kv")
