"""Blueprint 'aanbod' (/aanbod). Views live in views.py; logic in services.py."""

from flask import Blueprint

bp = Blueprint("aanbod", __name__, url_prefix="/aanbod")

from . import views  # noqa: E402,F401  (registers the routes)
