"""Shared look and behaviour of every kiosk screen: colours, type sizes, buttons, header, footer.

Every screen subclasses :class:`BaseScreen`. Texts come from :mod:`kiosk.i18n`; kv rules bind
to ``app.language`` so a language switch re-renders every label at once.

Colours and type sizes live on :data:`theme`, an event dispatcher. A .kv file says
``#:import theme screens.base`` (this module); :func:`load_kv` then points kv's ``theme`` at the
dispatcher, so every rule's ``theme.NAVY`` binds to a property and switching the high-contrast,
large-text mode (``theme.high_contrast``) re-renders every screen at once. The module constants
below are the normal palette, for Python code and tests.
"""

from __future__ import annotations

import logging
import math
import os
import random
import time
from typing import Any

from kivy.animation import Animation
from kivy.app import App
from kivy.clock import Clock
from kivy.event import EventDispatcher
from kivy.graphics import (
    Color,
    PopMatrix,
    PushMatrix,
    Rectangle,
    RoundedRectangle,
    Translate,
    Triangle,
)
from kivy.lang import Builder, global_idmap
from kivy.metrics import dp, sp
from kivy.properties import (
    BooleanProperty,
    ColorProperty,
    DictProperty,
    NumericProperty,
    StringProperty,
)
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label
from kivy.uix.screenmanager import Screen
from kivy.uix.widget import Widget

from kiosk.i18n import DEFAULT_LANGUAGE, MESSAGES, t

log = logging.getLogger("screens")


def rgb(hex_colour: str, alpha: float = 1.0) -> tuple[float, float, float, float]:
    """``"#0B2545"`` -> an RGBA tuple for Kivy."""
    h = hex_colour.lstrip("#")
    return (int(h[0:2], 16) / 255, int(h[2:4], 16) / 255, int(h[4:6], 16) / 255, alpha)


# --- palette: calm, official, high contrast ------------------------------------------------
NAVY = rgb("#0B2545")  # text on white, header background
NAVY_DARK = rgb("#071A33")
BLUE = rgb("#1457A8")  # Dukcapil-like accent blue
BLUE_LIGHT = rgb("#E3EEFA")
GREEN = rgb("#157347")  # action / success
GREEN_DARK = rgb("#0E5233")
GREEN_LIGHT = rgb("#E2F3E9")
WHITE = rgb("#FFFFFF")
PANEL = rgb("#EEF3F8")  # soft panel / footer background
LINE = rgb("#C9D4E1")
MUTED = rgb("#33475E")  # secondary text, still >= 9:1 on white
ON_NAVY_MUTED = rgb("#D3E2F4")  # secondary text on navy
AMBER_BG = rgb("#FFF1C7")
AMBER = rgb("#B35C00")
RED = rgb("#B3261E")
RED_DARK = rgb("#7A1712")

# --- type scale (1280x800 design) ------------------------------------------------------------
FONT = "Roboto"  # ships with Kivy; DejaVuSans is a drop-in alternative
DISPLAY = "60sp"  # attract title
TITLE = "52sp"  # screen titles
HEADLINE = "40sp"
BODY_LARGE = "34sp"
BODY = "30sp"
SMALL = "28sp"  # the smallest text anywhere
BUTTON = "32sp"
TOUCH = "88dp"  # button height (>= 64 dp)

# --- high contrast, large text: white and yellow on black (WCAG AAA, >= 7:1) --------------------
BLACK = rgb("#000000")
YELLOW = rgb("#FFE500")  # 17.6:1 on black
GREY_DARK = rgb("#262626")  # a pressed button's background: white on it is 15:1
LARGE_TEXT = 1.3  # type scale of the high-contrast mode

# Each colour role of the normal palette -> its high-contrast colour. Dark colours (text,
# accents, dark backgrounds) become white or yellow, light ones (backgrounds) black, so every
# pair that contrasts in the normal palette contrasts at least 7:1 in this one.
HIGH_CONTRAST = {
    "NAVY": WHITE,
    "NAVY_DARK": WHITE,
    "BLUE": YELLOW,
    "BLUE_LIGHT": GREY_DARK,
    "GREEN": YELLOW,
    "GREEN_DARK": WHITE,
    "GREEN_LIGHT": BLACK,
    "WHITE": BLACK,
    "PANEL": BLACK,
    "LINE": WHITE,
    "MUTED": YELLOW,
    "ON_NAVY_MUTED": BLACK,
    "AMBER_BG": BLACK,
    "AMBER": YELLOW,
    "RED": YELLOW,
    "RED_DARK": YELLOW,
}
# Roles for dark surfaces (the header bar, the attract screen): navy normally, black in high
# contrast, so they stay dark with light text in both.
DARK_ROLES = {
    "DARK_BG": (NAVY, BLACK),
    "ON_DARK": (WHITE, WHITE),
    "ON_DARK_MUTED": (ON_NAVY_MUTED, YELLOW),
    "ON_DARK_ACCENT": (rgb("#5BC98A"), YELLOW),
    "DARK_BAND": (rgb("#123563"), rgb("#1A1A1A")),
    "DARK_DOWN": (BLUE, GREY_DARK),  # a pressed button on a dark surface
}
NORMAL = {name: globals()[name] for name in HIGH_CONTRAST}
NORMAL.update({name: pair[0] for name, pair in DARK_ROLES.items()})
HIGH_CONTRAST.update({name: pair[1] for name, pair in DARK_ROLES.items()})
TYPE_SP = {  # name -> size in sp at the normal scale
    "DISPLAY": 60,
    "TITLE": 52,
    "HEADLINE": 40,
    "BODY_LARGE": 34,
    "BODY": 30,
    "SMALL": 28,
    "BUTTON": 32,
}

KV_DIR = os.path.dirname(os.path.abspath(__file__))


def load_kv(filename: str) -> None:
    """Load ``screens/<filename>`` once, however many times the module is imported."""
    path = os.path.join(KV_DIR, filename)
    if path not in Builder.files:
        Builder.load_file(path)
    # A kv import is global: whatever a file imported as ``theme`` (this module), rules made
    # from now on see the dispatcher and bind to its colours and sizes.
    global_idmap["theme"] = theme


def tr(key: str, lang: str, fallback: str = "", **params: object) -> str:
    """Like :func:`t`, but an unknown key shows ``fallback``'s text instead of the bare key."""
    if key not in MESSAGES and fallback:
        log.error("unknown message key %r; showing %r instead", key, fallback)
        key = fallback
    return t(key, lang, **params)


def doc_name(code: str, lang: str) -> str:
    """Translated document name for a document type code; an unknown code is shown as is."""
    key = f"doc.{code}"
    return t(key, lang) if key in MESSAGES else code


def app_language() -> str:
    app = App.get_running_app()
    return getattr(app, "language", DEFAULT_LANGUAGE) if app else DEFAULT_LANGUAGE


class Theme(EventDispatcher):
    """The colours and type sizes every kv rule binds to (``theme.NAVY``, ``theme.BODY``).

    ``high_contrast`` switches every colour to its high-contrast role and scales type by 1.3;
    ``speech`` is whether spoken guidance is on. Both belong to one citizen's session: the app
    turns them off when the session ends.
    """

    high_contrast = BooleanProperty(False)
    speech = BooleanProperty(False)
    FONT = StringProperty(FONT)
    TOUCH = NumericProperty(dp(88))
    NAVY = ColorProperty(NAVY)
    NAVY_DARK = ColorProperty(NAVY_DARK)
    BLUE = ColorProperty(BLUE)
    BLUE_LIGHT = ColorProperty(BLUE_LIGHT)
    GREEN = ColorProperty(GREEN)
    GREEN_DARK = ColorProperty(GREEN_DARK)
    GREEN_LIGHT = ColorProperty(GREEN_LIGHT)
    WHITE = ColorProperty(WHITE)
    PANEL = ColorProperty(PANEL)
    LINE = ColorProperty(LINE)
    MUTED = ColorProperty(MUTED)
    ON_NAVY_MUTED = ColorProperty(ON_NAVY_MUTED)
    AMBER_BG = ColorProperty(AMBER_BG)
    AMBER = ColorProperty(AMBER)
    RED = ColorProperty(RED)
    RED_DARK = ColorProperty(RED_DARK)
    DARK_BG = ColorProperty(NORMAL["DARK_BG"])
    ON_DARK = ColorProperty(NORMAL["ON_DARK"])
    ON_DARK_MUTED = ColorProperty(NORMAL["ON_DARK_MUTED"])
    ON_DARK_ACCENT = ColorProperty(NORMAL["ON_DARK_ACCENT"])
    DARK_BAND = ColorProperty(NORMAL["DARK_BAND"])
    DARK_DOWN = ColorProperty(NORMAL["DARK_DOWN"])
    DISPLAY = NumericProperty(sp(60))
    TITLE = NumericProperty(sp(52))
    HEADLINE = NumericProperty(sp(40))
    BODY_LARGE = NumericProperty(sp(34))
    BODY = NumericProperty(sp(30))
    SMALL = NumericProperty(sp(28))
    BUTTON = NumericProperty(sp(32))
    scale = NumericProperty(1.0)  # type scale: 1.0, or LARGE_TEXT in high contrast

    # the helpers kv rules call through ``theme.``
    rgb = staticmethod(rgb)
    tr = staticmethod(tr)

    @staticmethod
    def doc_name(code: str, lang: str) -> str:
        return doc_name(code, lang)

    def __init__(self, with_defaults: bool = True, **kw):
        # Class rules in base.kv (KLabel's colour, KButton's size...) read ``theme.defaults``:
        # it changes first, so a screen's own ``color: theme.WHITE`` on a KLabel is set after
        # the class rule's and wins. (Kivy keeps the bindings of every rule that sets a
        # property; the one that fires last decides.)
        self.defaults: Theme | None = Theme(with_defaults=False) if with_defaults else None
        super().__init__(**kw)
        self._apply()

    def __getattr__(self, name: str) -> Any:
        """Anything else a kv rule reads as ``theme.X`` is this module's (not reactive)."""
        try:
            return globals()[name]
        except KeyError:
            raise AttributeError(name) from None

    def on_high_contrast(self, instance, value) -> None:
        self._apply()

    def set_high_contrast(self, on: bool) -> None:
        self.high_contrast = on

    def _apply(self) -> None:
        if self.defaults is not None:
            self.defaults.high_contrast = self.high_contrast
        palette = HIGH_CONTRAST if self.high_contrast else NORMAL
        for name, colour in palette.items():
            setattr(self, name, colour)
        self.scale = LARGE_TEXT if self.high_contrast else 1.0
        for name, size in TYPE_SP.items():
            setattr(self, name, sp(size) * self.scale)


theme = Theme()  # the one every screen shares


# --- debounce --------------------------------------------------------------------------------
# Seconds after a button's release in which a second release of the same button is a bounce
# (a touchscreen that chatters, a shaky finger), not a press. Keys must stay short: a quick
# "11" is two taps about 150 ms or more apart. The kiosk's [display] section sets both.
DEBOUNCE = {"key": 0.120, "action": 0.500}


def set_debounce(key_ms: int, action_ms: int) -> None:
    """Use the kiosk configuration's windows (``[display] debounce_key_ms``, ``..._action_ms``)."""
    DEBOUNCE["key"] = key_ms / 1000
    DEBOUNCE["action"] = action_ms / 1000


class DebouncedButtonBehavior(ButtonBehavior):
    """ButtonBehavior that ignores a second release of this button within ``DEBOUNCE[kind]``.

    Time is the touch's own end time: an input provider stamps it when it reads the device, so
    two releases that reach the UI thread in one frame are still told apart by when they happened.
    """

    debounce_kind = "key"  # "key": keypad and keyboard; "action": Next, Print, Back, toggles

    def __init__(self, **kw: Any) -> None:
        self._released_at = -math.inf
        super().__init__(**kw)

    def on_touch_up(self, touch: Any) -> Any:
        if touch.grab_current is self and self.collide_point(*touch.pos):
            now = touch.time_end if touch.time_end > 0 else time.time()
            gap, self._released_at = now - self._released_at, now
            if gap < DEBOUNCE[self.debounce_kind]:
                touch.ungrab(self)
                self._do_release()
                # no text: the button may be a PIN digit
                log.info(
                    "%s released again after %.0f ms: a bounce, ignored",
                    type(self).__name__,
                    gap * 1000,
                )
                return True
        return super().on_touch_up(touch)


# --- widgets ---------------------------------------------------------------------------------
class KLabel(Label):
    """A label that wraps to its width and grows to fit its text (see base.kv)."""


class KButton(DebouncedButtonBehavior, Label):
    """A big, flat, rounded button with a clear pressed state (see base.kv).

    A plain KButton (the keys of screens/keys.py) debounces as a key; the action buttons below
    as an action.
    """

    bg = ColorProperty(WHITE)
    bg_down = ColorProperty(PANEL)
    fg = ColorProperty(NAVY)
    border = ColorProperty(NAVY)


class PrimaryButton(KButton):
    debounce_kind = "action"


class SecondaryButton(KButton):
    debounce_kind = "action"


class LanguageButton(KButton):
    """Shows the *other* language's name; pressing it switches every text on the screen."""

    debounce_kind = "action"


class AccessButton(KButton):
    """A header toggle with a drawn icon: ``contrast`` (high contrast) or ``speech`` (read aloud).

    ``active`` shows it is on (filled); the icon says what it does to someone who cannot read.
    """

    debounce_kind = "action"
    icon = StringProperty("contrast")
    active = BooleanProperty(False)


class HeaderBar(BoxLayout):
    """Navy bar on top of every screen: kiosk name on the left, language switch on the right."""


class FooterBar(BoxLayout):
    """Light bar at the bottom holding Back / Home buttons and the idle countdown."""


class CountdownLabel(KLabel):
    """'Returning to the start in N seconds' - visible only in the last seconds."""

    seconds = NumericProperty(0)


class BusySpinner(Widget):
    """A turning arc that shows the kiosk is busy (drawn with canvas, no images)."""

    angle = NumericProperty(0)
    colour = ColorProperty(BLUE)
    active = BooleanProperty(True)

    def __init__(self, **kw):
        super().__init__(**kw)
        self._ev = None
        self.bind(active=self._update_active)
        Clock.schedule_once(lambda dt: self._update_active(), 0)

    def _update_active(self, *args):
        if self.active and self._ev is None:
            self._ev = Clock.schedule_interval(self._turn, 1 / 30)
        elif not self.active and self._ev is not None:
            self._ev.cancel()
            self._ev = None

    def _turn(self, dt):
        if self.get_root_window() is None:
            return
        self.angle = (self.angle + 240 * dt) % 360


class ProgressTrack(Widget):
    """A thick, rounded progress bar (Kivy's built-in one is only a few pixels tall)."""

    value = NumericProperty(0.0)  # 0..1


class MessagePanel(BoxLayout):
    """A framed message: ``kind`` is info (blue) or warning (amber box, red border)."""

    kind = StringProperty("info")
    show_icon = BooleanProperty(True)
    heading = StringProperty("")
    text = StringProperty("")


class WarningIcon(Widget):
    """A red/amber triangle with an exclamation mark, drawn with canvas instructions."""


class CheckIcon(Widget):
    """A green disc with a white tick, drawn with canvas instructions."""


class PhoneQrDrawing(Widget):
    """A phone showing a QR code, with a big arrow pointing down to the scanner.

    ``bob`` moves the phone a little toward the arrow and back, to show the gesture.
    """

    bob = NumericProperty(0.0)
    show_arrow = BooleanProperty(True)
    animate = BooleanProperty(True)
    phone_colour = ColorProperty(NAVY)
    arrow_colour = ColorProperty(GREEN)

    QR_SIZE = 21

    def __init__(self, **kw):
        super().__init__(**kw)
        self._anim: Animation | None = None
        self._modules = self._make_qr_pattern()
        # a layout pass moves and resizes the drawing many times: draw once, at the next frame
        self._redraw_soon = Clock.create_trigger(self._redraw, 0)
        self.bind(
            pos=self._redraw_soon,
            size=self._redraw_soon,
            show_arrow=self._redraw_soon,
            animate=self._redraw_soon,
            phone_colour=self._redraw_soon,
            arrow_colour=self._redraw_soon,
        )
        self.bind(bob=self._move)
        self._translate = Translate(0, 0)
        self._redraw()

    @classmethod
    def _make_qr_pattern(cls) -> list[tuple[int, int]]:
        """Dark modules of a QR-looking 21x21 grid: three finder squares plus fixed noise."""
        n = cls.QR_SIZE
        rng = random.Random(20261122)
        dark: list[tuple[int, int]] = []

        def in_finder(c: int, r: int) -> tuple[int, int] | None:
            for fc, fr in ((0, 0), (n - 7, 0), (0, n - 7)):
                if fc - 1 <= c <= fc + 7 and fr - 1 <= r <= fr + 7:
                    return c - fc, r - fr
            return None

        for r in range(n):
            for c in range(n):
                f = in_finder(c, r)
                if f is not None:
                    x, y = f
                    if 0 <= x <= 6 and 0 <= y <= 6:
                        ring = x in (0, 6) or y in (0, 6)
                        core = 2 <= x <= 4 and 2 <= y <= 4
                        if ring or core:
                            dark.append((c, r))
                    continue
                if rng.random() < 0.5:
                    dark.append((c, r))
        return dark

    def start(self) -> None:
        if not self.animate or self._anim is not None:
            return
        anim = Animation(bob=1.0, duration=1.4, t="in_out_sine") + Animation(
            bob=0.0, duration=1.4, t="in_out_sine"
        )
        anim.repeat = True
        anim.start(self)
        self._anim = anim

    def stop(self) -> None:
        if self._anim is not None:
            self._anim.cancel(self)
            self._anim = None
        self.bob = 0.0

    def _gap(self) -> float:
        """Space between phone and arrow; leaves room for the phone's bobbing."""
        return dp(10) + (dp(14) if self.animate else 0)

    def _geometry(self) -> tuple[float, float, float, float, float]:
        """Phone (x, y, w, h) and the arrow's height, fitted into the widget."""
        arrow_h = self.height * 0.26 if self.show_arrow else 0.0
        avail_h = self.height - arrow_h - self._gap()
        ph = max(avail_h, dp(40))
        pw = ph * 0.56
        if pw > self.width * 0.9:
            pw = self.width * 0.9
            ph = pw / 0.56
        px = self.center_x - pw / 2
        py = self.top - ph
        return px, py, pw, ph, arrow_h

    def _move(self, *args):
        self._translate.y = -self.bob * dp(14)

    def _redraw(self, *args):
        self.canvas.clear()
        if self.width < 10 or self.height < 10:
            return
        px, py, pw, ph, arrow_h = self._geometry()
        r = pw * 0.12
        with self.canvas:
            PushMatrix()
            self.canvas.add(self._translate)
            # phone body and screen
            Color(*self.phone_colour)
            RoundedRectangle(pos=(px, py), size=(pw, ph), radius=[r])
            Color(*WHITE)
            m = pw * 0.07
            sx, sy, sw, sh = px + m, py + ph * 0.1, pw - 2 * m, ph * 0.8
            RoundedRectangle(pos=(sx, sy), size=(sw, sh), radius=[r * 0.4])
            # earpiece and home bar
            Color(*ON_NAVY_MUTED)
            RoundedRectangle(
                pos=(px + pw * 0.38, py + ph * 0.935), size=(pw * 0.24, ph * 0.018), radius=[dp(3)]
            )
            RoundedRectangle(
                pos=(px + pw * 0.34, py + ph * 0.04), size=(pw * 0.32, ph * 0.022), radius=[dp(3)]
            )
            # QR code in the middle of the screen
            n = self.QR_SIZE
            q = min(sw * 0.86, sh * 0.86)
            cell = q / n
            qx = sx + (sw - q) / 2
            qy = sy + (sh - q) / 2
            Color(*NAVY_DARK)
            for c, row in self._modules:
                Rectangle(pos=(qx + c * cell, qy + (n - 1 - row) * cell), size=(cell, cell))
            PopMatrix()
            if self.show_arrow:
                # a thick arrow pointing down toward the scanner below the screen
                Color(*self.arrow_colour)
                aw = min(pw * 0.5, self.width * 0.5)
                shaft_w = aw * 0.36
                top = py - self._gap()
                bottom = self.y
                head_h = min((top - bottom) * 0.6, aw * 0.8)
                cx = self.center_x
                Rectangle(
                    pos=(cx - shaft_w / 2, bottom + head_h - 1),
                    size=(shaft_w, max(top - bottom - head_h, 0)),
                )
                Triangle(
                    points=[cx - aw / 2, bottom + head_h, cx + aw / 2, bottom + head_h, cx, bottom]
                )


class BaseScreen(Screen):
    """Base of every kiosk screen.

    ``variant`` names what the screen currently shows (e.g. ``refused``); it goes into screenshot
    names. ``countdown`` > 0 shows the idle countdown in the footer.
    """

    variant = StringProperty("")
    countdown = NumericProperty(0)
    show_home = BooleanProperty(True)
    params = DictProperty({})
    back_to = "menu"  # where the footer's Back button goes

    def reset(self) -> None:
        """Forget everything of the citizen who just left (called when the session ends)."""

    def speech_text(self, lang: str) -> str:
        """What spoken guidance says on this screen: ``<name>.speech[.<variant>]``."""
        for key in (f"{self.name}.speech.{self.variant}", f"{self.name}.speech"):
            if key in MESSAGES:
                return t(key, lang)
        log.warning("no spoken text %s.speech; the generic one is said", self.name)
        return t("a11y.speech.generic", lang)

    def core_event(self, event: object) -> bool:
        """A core event the app does not route itself (e.g. feedback delivered); True if taken."""
        return False

    @property
    def app(self):
        return App.get_running_app()

    def idle_limit(self) -> float | None:
        """Seconds without a touch before going back to the attract screen; None = never.

        Every screen a citizen works on times out after the kiosk's idle timeout; a screen that
        must not (the attract screen, printing in progress) overrides this.
        """
        app = self.app
        return float(app.idle_timeout) if app is not None else None

    def on_enter(self, *args):
        app = self.app
        if app is not None and hasattr(app, "screen_entered"):
            app.screen_entered(self)

    def on_leave(self, *args):
        self.countdown = 0

    def content_changed(self) -> None:
        """Tell the app the screen shows something new (for screenshots)."""
        app = self.app
        if app is not None and hasattr(app, "screen_content_changed"):
            app.screen_content_changed(self)

    def go_home(self) -> None:
        app = self.app
        if app is not None:
            app.go_home()


def contrast_ratio(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    """WCAG 2 contrast ratio of two RGBA colours (alpha ignored)."""

    def luminance(c: tuple[float, ...]) -> float:
        def channel(v: float) -> float:
            return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

        r, g, b_ = (channel(v) for v in c[:3])
        return 0.2126 * r + 0.7152 * g + 0.0722 * b_

    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def countdown_seconds(remaining: float) -> int:
    """Whole seconds to show for ``remaining`` (never 0 while time is left)."""
    return max(1, math.ceil(remaining))


load_kv("base.kv")
