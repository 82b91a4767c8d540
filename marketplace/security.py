"""Behind a proxy, the client's own address; a friendly refusal of an unknown Host.

``init_app(app)`` is called from ``create_app``.
"""

from __future__ import annotations

from flask import Flask, Response, request
from flask_babel import gettext as _
from werkzeug.exceptions import SecurityError
from werkzeug.middleware.proxy_fix import ProxyFix


def init_app(app: Flask) -> None:
    proxies = app.config.get("PROXY_FIX_COUNT", 0)
    if proxies:  # the client's IP (for per-IP limits) and scheme from the proxy's X-Forwarded-* headers
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)

    def refuse_unknown_host():
        # Flask sets this when the Host header is not in TRUSTED_HOSTS. Answer before anything
        # else runs: no URL can be built for an untrusted host, so the usual error page cannot be.
        if isinstance(request.routing_exception, SecurityError):
            return Response(_("Dit adres hoort niet bij Buurtplein."), 400, mimetype="text/plain")
        return None

    app.before_request_funcs.setdefault(None, []).insert(0, refuse_unknown_host)

