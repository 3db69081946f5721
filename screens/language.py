"""Language screen: the citizen picks Bahasa Indonesia or English before anything else."""

from __future__ import annotations

from screens.base import BaseScreen, load_kv
from screens.registry import kiosk_screen


@kiosk_screen("language")
class LanguageScreen(BaseScreen):
    back_to = "attract"

    def choose(self, language: str) -> None:
        app = self.app
        if app is not None:
            app.language = language
            app.show("menu")


load_kv("language.kv")
