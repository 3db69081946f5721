"""Typing the registration number and PIN, for citizens without the QR code on a phone.

Both are typed on one KeyPad into rows of boxes, like a paper form: the registration number's 12
digits in groups of 4 as the citizen's message prints them, then the PIN's 6 digits as dots. The
row being typed is framed, the next box is marked, and a full number moves on to the PIN by
itself. Continue is enabled only when both are complete.

Continue hands both to the core (``submit_pin``), which checks them by claiming. Its answer is
``DocumentsReady`` (the documents screen takes it) or ``PinRefused``, shown here in plain words
with what to do: try again, wait until the lock ends, or ask an officer. The PIN is wiped
after every answer and whenever the screen is left; the number stays until the session ends,
so a citizen coming back from the documents screen only retypes the PIN.
"""

from __future__ import annotations

from kivy.properties import (
    BooleanProperty,
    ListProperty,
    NumericProperty,
    OptionProperty,
    StringProperty,
)
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk.events import PinRefused
from screens.base import BaseScreen, load_kv
from screens.registry import kiosk_screen

REGISTRATION_DIGITS = 12
PIN_DIGITS = 6
# Refusals after which typing again at once can help; the others need waiting or an officer.
RETRY_REASONS = {"wrong_pin", "server_unreachable", "in_progress"}


class DigitBox(Widget):
    """One box of a digit row: its digit (or a dot when secret), framed when it is next."""

    digit = StringProperty("")
    secret = BooleanProperty(False)
    next_up = BooleanProperty(False)


class DigitRow(BoxLayout):
    """``length`` boxes in groups of ``group``, showing ``value`` (see pickup_pin.kv)."""

    value = StringProperty("")
    length = NumericProperty(6)
    group = NumericProperty(0)  # 0: one group
    secret = BooleanProperty(False)
    active = BooleanProperty(False)
    boxes = ListProperty([])

    def on_kv_post(self, base_widget):
        self.bind(length=self._build, group=self._build)
        self.bind(value=self._show, secret=self._show, active=self._show)
        self._build()

    def _build(self, *args) -> None:
        self.clear_widgets()
        self.boxes = []
        length, group = int(self.length), int(self.group)
        for index in range(length):
            if group and index and index % group == 0:
                self.add_widget(Widget(size_hint_x=None, width=self.spacing))  # group gap
            box = DigitBox()
            self.boxes.append(box)
            self.add_widget(box)
        self._show()

    def _show(self, *args) -> None:
        for index, box in enumerate(self.boxes):
            box.digit = self.value[index] if index < len(self.value) else ""
            box.secret = self.secret
            box.next_up = self.active and index == len(self.value)


class EntryField(ButtonBehavior, BoxLayout):
    """A labelled digit row; touching it makes it the one the keypad types into."""

    label = StringProperty("")
    value = StringProperty("")
    length = NumericProperty(6)
    group = NumericProperty(0)
    secret = BooleanProperty(False)
    active = BooleanProperty(False)


@kiosk_screen("pickup_pin")
class PickupPinScreen(BaseScreen):
    """``state`` is ``entry`` (typing), ``checking`` (the server is asked) or ``refused``."""

    number = StringProperty("")
    pin = StringProperty("")
    field = OptionProperty("number", options=["number", "pin"])
    state = OptionProperty("entry", options=["entry", "checking", "refused"])
    message_key = StringProperty("")
    reason = StringProperty("")
    back_to = "scan"

    @staticmethod
    def is_complete(number: str, pin: str) -> bool:
        return len(number) == REGISTRATION_DIGITS and len(pin) == PIN_DIGITS

    def on_kv_post(self, base_widget):
        self.ids.pad.bind(value=self._typed)

    def on_pre_enter(self, *args):
        self.choose("pin" if len(self.number) == REGISTRATION_DIGITS else "number")

    def on_leave(self, *args):
        super().on_leave(*args)
        if self.manager is not None and self.manager.current == self.name:
            return  # shown again before the fade ended
        self.pin = ""
        self.state = "entry"
        self.variant = ""

    def on_state(self, instance, value):
        self.variant = "" if value == "entry" else value

    def reset(self) -> None:
        self.number = ""
        self.pin = ""
        self.message_key = ""
        self.reason = ""
        self.params = {}
        self.state = "entry"
        self.field = "number"
        self.ids.pad.value = ""

    # --- typing ---------------------------------------------------------------------------
    def choose(self, field: str) -> None:
        """Make ``field`` (number | pin) the one the keypad types into."""
        if self.state != "entry":  # hidden or waiting: the rows are not for typing now
            return
        self.field = field
        pad = self.ids.pad
        pad.max_length = REGISTRATION_DIGITS if field == "number" else PIN_DIGITS
        pad.value = self.number if field == "number" else self.pin
        self.content_changed()

    def _typed(self, pad, value: str) -> None:
        if self.state != "entry":  # the server is being asked, or the keypad is hidden
            pad.value = self.number if self.field == "number" else self.pin
            return
        digits = "".join(c for c in value if c.isdigit())
        if self.field == "number":
            before = len(self.number)
            self.number = digits[:REGISTRATION_DIGITS]
            if before < REGISTRATION_DIGITS == len(self.number):
                self.choose("pin")  # the last digit of the number: on to the PIN
        else:
            self.pin = digits[:PIN_DIGITS]

    def hint_key(self, field: str, number: str, pin: str) -> str:
        if self.is_complete(number, pin):
            return "pickup.pin.hint.ready"
        return "pickup.pin.hint.pin" if field == "pin" else "pickup.pin.hint.number"

    # --- asking the server (through the core) -------------------------------------------------
    def submit(self) -> None:
        app = self.app
        if app is None or self.state != "entry" or not self.is_complete(self.number, self.pin):
            return
        self.state = "checking"
        self.content_changed()
        app.core.submit_pin(self.number, self.pin)  # queued for the core's worker: no I/O here

    def core_event(self, event: object) -> bool:
        if not isinstance(event, PinRefused):
            return False
        if self.state == "checking":
            self.show_refused(event.reason, event.message, event.params)
        return True  # an answer for a citizen who already left is simply dropped

    def show_refused(self, reason: str, message: str, params: dict[str, str]) -> None:
        self.pin = ""
        self.reason = reason
        self.message_key = message or "pickup.pin.refused.generic"
        self.params = dict(params)
        self.state = "refused"
        self.content_changed()

    def can_retry(self, reason: str) -> bool:
        return reason in RETRY_REASONS

    def try_again(self) -> None:
        self.state = "entry"
        self.message_key = ""
        self.params = {}
        # a wrong PIN is usually a typo in the PIN; the number stays for the citizen to check
        self.choose("pin" if len(self.number) == REGISTRATION_DIGITS else "number")
        self.content_changed()

    def back(self) -> None:
        app = self.app
        if app is not None:
            if self.state == "checking":
                app.core.cancel_pending()  # a claim that comes back now is released
            app.show(self.back_to)


load_kv("pickup_pin.kv")
