"""Blueprint 'verwijzingen' (/verwijzingen): the wijkcoach's referrals and the organisation's inbox.

Views live in views.py; the rules (team, consent, status model, response clock) in services.py.
"""

from flask import Blueprint

bp = Blueprint("verwijzingen", __name__, url_prefix="/verwijzingen")

from . import views  # noqa: E402,F401  (registers the routes)
