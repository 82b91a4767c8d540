"""Blueprint 'koppelingen' (/koppelingen): suggestions, proposals, answers, messages, feedback."""

from flask import Blueprint

bp = Blueprint("koppelingen", __name__, url_prefix="/koppelingen")

from . import views  # noqa: E402,F401  (registers the routes; commands: see cli.py)
