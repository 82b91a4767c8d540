"""Blueprint 'moderatie' (/moderatie). Views live in views.py; logic in services.py.

``cli_group=None`` puts the blueprint's commands at the top level: ``flask --app wsgi lifecycle``.
"""

from flask import Blueprint

bp = Blueprint("moderatie", __name__, url_prefix="/moderatie", cli_group=None)

from . import cli, views  # noqa: E402,F401  (registers the routes and the command)
