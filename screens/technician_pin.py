"""The technician's way in: a long press in the attract screen's top-left corner, then a PIN.

Nothing on the screen points to the corner; a citizen who happens to hold it there sees a PIN
pad that says "technician mode" and a Back button. The PIN is checked off the UI thread
(scrypt, and the lockout file) and wiped after every try.
"""

from __future__ import annotations

import math

from kivy.app import App
from kivy.clock import Clock
from kivy.metrics import dp
from kivy.properties import NumericProperty, OptionProperty, StringProperty
from kivy.uix.widget import Widget

from kiosk.technician_pin import PinLock, PinVerdict
from screens.base import BaseScreen, load_kv
from screens.pickup_pin import DigitRow  # noqa: F401 (its kv rule draws our PIN boxes)
from screens.registry import kiosk_screen
from screens.tasks import in_background

HOLD_SECONDS = 3.0
CORNER = dp(120)


class TechnicianCorner(Widget):
    """An invisible square: held for ``HOLD_SECONDS`` it opens the technician PIN screen.

    It takes the touch, so the screen under it does not react to the press; a short tap is
    handed on as ``on_tap`` (the attract screen starts a session then, as anywhere else).
    """

    __events__ = ("on_tap",)

    def __init__(self, **kw):
        super().__init__(**kw)
        self._pending = None
        self._opened = False

    def on_touch_down(self, touch):
        if not self.collide_point(*touch.pos):
            return False
        touch.ud["technician_corner"] = True
        self._opened = False
        self._pending = Clock.schedule_once(self._open, HOLD_SECONDS)
        return True

    def on_touch_move(self, touch):
        if touch.ud.get("technician_corner") and not self.collide_point(*touch.pos):
            self._cancel()
        return False

    def on_touch_up(self, touch):
        if not touch.ud.get("technician_corner"):
            return False
        was_open = self._opened
        self._cancel()
        if not was_open:
            self.dispatch("on_tap")
        return True

    def on_tap(self) -> None:
        """The event's default handler, which Kivy requires; attract.kv binds the real one."""

    def _cancel(self) -> None:
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None

    def _open(self, dt) -> None:
        self._pending = None
        self._opened = True
        app = App.get_running_app()
        if app is not None:
            app.show("technician_pin")


@kiosk_screen("technician_pin")
class TechnicianPinScreen(BaseScreen):
    pin = StringProperty("")
    state = OptionProperty("entry", options=["entry", "checking", "refused", "not_set"])
    message_key = StringProperty("")
    tries = NumericProperty(0)
    minutes = NumericProperty(0)
    back_to = "attract"

    def on_kv_post(self, base_widget):
        self.ids.pad.bind(value=self._typed)

    def on_pre_enter(self, *args):
        self.reset()
        app = self.app
        if app is not None and not app.core.config.technician_pin_hash:
            self.state = "not_set"
            self.message_key = "tech.pin.not_set"

    def reset(self) -> None:
        self.pin = ""
        self.state = "entry"
        self.message_key = ""
        self.ids.pad.value = ""

    def on_state(self, instance, value):
        self.variant = "" if value == "entry" else value

    def _typed(self, pad, value: str) -> None:
        if self.state not in ("entry", "refused"):
            pad.value = self.pin
            return
        self.pin = "".join(c for c in value if c.isdigit())[:8]

    def submit(self) -> None:
        app = self.app
        if app is None or self.state not in ("entry", "refused") or len(self.pin) < 6:
            return
        config = app.core.config
        lock = PinLock(config.technician_pin_hash, config.data_dir / "technician-pin.json")
        pin, self.pin = self.pin, ""
        self.ids.pad.value = ""
        self.state = "checking"
        in_background(lambda: lock.check(pin), self._answered, self._failed)

    def _answered(self, verdict: PinVerdict) -> None:
        if self.manager is None or self.manager.current != self.name:
            return
        if verdict.ok:
            self.state = "entry"
            self.app.show("technician")
            return
        if verdict.locked_for > 0:
            self.minutes = max(1, math.ceil(verdict.locked_for / 60))
            self.message_key = "tech.pin.locked"
        else:
            self.tries = verdict.tries_left
            self.message_key = "tech.pin.wrong"
        self.state = "refused"
        self.content_changed()

    def _failed(self, error: Exception) -> None:
        self.message_key = "tech.pin.not_set"
        self.state = "refused"
        self.content_changed()

    def back(self) -> None:
        app = self.app
        if app is not None:
            app.go_home()


load_kv("technician_pin.kv")
