"""Apply, first two steps: choose a service this kiosk offers, then read what it needs.

    apply (services) -> apply_requirements (papers, questions) -> apply_capture ...

The catalogue comes from the server, or from the copy the kiosk kept when the network is away
(kiosk/apply_desk.py), so an application can be made offline and wait in the outbox. Only the
services the office enabled at this kiosk's location are offered; a kiosk without a camera, or
whose office enabled none, shows no Apply tile.
"""

from __future__ import annotations

from typing import Any

from kivy.properties import DictProperty, ListProperty, NumericProperty, StringProperty

from kiosk.info_text import name_in
from screens import feedback_parts  # noqa: F401  (the footer buttons of the .kv rules)
from screens.apply_common import ApplyScreen
from screens.base import load_kv
from screens.info_common import Fetch
from screens.registry import MenuEntry, kiosk_screen, menu_entry
from screens.requirements import PaperRow, ServiceChoice


def enabled_here(core: Any) -> list[str]:
    config = getattr(core, "remote_config", None)
    return config.service_codes() if config is not None else []


def apply_offered(core: Any) -> bool:
    """A camera to photograph papers, and at least one service the office enabled here."""
    return getattr(core, "camera", None) is not None and bool(enabled_here(core))


@kiosk_screen("apply")
class ApplyChooseScreen(ApplyScreen):
    """``state``: loading, list, empty or unavailable."""

    state = StringProperty("loading")
    services = ListProperty([])

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self._fetch = Fetch()
        self._follows_language = False

    def on_state(self, instance: Any, value: str) -> None:
        self.variant = "" if value == "list" else value
        self.content_changed()

    def on_pre_enter(self, *args: Any) -> None:
        app = self.app
        if app is not None and not self._follows_language:
            app.bind(language=self.fill)
            self._follows_language = True
        self.load()

    def on_leave(self, *args: Any) -> None:
        self._fetch.cancel()
        super().on_leave(*args)

    def load(self) -> None:
        app = self.app
        if app is None:
            return
        self.state = "loading"
        self._fetch.ask(app.core.applications.services, self._answer, self._failed)

    def retry(self) -> None:
        if self.state == "unavailable":
            self.load()

    def _answer(self, services: list[dict[str, Any]]) -> None:
        codes = enabled_here(self.app.core)
        self.services = [s for s in services if s.get("code") in codes]
        self.state = "list" if self.services else "empty"
        self.fill()

    def _failed(self, error: Exception) -> None:
        self.services = []
        self.state = "unavailable"
        self.fill()

    def fill(self, *args: Any) -> None:
        lang = self.app.language if self.app is not None else "id"
        tiles = self.ids.tiles
        tiles.clear_widgets()
        for service in self.services:
            tile = ServiceChoice(text=name_in(service, lang))
            tile.bind(on_release=lambda _tile, s=service: self.choose(s))
            tiles.add_widget(tile)
        self.ids.tiles_scroll.scroll_y = 1

    def choose(self, service: dict[str, Any]) -> None:
        self.draft.start(service)  # a new application, with its own idempotency key
        self.app.show("apply_requirements")

    def reset(self) -> None:
        self._fetch.cancel()
        self.services = []
        self.state = "loading"
        super().reset()


@kiosk_screen("apply_requirements")
class ApplyRequirementsScreen(ApplyScreen):
    """The chosen service: its papers (required or not) and how many questions follow."""

    back_to = "apply"
    service = DictProperty({})
    questions = NumericProperty(0)

    def on_pre_enter(self, *args: Any) -> None:
        self.service = dict(self.draft.service)
        self.questions = len(self.draft.field_specs())
        self.variant = str(self.service.get("code", ""))
        self.fill()
        app = self.app
        app.bind(language=self.fill)

    def on_leave(self, *args: Any) -> None:
        self.app.unbind(language=self.fill)
        super().on_leave(*args)

    def fill(self, *args: Any) -> None:
        lang = self.app.language if self.app is not None else "id"
        papers = self.ids.papers
        papers.clear_widgets()
        for paper in self.service.get("papers") or []:
            if isinstance(paper, dict):
                papers.add_widget(
                    PaperRow(text=name_in(paper, lang), required=bool(paper.get("required")))
                )
        self.ids.papers_scroll.scroll_y = 1

    @staticmethod
    def service_name(service: dict[str, Any], lang: str) -> str:
        return name_in(service, lang) if service else ""

    def start(self) -> None:
        capture = self.app.screen("apply_capture")
        capture.begin()
        self.app.show("apply_capture")

    def reset(self) -> None:
        self.service = {}
        super().reset()


menu_entry(MenuEntry("apply", "apply", order=20, offered=apply_offered))

load_kv("apply_choose.kv")
