"""A screenshot of every screen, in both languages, in normal and high-contrast mode.

``adm-kiosk app --tour DIR`` (``make screenshots`` runs it against the demo system) waits for
the kiosk to settle, then shows each registered screen in turn, as it looks when a citizen
arrives on it, and saves ``DIR/<screen>-<language>[-hc].png``. Screens that show a server's
answer (locations, requirements) get the demo server's data. The app ends when the tour is done.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from kivy.clock import Clock
from kivy.uix.screenmanager import NoTransition

from screens.base import theme

log = logging.getLogger("screens")

SETTLE_S = 1.5  # a screen's background answer (server lists) and its layout settle
SKIP = {"printing"}  # shows a print in progress only; its look is in the UI tests' artefacts


class Tour:
    def __init__(self, app: Any, out_dir: str) -> None:
        self.app = app
        self.out = Path(out_dir)
        self.out.mkdir(parents=True, exist_ok=True)
        self.stops: list[tuple[str, str, bool]] = []

    def start(self, *args: Any) -> None:
        app = self.app
        app.build_all_screens()
        app.manager.transition = NoTransition()
        names = [n for n in sorted(app.manager.screen_names) if n not in SKIP]
        self.stops = [
            (name, language, contrast)
            for contrast in (False, True)
            for language in ("id", "en")
            for name in names
        ]
        log.info("screenshot tour: %d screenshots into %s", len(self.stops), self.out)
        self._next()

    def _next(self, *args: Any) -> None:
        if not self.stops:
            log.info("screenshot tour done")
            self.app.stop()
            return
        name, language, contrast = self.stops.pop(0)
        app = self.app
        try:
            app.go_home()  # every screen as a new citizen finds it
            theme.set_high_contrast(contrast)
            app.language = language
            if name != "attract":
                app.show(name)
        except Exception:  # one screen that cannot be shown alone must not end the tour
            log.exception("tour: screen %s could not be shown", name)
            Clock.schedule_once(self._next, 0)
            return
        suffix = "-hc" if contrast else ""
        Clock.schedule_once(lambda dt: self._shoot(f"{name}-{language}{suffix}.png"), SETTLE_S)

    def _shoot(self, filename: str) -> None:
        from kivy.core.window import Window

        tmp = Window.screenshot(name=str(self.out / ".tour-shot.png"))
        if tmp:
            os.replace(tmp, self.out / filename)
        else:
            log.error("tour: screenshot %s failed", filename)
        self._next()
