"""A screenshot of every screen, in both languages, in normal and high-contrast mode.

``adm-kiosk app --tour DIR`` (``make screenshots`` runs it against the demo system) waits for
the kiosk to settle, then shows each registered screen in turn, as it looks when a citizen
arrives on it, and saves ``DIR/<screen>-<language>[-hc].png``. Screens that show a server's
answer (locations, requirements) get the demo server's data. The app ends when the tour is done.

At every stop it also measures the screen's layout (:func:`layout_problems`): text cut off or
larger than its box, text or a layout's child spilling out of its layout, two texts on top of
each other. Each problem is logged as a warning and all are written to ``DIR/.layout.json``
(tests/ui/test_layout_fits.py asserts there are none). ``ADM_TOUR_SETTLE_S`` shortens the wait
on each screen (the test's quick tour); ``ADM_TOUR_SCREENS=scan,survey`` visits only those.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

from kivy.clock import Clock
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.label import Label
from kivy.uix.screenmanager import NoTransition
from kivy.uix.scrollview import ScrollView
from kivy.uix.widget import Widget

from screens.base import theme

log = logging.getLogger("screens")

SETTLE_S = float(os.environ.get("ADM_TOUR_SETTLE_S", "1.5"))  # server answers, layout settle
SLOW = {"locations", "requirements"}  # they show a server's list: at least 1.5 s for it
RECHECK_S = 0.3  # a layout problem must still be there this much later
SKIP = {"printing"}  # shows a print in progress only; its look is in the UI tests' artefacts
# Screens that change their layout for a state a citizen meets often: also shown in that state,
# saved as <screen>@<state>-<language>[-hc].png. The longest refusal text is the one shown.
STATES: dict[str, dict[str, Any]] = {
    "scan": {
        "refused": lambda screen: screen.show_refused(
            "refused.already_printed", {"printed_at": "23-11-2026 09:41"}
        ),
    },
}


class Tour:
    def __init__(self, app: Any, out_dir: str) -> None:
        self.app = app
        self.out = Path(out_dir)
        self.out.mkdir(parents=True, exist_ok=True)
        self.stops: list[tuple[str, str, str, bool]] = []  # screen, state, language, contrast
        self.problems: dict[str, list[str]] = {}

    def start(self, *args: Any) -> None:
        app = self.app
        app.build_all_screens()
        app.manager.transition = NoTransition()
        only = set(filter(None, os.environ.get("ADM_TOUR_SCREENS", "").split(",")))
        names = [
            n for n in sorted(app.manager.screen_names) if n not in SKIP and (not only or n in only)
        ]
        shown = [(name, "") for name in names]
        shown += [(name, state) for name in names for state in STATES.get(name, {})]
        self.stops = [
            (name, state, language, contrast)
            for contrast in (False, True)
            for language in ("id", "en")
            for name, state in shown
        ]
        log.info("screenshot tour: %d screenshots into %s", len(self.stops), self.out)
        self._next()

    def _next(self, *args: Any) -> None:
        if not self.stops:
            report = self.out / ".layout.json"
            report.write_text(json.dumps(self.problems, indent=1, ensure_ascii=False) + "\n")
            log.info("screenshot tour done; %d screens with layout problems", len(self.problems))
            self.app.stop()
            return
        name, state, language, contrast = self.stops.pop(0)
        app = self.app
        try:
            app.go_home()  # every screen as a new citizen finds it
            theme.set_high_contrast(contrast)
            app.language = language
            if name != "attract":
                app.show(name)
            if state:
                STATES[name][state](app.manager.get_screen(name))
        except Exception:  # one screen that cannot be shown alone must not end the tour
            log.exception("tour: screen %s could not be shown", name)
            Clock.schedule_once(self._next, 0)
            return
        suffix = "-hc" if contrast else ""
        settle = max(SETTLE_S, 1.5) if name in SLOW else SETTLE_S
        stop = f"{name}@{state}" if state else name
        Clock.schedule_once(lambda dt: self._measure(f"{stop}-{language}{suffix}"), settle)

    def _measure(self, stop: str, first: list[str] | None = None) -> None:
        """Note the screen's layout problems, those seen twice RECHECK_S apart.

        A screen whose state just changed (a camera found missing) is measured before Kivy
        laid it out again; what is still wrong a few frames later is real.
        """
        found = layout_problems(self.app.manager.current_screen)
        if found and first is None:
            Clock.schedule_once(lambda dt: self._measure(stop, found), RECHECK_S)
            return
        found = [problem for problem in found if first is None or problem in first]
        if found:
            self.problems[stop] = found
            for problem in found:
                log.warning("layout %s: %s", stop, problem)
        self._shoot(stop + ".png")

    def _shoot(self, filename: str) -> None:
        from kivy.core.window import Window

        tmp = Window.screenshot(name=str(self.out / ".tour-shot.png"))
        if tmp:
            os.replace(tmp, self.out / filename)
        else:
            log.error("tour: screenshot %s failed", filename)
        self._next()


# --- layout check -------------------------------------------------------------------------------

SLACK = 2  # pixels: rounding in Kivy's layouts and texture sizes
FRAME = 4  # pixels: a framed button's text must also clear its frame


Rect = tuple[float, float, float, float]  # left, bottom, right, top in window pixels


def _shown(widget: Widget) -> bool:
    """Drawn and visible: not transparent (nor any parent) and not collapsed to nothing."""
    if widget.width <= 1 or widget.height <= 1:
        return False
    node: Any = widget
    while node is not None:
        if getattr(node, "opacity", 1) <= 0:
            return False
        parent = node.parent
        node = None if parent is node else parent
    return True


def _box(widget: Widget) -> Rect:
    x, y = widget.to_window(widget.x, widget.y)
    return (x, y, x + widget.width, y + widget.height)


def _ink(label: Label) -> Rect:
    """Where a label's texture is drawn: centred on the widget (Kivy's Label rule)."""
    tw, th = label.texture_size
    x, y = label.to_window(label.center_x - tw / 2, label.center_y - th / 2)
    return (x, y, x + tw, y + th)


def _name(widget: Widget) -> str:
    text = " ".join(str(getattr(widget, "text", "")).split())
    return f"{type(widget).__name__} {text[:40]!r}" if text else type(widget).__name__


def _inside(inner: Rect, outer: Rect) -> bool:
    return (
        inner[0] >= outer[0] - SLACK
        and inner[1] >= outer[1] - SLACK
        and inner[2] <= outer[2] + SLACK
        and inner[3] <= outer[3] + SLACK
    )


def _overlap(a: Rect, b: Rect) -> bool:
    return min(a[2], b[2]) - max(a[0], b[0]) > SLACK and min(a[3], b[3]) - max(a[1], b[1]) > SLACK


def _full_height(label: Label) -> float:
    """The height the label's whole text needs at its width (nothing cut, nothing shortened)."""
    core = label._label
    if core is None:
        return 0.0
    options = dict(core.options, text_size=(label.text_size[0], None), shorten=False)
    options.pop("text", None)
    whole = type(core)(text=label.text, **options)
    return float(whole.render()[1])


def _label_problems(label: Label) -> list[str]:
    name = _name(label)
    found = []
    tw, th = label.texture_size
    frame = 2 * FRAME if hasattr(label, "border") else 0  # KButton draws a frame in its box
    if tw > label.width - frame + SLACK or th > label.height - frame + SLACK:
        found.append(
            f"{name}: text {tw:.0f}x{th:.0f} px is larger than its box "
            f"{label.width:.0f}x{label.height:.0f}" + (" inside its frame" if frame else "")
        )
    text_w, text_h = label.text_size
    if text_w is not None and (text_h is not None or label.shorten):
        needed = _full_height(label)
        room = text_h if text_h is not None else th
        if needed > room + SLACK:
            found.append(f"{name}: text is cut, it needs {needed:.0f} px of height, has {room:.0f}")
    ink = _ink(label)
    parent: Any = label.parent
    while isinstance(parent, Widget) and not isinstance(parent, ScrollView):
        if parent.width > 1 and parent.height > 1 and not _inside(ink, _box(parent)):
            found.append(
                f"{name}: text {_show(ink)} spills out of {_name(parent)} {_show(_box(parent))}"
            )
            break
        if parent is label.get_root_window() or parent.parent is parent:
            break
        parent = parent.parent
    return found


def layout_problems(screen: Widget) -> list[str]:
    """What a citizen would see wrong on ``screen`` as laid out now: cut, spilling, overlapping.

    Labels (buttons too): their rendered text must fit their box and lie inside every layout
    around them (up to a scroll view, whose content may run past its window); no two texts may
    overlap. Box and grid layouts: every shown child must lie inside the layout (else the
    layout got less room than its children need and they are drawn over their neighbours).
    """
    found: list[str] = []
    labels: list[Label] = []
    for widget in screen.walk(restrict=True):
        if not isinstance(widget, Widget) or not _shown(widget):
            continue
        if isinstance(widget, Label) and widget.text.strip():
            labels.append(widget)
            found.extend(_label_problems(widget))
        if isinstance(widget, (BoxLayout, GridLayout)) and not _in_scroll(widget):
            outer = _box(widget)
            for child in widget.children:
                if _shown(child) and not _inside(_box(child), outer):
                    found.append(
                        f"{_name(child)} {_show(_box(child))} spills out of its "
                        f"{_name(widget)} {_show(outer)}"
                    )
    inks = [(label, _visible_part(label, _ink(label))) for label in labels]
    for i, (a, ink_a) in enumerate(inks):
        for b, ink_b in inks[i + 1 :]:
            if _overlap(ink_a, ink_b) and not (_contains(a, b) or _contains(b, a)):
                found.append(f"{_name(a)} and {_name(b)} are drawn over each other")
    return found


def _show(rect: Rect) -> str:
    return "({:.0f},{:.0f})-({:.0f},{:.0f})".format(*rect)


def _visible_part(widget: Widget, rect: Rect) -> Rect:
    """``rect`` cut to the windows of the scroll views around ``widget`` (may become empty)."""
    node: Any = widget.parent
    while isinstance(node, Widget) and node.parent is not node:
        if isinstance(node, ScrollView):
            view = _box(node)
            rect = (
                max(rect[0], view[0]),
                max(rect[1], view[1]),
                min(rect[2], view[2]),
                min(rect[3], view[3]),
            )
        node = node.parent
    return rect


def _in_scroll(widget: Widget) -> bool:
    node: Any = widget.parent
    while isinstance(node, Widget) and node.parent is not node:
        if isinstance(node, ScrollView):
            return True
        node = node.parent
    return False


def _contains(outer: Widget, inner: Widget) -> bool:
    node: Any = inner.parent
    while isinstance(node, Widget) and node.parent is not node:
        if node is outer:
            return True
        node = node.parent
    return False
