"""The kiosk's Kivy app: routes core events to the screens, idle timeout, screenshots.

It also holds one citizen's session: high contrast and spoken guidance are switched on for it
(header buttons) and off when it ends, and a configuration the office pushed while it lasted
takes effect when it ends (kiosk/remote_config.py). What the kiosk offers now
(kiosk/service_state.py) is asked of the core every second and kept in ``service``.
"""

from __future__ import annotations

import gc
import logging
import os
import queue
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kivy.app import App
from kivy.clock import Clock
from kivy.properties import NumericProperty, ObjectProperty, StringProperty
from kivy.uix.screenmanager import FadeTransition, ScreenManager

from kiosk.events import (
    CodeAccepted,
    KioskEvent,
    PrintDone,
    PrintFailed,
    PrintProgress,
    Ready,
    Refused,
)
from kiosk.i18n import DEFAULT_LANGUAGE, LANGUAGES, t
from kiosk.remote_config import ConfigApplied, RemoteConfig
from kiosk.service_state import ServiceState
from kiosk.speech import Speaker
from kiosk.ui_thread import this_is_the_ui_thread
from screens.base import BaseScreen, countdown_seconds, theme
from screens.registry import load_screens

log = logging.getLogger("screens")

KEY_ESCAPE = 27
KEY_F1 = 282
KEY_F12 = 293

COUNTDOWN_FROM = 10.0  # show the idle countdown in the last seconds
SERVICE_EVERY = 1.0  # seconds between looks at what the kiosk can offer
SCREENSHOT_DELAY = 0.5


class KioskScreenManager(ScreenManager):
    """Notes every touch, so the idle timeout starts over."""

    def on_touch_down(self, touch):
        app = App.get_running_app()
        if app is not None and hasattr(app, "note_activity"):
            app.note_activity()
        return super().on_touch_down(touch)


class KioskApp(App):
    """The touchscreen face of :class:`KioskCore`.

    Core events arrive on a worker thread; they are queued and handled on the Kivy thread.
    """

    language = StringProperty(DEFAULT_LANGUAGE)
    idle_timeout = NumericProperty(60.0)
    done_timeout = NumericProperty(15.0)
    location_name = StringProperty("")  # where this kiosk stands, as the office set it
    service = ObjectProperty(ServiceState(), rebind=True)  # what the kiosk offers now

    def __init__(
        self,
        core: Any,
        language: str = DEFAULT_LANGUAGE,
        config: Any = None,
        screenshot_dir: str | None = None,
        tour_dir: str | None = None,
        idle_timeout: float = 60.0,
        window_size: tuple[int, int] | None = (1280, 800),
        **kw: Any,
    ) -> None:
        self.manager: KioskScreenManager | None = None
        self._all_built = False  # every registered screen is in the manager
        super().__init__(**kw)
        # The core (devices, server, camera: heavy imports and device opening) may come as a
        # factory, made right after the attract screen's first frame (see on_start).
        self._core_factory: Callable[[], Any] | None = core if callable(core) else None
        self.core: Any = None if callable(core) else core
        self.start_error = ""  # why the core could not be made; the app then stops
        self._remote = (
            RemoteConfig(config.data_dir / "server-config.json") if config is not None else None
        )
        self.screenshot_dir = screenshot_dir
        self.tour_dir = tour_dir
        self.window_size = window_size
        self._events: queue.SimpleQueue[KioskEvent] = queue.SimpleQueue()
        self._drain_trigger = Clock.create_trigger(self._drain_events, 0)
        self._last_activity = time.monotonic()
        self._tick_event: Any = None
        self._shot_event: Any = None
        self._shot_number = 0
        self._shot_tmp = ".adm-shot.png"
        self._first_shot_at = 0.0
        self._stopped = False
        self.idle_timeout = idle_timeout
        self.configured_language = language if language in LANGUAGES else DEFAULT_LANGUAGE
        self.initial_language = self._office_language(self.configured_language)
        self.language = self.initial_language
        self.in_session = False
        self._service_due = 0.0
        config = config if config is not None else getattr(self.core, "config", None)
        speech_dir = getattr(config, "speech_dir", "")
        self.speaker = Speaker(
            volume=int(getattr(config, "audio_volume", 80)),
            wav_dir=Path(speech_dir) if speech_dir else None,
        )
        self.location_name = self._office_location()

    # --- lifecycle ----------------------------------------------------------------------------
    def build(self):
        from kivy.core.window import Window

        if self.window_size and not Window.fullscreen:
            Window.size = self.window_size
        Window.clearcolor = theme.WHITE
        theme.bind(WHITE=lambda _theme, colour: setattr(Window, "clearcolor", colour))
        self.title = t("app.title", self.language)
        if self.screenshot_dir:
            os.makedirs(self.screenshot_dir, exist_ok=True)

        manager = KioskScreenManager(transition=FadeTransition(duration=0.25))
        self.manager = manager
        # Only the attract screen is built before the window shows; the core and the other
        # screens (their modules import OpenCV, the camera, the printers) follow right after
        # the first frames (see on_start), or at once if a citizen is quicker.
        from screens.attract import AttractScreen

        manager.add_widget(AttractScreen(name="attract"))
        manager.bind(current=self._on_current)
        log.info("screen -> %s", manager.current)
        return manager

    def start_core(self, *args: Any) -> bool:
        """Make and start the core if it is not running yet (Kivy thread); False if it cannot."""
        if self.core is not None:
            return True
        if self._core_factory is None or self.start_error:
            return False
        started = time.monotonic()
        try:
            self.core = self._core_factory()
        except Exception as exc:  # a device driver the configuration names cannot be made
            log.exception("the kiosk core could not start")
            self.start_error = str(exc)
            self.stop()
            return False
        log.info("kiosk core made in %.2f s", time.monotonic() - started)
        self.core.add_listener(self._on_core_event)
        self.core.start()
        self.refresh_service()
        return True

    def build_all_screens(self, *args: Any) -> None:
        """Build every screen not built yet (Kivy thread); a no-op once all exist."""
        if self.manager is None or self._all_built or not self.start_core():
            return
        started = time.monotonic()
        built = set(self.manager.screen_names)
        for name, cls in sorted(load_screens().items()):
            if name not in built:
                self.manager.add_widget(cls(name=name))
        self._all_built = True
        log.info("all screens built in %.2f s", time.monotonic() - started)

    def on_start(self):
        from kivy.core.window import Window

        # From here on, a blocking device or server call on this thread is a bug (io_guard).
        this_is_the_ui_thread()

        Window.bind(on_keyboard=self._on_keyboard)
        self._tick_event = Clock.schedule_interval(self._tick, 0.25)
        self.note_activity()
        # the first frames are still being drawn: give the first screenshot more time
        self._first_shot_at = time.monotonic() + 1.5
        self._schedule_screenshot(delay=1.5)
        if self.core is not None:
            self.core.add_listener(self._on_core_event)
            self.core.start()
        # after the attract screen is drawn: the core first, then the other screens
        Clock.schedule_once(self.start_core, 0.1)
        Clock.schedule_once(self.build_all_screens, 0.3)
        if self.tour_dir:
            from screens.tour import Tour

            # kept here: Kivy's clock holds only a weak reference to the method it calls
            self._tour = Tour(self, self.tour_dir)
            Clock.schedule_once(self._tour.start, 5.0)  # the devices and the server are up

    def on_stop(self):
        # Kivy may dispatch on_stop twice (stop() and the end of run()): stop the core once
        if self._stopped:
            return
        self._stopped = True
        from kivy.core.window import Window

        Window.unbind(on_keyboard=self._on_keyboard)
        if self._tick_event is not None:
            self._tick_event.cancel()
        if self._shot_event is not None:
            self._shot_event.cancel()
        self.speaker.close()
        if self.core is not None:
            self.core.stop()

    def open_settings(self, *largs):
        """No Kivy settings panel on a kiosk (F1 would open it)."""
        return False

    # --- navigation ---------------------------------------------------------------------------
    @property
    def current_screen(self) -> BaseScreen | None:
        return self.manager.current_screen if self.manager is not None else None

    def screen(self, name: str) -> Any:
        assert self.manager is not None
        self.build_all_screens()
        return self.manager.get_screen(name)

    def show(self, name: str) -> None:
        """Go to screen ``name`` (no-op if it is already showing)."""
        if self.manager is None:
            return
        self.note_activity()
        self.build_all_screens()
        if self.manager.current != name:
            self.manager.current = name

    def go_home(self) -> None:
        """End the citizen's session: back to the attract screen, nothing of theirs kept."""
        self.show("attract")
        self.language = self.initial_language
        # high contrast and speech were this citizen's choice, not the next one's
        self.speaker.stop()
        theme.speech = False
        theme.high_contrast = False
        if self.manager is not None:
            for screen in self.manager.screens:
                if screen.name != self.manager.current:
                    screen.reset()
        self._end_session()

    def _end_session(self) -> None:
        if self.in_session:
            self.in_session = False
            log.info("session ended")
            if self.core is not None:
                self.core.session_ended()  # a configuration that waited takes effect now
            # The session's widgets, textures and typed data sit in reference cycles that
            # Python's collector would free only much later: free them now, between citizens
            # (the app grew by ~15 MiB a session without this; bench/app_sessions.py).
            Clock.schedule_once(lambda dt: gc.collect(), 1.0)

    # --- accessibility --------------------------------------------------------------------------
    def toggle_high_contrast(self) -> None:
        theme.high_contrast = not theme.high_contrast
        log.info("high contrast %s", "on" if theme.high_contrast else "off")
        self.note_activity()
        # every screen re-renders its texts at the new size: give the frame time to settle
        self._schedule_screenshot(delay=1.0)

    def toggle_speech(self) -> None:
        theme.speech = not theme.speech
        log.info("spoken guidance %s", "on" if theme.speech else "off")
        self.note_activity()
        if theme.speech:
            self.speak(t("a11y.speech.on", self.language))
        else:
            self.speaker.stop()

    def speak(self, prefix: str = "") -> None:
        """Say the current screen's text (after ``prefix``), if spoken guidance is on."""
        current = self.current_screen
        if not theme.speech or current is None:
            return
        text = current.speech_text(self.language)
        self.speaker.say(f"{prefix} {text}".strip(), self.language)

    # --- what the office set, what the kiosk offers ----------------------------------------------
    def _remote_config(self) -> Any:
        """The office's configuration: the core's once it runs, the copy on disk before."""
        return getattr(self.core, "remote_config", None) or self._remote

    def _office_location(self) -> str:
        remote = self._remote_config()
        place = remote.get("location") if remote is not None else None
        return str(place.get("name", "")) if isinstance(place, dict) else ""

    def _office_language(self, fallback: str) -> str:
        remote = self._remote_config()
        language = remote.get("language") if remote is not None else None
        return language if language in LANGUAGES else fallback

    def config_applied(self, event: ConfigApplied) -> None:
        """The office's new configuration took effect (between sessions): show it."""
        self.location_name = self._office_location()
        self.initial_language = self._office_language(self.configured_language)
        if not self.in_session:
            self.language = self.initial_language
        log.info("configuration %s shown: location %r", event.version, self.location_name)
        self.refresh_service()
        current = self.current_screen
        if current is not None:
            self.screen_content_changed(current)

    def refresh_service(self) -> None:
        if self.core is None:
            return
        state = self.core.service_state()
        if state != self.service:
            if state.notices != self.service.notices:
                log.info("service state: %s", ", ".join(state.notices) or "all offered")
            self.service = state

    def toggle_language(self) -> None:
        i = LANGUAGES.index(self.language) if self.language in LANGUAGES else 0
        self.language = LANGUAGES[(i + 1) % len(LANGUAGES)]
        self.note_activity()

    def on_language(self, instance, value):
        self.title = t("app.title", value)
        log.info("language -> %s", value)
        current = self.current_screen
        if current is not None:
            self.screen_content_changed(current)
        if self.manager is not None:
            self.speak()

    def _on_current(self, manager, name):
        log.info("screen -> %s", name)
        if name != "attract" and not self.in_session:
            self.in_session = True
            log.info("session started")
            if self.core is not None:
                self.core.session_started()

    def _on_keyboard(self, window, key, scancode=None, codepoint=None, modifier=None, **kw):
        if key == KEY_F12:
            self.toggle_language()
            return True
        # harmless on a kiosk: Escape must not quit, F1 must not open Kivy's settings
        return key in (KEY_ESCAPE, KEY_F1)

    # --- core events (worker thread -> Kivy thread) --------------------------------------------
    def _on_core_event(self, event: KioskEvent) -> None:
        """Called on the core's worker thread: only queue, never touch widgets here."""
        self._events.put(event)
        self._drain_trigger()

    def _drain_events(self, *args) -> None:
        while True:
            try:
                event = self._events.get_nowait()
            except queue.Empty:
                return
            try:
                self.handle_event(event)
            except Exception:  # one bad event must not kill the kiosk face
                log.exception("could not show event %r", event)

    def handle_event(self, event: KioskEvent) -> None:
        """Route one core event to a screen (Kivy thread only)."""
        log.debug("event %s", event)
        if self.manager is None:
            return
        self.note_activity()
        current = self.manager.current
        if isinstance(event, Ready):
            # a finished job leaves its result on screen; only a stuck printing screen goes home
            if current == "printing":
                self.show("attract")
        elif isinstance(event, CodeAccepted):
            if current == "scan":
                self.screen("scan").show_checking(event.masked_code)
            else:
                self.screen("printing").show_checking(event.masked_code)
                self.show("printing")
        elif isinstance(event, PrintProgress):
            self.screen("printing").show_progress(
                event.step, event.done, event.total, event.document
            )
            self.show("printing")
        elif isinstance(event, PrintDone):
            self.screen("done").show_done(event.receipt_number, event.holder, event.documents)
            self.show("done")
        elif isinstance(event, Refused):
            self.screen("scan").show_refused(event.message, event.params)
            self.show("scan")
        elif isinstance(event, PrintFailed):
            self.screen("done").show_failed(event.message, event.params)
            self.show("done")
        elif isinstance(event, ConfigApplied):
            self.config_applied(event)
        elif not any(screen.core_event(event) for screen in self.manager.screens):
            log.warning("no screen took event %r", event)

    # --- idle timeout ---------------------------------------------------------------------------
    def note_activity(self) -> None:
        self._last_activity = time.monotonic()
        current = self.current_screen
        if current is not None:
            current.countdown = 0

    def _tick(self, dt) -> None:
        now = time.monotonic()
        if now >= self._service_due:
            self._service_due = now + SERVICE_EVERY
            self.refresh_service()
        current = self.current_screen
        if current is None or self.manager is None or self.manager.transition.is_active:
            return
        limit = current.idle_limit()
        if limit is None:
            current.countdown = 0
            return
        remaining = limit - (time.monotonic() - self._last_activity)
        if remaining <= 0:
            log.info("idle for %.0f s on %s", limit, current.name)
            # the citizen has left: the next one starts afresh, in the kiosk's own language
            self.go_home()
            return
        seconds = countdown_seconds(remaining) if remaining <= COUNTDOWN_FROM else 0
        if seconds and not current.countdown:
            current.countdown = seconds
            self._schedule_screenshot("countdown")
        else:
            current.countdown = seconds

    # --- screenshots ----------------------------------------------------------------------------
    def screen_entered(self, screen: BaseScreen) -> None:
        self._schedule_screenshot()
        self.speak()

    def screen_content_changed(self, screen: BaseScreen) -> None:
        manager = self.manager
        if manager is None or manager.current_screen is not screen:
            return  # the screen's on_enter takes the screenshot
        if manager.transition.is_active:
            return
        self._schedule_screenshot()

    def _schedule_screenshot(self, extra: str = "", delay: float = SCREENSHOT_DELAY) -> None:
        if not self.screenshot_dir:
            return
        if self._shot_event is not None:
            self._shot_event.cancel()
        # never before the first frames are drawn (a configuration shown at start asks early)
        delay = max(delay, self._first_shot_at - time.monotonic())
        self._shot_event = Clock.schedule_once(lambda dt: self._take_screenshot(extra), delay)

    def screenshot_name(self, extra: str = "") -> str:
        current = self.current_screen
        parts = [current.name if current is not None else "screen"]
        if current is not None and current.variant:
            parts.append(current.variant)
        if theme.high_contrast:
            parts.append("hc")
        if extra:
            parts.append(extra)
        return "-".join(parts)

    def _take_screenshot(self, extra: str = "") -> str | None:
        """Save the window as ``NN-<screen>[-<variant>].png`` in ``screenshot_dir``."""
        from kivy.core.window import Window

        self._shot_event = None
        if not self.screenshot_dir or self.manager is None:
            return None
        if self.manager.transition.is_active:
            return None  # the next on_enter schedules a fresh one
        self._shot_number += 1
        final = os.path.join(
            self.screenshot_dir, f"{self._shot_number:02d}-{self.screenshot_name(extra)}.png"
        )
        # Window.screenshot inserts a counter into the name; write to a temp name, then rename
        tmp = Window.screenshot(name=os.path.join(self.screenshot_dir, self._shot_tmp))
        if not tmp:
            log.error("screenshot failed: %s", final)
            return None
        os.replace(tmp, final)
        log.info("screenshot %s", final)
        return final
