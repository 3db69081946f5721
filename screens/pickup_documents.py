"""Documents screen: what will print, before anything prints; one big "Print" and Back.

The core announces ``DocumentsReady`` after a scanned code was resolved (nothing claimed yet) or
a number + PIN was claimed (see kiosk/pickup.py for why the two differ). This screen lists the
documents as the core sends them (type in words, number partly masked, holder masked by the
server) and waits: "Print" asks the core to print exactly what is held, once; Back, Home and the
idle timeout tell the core to forget it and give a claim back. Nothing stays on screen after.
"""

from __future__ import annotations

from typing import Any

from kivy.app import App
from kivy.properties import BooleanProperty, ListProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.events import DocumentsReady
from screens.base import BaseScreen, load_kv
from screens.registry import kiosk_screen


class DocumentCard(BoxLayout):
    """One document: its type in words, its number partly masked, the holder masked."""

    doc_type = StringProperty("")
    number = StringProperty("")
    holder = StringProperty("")


@kiosk_screen("pickup_documents")
class PickupDocumentsScreen(BaseScreen):
    """``source`` is ``code`` or ``pin``; ``starting`` once "Print" was pressed."""

    documents = ListProperty([])
    source = StringProperty("")
    starting = BooleanProperty(False)

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        # This face shows the documents first: the core must wait for "Print" (set before the
        # app starts the core, so the first scan is already shown, not printed).
        app = App.get_running_app()
        core = getattr(app, "core", None)
        if core is not None and hasattr(core, "ask_before_printing"):
            core.ask_before_printing()

    @property
    def back_to(self) -> str:  # type: ignore[override]
        return "pickup_pin" if self.source == "pin" else "scan"

    def on_documents(self, instance, documents) -> None:
        cards = self.ids.cards
        cards.clear_widgets()
        for document in documents:
            cards.add_widget(
                DocumentCard(
                    doc_type=document.get("doc_type", ""),
                    number=document.get("number", ""),
                    holder=document.get("holder", ""),
                )
            )
        self.ids.scroller.scroll_y = 1

    def core_event(self, event: object) -> bool:
        if not isinstance(event, DocumentsReady):
            return False
        self.show_documents(event.source, event.documents)
        app = self.app
        if app is not None:
            app.show(self.name)
        return True

    def show_documents(self, source: str, documents: list[dict[str, str]]) -> None:
        self.source = source
        self.documents = [dict(d) for d in documents]
        self.starting = False
        self.variant = ""
        self.content_changed()

    def print_now(self) -> None:
        app = self.app
        if app is None or self.starting or not self.documents:
            return
        self.starting = True  # one press prints once; the button is gone until the next list
        self.variant = "starting"
        self.content_changed()
        if not app.core.print_confirmed():
            # nothing held any more (e.g. the session ended under us): start over
            self._forget()
            app.show("scan")

    def back(self) -> None:
        app = self.app
        if app is None:
            return
        target = self.back_to
        app.core.cancel_pending()
        app.show(target)

    def on_leave(self, *args):
        super().on_leave(*args)
        if self.manager is not None and self.manager.current == self.name:
            return  # a newer list came in while the screen was fading out
        self._forget()

    def reset(self) -> None:
        self._forget()
        app = self.app
        core = getattr(app, "core", None)
        if core is not None:
            core.cancel_pending()  # the session ended: a claim still held goes back

    def _forget(self) -> None:
        self.documents = []
        self.source = ""
        self.starting = False
        self.variant = ""


load_kv("pickup_documents.kv")
