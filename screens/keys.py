"""Our own on-screen keypad and keyboard: big keys, no system keyboard popping up.

Both edit a ``value`` string property that the screen binds to; neither knows what is typed.
``KeyPad`` has digits only (PIN, registration number, phone); ``KeyBoard`` has letters, digits,
space and a few signs (ticket numbers, a complaint's text), with a lower/upper case switch.
"""

from __future__ import annotations

from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout

from kiosk.i18n import t
from screens.base import KButton, app_language, load_kv

KEYBOARD_ROWS = ("1234567890", "QWERTYUIOP", "ASDFGHJKL-", "ZXCVBNM.,/")


class Key(KButton):
    """One key of the pad or the board (see keys.kv for its look)."""


class _Typing:
    value: str
    max_length: float

    def type(self, symbol: str) -> None:
        if len(self.value) < self.max_length:
            self.value += symbol

    def delete(self) -> None:
        self.value = self.value[:-1]

    def clear(self) -> None:
        self.value = ""


class KeyPad(_Typing, GridLayout):
    """0-9 in the telephone layout, with Clear and Delete (see keys.kv)."""

    value = StringProperty("")
    max_length = NumericProperty(20)


class KeyBoard(_Typing, BoxLayout):
    """Four rows of ten keys, then case switch, a wide space bar and Delete."""

    value = StringProperty("")
    max_length = NumericProperty(200)
    lower = BooleanProperty(False)

    def __init__(self, **kw):
        super().__init__(**kw)
        self._letters: list[Key] = []
        self._case = Key()
        self._space = Key()
        self._delete = Key()
        for row in KEYBOARD_ROWS:
            line = BoxLayout(spacing=self.spacing)
            for symbol in row:
                key = Key(text=symbol)
                key.bind(on_release=lambda k, s=symbol: self.type(s))
                line.add_widget(key)
                if symbol.isalpha():
                    self._letters.append(key)
            self.add_widget(line)
        last = BoxLayout(spacing=self.spacing)
        self._case.bind(on_release=lambda k: self.toggle_case())
        self._space.bind(on_release=lambda k: self.type(" "))
        self._delete.bind(on_release=lambda k: self.delete())
        last.add_widget(self._case)
        last.add_widget(self._space)
        last.add_widget(self._delete)
        self._space.size_hint_x = 3.0
        self.add_widget(last)
        self.label_keys()

    def on_lower(self, *args) -> None:
        self.label_keys()

    def toggle_case(self) -> None:
        self.lower = not self.lower

    def label_keys(self, *args) -> None:
        """Letters in the current case; command keys in the citizen's language."""
        for key in self._letters:
            key.text = key.text.lower() if self.lower else key.text.upper()
        lang = app_language()
        self._case.text = t("keys.upper" if self.lower else "keys.lower", lang)
        self._space.text = t("keys.space", lang)
        self._delete.text = t("keys.delete", lang)

    def type(self, symbol: str) -> None:
        super().type(symbol.lower() if self.lower else symbol)


load_kv("keys.kv")
