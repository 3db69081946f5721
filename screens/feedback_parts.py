"""Widgets the survey and complaint flows share: narrower footer buttons, so four fit."""

from __future__ import annotations

from screens.base import PrimaryButton, SecondaryButton, load_kv


class FeedbackFooterButton(SecondaryButton):
    """Back / Home in a footer that also holds a Next button and the countdown."""


class FeedbackNextButton(PrimaryButton):
    """The step's forward action (Next, Send, Skip & send), rightmost in the footer."""


load_kv("feedback_parts.kv")
