"""Blueprint 'requests' (/hulpvragen). Views live in views.py; logic in services.py."""

from flask import Blueprint

bp = Blueprint("requests", __name__, url_prefix="/hulpvragen")

from . import views  # noqa: E402,F401  (registers the routes)
