"""Blueprint 'moderation' (/moderatie). Views live in views.py; logic in services.py."""

from flask import Blueprint

bp = Blueprint("moderation", __name__, url_prefix="/moderatie")

from . import views  # noqa: E402,F401  (registers the routes)
