"""Role-based access: the one place that decides who may open a view."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user

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
