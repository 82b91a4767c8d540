"""A cache of list answers: which ids, in which order, how many. Redis when configured, else per worker.

What is cached: for the sociale kaart, ``finding.find``'s answer to one set of filters (the ids of
one page, the total and the number of pages; the map's first ids under a key of their own), and
what ``voorzieningen/views.py`` renders from it (the result list and the markers per language and
minute, the search form per query string); for the public lists of requests, offers and the board,
their count (``paging.paginate_query``). Never a whole page, never anything about a viewer: the
sociale kaart shows every visitor the same public listings (``finding.public_conditions``), so one
answer serves everyone, and the ids are checked against those conditions again after the cache
(``finding.still_public``).

Why it is never stale: every key carries the **supply version**, the newest entry of the
``supply_change`` log for the kinds the answer depends on (its id and time). That log is written in
the same transaction as any change to a voorziening, its categories, locations and opening times,
or its organisation, an offer, or a help request and its categories
(``matching_service._log_supply_changes``). A commit that hides, edits, adds or
removes a listing therefore makes a new version: the next request of every worker misses and asks
the database. The version is read before the answer is computed, so an answer is never older than
its key. A session with uncommitted listing changes neither reads nor fills the cache (a rollback
would leave a wrong answer behind). After a commit with listing changes this worker also empties its
own memory cache (memory only: correctness comes from the version).

Where: Redis when ``CACHE_URL`` is ``redis://...`` (or, if unset, when the rate limiter's storage is
Redis), shared by all workers and machines; answers expire after ``CACHE_TTL`` seconds. Otherwise an
LRU of ``CACHE_ENTRIES`` answers in each worker. ``CACHE_URL=off`` turns caching off. A Redis that
does not answer is skipped (logged once a minute): the page is computed as without a cache.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
import time
from collections import OrderedDict
from typing import Callable

from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession

from .matching_service import uncommitted_supply
from .models import SupplyChange

log = logging.getLogger(__name__)

KAART_KINDS = ("voorziening", "location", "organisation")  # what the sociale kaart's answers depend on
_EXTENSION = "result_cache"


class MemoryBackend:
    """Least recently used answers of this worker."""

    name = "memory"

    def __init__(self, entries: int):
        self.entries = max(1, entries)
        self._data: OrderedDict[str, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str):
        with self._lock:
            if key not in self._data:
                return None
            self._data.move_to_end(key)
            return self._data[key]

    def set(self, key: str, value, ttl: int | None = None) -> None:  # ttl: Redis only
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.entries:
                self._data.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()

    def __len__(self) -> int:
        return len(self._data)


class RedisBackend:
    """Answers as JSON in Redis, shared by every worker; a failing Redis is skipped, never an error."""

    name = "redis"

    def __init__(self, url: str, ttl: int):
        import redis  # the redis package from PyPI (also what Flask-Limiter's redis storage uses)
        self.client = redis.Redis.from_url(url, socket_timeout=0.25, socket_connect_timeout=0.25)
        self.ttl = max(1, ttl)
        self._errors = redis.RedisError
        self._warned_at = 0.0

    def _failed(self, error: Exception) -> None:
        if time.monotonic() - self._warned_at > 60:
            self._warned_at = time.monotonic()
            log.warning("Cache in Redis niet bereikbaar, pagina's worden zonder cache berekend: %s", error)

    def get(self, key: str):
        try:
            raw = self.client.get(key)
        except (self._errors, OSError) as error:
            self._failed(error)
            return None
        return None if raw is None else json.loads(raw)

    def set(self, key: str, value, ttl: int | None = None) -> None:
        try:
            self.client.set(key, json.dumps(value, separators=(",", ":")), ex=max(1, ttl or self.ttl))
        except (self._errors, OSError) as error:
            self._failed(error)

    def clear(self) -> None:  # other workers share it: a new version is what invalidates, not this
        return None


def cache_url(config) -> str:
    """CACHE_URL, else the rate limiter's Redis, else '' (memory)."""
    url = (config.get("CACHE_URL") or "").strip()
    if url:
        return url
    limiter = (config.get("RATELIMIT_STORAGE_URI") or "").strip()
    return limiter if limiter.startswith(("redis://", "rediss://")) else ""


def make_backend(config):
    """The store CACHE_URL names (None: off). An unknown kind of store is logged and replaced by
    the memory cache: a setting's typo must not take the site down."""
    url = cache_url(config)
    if url.lower() in ("off", "none", "0"):
        return None
    if url.startswith(("redis://", "rediss://")):
        return RedisBackend(url, int(config.get("CACHE_TTL", 3600)))
    if url and not url.startswith("memory://"):
        log.error("CACHE_URL moet redis://..., memory:// of off zijn, niet %r: de cache blijft in het geheugen", url)
    return MemoryBackend(int(config.get("CACHE_ENTRIES", 2048)))


def backend_of(app: Flask | None = None):
    """The app's cache store, made on first use from its configuration."""
    app = app or current_app
    if _EXTENSION not in app.extensions:
        with _MAKING:
            if _EXTENSION not in app.extensions:
                app.extensions[_EXTENSION] = make_backend(app.config)
    return app.extensions[_EXTENSION]


_MAKING = threading.Lock()


def own_memory(name: str, entries_setting: str, default: int, app: Flask | None = None):
    """The app's Redis when it has one (shared, entries expire), else an LRU of this worker's own
    for one kind of answer, so that many different questions of one kind (every suggest text is
    new) cannot push the others out of the shared LRU. None when caching is off."""
    app = app or current_app
    shared = backend_of(app)
    if shared is None or shared.name == "redis":
        return shared
    if name not in app.extensions:
        with _MAKING:
            if name not in app.extensions:
                app.extensions[name] = MemoryBackend(int(app.config.get(entries_setting, default)))
    return app.extensions[name]


def supply_version(session, kinds: tuple[str, ...] = KAART_KINDS) -> list:
    """The newest supply_change entry of each kind, as [id, time], in one statement (index
    ix_supply_change_kind_id: one entry per kind). The time tells two logs apart whose ids were used
    again (SQLite reuses the ids of deleted rows: a rebuilt demo, a rolled-back transaction).

    Every cached page and answer asks this first, so it is the statement's text made once per set of
    kinds and handed to the driver: building the SQLAlchemy expression, its cache key and the ORM
    execution took ~45 % of a cached answer. Like any ORM query it flushes pending changes first."""
    if not kinds:  # an answer that depends on no listings (the search form)
        return []
    if session.autoflush and (session.new or session.dirty or session.deleted):
        session.flush()  # what an ORM query's autoflush did: the pending changes are logged, so seen
    rows = session.connection().exec_driver_sql(_version_sql(tuple(kinds))).all()
    found = {kind: [entry_id, at if isinstance(at, str) else at.isoformat()] for kind, entry_id, at in rows}
    return [found.get(kind, [0, ""]) for kind in kinds]


_VERSION_SQL: dict[tuple[str, ...], str] = {}
_KIND = re.compile(r"[a-z_]{1,16}")


def _version_sql(kinds: tuple[str, ...]) -> str:
    sql = _VERSION_SQL.get(kinds)
    if sql is None:
        if not all(_KIND.fullmatch(kind) for kind in kinds):  # the code's own kind names, never input
            raise ValueError(f"not a supply_change kind: {kinds!r}")
        table = SupplyChange.__tablename__
        newest = " UNION ALL ".join(f"SELECT max(id) FROM {table} WHERE kind = '{kind}'"  # nosec B608
                                    for kind in kinds)
        sql = _VERSION_SQL[kinds] = f"SELECT kind, id, created_at FROM {table} WHERE id IN ({newest})"  # nosec B608
    return sql


def _database_of(session) -> str:
    bind = session.get_bind()
    engine = getattr(bind, "engine", bind)
    return engine.url.render_as_string(hide_password=True)


def cached(session, namespace: str, key_parts, compute: Callable[[], object],
           kinds: tuple[str, ...] = KAART_KINDS, backend=None):
    """``compute()``'s answer (JSON-able), from the cache when this exact question was answered at
    the current supply version; computed and stored otherwise. ``backend``: a store of its own
    (``own_memory``), else the app's."""
    if backend is None:
        backend = backend_of() if has_app_context() else None
    if backend is None or uncommitted_supply(session):
        return compute()
    version = supply_version(session, kinds)  # first: the answer below is at least this new
    material = json.dumps([_database_of(session), namespace, version, key_parts], sort_keys=True, default=str)
    key = f"buurtplein:{namespace}:" + hashlib.sha256(material.encode()).hexdigest()[:40]
    found = backend.get(key)
    if found is not None:
        return found
    value = compute()
    backend.set(key, value)
    return value


@event.listens_for(OrmSession, "after_commit")
def _forget_after_listing_changes(session) -> None:
    # Runs before matching_service's after_transaction_end hook drops the flag.
    # Memory hygiene only (the version in every key is what keeps answers right), and only when the
    # sociale kaart's own kinds changed: a new help request or sign-up leaves its answers alone.
    # Pages are not cleared: their LRU is bounded and an old version's pages age out of it.
    if has_app_context() and uncommitted_supply(session) & set(KAART_KINDS):
        backend = current_app.extensions.get(_EXTENSION)
        if backend is not None:
            backend.clear()
