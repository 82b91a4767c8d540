"""Blueprint 'activiteiten' (/activiteiten). Views live in views.py; logic in services.py."""

from flask import Blueprint

bp = Blueprint("activiteiten", __name__, url_prefix="/activiteiten")

from . import views  # noqa: E402,F401  (registers the routes)
