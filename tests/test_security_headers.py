"""Finding 5: security headers on every response; no inline script or style anywhere, so the
Content-Security-Policy can forbid them."""

from __future__ import annotations

import re
import threading
import urllib.request

import pytest

from marketplace.config import REPO_ROOT
from marketplace.security import content_security_policy, tile_source

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'")


def test_every_page_gets_the_security_headers(client):
    for path in ("/", "/login", "/bestaat-niet", "/static/css/buurtplein.css"):
        headers = client.get(path).headers
        assert headers["Content-Security-Policy"] == CSP, path
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert "camera=()" in headers["Permissions-Policy"]
        assert "geolocation=(self)" in headers["Permissions-Policy"]  # the map's "bij mijn locatie"
        assert "Strict-Transport-Security" not in headers  # plain http in development


def test_hsts_over_https_and_in_production(make_app, client):
    assert client.get("/", base_url="https://localhost").headers["Strict-Transport-Security"].startswith("max-age=")
    app = make_app(BUURTPLEIN_ENV="production", SECRET_KEY="k" * 40, BASE_URL="https://buurtplein.example")
    response = app.test_client().get("/", headers={"Host": "buurtplein.example"})
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_the_map_tile_server_may_serve_images():
    assert tile_source("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png") == "https://*.tile.openstreetmap.org"
    assert tile_source("https://kaart.enschede.nl/tiles/{z}/{x}/{y}.png") == "https://kaart.enschede.nl"
    assert tile_source("") is None and tile_source("javascript:alert(1)") is None
    assert "img-src 'self' data: https://kaart.enschede.nl;" in content_security_policy(
        "https://kaart.enschede.nl/tiles/{z}/{x}/{y}.png")


def test_map_page_allows_its_tile_server(make_app):
    app = make_app(MAP_TILE_URL="https://tiles.example.nl/{z}/{x}/{y}.png")
    csp = app.test_client().get("/").headers["Content-Security-Policy"]
    assert "img-src 'self' data: https://tiles.example.nl;" in csp


def test_the_development_server_does_not_announce_itself(app):
    from werkzeug.serving import make_server
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}/") as response:
            assert response.headers.get_all("Server") == ["Buurtplein"]
            assert "Werkzeug" not in str(response.headers) and "Python/" not in str(response.headers)
    finally:
        server.shutdown()
        thread.join(timeout=5)


INLINE = {
    "inline <script>": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
    "<style> block": re.compile(r"<style\b", re.I),
    "style attribute": re.compile(r"\sstyle\s*=\s*[\"']", re.I),
    "event handler attribute": re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


@pytest.mark.parametrize("template", sorted(str(p.relative_to(REPO_ROOT / "templates"))
                                            for p in (REPO_ROOT / "templates").rglob("*.html")))
def test_no_template_has_inline_script_or_style(template):
    text = (REPO_ROOT / "templates" / template).read_text(encoding="utf-8")
    text = re.sub(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", "", text, flags=re.S)  # Jinja (e.g. a macro's style=)
    found = [name for name, pattern in INLINE.items() if pattern.search(text)]
    assert not found, f"{template}: {found} (the CSP blocks these; use static/js or static/css)"
