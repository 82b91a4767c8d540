"""``GET /healthz`` for the load balancer and the monitoring: is the database reachable, is its
schema at the code's head? 200 when both hold, 503 otherwise (never a 500, never a redirect).

The answer is JSON and carries no personal data. It opens one short connection of its own (not the
request's session), runs ``SELECT 1`` and reads Alembic's version; nothing is cached, so a probe sees
the database come back at the next try. Exempt from the schema check and from rate limits.
"""

from __future__ import annotations

from flask import Blueprint, current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from .. import db
from ..extensions import limiter

bp = Blueprint("health", __name__)
def check() -> tuple[dict, int]:
    """The health answer and its status code."""
    engine = db.get_engine()
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            from alembic.runtime.migration import MigrationContext
            revision = MigrationContext.configure(connection).get_current_revision()
    except SQLAlchemyError as error:
        # OperationalError (refused, unreachable, unreadable file) and the rest: the database
        # does not answer as it should. The reason goes to the log, not to the prober.
        current_app.logger.warning("Health check: database unavailable: %s", type(error).__name__)
        return {"status": "unavailable", "database": "unavailable", "schema": "unknown"}, 503
    if revision != db.head_revision():
        return {"status": "unavailable", "database": "ok", "schema": "outdated"}, 503
    return {"status": "ok", "database": "ok", "schema": "current"}, 200


@bp.route("/healthz")
@limiter.exempt
def healthz():
    body, status = check()
    return body, status, {"Cache-Control": "no-store"}
