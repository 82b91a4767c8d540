"""Routes of the 'board' blueprint."""

from . import bp  # noqa: F401
