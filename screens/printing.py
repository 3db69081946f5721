"""Printing screen: a big progress bar, the current step and the document being printed."""

from __future__ import annotations

from kivy.animation import Animation
from kivy.properties import BooleanProperty, NumericProperty, StringProperty

from screens.base import BaseScreen, load_kv
from screens.registry import kiosk_screen

STEPS = ("download", "a4", "receipt", "confirm")


@kiosk_screen("printing")
class PrintingScreen(BaseScreen):
    """No Home button and no idle timeout: the core decides when printing ends."""

    checking = BooleanProperty(False)
    step = StringProperty("")
    document = StringProperty("")
    progress = NumericProperty(0.0)  # 0..1, animated

    def idle_limit(self) -> float | None:
        return None

    def __init__(self, **kw):
        super().__init__(**kw)
        self.show_home = False

    def show_checking(self, masked_code: str = "") -> None:
        """A code was read on another screen; the server is being asked about it."""
        Animation.cancel_all(self, "progress")
        self.checking = True
        self.step = ""
        self.document = ""
        self.progress = 0.0
        self.variant = "checking"
        self.content_changed()

    def show_progress(self, step: str, done: int, total: int, document: str) -> None:
        self.checking = False
        self.step = step
        if document:
            self.document = document
        value = max(0.0, min(1.0, done / total)) if total > 0 else 0.0
        Animation.cancel_all(self, "progress")
        Animation(progress=value, duration=0.4, t="out_quad").start(self)
        self.variant = step or "progress"
        self.content_changed()

    @staticmethod
    def step_key(step: str) -> str:
        return f"printing.step.{step}" if step in STEPS else "printing.step.working"


load_kv("printing.kv")
