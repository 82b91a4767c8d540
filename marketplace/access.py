"""Role-based access: the one place that decides who may open a view."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user

from .db import get_session
from .extensions import login_manager


def roles_required(*roles: str):
    """Anonymous → login page; logged in without one of ``roles`` → 403. Beheerder may do all."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.has_role(*roles, "beheerder"):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_roles = roles  # read by the authorisation-matrix test
        return wrapped

    return decorator


def get_or_404(model, id: int, may=None):
    """flaskr's ``get_post``: load the row (404 when it does not exist), then 403 unless
    ``may(row)`` allows the current user. Every view that acts on one object uses it."""
    row = get_session().get(model, id)
    if row is None:
        abort(404)
    if may is not None and not may(row):
        abort(403)
    return row
