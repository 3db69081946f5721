"""Technician mode at the screen: devices with live state, checks, test prints, a test scan, a
camera picture, counters, recent problems, the network, and the location to confirm.

Everything :mod:`kiosk.technician` does may block, so each button runs it in the background and
shows "running" until the answer comes. Results are the technician's words (both languages);
a crash of a check shows its message here and its traceback in the log.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import cv2
from kivy.clock import Clock
from kivy.graphics.texture import Texture
from kivy.properties import BooleanProperty, ListProperty, ObjectProperty, StringProperty

from kiosk.i18n import t
from kiosk.technician import LocationShown, TechnicianDesk
from screens import base as theme
from screens.base import BaseScreen, KLabel, load_kv
from screens.registry import kiosk_screen
from screens.tasks import in_background

log = logging.getLogger("screens")

TECHNICIAN_IDLE_S = 180.0  # a technician reads and waits for prints; a citizen never sees this


@kiosk_screen("technician")
class TechnicianScreen(BaseScreen):
    devices = ListProperty([])  # (text, state) per device
    result_lines = ListProperty([])  # what the last action said, one line each
    running = StringProperty("")  # message key of the action running now ("" = none)
    location_text = StringProperty("")
    confirmed_text = StringProperty("")
    picture = ObjectProperty(None, allownone=True)  # the camera frame as a texture
    camera_shown = BooleanProperty(False)
    back_to = "attract"

    def __init__(self, **kw):
        super().__init__(**kw)
        self._refresh = None
        self._desk: TechnicianDesk | None = None
        self._location: LocationShown | None = None

    def idle_limit(self) -> float | None:
        return TECHNICIAN_IDLE_S

    @property
    def desk(self) -> TechnicianDesk:
        if self._desk is None:
            self._desk = TechnicianDesk(self.app.core)
        return self._desk

    def on_pre_enter(self, *args):
        self.reset()
        self.refresh_devices()
        self.show_location(self.desk.location())
        self._refresh = Clock.schedule_interval(lambda dt: self.refresh_devices(), 1.0)

    def on_leave(self, *args):
        super().on_leave(*args)
        if self._refresh is not None:
            self._refresh.cancel()
            self._refresh = None
        self.reset()  # a camera picture may show a citizen's paper: never keep it

    def reset(self) -> None:
        self.result_lines = []
        self.running = ""
        self.picture = None
        self.camera_shown = False

    # --- what is shown ------------------------------------------------------------------------
    def refresh_devices(self) -> None:
        """Every second: live device states, and the texts again after a language switch."""
        lang = self.app.language
        if self._location is not None:
            self.show_location(self._location)
        rows = []
        for row in self.desk.devices():
            state = t(f"tech.state.{row.state}", lang) if row.state else "?"
            # "state idle" repeats the state; a fault's detail ("paper_out") says more
            shown = row.detail and not row.detail.startswith("state ")
            detail = f" ({row.detail})" if shown else ""
            text = t("tech.device.row", lang, role=row.role, driver=row.driver, state=state)
            rows.append((text + detail, row.state))
        if rows != self.devices:
            self.devices = rows

    def show_location(self, shown: LocationShown) -> None:
        self._location = shown
        lang = self.app.language
        if shown.name:
            self.location_text = t(
                "tech.location", lang, name=shown.name, version=shown.config_version
            )
        else:
            self.location_text = t("tech.location.unknown", lang)
        if shown.confirmed_version and shown.confirmed_version == shown.config_version:
            self.confirmed_text = t(
                "tech.location.confirmed", lang, version=shown.confirmed_version
            )
        else:
            self.confirmed_text = t("tech.location.unconfirmed", lang)

    def _say(self, results: list[dict[str, Any]]) -> None:
        lang = self.app.language
        self.result_lines = [
            ("OK  " if r.get("ok") else "!!  ") + str(r.get("text", {}).get(lang, ""))
            for r in results
        ]

    def on_devices(self, instance, rows) -> None:
        box = self.ids.device_rows
        box.clear_widgets()
        for text, state in rows:
            colour = theme.GREEN_DARK if state in ("idle", "busy") else theme.RED_DARK
            box.add_widget(KLabel(text=text, font_size=theme.SMALL, color=colour))

    def on_result_lines(self, instance, lines) -> None:
        box = self.ids.result_rows
        box.clear_widgets()
        for line in lines:
            box.add_widget(KLabel(text=line, font_size=theme.SMALL))

    # --- the buttons --------------------------------------------------------------------------
    def _run(self, key: str, call: Callable[[], Any], show: Callable[[Any], None]) -> None:
        if self.running:
            return  # one check at a time: they share the devices
        self.running = key
        self.camera_shown = False
        lang = self.app.language
        waiting = "tech.scan.waiting" if key == "tech.action.scan" else "tech.running"
        self.result_lines = [t(waiting, lang, action=t(key, lang))]
        self.content_changed()

        def done(value: Any) -> None:
            self.running = ""
            show(value)
            self.refresh_devices()
            self.content_changed()

        def failed(error: Exception) -> None:
            self.running = ""
            log.error("technician action %s failed", key, exc_info=error)
            self.result_lines = [t("tech.failed", self.app.language, detail=str(error)[:200])]
            self.content_changed()

        in_background(call, done, failed)

    def health(self) -> None:
        self._run("tech.action.health", self.desk.health_checks, self._say)

    def test_receipt(self) -> None:
        self._run("tech.action.receipt", lambda: [self.desk.test_receipt()], self._say)

    def test_page(self) -> None:
        self._run("tech.action.page", lambda: [self.desk.test_page()], self._say)

    def test_scan(self) -> None:
        self._run("tech.action.scan", lambda: [self.desk.test_scan(timeout=20)], self._say)

    def network(self) -> None:
        self._run("tech.action.network", lambda: [self.desk.network_check()], self._say)

    def counters(self) -> None:
        def show(counts: dict[str, dict[str, int]]) -> None:
            lines = [
                f"{role}: " + ", ".join(f"{k} {v}" for k, v in sorted(values.items()))
                for role, values in counts.items()
                if values
            ]
            self.result_lines = lines or [t("tech.counters.none", self.app.language)]

        self._run("tech.action.counters", self.desk.counters, show)

    def problems(self) -> None:
        def show(lines: list[str]) -> None:
            self.result_lines = lines[:12] or [t("tech.problems.none", self.app.language)]

        self._run("tech.action.problems", self.desk.recent_problems, show)

    def camera(self) -> None:
        def show(frame: Any) -> None:
            if frame is None:
                self.result_lines = [t("tech.camera.none", self.app.language)]
                return
            rgb = cv2.cvtColor(cv2.flip(frame, 0), cv2.COLOR_BGR2RGB)  # Kivy's rows go up
            texture = Texture.create(size=(rgb.shape[1], rgb.shape[0]), colorfmt="rgb")
            texture.blit_buffer(rgb.tobytes(), colorfmt="rgb", bufferfmt="ubyte")
            self.picture = texture
            self.result_lines = [f"{frame.shape[1]}x{frame.shape[0]}"]
            self.camera_shown = True

        self._run("tech.action.camera", self.desk.camera_frame, show)

    def confirm_location(self) -> None:
        def show(shown: LocationShown) -> None:
            self.show_location(shown)
            self.result_lines = ["OK  " + self.confirmed_text]

        self._run("tech.location.confirm", self.desk.confirm_location, show)

    def exit(self) -> None:
        self.go_home()


load_kv("technician.kv")
