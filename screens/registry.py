"""Which screens the app has and which services its menu offers, declared by the screens.

A screen module registers its screen class with ``@kiosk_screen("name")`` and, when it starts a
flow from the menu, a :class:`MenuEntry`. The app imports every module of this package at start
(:func:`load_screens`), so a new flow is a new module: no list elsewhere to edit.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T", bound=type)

SCREENS: dict[str, type] = {}
MENU: dict[str, MenuEntry] = {}


@dataclass(frozen=True)
class MenuEntry:
    """A tile on the menu: its texts, the screen it opens, its place, and when it is offered."""

    key: str  # kiosk.i18n keys "menu.<key>.title" and "menu.<key>.body"
    screen: str
    order: int
    offered: Callable[[Any], bool] = lambda core: True  # core -> may a citizen start it now?


def kiosk_screen(name: str) -> Callable[[T], T]:
    def register(cls: T) -> T:
        if name in SCREENS and SCREENS[name] is not cls:
            raise ValueError(f"two screens are named {name!r}")
        SCREENS[name] = cls
        return cls

    return register


def menu_entry(entry: MenuEntry) -> None:
    MENU[entry.key] = entry


def load_screens() -> dict[str, type]:
    """Import every screen module; returns the screens by name."""
    package = importlib.import_module("screens")
    for info in pkgutil.iter_modules(package.__path__):
        if info.name not in ("app", "cli", "registry", "base", "tasks", "tour"):
            importlib.import_module(f"screens.{info.name}")
    return dict(SCREENS)


def menu_for(core: Any) -> list[MenuEntry]:
    """The tiles to show now, in their order."""
    return sorted((e for e in MENU.values() if e.offered(core)), key=lambda e: e.order)
