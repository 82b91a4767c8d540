"""The activities area's one error: a rule stopped the action."""

from __future__ import annotations


class ActivityError(Exception):
    """A rule stopped the action; the message is Dutch and safe to show. ``field``: the form field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field
