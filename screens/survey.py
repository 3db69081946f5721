"""Satisfaction survey (SKM): one tap for the overall rating, then optionally nine questions.

    survey (rating 1-5) -> survey_more (answer 9 questions?) -> survey_question x 9 -> survey_thanks

The answers go to the core's durable outbox once, when the citizen sends them, skips the rest,
or leaves after rating (Home or the idle timeout): a rating given is never lost. ``service`` is
"print" unless the flow that just served the citizen starts the survey with its own service
code (:meth:`SurveyScreen.start`).
"""

from __future__ import annotations

import logging
from typing import Any

from kivy.metrics import dp
from kivy.properties import BooleanProperty, ColorProperty, NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk.events import FeedbackDelivered
from screens import base as theme
from screens import feedback_parts  # noqa: F401  (the footer buttons of the .kv rules)
from screens.base import BaseScreen, DebouncedButtonBehavior, load_kv
from screens.registry import MenuEntry, kiosk_screen, menu_entry

log = logging.getLogger("screens")

PRINT_SERVICE = "print"
RATINGS = (1, 2, 3, 4, 5)
SCALE = (1, 2, 3, 4)
# the nine unsur of Permenpan RB 14/2017 in the server's order (server/feedback/surveys.py)
QUESTIONS = (
    "persyaratan",
    "prosedur",
    "waktu",
    "biaya",
    "produk",
    "kompetensi",
    "perilaku",
    "pengaduan",
    "sarana",
)
FACE_COLOURS = {1: theme.RED, 2: theme.AMBER, 3: theme.BLUE, 4: theme.GREEN, 5: theme.GREEN_DARK}


class SurveyAnswers:
    """What one citizen answered so far; sent at most once."""

    def __init__(self) -> None:
        self.service = PRINT_SERVICE
        self.rating = 0
        self.answers: dict[str, int] = {}
        self.sent = False

    def body(self) -> dict[str, Any]:
        """The body of POST /api/v1/kiosk/surveys (server/api/feedback_schemas.py SurveyCreate)."""
        return {"service": self.service, "rating": self.rating, "answers": dict(self.answers)}


class RatingFace(Widget):
    """A face in the rating's colour: frowning for 1, straight for 3, smiling for 5."""

    level = NumericProperty(3)
    colour = ColorProperty(theme.BLUE)

    def __init__(self, **kw):
        super().__init__(**kw)
        self.bind(pos=self._redraw, size=self._redraw, level=self._redraw, colour=self._redraw)

    def _redraw(self, *args) -> None:
        from kivy.graphics import Color, Ellipse, Line

        self.canvas.clear()
        d = min(self.width, self.height)
        if d < 10:
            return
        x, y = self.center_x - d / 2, self.center_y - d / 2
        curve = (self.level - 3) / 2  # -1 frown .. 1 smile
        with self.canvas:
            Color(*self.colour)
            Ellipse(pos=(x, y), size=(d, d))
            Color(*theme.WHITE)
            eye = d * 0.12
            for ex in (0.33, 0.67):
                Ellipse(pos=(x + d * ex - eye / 2, y + d * 0.6), size=(eye, eye))
            points: list[float] = []
            for i in range(13):
                u = i / 12 * 2 - 1  # -1..1 across the mouth
                points += [self.center_x + u * d * 0.24, y + d * 0.3 + curve * (u * u) * d * 0.12]
            Line(points=points, width=max(dp(3), d * 0.05), cap="round", joint="round")


class RatingTile(DebouncedButtonBehavior, BoxLayout):
    """One of the five ratings: the face and its words (see survey.kv)."""

    debounce_kind = "action"  # one touch is one rating, however the finger shakes

    level = NumericProperty(3)
    chosen = BooleanProperty(False)


class AnswerTile(DebouncedButtonBehavior, BoxLayout):
    """One of a question's four answers, with pips showing its place on the scale.

    The next question reuses these tiles where they stand: debounced, a bouncing touch does
    not answer it too.
    """

    debounce_kind = "action"

    value = NumericProperty(1)
    text = StringProperty("")
    chosen = BooleanProperty(False)


def _answers(screen: BaseScreen) -> SurveyAnswers:
    """The survey in progress, kept by the rating screen for the whole flow."""
    assert screen.manager is not None
    owner: SurveyScreen = screen.manager.get_screen("survey")
    return owner.survey


def _send(screen: BaseScreen) -> bool:
    """Queue the survey in the outbox (once); False if the kiosk could not keep it."""
    survey = _answers(screen)
    if survey.sent or not survey.rating:
        return True
    app = screen.app
    try:
        key = app.core.queue_feedback("survey", survey.body())
    except Exception:
        log.exception("survey could not be queued")
        return False
    survey.sent = True
    log.info("survey %s queued: rating %d, %d answers", key, survey.rating, len(survey.answers))
    return True


@kiosk_screen("survey")
class SurveyScreen(BaseScreen):
    """The overall rating, five big choices with words; holds the survey for the other steps."""

    rating = NumericProperty(0)

    def __init__(self, **kw):
        super().__init__(**kw)
        self.survey = SurveyAnswers()

    def start(self, service: str = PRINT_SERVICE) -> None:
        """Begin a survey about ``service`` (a service code, or "print"); then show this screen."""
        self.survey = SurveyAnswers()
        self.survey.service = service or PRINT_SERVICE
        self.rating = 0

    def on_pre_enter(self, *args):
        if self.survey.sent:  # a new survey after one was sent in the same session
            self.start(PRINT_SERVICE)

    def choose(self, level: int) -> None:
        self.survey.rating = level
        self.rating = level
        app = self.app
        if app is not None:
            app.show("survey_more")

    def reset(self) -> None:
        # a citizen who rated and left (Home, idle timeout) still gave their rating
        _send(self)
        self.start(PRINT_SERVICE)

    def core_event(self, event: object) -> bool:
        if isinstance(event, FeedbackDelivered) and event.what == "survey":
            log.info("survey %s delivered", event.key)
            return True
        return False


@kiosk_screen("survey_more")
class SurveyMoreScreen(BaseScreen):
    """Thanks for the rating; offers the nine questions or sends the rating alone."""

    back_to = "survey"
    rating = NumericProperty(0)

    def on_pre_enter(self, *args):
        self.rating = _answers(self).rating

    def answer_questions(self) -> None:
        questions: SurveyQuestionScreen = self.manager.get_screen("survey_question")
        questions.ask(0)
        self.app.show("survey_question")

    def send_now(self) -> None:
        self.manager.get_screen("survey_thanks").finish()
        self.app.show("survey_thanks")


@kiosk_screen("survey_question")
class SurveyQuestionScreen(BaseScreen):
    """One of the nine questions with its four answers; answering moves on to the next."""

    index = NumericProperty(0)
    question = StringProperty(QUESTIONS[0])
    chosen = NumericProperty(0)
    total = len(QUESTIONS)

    def ask(self, index: int) -> None:
        self.index = index
        self.question = QUESTIONS[index]
        self.chosen = _answers(self).answers.get(self.question, 0)
        self.variant = self.question
        self.content_changed()

    def answer(self, value: int) -> None:
        _answers(self).answers[self.question] = value
        self.chosen = value
        if self.index + 1 < len(QUESTIONS):
            self.ask(self.index + 1)
        else:
            self.skip()

    def back(self) -> None:
        if self.index > 0:
            self.ask(self.index - 1)
        else:
            self.app.show("survey_more")

    def skip(self) -> None:
        """Send what was answered so far."""
        self.manager.get_screen("survey_thanks").finish()
        self.app.show("survey_thanks")

    def reset(self) -> None:
        self.index = 0
        self.question = QUESTIONS[0]
        self.chosen = 0
        self.variant = ""


@kiosk_screen("survey_thanks")
class SurveyThanksScreen(BaseScreen):
    """The end: the answers are queued; goes back to the start by itself."""

    failed = BooleanProperty(False)

    def finish(self) -> None:
        self.failed = not _send(self)
        self.variant = "failed" if self.failed else ""

    def idle_limit(self) -> float | None:
        app = self.app
        if app is None:
            return None
        if self.failed:
            return float(app.idle_timeout)
        return float(min(app.done_timeout, app.idle_timeout))

    def reset(self) -> None:
        self.failed = False
        self.variant = ""


menu_entry(MenuEntry("survey", "survey", order=80))

load_kv("survey.kv")
