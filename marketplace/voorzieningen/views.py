"""Routes of the 'voorzieningen' blueprint."""

from . import bp  # noqa: F401
