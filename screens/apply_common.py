"""What the apply screens share: the citizen's draft (one per session) and its wiping.

The draft lives on the app, not on a screen, because six screens fill it. Every apply screen's
``reset()`` (home, idle timeout, a finished application) wipes it, photos included; wiping twice
is harmless.
"""

from __future__ import annotations

import logging
from typing import Any

from kiosk.apply import ApplicationDraft
from screens.base import BaseScreen

log = logging.getLogger("screens")


def draft_of(app: Any) -> ApplicationDraft:
    """The draft of the citizen at the kiosk now (a new, empty one at the first call)."""
    draft = getattr(app, "apply_draft", None)
    if draft is None:
        draft = ApplicationDraft(kiosk_id=str(app.core.config.kiosk_id))
        app.apply_draft = draft
    return draft


def wipe_draft(app: Any) -> None:
    draft = getattr(app, "apply_draft", None)
    if draft is not None and not draft.empty:
        photos = draft.wipe()
        log.info("application draft wiped (%d photo(s))", photos)


class ApplyScreen(BaseScreen):
    """Base of the apply screens: the draft, and a reset that wipes it."""

    @property
    def draft(self) -> ApplicationDraft:
        return draft_of(self.app)

    def reset(self) -> None:
        app = self.app
        if app is not None:
            wipe_draft(app)
