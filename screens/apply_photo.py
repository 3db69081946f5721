"""Apply, photographing the papers: a live camera preview per paper, then review and retake.

    apply_capture (paper n of N: preview, the frame to hold it in, what is wrong) -> auto photo
    -> apply_review (the flattened page: Retake / Use) -> the next paper ... -> apply_nik

The camera's frames are judged on a background thread (kiosk/apply_capture.py); this screen
only shows the newest judged frame, at PREVIEW_FPS, and its verdict. When the gate says the
paper is flat, sharp and still, the photo is taken by itself; "Take photo" takes it at once.
"""

from __future__ import annotations

import io
import logging
import time
from typing import Any

from kivy.clock import Clock
from kivy.core.image import Image as CoreImage
from kivy.graphics import Color, Line, Rectangle
from kivy.graphics.texture import Texture
from kivy.metrics import dp
from kivy.properties import (
    BooleanProperty,
    ListProperty,
    NumericProperty,
    ObjectProperty,
    StringProperty,
)
from kivy.uix.widget import Widget

from kiosk.apply_capture import PaperCapture, paper_kind
from kiosk.info_text import name_in
from screens import feedback_parts  # noqa: F401  (the footer buttons of the .kv rules)
from screens.apply_common import ApplyScreen
from screens.base import GREEN, WHITE, load_kv, rgb
from screens.registry import kiosk_screen

log = logging.getLogger("screens")

PREVIEW_FPS = 12.0
NO_FRAME_AFTER = 4.0  # seconds without any frame: say the camera does not work
ASPECT = {"a4": 210 / 297, "id_card": 85.6 / 54.0}  # width / height of the frame to hold in
YELLOW = rgb("#FFC107")


class CameraPreview(Widget):
    """The newest camera picture, fitted; the frame where to hold the paper; the corners found."""

    texture = ObjectProperty(None, allownone=True)
    corners = ListProperty([])  # [x0, y0, ... x3, y3] in image pixels (y down), or []
    image_size = ListProperty([640, 480])
    kind = StringProperty("a4")
    ready = BooleanProperty(False)

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self.bind(
            pos=self._redraw,
            size=self._redraw,
            texture=self._redraw,
            corners=self._redraw,
            kind=self._redraw,
            ready=self._redraw,
        )

    def _fit(self) -> tuple[float, float, float]:
        w, h = self.image_size
        scale = min(self.width / max(w, 1), self.height / max(h, 1))
        return self.center_x - w * scale / 2, self.center_y - h * scale / 2, scale

    def _redraw(self, *args: Any) -> None:
        self.canvas.clear()
        ox, oy, scale = self._fit()
        w, h = self.image_size
        with self.canvas:
            Color(0.05, 0.07, 0.1, 1)
            Rectangle(pos=(ox, oy), size=(w * scale, h * scale))
            if self.texture is not None:
                Color(1, 1, 1, 1)
                Rectangle(texture=self.texture, pos=(ox, oy), size=(w * scale, h * scale))
            # the frame to hold the paper in: 80 % of the picture's height, the paper's shape
            aspect = ASPECT.get(self.kind, ASPECT["a4"])
            fh = h * scale * 0.84
            fw = fh * aspect
            if fw > w * scale * 0.9:
                fw = w * scale * 0.9
                fh = fw / aspect
            Color(*GREEN)
            Line(
                rectangle=(self.center_x - fw / 2, self.center_y - fh / 2, fw, fh),
                width=dp(3),
                dash_length=dp(14),
                dash_offset=dp(8),
            )
            if len(self.corners) == 8:
                Color(*(GREEN if self.ready else YELLOW))
                points = []
                for i in range(4):
                    x, y = self.corners[2 * i], self.corners[2 * i + 1]
                    points += [ox + x * scale, oy + (h - y) * scale]
                Line(points=points, close=True, width=dp(4))
                for i in range(4):
                    Color(*WHITE)
                    Line(circle=(points[2 * i], points[2 * i + 1], dp(9)), width=dp(3))


@kiosk_screen("apply_capture")
class ApplyCaptureScreen(ApplyScreen):
    """One paper at a time; ``state``: live, taking or no_camera."""

    back_to = "apply_requirements"
    state = StringProperty("live")
    index = NumericProperty(0)
    total = NumericProperty(0)
    paper = ObjectProperty({}, allownone=True)  # the catalogue's requirement being photographed
    reason = StringProperty("")  # the gate's i18n key, or ""
    optional = BooleanProperty(False)  # the paper being photographed may be skipped

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self._capture: PaperCapture | None = None
        self._tick: Any = None
        self._seq = -1
        self._started = 0.0
        self._texture_size: tuple[int, int] | None = None

    # -- which paper -------------------------------------------------------------------------
    def begin(self) -> None:
        """The first paper of the service chosen."""
        self.index = 0
        self._show_paper()

    def _show_paper(self) -> None:
        papers = self.draft.paper_specs()
        self.total = len(papers)
        self.paper = papers[self.index] if self.index < len(papers) else {}
        self.optional = bool(self.paper) and not self.paper.get("required")
        self.variant = str((self.paper or {}).get("code", ""))

    def paper_done(self) -> None:
        """Go on to the next paper, or to the NIK after the last."""
        self.index += 1
        if self.index >= self.total:
            self.app.show("apply_nik")
            return
        self._show_paper()
        if self.manager is not None and self.manager.current == self.name:
            self._restart()
        else:
            self.app.show(self.name)

    def skip(self) -> None:
        if self.optional:
            self.draft.drop_paper(str(self.paper.get("code")))
            self.paper_done()

    def back(self) -> None:
        if self.index > 0:
            self.index -= 1
            self._show_paper()
            self._restart()
        else:
            self.app.show(self.back_to)

    def paper_name(self, paper: Any, lang: str) -> str:
        return name_in(paper, lang) if paper else ""

    # -- the camera --------------------------------------------------------------------------
    def on_enter(self, *args: Any) -> None:
        super().on_enter(*args)
        self._restart()

    def on_leave(self, *args: Any) -> None:
        self._stop()
        super().on_leave(*args)

    def _restart(self) -> None:
        self._stop()
        camera = getattr(self.app.core, "camera", None)
        if camera is None or not self.paper:
            self.state = "no_camera"
            return
        self.state = "live"
        self.reason = ""
        self._seq = -1
        self._started = time.monotonic()
        code = str(self.paper.get("code"))
        self.ids.preview.kind = paper_kind(code)
        self.ids.preview.corners = []
        self._capture = PaperCapture(camera, code)
        self._tick = Clock.schedule_interval(self._refresh, 1 / PREVIEW_FPS)
        self.content_changed()

    def _stop(self) -> None:
        if self._tick is not None:
            self._tick.cancel()
            self._tick = None
        if self._capture is not None:
            self._capture.close()
            self._capture = None

    def take_now(self) -> None:
        if self._capture is not None and self.state == "live":
            self.state = "taking"
            self._capture.take_now()

    def _refresh(self, dt: float) -> None:
        capture = self._capture
        if capture is None:
            return
        photo = capture.photo()
        if photo is not None:
            code = str(self.paper.get("code"))
            self._stop()
            self.app.screen("apply_review").show_photo(code, photo)
            self.app.show("apply_review")
            return
        snap = capture.snapshot()
        if snap is None or snap.seq == self._seq:
            if snap is None and time.monotonic() - self._started > NO_FRAME_AFTER:
                self.state = "no_camera"
            return
        self._seq = snap.seq
        self._show_frame(snap.image)
        preview = self.ids.preview
        preview.ready = snap.ready
        preview.corners = (
            [float(v) for v in snap.corners.reshape(-1)] if snap.corners is not None else []
        )
        if snap.corners is not None:
            self.app.note_activity()  # a citizen holding a paper up is not idle
        reason = snap.reason or ("apply.capture.ready" if snap.ready else "")
        if reason != self.reason:
            self.reason = reason
            self.content_changed()

    def _show_frame(self, image: Any) -> None:
        h, w = int(image.shape[0]), int(image.shape[1])
        preview = self.ids.preview
        if self._texture_size != (w, h) or preview.texture is None:
            texture = Texture.create(size=(w, h), colorfmt="bgr")
            texture.flip_vertical()
            preview.image_size = [w, h]
            preview.texture = texture
            self._texture_size = (w, h)
        preview.texture.blit_buffer(image.tobytes(), colorfmt="bgr", bufferfmt="ubyte")
        preview.canvas.ask_update()

    def on_state(self, instance: Any, value: str) -> None:
        self.content_changed()

    def reset(self) -> None:
        self._stop()
        self.index = 0
        self.total = 0
        self.paper = {}
        self.reason = ""
        self.state = "live"
        self.ids.preview.texture = None
        self.ids.preview.corners = []
        self._texture_size = None
        super().reset()


@kiosk_screen("apply_review")
class ApplyReviewScreen(ApplyScreen):
    """The photo as it will be sent: Retake or Use."""

    back_to = "apply_capture"
    texture = ObjectProperty(None, allownone=True)
    paper_code = StringProperty("")

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self._jpeg: bytes | None = None

    def show_photo(self, requirement: str, jpeg: bytes) -> None:
        self.paper_code = requirement
        self._jpeg = jpeg
        self.texture = CoreImage(io.BytesIO(jpeg), ext="jpg").texture
        self.variant = requirement

    def paper_name(self, code: str, lang: str) -> str:
        for paper in self.draft.paper_specs():
            if paper.get("code") == code:
                return name_in(paper, lang)
        return ""

    def retake(self) -> None:
        self._forget()
        self.app.show("apply_capture")

    def use(self) -> None:
        if self._jpeg is None:
            return
        self.draft.keep_paper(self.paper_code, self._jpeg)
        self._forget()
        self.app.screen("apply_capture").paper_done()

    def _forget(self) -> None:
        self._jpeg = None
        self.texture = None

    def reset(self) -> None:
        self._forget()
        self.paper_code = ""
        super().reset()


load_kv("apply_photo.kv")
