"""A friendly refusal of an unknown Host. ``init_app(app)`` is called from ``create_app``."""

from __future__ import annotations

from flask import Flask, Response, request
from flask_babel import gettext as _
from werkzeug.exceptions import SecurityError


def init_app(app: Flask) -> None:
    def refuse_unknown_host():
        # Flask sets this when the Host header is not in TRUSTED_HOSTS. Answer before anything
        # else runs: no URL can be built for an untrusted host, so the usual error page cannot be.
        if isinstance(request.routing_exception, SecurityError):
            return Response(_("Dit adres hoort niet bij Buurtplein."), 400, mimetype="text/plain")
        return None

    app.before_request_funcs.setdefault(None, []).insert(0, refuse_unknown_host)

