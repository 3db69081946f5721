"""Apply, the end: check everything, send, and leave with a ticket or a reference on paper.

    apply_confirm (what will be sent) -> apply_sent (sending -> ticket | saved | refused | failed)

"Send" writes the application to the core's durable outbox (off the UI thread: it is a disk
write of a few megabytes) and wipes the draft and every screen that showed what was typed. The
server's ticket arrives as ApplicationDelivered; the receipt is then printed with the ticket as
a QR code. If no ticket has come within TICKET_WAIT seconds (no network), the screen says the
application is saved here and sent by itself later, and the receipt carries the local
reference instead (kiosk/apply_desk.py says why that is honest); a ticket that comes later
while the screen is still up is shown too.
"""

from __future__ import annotations

import logging
from typing import Any

from kivy.clock import Clock
from kivy.properties import ListProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.apply import grouped
from kiosk.apply_desk import (
    ApplicationDelivered,
    ApplicationReceiptPrinted,
    ApplicationRefused,
    Queued,
)
from kiosk.info_text import name_in
from screens import feedback_parts  # noqa: F401  (the footer buttons of the .kv rules)
from screens.apply_common import ApplyScreen
from screens.base import load_kv
from screens.registry import kiosk_screen
from screens.tasks import in_background

log = logging.getLogger("screens")

TICKET_WAIT = 8.0  # seconds: a few photos on a slow village line, short for a person waiting
TYPED_SCREENS = (
    "apply",
    "apply_requirements",
    "apply_capture",
    "apply_review",
    "apply_nik",
    "apply_phone",
    "apply_field",
    "apply_confirm",
)


class ConfirmRow(BoxLayout):
    """One line of the summary: what, and what the citizen gave."""

    label = StringProperty("")
    value = StringProperty("")


@kiosk_screen("apply_confirm")
class ApplyConfirmScreen(ApplyScreen):
    """Everything the citizen gave, to check before "Send"."""

    rows = ListProperty([])  # (label, value) pairs, in the citizen's language

    def on_pre_enter(self, *args: Any) -> None:
        self.fill()
        self.app.bind(language=self.fill)
        self.ids.rows_scroll.scroll_y = 1

    def on_leave(self, *args: Any) -> None:
        self.app.unbind(language=self.fill)
        super().on_leave(*args)

    def fill(self, *args: Any) -> None:
        from kiosk.i18n import t

        draft = self.draft
        lang = self.app.language
        papers = [name_in(p, lang) for p in draft.paper_specs() if p.get("code") in draft.papers]
        rows = [
            (t("apply.confirm.service", lang), name_in(draft.service, lang)),
            (
                t("apply.confirm.papers", lang),
                t("apply.confirm.papers_count", lang, count=len(papers))
                + "\n"
                + "\n".join(f"\u2022 {name}" for name in papers),
            ),
            (t("apply.confirm.nik", lang), grouped(draft.nik)),
            (t("apply.confirm.phone", lang), grouped(draft.phone)),
        ]
        for spec in draft.field_specs():
            value = draft.fields.get(str(spec.get("code")), "")
            for option in spec.get("options") or []:
                if option.get("code") == value:
                    value = name_in(option, lang)
            if spec.get("type") == "date" and len(value) == 10:
                value = f"{value[8:10]}-{value[5:7]}-{value[0:4]}"
            rows.append((name_in(spec, lang), value or "-"))
        self.rows = rows
        box = self.ids.rows
        box.clear_widgets()
        for label, value in rows:
            box.add_widget(ConfirmRow(label=label, value=value))

    def back(self) -> None:
        field = self.app.screen("apply_field")
        if self.draft.field_specs():
            field.ask(len(self.draft.field_specs()) - 1)
            self.app.show("apply_field")
        else:
            self.app.show("apply_phone")

    def send(self) -> None:
        draft = self.draft
        problems = draft.problems()
        if problems:  # cannot happen through the screens; never send half an application
            log.error("application not sent, incomplete: %s", problems)
            return
        app = self.app
        sent: ApplySentScreen = app.screen("apply_sent")
        sent.start()
        name = str(draft.service.get("name_id") or draft.service_code)
        to_send = draft.detach()  # the worker sends (and wipes) this one; the screens forget
        in_background(
            lambda: app.core.applications.queue(to_send, name), sent.wait_for, sent.show_failed
        )
        app.show("apply_sent")
        # nothing typed stays on a screen the Back button could reach
        for screen in TYPED_SCREENS:
            app.screen(screen).reset()

    def reset(self) -> None:
        self.ids.rows.clear_widgets()
        self.rows = []
        super().reset()


@kiosk_screen("apply_sent")
class ApplySentScreen(ApplyScreen):
    """``state``: sending, ticket, saved, refused or failed; ``receipt``: "", printing,
    printed or failed."""

    state = StringProperty("sending")
    receipt = StringProperty("")
    ticket = StringProperty("")
    reference = StringProperty("")
    phone = StringProperty("")  # masked

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self.queued: Queued | None = None
        self._wait: Any = None

    def start(self) -> None:
        self._cancel_wait()
        self.queued = None
        self.ticket = self.reference = self.phone = self.receipt = ""
        self.state = "sending"

    def wait_for(self, queued: Queued) -> None:
        """Queued durably (background thread done): wait a little for the server's ticket."""
        if self.state != "sending":
            return
        self.queued = queued
        self.reference = queued.reference
        self.phone = queued.phone_masked
        self._cancel_wait()
        self._wait = Clock.schedule_once(self._not_yet, TICKET_WAIT)

    def _not_yet(self, *args: Any) -> None:
        self._wait = None
        if self.state == "sending" and self.queued is not None:
            log.info(
                "no ticket for %s within %.0f s: kept in the outbox", self.queued.key, TICKET_WAIT
            )
            self.state = "saved"
            self._print("")

    def show_failed(self, error: Exception) -> None:
        log.error("application could not be queued: %s", error)
        self._cancel_wait()
        self.state = "failed"

    def core_event(self, event: object) -> bool:
        if isinstance(event, ApplicationDelivered):
            if self.queued is not None and event.key == self.queued.key:
                self._cancel_wait()
                first = self.state == "sending"
                self.ticket = event.ticket
                self.state = "ticket"
                if first:
                    self._print(event.ticket)
            return True
        if isinstance(event, ApplicationRefused):
            if self.queued is not None and event.key == self.queued.key:
                self._cancel_wait()
                self.state = "refused"
            return True
        if isinstance(event, ApplicationReceiptPrinted):
            if self.queued is not None and event.key == self.queued.key:
                self.receipt = "printed" if event.ok else "failed"
            return True
        return False

    def _print(self, ticket: str) -> None:
        queued, core = self.queued, self.app.core
        if queued is None:
            return
        self.receipt = "printing"
        core.run_on_worker(lambda: core.applications.print_receipt(queued, ticket))

    def on_state(self, instance: Any, value: str) -> None:
        self.variant = value
        self.content_changed()

    def on_receipt(self, instance: Any, value: str) -> None:
        self.content_changed()

    def idle_limit(self) -> float | None:
        if self.state == "sending" or self.receipt == "printing":
            return None
        return float(self.app.idle_timeout)

    def _cancel_wait(self) -> None:
        if self._wait is not None:
            self._wait.cancel()
            self._wait = None

    def reset(self) -> None:
        self._cancel_wait()
        self.queued = None
        self.ticket = self.reference = self.phone = self.receipt = ""
        self.state = "sending"
        self.variant = ""
        super().reset()


load_kv("apply_send.kv")
