"""Menu: the services this kiosk offers now, as big tiles; each opens its flow.

Which tiles show, and which are greyed with the reason instead of their description, follows
the kiosk's service state (kiosk/service_state.py, kept by the app in ``app.service``): a
tile's ``MenuEntry.offered`` says whether its flow exists here at all, the service state
whether it can be used now. The menu changes as the state does (server back, paper refilled).
"""

from __future__ import annotations

from kivy.properties import BooleanProperty, ListProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout

from kiosk.i18n import t
from kiosk.service_state import ServiceState, notices_text, reason_text
from screens.base import BaseScreen, load_kv
from screens.registry import MenuEntry, kiosk_screen, menu_for


class MenuTile(ButtonBehavior, BoxLayout):
    """One service: a big tile with its name and one line on what it does (see menu.kv).

    A tile that cannot be used now (``enabled`` False) is greyed, ignores touches, and says why.
    """

    key = StringProperty("")
    enabled = BooleanProperty(True)


@kiosk_screen("menu")
class MenuScreen(BaseScreen):
    entries = ListProperty([])  # the MenuEntry tiles shown, in order
    back_to = "language"

    def __init__(self, **kw):
        super().__init__(**kw)
        self._watching = False

    def on_pre_enter(self, *args):
        app = self.app
        if app is not None and not self._watching:
            app.bind(service=self._service_changed)
            self._watching = True
        self.refresh()

    def refresh(self) -> None:
        app = self.app
        if app is None:
            self.entries = []
            return
        state: ServiceState = app.service
        entries = [e for e in menu_for(app.core) if state.offer(e.key).shown]
        # a change of what is usable redraws the tiles even when the same ones show
        self.entries = [(e, state.offer(e.key).enabled) for e in entries]
        self.variant = "" if self.entries else "empty"

    def _service_changed(self, app, state) -> None:
        if self.manager is not None and self.manager.current == self.name:
            self.refresh()
            self.content_changed()

    def on_entries(self, instance, entries) -> None:
        tiles = self.ids.tiles
        tiles.clear_widgets()
        for entry, enabled in entries:
            tile = MenuTile(key=entry.key, enabled=enabled, disabled=not enabled)
            tile.bind(on_release=lambda _tile, target=entry.screen: self.open(target))
            tiles.add_widget(tile)

    def open(self, screen: str) -> None:
        app = self.app
        if app is not None:
            app.show(screen)

    def speech_text(self, lang: str) -> str:
        """The menu's text, then each tile: its name, and why it cannot be used if so."""
        app = self.app
        parts = [super().speech_text(lang)]
        state = app.service if app is not None else ServiceState()
        for entry, enabled in self.entries:
            assert isinstance(entry, MenuEntry)
            parts.append(t(f"menu.{entry.key}.title", lang) + ".")
            if not enabled:
                parts.append(reason_text(state, entry.key, lang))
        notices = notices_text(state, lang)
        if notices:
            parts.append(notices)
        return " ".join(parts)


load_kv("menu.kv")
