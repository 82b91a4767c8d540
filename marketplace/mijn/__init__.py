"""Blueprint 'mijn' (/mijn). Views live in views.py; logic in services.py."""

from flask import Blueprint

bp = Blueprint("mijn", __name__, url_prefix="/mijn")

from . import views  # noqa: E402,F401  (registers the routes)
