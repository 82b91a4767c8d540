"""Blueprint 'voorzieningen' (/voorzieningen). Views live in views.py; logic in services.py."""

from flask import Blueprint

bp = Blueprint("voorzieningen", __name__, url_prefix="/voorzieningen")


@bp.record_once
def _register_search_cli(state) -> None:
    # 'flask --app wsgi search reindex' belongs to the sociale kaart.
    from .search import register_cli
    register_cli(state.app)


from . import views  # noqa: E402,F401  (registers the routes)
