"""Scan screen: shows how to hold the phone's QR code to the scanner, then checking/refusals."""

from __future__ import annotations

from kivy.properties import StringProperty

from screens.base import BaseScreen, load_kv
from screens.registry import MenuEntry, kiosk_screen, menu_entry


@kiosk_screen("scan")
class ScanScreen(BaseScreen):
    """``state`` is ``idle`` (instructions only), ``checking`` or ``refused``."""

    state = StringProperty("idle")
    message_key = StringProperty("")
    masked_code = StringProperty("")

    def on_state(self, instance, value):
        self.variant = "" if value == "idle" else value

    def on_enter(self, *args):
        self.ids.phone.start()
        super().on_enter(*args)

    def on_leave(self, *args):
        # after the fade-out: the next citizen starts with plain instructions
        self.ids.phone.stop()
        self.show_idle(notify=False)
        super().on_leave(*args)

    def reset(self) -> None:
        self.show_idle(notify=False)  # a refusal is not the next citizen's

    def show_idle(self, notify: bool = True) -> None:
        self.message_key = ""
        self.params = {}
        self.masked_code = ""
        self.state = "idle"
        if notify:
            self.content_changed()

    def show_checking(self, masked_code: str = "") -> None:
        self.message_key = "scan.checking"
        self.params = {}
        self.masked_code = masked_code
        self.state = "checking"
        self.content_changed()

    def show_refused(self, message: str, params: dict[str, str] | None = None) -> None:
        self.message_key = message or "refused.generic"
        self.params = dict(params or {})
        self.state = "refused"
        self.content_changed()


menu_entry(MenuEntry("print", "scan", order=10))

load_kv("scan.kv")
