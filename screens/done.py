"""Done screen: thank you, the receipt number; or, if printing failed, what happened."""

from __future__ import annotations

from kivy.properties import BooleanProperty, ListProperty, StringProperty

from screens.base import BaseScreen, doc_name, load_kv
from screens.registry import kiosk_screen


@kiosk_screen("done")
class DoneScreen(BaseScreen):
    """``failed`` switches between the thank-you layout and the failure layout."""

    failed = BooleanProperty(False)
    receipt = StringProperty("")
    holder = StringProperty("")
    documents = ListProperty([])
    message_key = StringProperty("")

    def idle_limit(self) -> float | None:
        app = self.app
        if app is None:
            return None
        if self.failed:
            # an officer may need to read this screen: give it the full idle timeout
            return float(app.idle_timeout)
        return float(min(app.done_timeout, app.idle_timeout))

    def show_done(self, receipt: str, holder: str = "", documents: list[str] | None = None) -> None:
        self.failed = False
        self.receipt = receipt
        self.holder = holder
        self.documents = list(documents or [])
        self.message_key = ""
        self.params = {}
        self.variant = ""
        self.content_changed()

    def show_failed(self, message: str, params: dict[str, str] | None = None) -> None:
        self.failed = True
        self.receipt = ""
        self.holder = ""
        self.documents = []
        self.message_key = message or "failed.generic"
        self.params = dict(params or {})
        self.variant = "failed"
        self.content_changed()

    @staticmethod
    def documents_text(documents: list[str], lang: str) -> str:
        return ", ".join(doc_name(code, lang) for code in documents)


load_kv("done.kv")
