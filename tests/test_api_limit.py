"""The public API's limit per address (marketplace/ratelimit.py): the same answers and headers as
Flask-Limiter gave, one count per request in the limiter's store (Redis: shared by every worker),
a store that does not answer never stops a caller, and limits' memory store starts no timer thread
per hit."""

from __future__ import annotations

import threading

import pytest

from marketplace import ratelimit
from marketplace.extensions import limiter

from .test_result_cache import redis_url  # noqa: F401 - fixture

ASK = "/api/v1/suggest?text=hulp"  # a 400 (no place): counted all the same, no matcher needed


def _headers(response) -> dict:
    return {k: response.headers.get(k) for k in ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset",
                                                 "Retry-After")}


def test_headers_count_down_then_429_with_json_and_the_same_headers(make_app):
    app = make_app(RATELIMIT_ENABLED=True, API_RATE_LIMIT="3 per minute; 100 per hour")
    client = app.test_client()
    answers = [client.get(ASK) for _ in range(5)]
    assert [a.status_code for a in answers] == [400, 400, 400, 429, 429]
    assert [a.headers["X-RateLimit-Remaining"] for a in answers] == ["2", "1", "0", "0", "0"]
    for a in answers:
        h = _headers(a)
        assert h["X-RateLimit-Limit"] == "3" and int(h["X-RateLimit-Reset"]) > 0 and 0 < int(h["Retry-After"]) <= 61
    assert answers[3].get_json() == {"error": answers[3].get_json()["error"], "status": 429}
    # Another address has its own count.
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.9.0.1"
    assert other.get(ASK).headers["X-RateLimit-Remaining"] == "2"


def test_the_view_is_counted_once_and_not_by_flask_limiter(make_app):
    app = make_app(RATELIMIT_ENABLED=True, API_RATE_LIMIT="10 per minute")
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.9.0.2"
    client.get(ASK)
    key = "LIMITER/10.9.0.2/api.suggest/10/1/minute"  # Flask-Limiter's key for this limit: counts carry over
    assert limiter.storage.get(key) == 1
    client.get(ASK)
    assert limiter.storage.get(key) == 2


def test_off_when_the_limiter_is_off(make_app):
    app = make_app(RATELIMIT_ENABLED=False, API_RATE_LIMIT="1 per minute")
    client = app.test_client()
    answers = [client.get(ASK) for _ in range(3)]
    assert [a.status_code for a in answers] == [400, 400, 400]
    assert "X-RateLimit-Limit" not in answers[0].headers


def test_with_redis_every_worker_counts_in_the_one_store(make_app, redis_url):  # noqa: F811
    """Two workers are two processes with their own memory: the count must be in Redis."""
    import redis
    from limits.storage import storage_from_string
    redis.Redis.from_url(redis_url).flushdb()
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=redis_url, API_RATE_LIMIT="3 per minute")
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.9.0.3"
    assert [client.get(ASK).status_code for _ in range(2)] == [400, 400]
    other_worker = storage_from_string(redis_url)  # what another worker's limiter reads
    key = "LIMITER/10.9.0.3/api.suggest/3/1/minute"
    assert other_worker.get(key) == 2
    other_worker.incr(key, 60)  # that worker answered one more
    assert client.get(ASK).status_code == 429


def test_a_store_that_does_not_answer_never_stops_a_caller(make_app, monkeypatch):
    from .support import free_port
    monkeypatch.setattr(ratelimit, "_store_failed_at", {})
    monkeypatch.setattr(ratelimit, "_fallback", ratelimit.WorkerMemoryStorage())
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{free_port()}/0",
                   CACHE_URL="off", API_RATE_LIMIT="2 per minute")
    client = app.test_client()
    assert [client.get(ASK).status_code for _ in range(3)] == [400, 400, 429]  # counted in memory


def test_memory_storage_starts_no_thread_per_hit(make_app, monkeypatch):
    app = make_app(RATELIMIT_ENABLED=True, API_RATE_LIMIT="1000 per minute")
    assert isinstance(limiter.storage, ratelimit.WorkerMemoryStorage)
    started = []
    real = threading.Thread.start
    monkeypatch.setattr(threading.Thread, "start", lambda self: (started.append(self.name), real(self)))
    client = app.test_client()
    for _ in range(30):
        client.get(ASK)
    assert not [name for name in started if "Thread" in name or "Timer" in name], started


def test_memory_storage_still_forgets_what_expired(monkeypatch):
    import limits.storage.memory as memory
    clock, wall = [1000.0], [5000.0]
    monkeypatch.setattr(ratelimit.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(memory.time, "time", lambda: wall[0])
    storage = ratelimit.WorkerMemoryStorage()
    assert storage.incr("a", 1) == 1 and storage.incr("a", 1) == 2
    assert storage.acquire_entry("m", 2, 1) and storage.acquire_entry("m", 2, 1)
    assert not storage.acquire_entry("m", 2, 1)  # a moving window of 2 per second: full
    wall[0] += 2  # both windows have passed
    assert storage.get("a") == 0  # read as expired at once
    assert storage.acquire_entry("m", 2, 1)
    clock[0] += ratelimit.SWEEP_SECONDS + 0.1
    wall[0] += 2
    storage.incr("b", 1)  # a hit after the sweep interval drops the expired entries inline
    assert "a" not in storage.storage and storage.events.get("m") in (None, [])


@pytest.mark.parametrize("configured, used", [("memory://", "buurtplein-memory://"), ("", "buurtplein-memory://"),
                                              ("redis://r:6379/0", "redis://r:6379/0")])
def test_which_store(configured, used):
    assert ratelimit.storage_uri(configured) == used
