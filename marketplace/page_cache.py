"""Whole pages for anonymous visitors, kept as a municipality's reverse proxy would, but in the app.

A page is served from this cache, or stored in it, only when all of these hold (one place:
``_may_use`` before the view, ``_may_store`` after it):

- the method is GET or HEAD, and the route is a public read page (``PUBLIC_PAGES``, or a view
  marked with ``@public_page``);
- the visitor is anonymous: no user id in the session, no remember-me cookie, no Authorization
  header; and the session holds nothing a page reads except the language (``HARMLESS_SESSION_KEYS``):
  a flashed message, for one, sends the request past the cache;
- after the view: status 200, no cookie to set (no Set-Cookie, the session unchanged), no CSRF token
  generated for this page in the body (Flask-WTF keeps it in ``g``) and no POST form in the body. A page with a
  form that posts is therefore never cached, whatever WTF_CSRF_ENABLED says.

A logged-in visitor is never served from this cache and never fills it.

The key is the scheme, host, full path with query string, the language the page is shown in
(``get_locale()``: the visitor's ``?lang=`` or earlier choice, else Dutch), the **supply version**
of every kind of listing and of what else public pages show (``result_cache.supply_version`` over
``PAGE_KINDS``: a listing that is hidden, closed, made private, edited or expired by the nightly job,
a review, a category, an area or a volunteer's name) and the minute (``PAGE_CACHE_SECONDS``), so
"vandaag" and "3 dagen geleden" are never older than that. The version is read before the view runs:
a stored page is never older than its key, and the first request after any change misses.

What is stored: status, Content-Type and the body. Everything else is made again for each answer by
the usual after_request functions: the security headers (the CSP has no nonce: scripts and styles
come from 'self' only, so a stored body holds nothing per request), the request id, Vary. A stored
page holds no per-visitor text (no CSRF token, no name, no messages), so it can be shown to any
anonymous visitor asking the same thing in the same language.

Store: result_cache's Redis when configured (shared by every worker, entries expire after two time
buckets), else an LRU of ``PAGE_CACHE_ENTRIES`` pages in each worker. ``CACHE_URL=off`` or
``PAGE_CACHE=off`` turns it off.
"""

from __future__ import annotations

import hashlib
import json
import re
import time

from flask import Flask, Response, current_app, g, request, session
from flask_babel import get_locale
from flask_login import current_user

from . import result_cache
from .voorzieningen.search import vocabulary_state

# Read pages every visitor sees alike; views elsewhere can opt in with @public_page.
PUBLIC_PAGES = frozenset({
    "main.index",
    "voorzieningen.index", "voorzieningen.map_data", "voorzieningen.detail",
    "activiteiten.index", "activiteiten.detail",
    "hulpvragen.index", "hulpvragen.detail",  # a request anonymous visitors may not see is a 404: never stored
    "aanbod.index",
    "prikbord.index", "prikbord.buurt",
})
# Session entries that do not change a public page beyond the language in the key.
HARMLESS_SESSION_KEYS = frozenset({"lang", "csrf_token", "_permanent", "_fresh"})  # _fresh: Flask-Login, also for visitors
# Everything the listed pages show that the supply_change log follows (matching_service._supply_key).
PAGE_KINDS = ("voorziening", "location", "organisation", "activity", "offer", "request", "page")
# The sociale kaart shows voorzieningen only (with their reviews, categories and areas: kind 'page'),
# so a new help request, offer or sign-up leaves its pages cached. Every other page follows PAGE_KINDS.
KAART_PAGE_KINDS = (*result_cache.KAART_KINDS, "page")
KINDS_OF_PAGE = {"voorzieningen.index": KAART_PAGE_KINDS, "voorzieningen.map_data": KAART_PAGE_KINDS,
                 "voorzieningen.detail": KAART_PAGE_KINDS}
POST_FORM = re.compile(rb"<form\b[^>]*\bmethod\s*=\s*[\"']?post", re.IGNORECASE)
HEADER = "X-Page-Cache"  # hit | stored: for tests and for reading a load run, nothing depends on it
_EXTENSION = "page_cache"


def public_page(view):
    """Mark a view as a public read page (same rules as PUBLIC_PAGES)."""
    view.buurtplein_public_page = True
    return view


def backend_of(app: Flask | None = None):
    """Result_cache's Redis, or this worker's own LRU of pages (None: off). PAGE_CACHE is read at
    each request (a test turns it off for one app)."""
    app = app or current_app
    if str(app.config.get("PAGE_CACHE", "on")).lower() in ("off", "0", "false", "no"):
        return None
    if _EXTENSION not in app.extensions:
        shared = result_cache.backend_of(app)
        if shared is None or shared.name == "redis":
            backend = shared
        else:  # pages are larger than answers: an LRU of their own, so they do not push answers out
            backend = result_cache.MemoryBackend(int(app.config.get("PAGE_CACHE_ENTRIES", 256)))
        app.extensions[_EXTENSION] = backend
    return app.extensions[_EXTENSION]


def _is_public_page() -> bool:
    endpoint = request.endpoint
    if endpoint in PUBLIC_PAGES:
        return True
    view = current_app.view_functions.get(endpoint) if endpoint else None
    return bool(getattr(view, "buurtplein_public_page", False))


def _may_use() -> bool:
    """Before the view: may this request be answered from, or stored in, the cache?"""
    if request.method not in ("GET", "HEAD") or not _is_public_page():
        return False
    if request.authorization is not None:
        return False
    if current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies:
        return False
    if not set(session.keys()) <= HARMLESS_SESSION_KEYS:  # a user id, flashed messages, ...
        return False
    return not current_user.is_authenticated  # no user id, no remember cookie: no database access


def _key() -> str:
    from .db import get_session
    db_session = get_session()
    bucket = int(time.time() // max(1, int(current_app.config.get("PAGE_CACHE_SECONDS", 60))))
    # A text search's look-alike words are this worker's (read again beside the requests after a change).
    words = vocabulary_state(db_session) if request.args.get("q") else None
    material = json.dumps([
        result_cache._database_of(db_session), request.scheme, request.host, request.path,
        request.query_string.decode("latin-1"), str(get_locale() or "nl"),
        result_cache.supply_version(db_session, KINDS_OF_PAGE.get(request.endpoint, PAGE_KINDS)), bucket, words,
    ], separators=(",", ":"))
    return "buurtplein:page:" + hashlib.sha256(material.encode()).hexdigest()[:40]


def _answer(found: dict) -> Response:
    response = Response(found["body"], status=found["status"], content_type=found["type"])
    response.headers[HEADER] = "hit"
    return response


def lookup():
    """before_request, after the language choice: a stored page, or None (the view runs)."""
    backend = backend_of()
    if backend is None or not _may_use():
        return None
    from .db import get_session
    from .matching_service import uncommitted_supply
    if uncommitted_supply(get_session()):
        return None
    key = _key()
    found = backend.get(key)
    if found is not None:
        g.buurtplein_page_cache = "hit"
        return _answer(found)
    g.buurtplein_page_cache = key
    return None


def _may_store(response: Response) -> bool:
    """After the view: a page any anonymous visitor may get as it is."""
    if response.status_code != 200 or response.is_streamed or response.direct_passthrough:
        return False
    if "Set-Cookie" in response.headers:
        return False
    if current_app.session_interface.should_set_cookie(current_app, session):  # the session changed
        return False
    if not set(session.keys()) <= HARMLESS_SESSION_KEYS or current_user.is_authenticated:
        return False
    cache_control = response.headers.get("Cache-Control", "")
    if "no-store" in cache_control or "private" in cache_control:
        return False
    from .db import get_session
    from .matching_service import uncommitted_supply
    if uncommitted_supply(get_session()):
        return False
    body = response.get_data()
    # A CSRF token made for this page (Flask-WTF keeps it in g) and written into it: a form of the
    # session's own. (A form object the view made but did not show, as the detail pages' review and
    # confirm forms for visitors, leaves no token in the page.)
    token = g.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
    if token and str(token).encode() in body:
        return False
    return POST_FORM.search(body) is None


def store(response: Response) -> Response:
    """after_request, run after every other one (so their cookies and headers are seen)."""
    key = g.pop("buurtplein_page_cache", None)
    if not key or key == "hit":
        return response
    if _may_store(response):
        seconds = max(1, int(current_app.config.get("PAGE_CACHE_SECONDS", 60)))
        backend_of().set(key, {"status": response.status_code, "type": response.content_type,
                               "body": response.get_data(as_text=True)}, ttl=2 * seconds)
        response.headers[HEADER] = "stored"
    return response


def init_app(app: Flask) -> None:
    """Call last in create_app: the lookup must follow the language choice (remember_language_choice)
    and the schema check; the store must see every other after_request's headers."""
    app.before_request(lookup)
    app.after_request_funcs.setdefault(None, []).insert(0, store)  # after_request runs in reverse order


