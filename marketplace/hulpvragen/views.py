"""Routes of the 'requests' blueprint."""

from . import bp  # noqa: F401
