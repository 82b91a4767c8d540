"""Blueprint 'board' (/prikbord). Views live in views.py; logic in services.py."""

from flask import Blueprint

bp = Blueprint("board", __name__, url_prefix="/prikbord")

from . import views  # noqa: E402,F401  (registers the routes)
