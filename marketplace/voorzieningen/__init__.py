"""Blueprint 'voorzieningen' (/voorzieningen). Views live in views.py; logic in services.py."""

from flask import Blueprint

bp = Blueprint("voorzieningen", __name__, url_prefix="/voorzieningen")

from . import views  # noqa: E402,F401  (registers the routes)
