"""The rate limiter's storage in a worker's memory, without limits' timer thread.

``RATELIMIT_STORAGE_URI=memory://`` (the default, one worker's own counts) is served by
:class:`WorkerMemoryStorage`: limits' own ``MemoryStorage`` (the same counters, windows, moving
windows and locks, so every limit counts as before) except for one thing. limits starts a
``threading.Timer`` of 10 ms after every counted hit whenever the previous one has ended, to drop
expired counters: under load a new thread every 10 ms in every worker, ~25 % of a cached suggest
answer's CPU at 64 connections. Nothing depends on that thread for correctness: a counter is read
through ``get()``, which drops it when its window has passed, and a moving window looks only at
the entries inside it. Here the same clean-up runs inline, at most once a second, on a hit.

Several workers or machines count together only in a shared store: ``redis://...`` is used as it
is (limits' RedisStorage), untouched by this module.
"""

from __future__ import annotations

import threading
import time

from limits.storage import MemoryStorage

SCHEME = "buurtplein-memory"
SWEEP_SECONDS = 1.0


class WorkerMemoryStorage(MemoryStorage):
    """limits' MemoryStorage; expired entries are dropped inline at most once a second."""

    STORAGE_SCHEME = [SCHEME]  # registers the scheme with limits' storage_from_string

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: str):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.timer.cancel()  # the one timer MemoryStorage starts in __init__
        self._next_sweep = time.monotonic() + SWEEP_SECONDS
        self._sweeping = threading.Lock()

    def __setstate__(self, state: dict) -> None:
        super().__setstate__(state)
        self.timer.cancel()
        self._sweeping = threading.Lock()

    # MemoryStorage calls this (name-mangled) before every incr, decr and acquire_entry.
    def _MemoryStorage__schedule_expiry(self) -> None:
        now = time.monotonic()
        if now < self._next_sweep or not self._sweeping.acquire(blocking=False):
            return
        try:
            self._next_sweep = now + SWEEP_SECONDS
            self._MemoryStorage__expire_events()
        finally:
            self._sweeping.release()


def storage_uri(configured: str | None) -> str:
    """The URI the limiter is given: ``memory://`` (or nothing) becomes this module's storage."""
    uri = (configured or "").strip()
    if not uri or uri == "memory://" or uri.startswith("memory://?"):
        return SCHEME + "://" + uri[len("memory://"):]
    return uri


# --------------------------------------------------------------------------- the API's limit
#
# The public API's limit per address (API_RATE_LIMIT) is counted here, not by Flask-Limiter's
# decorator: for every request that one evaluated its before_request and its decorator (two passes
# over every limit, exemption and blueprint rule), parsed the limit's text again, and after the view
# read the window back from the store for the headers (two more round trips to Redis). Here: the
# parsed limit is kept, one ``incr`` counts (one round trip to Redis: limits' own script), one
# ``get_expiry`` gives the reset. The same store (``limiter.storage``: this worker's memory, or Redis
# shared by every worker and machine), the same fixed window, the same key as Flask-Limiter's (so
# counts carry over), the same answers: 429 with the JSON error past the limit, and X-RateLimit-Limit,
# -Remaining, -Reset and Retry-After on every answer. A store that does not answer is skipped for
# RETRY_STORE_AFTER seconds and this worker counts in its own memory, as the limiter does.

RETRY_STORE_AFTER = 30
_fallback = WorkerMemoryStorage()
_store_failed_at: dict[int, float] = {}
_parsed: dict[str, tuple] = {}


def _items(text: str) -> tuple:
    items = _parsed.get(text)
    if items is None:
        from limits import parse_many
        items = _parsed[text] = tuple(sorted(parse_many(text)))  # smallest window first, as Flask-Limiter
    return items


def _count(storage, item, key: str) -> tuple[int, float]:
    count = storage.incr(key, item.get_expiry(), amount=1)
    return count, storage.get_expiry(key)


def api_limit(setting: str, default: str):
    """Decorator: the limit of ``app.config[setting]`` (e.g. "60 per minute") per address."""
    import functools

    from flask import after_this_request, current_app, request
    from flask_limiter.util import get_remote_address
    from werkzeug.exceptions import TooManyRequests

    from .extensions import limiter

    def decorate(view):
        @functools.wraps(view)
        def limited(*args, **kwargs):
            config = current_app.config
            if not limiter.enabled or not config.get("RATELIMIT_ENABLED", True):
                return view(*args, **kwargs)
            address = get_remote_address()
            identifiers = [address, request.endpoint or ""]  # Flask-Limiter's: key, scope (the endpoint)
            if config.get("RATELIMIT_KEY_PREFIX"):
                identifiers.insert(0, config["RATELIMIT_KEY_PREFIX"])
            store = limiter.storage
            shown = None  # (item, count, expiry) of the limit the headers tell about
            for item in _items(config.get(setting) or default):
                key = item.key_for(*identifiers)
                counted = None
                if time.monotonic() - _store_failed_at.get(id(store), -RETRY_STORE_AFTER) >= RETRY_STORE_AFTER:
                    try:
                        counted = _count(store, item, key)
                    except Exception as error:  # noqa: BLE001 - any failure of the store (redis-py, limits)
                        _store_failed_at[id(store)] = time.monotonic()
                        current_app.logger.warning("API-limiet: de opslag antwoordt niet (%s); telt in het geheugen",
                                                   type(error).__name__)
                if counted is None:
                    counted = _count(_fallback, item, key)
                count, expiry = counted
                if count > item.amount:
                    shown = (item, count, expiry)
                    break
                if shown is None:
                    shown = (item, count, expiry)
            if shown is None:
                return view(*args, **kwargs)
            item, count, expiry = shown

            @after_this_request
            def headers(response):
                reset = int(expiry + 1)
                response.headers["X-RateLimit-Limit"] = str(item.amount)
                response.headers["X-RateLimit-Remaining"] = str(max(0, item.amount - count))
                response.headers["X-RateLimit-Reset"] = str(reset)
                response.headers["Retry-After"] = str(int(reset - time.time()))
                return response

            if count > item.amount:
                current_app.logger.info("ratelimit %s (%s) exceeded at endpoint: %s", item, address, request.endpoint)
                raise TooManyRequests()
            return view(*args, **kwargs)

        limited.buurtplein_api_limit = setting
        return limited

    return decorate


def counted_by_api_limit() -> bool:
    """Flask-Limiter's request filter: the views of ``api_limit`` are counted there, not twice."""
    from flask import current_app, request
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    return getattr(view, "buurtplein_api_limit", None) is not None
