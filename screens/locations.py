"""Other kiosk locations: every ADM location with its address, hours, and whether it is open now.

The list comes from the server's public list each time the screen opens (hours change); this
kiosk's own location, from the configuration the office set, comes first and is marked; the
others follow nearest first (where the server knows their coordinates), then by name.
"""

from __future__ import annotations

from typing import Any

from kivy.factory import Factory
from kivy.properties import BooleanProperty, ListProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.info_text import hours_rows, nearest_first, state_text
from screens.base import KLabel, load_kv
from screens.info_common import ListFromServer
from screens.registry import MenuEntry, kiosk_screen, menu_entry


class LocationCard(BoxLayout):
    """One location: name, address, open now or not; its week's hours on the right."""

    name = StringProperty("")
    address = StringProperty("")
    state_text = StringProperty("")
    is_open = BooleanProperty(False)
    here = BooleanProperty(False)


@kiosk_screen("locations")
class LocationsScreen(ListFromServer):
    """``state``: ``loading``, ``list``, ``empty`` or ``unavailable``."""

    state = StringProperty("loading")
    locations = ListProperty([])

    def reset(self) -> None:
        self._fetch.cancel()
        self.locations = []
        self.ids.cards.clear_widgets()
        self.state = "loading"

    def load(self) -> None:
        app = self.app
        if app is None:
            return
        self.locations = []
        self._set_state("loading")
        server = app.core.server
        self._fetch.ask(
            server.locations, self._answer, lambda error: self._set_state("unavailable")
        )

    def _answer(self, locations: Any) -> None:
        if not isinstance(locations, list):
            self._set_state("unavailable")
            return
        places = [p for p in locations if isinstance(p, dict) and p.get("name")]
        here = self._own_location()
        for place in places:
            place["_here"] = here is not None and (
                place.get("id") == here.get("id")
                if here.get("id") is not None
                else place.get("name") == here.get("name")
            )
        mine = next((p for p in places if p["_here"]), None)  # the server's copy has coordinates
        places.sort(key=lambda p: nearest_first(p, mine))
        self.locations = places
        self._set_state("list" if places else "empty")

    def _failed(self, error: Exception) -> None:
        self._set_state("unavailable")

    def _own_location(self) -> dict[str, Any] | None:
        app = self.app
        config = getattr(getattr(app, "core", None), "remote_config", None)
        here = config.get("location") if config is not None else None
        return here if isinstance(here, dict) else None

    def _set_state(self, state: str) -> None:
        self.state = state
        self.fill()
        self.ids.scroll.scroll_y = 1
        self.content_changed()

    def fill(self, *args) -> None:
        """(Re)build the cards in the current language."""
        app = self.app
        lang = app.language if app is not None else "id"
        cards = self.ids.cards
        cards.clear_widgets()
        for place in self.locations:
            text, is_open = state_text(place, lang)
            card = LocationCard(
                name=str(place.get("name", "")),
                address=str(place.get("address", "")),
                state_text=text,
                is_open=is_open,
                here=bool(place.get("_here")),
            )
            rows = hours_rows(place, lang)
            grid = card.ids.hours
            for days, hours in rows:
                grid.add_widget(Factory.DaysLabel(text=days))
                grid.add_widget(HoursLabel(text=hours))
            cards.add_widget(card)


class HoursLabel(KLabel):
    """One cell of a card's opening-hours table (see locations.kv)."""


menu_entry(MenuEntry("locations", "locations", order=50))

load_kv("locations.kv")
