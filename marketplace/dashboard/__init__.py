"""Blueprint 'dashboard' (/dashboard): the municipality's figures (beheerder: all wijken;
preventiemakelaar: their own). Figures and suppression in services.py, the cost model in cost.py."""

from flask import Blueprint

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")

from . import views  # noqa: E402,F401  (registers the routes)
