"""Security headers on every response; behind a proxy, the client's own address; a friendly
refusal of an unknown Host.

``init_app(app)`` is called from ``create_app``. The Content-Security-Policy allows no inline
script or style: JavaScript lives in ``static/js``, CSS in ``static/css``.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import Flask, Response, request
from flask_babel import gettext as _
from werkzeug.exceptions import SecurityError
from werkzeug.middleware.proxy_fix import ProxyFix

from .config import is_production

HSTS = "max-age=63072000"  # two years; no includeSubDomains: the municipality's other sites are not ours
# The map's "use my location" button needs geolocation on our own origin; nothing else is used.
PERMISSIONS_POLICY = ("geolocation=(self), camera=(), microphone=(), payment=(), usb=(), "
                      "magnetometer=(), gyroscope=(), accelerometer=()")


def tile_source(tile_url: str) -> str | None:
    """The CSP source for a Leaflet tile URL: ``https://{s}.tile.example/{z}/{x}/{y}.png`` gives
    ``https://*.tile.example``. None when there is no (usable) URL."""
    parts = urlsplit(tile_url or "")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    netloc = re.sub(r"^\{[^}]*\}\.", "*.", parts.netloc)  # Leaflet's {s} subdomain placeholder
    if "{" in netloc or "}" in netloc:
        return None
    return f"{parts.scheme}://{netloc}"


def content_security_policy(tile_url: str = "") -> str:
    images = ["'self'", "data:"]
    source = tile_source(tile_url)
    if source:
        images.append(source)
    return "; ".join([
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src " + " ".join(images),
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "object-src 'none'",
    ])


def quiet_development_server() -> None:
    """Werkzeug's development server (``flask run``) announces "Werkzeug/3.x Python/3.y" from its
    request handler, after the app's headers are made, so no after_request can remove it; a second
    Server header from the app would only be added next to it. Name ours there instead. Only that
    server uses this handler; gunicorn sends "Server: gunicorn" without a version."""
    from werkzeug.serving import WSGIRequestHandler
    WSGIRequestHandler.version_string = lambda self: "Buurtplein"  # type: ignore[method-assign]


def init_app(app: Flask) -> None:
    proxies = app.config.get("PROXY_FIX_COUNT", 0)
    if proxies:  # the client's IP (for per-IP limits) and scheme from the proxy's X-Forwarded-* headers
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)

    csp = content_security_policy(app.config.get("MAP_TILE_URL", ""))
    production = is_production(app.config)

    def refuse_unknown_host():
        # Flask sets this when the Host header is not in TRUSTED_HOSTS. Answer before anything
        # else runs: no URL can be built for an untrusted host, so the usual error page cannot be.
        if isinstance(request.routing_exception, SecurityError):
            return Response(_("Dit adres hoort niet bij Buurtplein."), 400, mimetype="text/plain")
        return None

    app.before_request_funcs.setdefault(None, []).insert(0, refuse_unknown_host)

    @app.after_request
    def security_headers(response: Response) -> Response:
        headers = response.headers
        headers["Content-Security-Policy"] = csp
        headers["X-Content-Type-Options"] = "nosniff"
        headers["X-Frame-Options"] = "DENY"
        headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        headers["Permissions-Policy"] = PERMISSIONS_POLICY
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if production or request.is_secure:
            headers["Strict-Transport-Security"] = HSTS
        return response

    quiet_development_server()

    app.extensions["buurtplein_security"] = {"csp": csp}
