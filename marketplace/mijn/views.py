"""Routes of the 'mine' blueprint."""

from . import bp  # noqa: F401
