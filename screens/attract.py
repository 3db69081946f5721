"""Attract screen: what the kiosk shows while nobody uses it. Touching anywhere starts."""

from __future__ import annotations

import random

from kivy.animation import Animation
from kivy.metrics import dp
from kivy.properties import NumericProperty, StringProperty

from screens.base import BaseScreen, load_kv
from screens.registry import kiosk_screen
from screens.technician_pin import TechnicianCorner  # noqa: F401 (attract.kv places it)


@kiosk_screen("attract")
class AttractScreen(BaseScreen):
    """Title, headline and a 'touch to start' prompt, drifting slowly so nothing burns in.

    Above the prompt, what the kiosk cannot do now (``notices``: closed until when, no server,
    no printer and the nearest other kiosk), in the kiosk's language; see attract.kv.
    """

    notices = StringProperty("")
    drift_x = NumericProperty(0.0)
    drift_y = NumericProperty(0.0)
    pulse = NumericProperty(0.0)

    DRIFT_X_DP = 36
    DRIFT_Y_DP = 22
    DRIFT_SECONDS = 24.0

    def idle_limit(self) -> float | None:
        return None  # it is where an idle kiosk waits

    def __init__(self, **kw):
        super().__init__(**kw)
        self.show_home = False
        self._drift: Animation | None = None
        self._pulse: Animation | None = None
        self._rng = random.Random()

    def on_enter(self, *args):
        self._start_motion()
        super().on_enter(*args)

    def on_leave(self, *args):
        self._stop_motion()
        super().on_leave(*args)

    def on_notices(self, instance, value) -> None:
        self.content_changed()

    def speech_text(self, lang: str) -> str:
        return " ".join(p for p in (super().speech_text(lang), self.notices) if p)

    def on_touch_down(self, touch):
        # the language button (or any other control) gets the touch first
        if super().on_touch_down(touch):
            return True
        if self.manager is not None and self.manager.current == self.name:
            app = self.app
            if app is not None:
                app.show("language")
        return True

    # --- gentle, burn-in-safe motion ----------------------------------------------------------
    def _start_motion(self) -> None:
        self._next_drift()
        if self._pulse is None:
            pulse = Animation(pulse=1.0, duration=1.6, t="in_out_sine") + Animation(
                pulse=0.0, duration=1.6, t="in_out_sine"
            )
            pulse.repeat = True
            pulse.start(self)
            self._pulse = pulse

    def _stop_motion(self) -> None:
        if self._drift is not None:
            self._drift.cancel(self)
            self._drift = None
        if self._pulse is not None:
            self._pulse.cancel(self)
            self._pulse = None
        self.pulse = 0.0

    def _next_drift(self, *args) -> None:
        if self.manager is not None and self.manager.current != self.name:
            return
        x = self._rng.uniform(-1, 1) * dp(self.DRIFT_X_DP)
        y = self._rng.uniform(-1, 1) * dp(self.DRIFT_Y_DP)
        anim = Animation(drift_x=x, drift_y=y, duration=self.DRIFT_SECONDS, t="in_out_sine")
        anim.bind(on_complete=self._next_drift)
        anim.start(self)
        self._drift = anim


load_kv("attract.kv")
