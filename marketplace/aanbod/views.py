"""Routes of the 'offers' blueprint."""

from . import bp  # noqa: F401
