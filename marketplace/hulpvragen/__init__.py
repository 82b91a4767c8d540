"""Blueprint 'hulpvragen' (/hulpvragen). Views live in views.py; logic in services.py."""

from flask import Blueprint

bp = Blueprint("hulpvragen", __name__, url_prefix="/hulpvragen")

from . import views  # noqa: E402,F401  (registers the routes)
