"""Menu: the services this kiosk offers now, as big tiles; each opens its flow."""

from __future__ import annotations

from kivy.properties import ListProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout

from screens.base import BaseScreen, load_kv
from screens.registry import kiosk_screen, menu_for


class MenuTile(ButtonBehavior, BoxLayout):
    """One service: a big tile with its name and one line on what it does (see menu.kv)."""

    key = StringProperty("")


@kiosk_screen("menu")
class MenuScreen(BaseScreen):
    entries = ListProperty([])  # the MenuEntry tiles shown, in order
    back_to = "language"

    def on_pre_enter(self, *args):
        app = self.app
        self.entries = menu_for(app.core) if app is not None else []
        self.variant = "" if self.entries else "empty"

    def on_entries(self, instance, entries) -> None:
        tiles = self.ids.tiles
        tiles.clear_widgets()
        for entry in entries:
            tile = MenuTile(key=entry.key)
            tile.bind(on_release=lambda _tile, target=entry.screen: self.open(target))
            tiles.add_widget(tile)

    def open(self, screen: str) -> None:
        app = self.app
        if app is not None:
            app.show(screen)


load_kv("menu.kv")
