"""Complaint (pengaduan): category, text on our keyboard, optional phone, review, ticket.

    complaint (category) -> complaint_text -> complaint_phone -> complaint_review -> complaint_sent

Sending puts the complaint in the core's durable outbox and clears what was typed; the server's
ticket (PGD-...) arrives as a FeedbackDelivered event. If it has not come within
``TICKET_WAIT`` seconds (no network), the screen says the complaint is kept on this kiosk and
will be sent by itself, and what happens to the answer; a ticket that comes later while the
screen is still up replaces that message.
"""

from __future__ import annotations

import logging
import re

from kivy.clock import Clock
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout

from kiosk.events import FeedbackDelivered
from screens import feedback_parts  # noqa: F401  (the footer buttons of the .kv rules)
from screens.base import BaseScreen, load_kv
from screens.registry import MenuEntry, kiosk_screen, menu_entry

log = logging.getLogger("screens")

# the server's fixed set and limits (server/feedback/complaints.py, server/api/feedback_schemas.py)
CATEGORIES = ("layanan", "dokumen", "perangkat", "petugas", "lainnya")
MAX_TEXT = 1000
# an Indonesian mobile number as the server takes it: 08..., 628... (+62 cannot be typed here)
MOBILE = re.compile(r"^(?:62|0)8[0-9]{7,12}$")
MAX_PHONE = 15
TICKET_WAIT = 5.0
SHOWN_TAIL = 130  # characters of the text shown above the keyboard (two lines)


def valid_phone(digits: str) -> bool:
    return bool(MOBILE.match(digits))


def grouped(digits: str) -> str:
    """0812 3456 7890: easier to check than twelve digits in a row."""
    return " ".join(digits[i : i + 4] for i in range(0, len(digits), 4))


def masked(digits: str) -> str:
    """0812 **** 7890: enough for the citizen to recognise, not for the next in the queue."""
    if len(digits) <= 8:
        return grouped(digits)
    return f"{digits[:4]} {'*' * (len(digits) - 8)} {digits[-4:]}"


def tail(text: str) -> str:
    """The end of the text, where the citizen is typing, with a cursor."""
    if len(text) > SHOWN_TAIL:
        text = "…" + text[-SHOWN_TAIL:]
    return text + "|"


class CategoryTile(ButtonBehavior, BoxLayout):
    """One category: its name and a line on what belongs there (see complaint.kv)."""

    category = StringProperty("")
    chosen = BooleanProperty(False)


def _screen(screen: BaseScreen, name: str):
    assert screen.manager is not None
    return screen.manager.get_screen(name)


@kiosk_screen("complaint")
class ComplaintScreen(BaseScreen):
    """The category, as five big tiles."""

    category = StringProperty("")

    def choose(self, category: str) -> None:
        self.category = category
        self.app.show("complaint_text")

    def reset(self) -> None:
        self.category = ""


@kiosk_screen("complaint_text")
class ComplaintTextScreen(BaseScreen):
    """The complaint typed on our keyboard, with its length against the server's limit."""

    back_to = "complaint"
    text = StringProperty("")
    category = StringProperty("")
    warning = StringProperty("")  # a message key, or ""

    max_text = MAX_TEXT

    def __init__(self, **kw):
        super().__init__(**kw)
        # a screenshot once the citizen pauses typing, not one per key
        self._typed = Clock.create_trigger(lambda dt: self.content_changed(), 1.0)

    def on_pre_enter(self, *args):
        self.category = _screen(self, "complaint").category
        self.ids.keyboard.label_keys()
        self.warning = ""
        self.app.bind(language=self.ids.keyboard.label_keys)  # Space, Delete: in the new one

    def on_leave(self, *args):
        self.app.unbind(language=self.ids.keyboard.label_keys)
        super().on_leave(*args)

    def on_text(self, instance, value) -> None:
        if value:
            self._typed.cancel()
            self._typed()
        full = len(value) >= MAX_TEXT
        if full or self.warning == "complaint.text.full":
            self.warning = "complaint.text.full" if full else ""
        elif value.strip():
            self.warning = ""

    def on_warning(self, instance, value) -> None:
        self.variant = {"complaint.text.empty": "empty", "complaint.text.full": "full"}.get(
            value, ""
        )
        if value:
            self.content_changed()

    def next(self) -> None:
        if not self.text.strip():
            self.warning = "complaint.text.empty"
            return
        self.app.show("complaint_phone")

    def reset(self) -> None:
        self.ids.keyboard.clear()
        self.ids.keyboard.lower = False
        self.text = ""
        self.warning = ""


@kiosk_screen("complaint_phone")
class ComplaintPhoneScreen(BaseScreen):
    """An optional mobile number on our keypad, checked as the server checks it."""

    back_to = "complaint_text"
    phone = StringProperty("")
    invalid = BooleanProperty(False)

    max_phone = MAX_PHONE

    def on_pre_enter(self, *args):
        self.invalid = False

    def on_phone(self, instance, value) -> None:
        if self.invalid and (not value or valid_phone(value)):
            self.invalid = False

    def on_invalid(self, instance, value) -> None:
        self.variant = "invalid" if value else ""
        if value:
            self.content_changed()

    def next(self) -> None:
        if self.phone and not valid_phone(self.phone):
            self.invalid = True
            return
        self.app.show("complaint_review")

    def reset(self) -> None:
        self.ids.keypad.clear()
        self.phone = ""
        self.invalid = False


@kiosk_screen("complaint_review")
class ComplaintReviewScreen(BaseScreen):
    """Everything the citizen gave, each with a Change button, then Send."""

    back_to = "complaint_phone"
    category = StringProperty("")
    text = StringProperty("")
    phone = StringProperty("")

    def on_pre_enter(self, *args):
        self.category = _screen(self, "complaint").category
        self.text = _screen(self, "complaint_text").text.strip()
        self.phone = _screen(self, "complaint_phone").phone
        self.ids.text_scroll.scroll_y = 1

    def send(self) -> None:
        if not self.category or not self.text:  # already sent (a second tap during the fade)
            return
        body: dict[str, str] = {"category": self.category, "text": self.text}
        if self.phone:
            body["contact_phone"] = self.phone
        sent: ComplaintSentScreen = _screen(self, "complaint_sent")
        sent.start(bool(self.phone), masked(self.phone) if self.phone else "")
        try:
            key = self.app.core.queue_feedback("complaint", body)
        except Exception:
            log.exception("complaint could not be queued")
            sent.show_failed()
        else:
            sent.wait_for(key)
            # sent: nothing typed stays on a screen the Back button could reach
            for name in ("complaint", "complaint_text", "complaint_phone"):
                _screen(self, name).reset()
        self.reset()
        self.app.show("complaint_sent")

    def reset(self) -> None:
        self.category = ""
        self.text = ""
        self.phone = ""


@kiosk_screen("complaint_sent")
class ComplaintSentScreen(BaseScreen):
    """``state``: sending (a few seconds), ticket, saved (no network yet) or failed."""

    state = StringProperty("sending")
    ticket = StringProperty("")
    has_phone = BooleanProperty(False)
    phone = StringProperty("")  # masked

    def __init__(self, **kw):
        super().__init__(**kw)
        self.key = ""
        self._wait = None

    def start(self, has_phone: bool, phone: str) -> None:
        self.key = ""
        self.ticket = ""
        self.has_phone = has_phone
        self.phone = phone
        self.state = "sending"
        self.variant = "sending"

    def wait_for(self, key: str) -> None:
        self.key = key
        self._cancel_wait()
        self._wait = Clock.schedule_once(self._not_yet, TICKET_WAIT)

    def _not_yet(self, *args) -> None:
        self._wait = None
        if self.state == "sending":
            log.info("no ticket for %s within %.0f s: kept in the outbox", self.key, TICKET_WAIT)
            self.state = "saved"

    def show_failed(self) -> None:
        self._cancel_wait()
        self.state = "failed"

    def on_state(self, instance, value) -> None:
        self.variant = value
        self.content_changed()

    def core_event(self, event: object) -> bool:
        if not isinstance(event, FeedbackDelivered) or event.what != "complaint":
            return False
        if self.key and event.key == self.key and event.ticket:
            self._cancel_wait()
            self.ticket = event.ticket
            self.state = "ticket"
        else:  # sent after its citizen had left (the network came back): nothing to show
            log.info("complaint %s delivered as %s", event.key, event.ticket)
        return True

    def idle_limit(self) -> float | None:
        app = self.app
        if app is None or self.state == "sending":
            return None
        return float(app.idle_timeout)  # time to note the ticket

    def _cancel_wait(self) -> None:
        if self._wait is not None:
            self._wait.cancel()
            self._wait = None

    def reset(self) -> None:
        self._cancel_wait()
        self.key = ""
        self.ticket = ""
        self.has_phone = False
        self.phone = ""
        self.state = "sending"
        self.variant = ""


menu_entry(MenuEntry("complaint", "complaint", order=90))

load_kv("complaint.kv")
