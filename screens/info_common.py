"""What the information screens (status, locations, requirements) share.

- :class:`Fetch`: one server question at a time, with a deadline. The server client has its own
  timeouts, but the UI worker may be busy with another call: the citizen must never look at a
  spinner for ever. Whatever comes first, the answer or the deadline, is shown; a later answer
  to a question nobody waits for any more is dropped.
- :class:`ListFromServer`: a screen that fetches a list on entry, shows it in the citizen's
  language (again at every language switch), and offers a retry when the server is away.
- :class:`Layer` and :class:`LayerScroll`: parts of a screen shown one at a time in the same
  place. A hidden one is invisible and lets touches through (a disabled Kivy widget would
  swallow every touch on its area, so the layer underneath could not be used).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from kivy.clock import Clock
from kivy.metrics import dp
from kivy.properties import BooleanProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.scrollview import ScrollView

from screens.base import BaseScreen, KLabel, load_kv
from screens.tasks import in_background

log = logging.getLogger("screens")

DEADLINE = 15.0  # seconds: longer than the client's own timeouts, short for a person waiting


class AnswerLate(Exception):
    """No answer came within the deadline."""


class Fetch:
    """Ask in the background; hear back once on the Kivy thread (answer, error or deadline)."""

    def __init__(self, deadline: float = DEADLINE) -> None:
        self.deadline = deadline
        self._asked = 0
        self._timer: Any = None

    def ask(
        self,
        call: Callable[[], Any],
        on_done: Callable[[Any], Any],
        on_error: Callable[[Exception], Any],
    ) -> None:
        self.cancel()
        number = self._asked

        def finish(handler: Callable[[Any], Any], value: Any) -> None:
            if number != self._asked:
                return  # a newer question, a cancel, or the deadline came first
            self.cancel()
            handler(value)

        def late(dt: float) -> None:
            log.warning("no answer from the server within %.0f s", self.deadline)
            finish(on_error, AnswerLate(f"no answer within {self.deadline:.0f} s"))

        self._timer = Clock.schedule_once(late, self.deadline)
        in_background(call, lambda r: finish(on_done, r), lambda e: finish(on_error, e))

    def cancel(self) -> None:
        """Forget the question asked last: its answer, when it comes, is dropped."""
        self._asked += 1
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None


class _Hideable:
    shown: bool

    def on_touch_down(self, touch):
        return self.shown and super().on_touch_down(touch)  # type: ignore[misc]

    def on_touch_move(self, touch):
        return self.shown and super().on_touch_move(touch)  # type: ignore[misc]

    def on_touch_up(self, touch):
        return self.shown and super().on_touch_up(touch)  # type: ignore[misc]


class Layer(_Hideable, BoxLayout):
    """A vertical part of a screen that is shown or hidden as a whole (see info_common.kv)."""

    shown = BooleanProperty(True)


class LayerScroll(_Hideable, ScrollView):
    """A scrolling part of a screen, shown or hidden as a whole, with a thick visible bar.

    ``more_below`` says whether part of the content is still hidden below, so the screen can
    say "slide up".
    """

    shown = BooleanProperty(True)
    more_below = BooleanProperty(False)

    def __init__(self, **kw):
        super().__init__(**kw)
        self.bind(height=self._measure, scroll_y=self._measure)

    def add_widget(self, widget, *args, **kwargs):
        super().add_widget(widget, *args, **kwargs)
        widget.bind(height=self._measure)
        self._measure()

    def _measure(self, *args) -> None:
        content = self.children[0] if self.children else None
        hidden = 0.0 if content is None else (content.height - self.height) * self.scroll_y
        self.more_below = hidden > dp(12)


class ListFromServer(BaseScreen):
    """Base of the locations and requirements screens; ``state`` "list" is the plain one.

    A subclass defines ``load()`` (ask the server through ``self._fetch``) and ``fill()`` (show
    what it has, in the current language).
    """

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self._fetch = Fetch()
        self._follows_language = False

    def load(self) -> None:
        """Ask the server for the list (a subclass's own)."""

    def fill(self, *args: Any) -> None:
        """Show what was fetched in the current language (a subclass's own)."""

    def on_state(self, instance: Any, value: str) -> None:
        self.variant = "" if value == "list" else value

    def on_pre_enter(self, *args: Any) -> None:
        app = self.app
        if app is not None and not self._follows_language:
            app.bind(language=self.fill)
            self._follows_language = True
        self.load()

    def on_leave(self, *args: Any) -> None:
        self._fetch.cancel()
        super().on_leave(*args)

    def retry(self) -> None:
        if self.state == "unavailable":
            self.load()


class MoreBelow(KLabel):
    """ "There is more below, slide up": shown under a list that does not fit (info_common.kv)."""

    shown = BooleanProperty(False)


load_kv("info_common.kv")
