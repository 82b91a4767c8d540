"""Blueprint 'matches' (/koppelingen): suggestions, proposals, answers, messages, feedback."""

from flask import Blueprint

bp = Blueprint("matches", __name__, url_prefix="/koppelingen")

from . import views  # noqa: E402,F401  (registers the routes; commands: see cli.py)
