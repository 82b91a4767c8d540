"""Blueprint 'prikbord' (/prikbord). Views live in views.py; logic in services.py."""

from flask import Blueprint

bp = Blueprint("prikbord", __name__, url_prefix="/prikbord")

from . import views  # noqa: E402,F401  (registers the routes)
