"""Requirements: choose a service, read which papers it needs, without applying for anything.

The catalogue comes from the server's public list; only the services the office enabled at
this kiosk are offered (all of them while the kiosk has not fetched its configuration yet).
"""

from __future__ import annotations

from typing import Any

from kivy.properties import BooleanProperty, DictProperty, ListProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout

from kiosk.info_text import name_in, offered_here
from screens.base import load_kv
from screens.info_common import ListFromServer
from screens.registry import MenuEntry, kiosk_screen, menu_entry


class ServiceChoice(ButtonBehavior, BoxLayout):
    """A big tile naming one service (see requirements.kv)."""

    text = StringProperty("")


class PaperRow(BoxLayout):
    """One paper to bring, marked required or not."""

    text = StringProperty("")
    required = BooleanProperty(True)


@kiosk_screen("requirements")
class RequirementsScreen(ListFromServer):
    """``state``: ``loading``, ``list``, ``detail``, ``empty`` or ``unavailable``."""

    state = StringProperty("loading")
    services = ListProperty([])
    service = DictProperty({})  # the one chosen, in ``detail``

    def reset(self) -> None:
        self._fetch.cancel()
        self.services = []
        self.service = {}
        self.state = "loading"
        self.fill()

    def load(self) -> None:
        app = self.app
        if app is None:
            return
        self.service = {}
        self._set_state("loading")
        server = app.core.server
        self._fetch.ask(server.services, self._answer, self._failed)

    def back(self) -> None:
        """From a service's requirements to the list; from the list to the menu."""
        app = self.app
        if self.state == "detail":
            self.service = {}
            self._set_state("list")
        elif app is not None:
            app.show(self.back_to)

    def choose(self, service: dict[str, Any]) -> None:
        self.service = service
        self._set_state("detail")

    def _answer(self, catalogue: Any) -> None:
        services = catalogue.get("services") if isinstance(catalogue, dict) else None
        if not isinstance(services, list):
            self._set_state("unavailable")
            return
        app = self.app
        config = getattr(getattr(app, "core", None), "remote_config", None)
        codes = config.service_codes() if config is not None else []
        self.services = offered_here(services, codes)
        self._set_state("list" if self.services else "empty")

    def _failed(self, error: Exception) -> None:
        self._set_state("unavailable")

    def _set_state(self, state: str) -> None:
        self.state = state
        if state == "detail":
            self.variant = "detail-" + str(self.service.get("code", ""))
        self.fill()
        self.ids.tiles_scroll.scroll_y = 1  # a new list or service starts at its top
        self.ids.detail_scroll.scroll_y = 1
        self.content_changed()

    # --- building the lists in the current language -------------------------------------------
    def fill(self, *args) -> None:
        app = self.app
        lang = app.language if app is not None else "id"
        tiles = self.ids.tiles
        tiles.clear_widgets()
        for service in self.services:
            tile = ServiceChoice(text=name_in(service, lang))
            tile.bind(on_release=lambda _tile, s=service: self.choose(s))
            tiles.add_widget(tile)
        papers = self.ids.papers
        papers.clear_widgets()
        for paper in self.service.get("papers") or []:
            if isinstance(paper, dict):
                papers.add_widget(
                    PaperRow(text=name_in(paper, lang), required=bool(paper.get("required")))
                )

    @staticmethod
    def service_name(service: dict[str, Any], lang: str) -> str:
        return name_in(service, lang) if service else ""

    @staticmethod
    def bundle_text(service: dict[str, Any], lang: str) -> str:
        items = [name_in(d, lang) for d in service.get("bundle") or [] if isinstance(d, dict)]
        return "\n".join(f"\u2022  {name}" for name in items)

    @staticmethod
    def fields_text(service: dict[str, Any], lang: str) -> str:
        items = [name_in(f, lang) for f in service.get("fields") or [] if isinstance(f, dict)]
        return ", ".join(items)


menu_entry(MenuEntry("requirements", "requirements", order=40))

load_kv("requirements.kv")
