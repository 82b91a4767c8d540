"""Routes of the 'moderation' blueprint."""

from . import bp  # noqa: F401
