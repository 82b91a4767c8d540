"""Routes of the 'activities' blueprint."""

from . import bp  # noqa: F401
