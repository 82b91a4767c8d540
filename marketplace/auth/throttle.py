"""Per-account back-off on failed logins, whatever the IP.

After LOGIN_MAX_FAILURES failed logins for one e-mail address within LOGIN_FAILURE_WINDOW
seconds, that address is locked for LOGIN_LOCKOUT_SECONDS. Counted per submitted address,
whether or not an account exists for it, so a lock tells nobody which addresses are known.
Kept in the rate limiter's storage (RATELIMIT_STORAGE_URI: memory, or redis for several
workers) and off whenever the limiter is (RATELIMIT_ENABLED). When that store does not answer
(Redis down), this worker counts in its own memory for a while, as the limiter itself does: a
resident can still log in, and guessing is still slowed down.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from typing import TypeVar

from flask import current_app
from limits import RateLimitItemPerSecond
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from ..extensions import account_key, limiter


T = TypeVar("T")
RETRY_STORE_AFTER = 30  # seconds this worker counts in memory after the store failed
_memory = MemoryStorage()
_store_failed_at: dict[int, float] = {}  # id of a store -> when it last failed
log = logging.getLogger(__name__)


def _counted(operation: Callable[[MovingWindowRateLimiter], T], otherwise: T) -> T:
    """Run ``operation`` on the limiter's store, or on this worker's memory while that store is down."""
    if not limiter.enabled or not current_app.config.get("RATELIMIT_ENABLED", True):
        return otherwise
    store = limiter.storage
    if time.monotonic() - _store_failed_at.get(id(store), -RETRY_STORE_AFTER) >= RETRY_STORE_AFTER:
        try:
            return operation(MovingWindowRateLimiter(store))
        except Exception as error:  # noqa: BLE001 - any failure of the store (redis-py, limits), not of ours
            _store_failed_at[id(store)] = time.monotonic()
            log.warning("login throttle: the rate-limit store does not answer (%s); counting in memory",
                        type(error).__name__)
    return operation(MovingWindowRateLimiter(_memory))


def _failures() -> RateLimitItemPerSecond:
    cfg = current_app.config
    return RateLimitItemPerSecond(cfg["LOGIN_MAX_FAILURES"], cfg["LOGIN_FAILURE_WINDOW"], namespace="LOGINFAIL")


def _lock() -> RateLimitItemPerSecond:
    return RateLimitItemPerSecond(1, current_app.config["LOGIN_LOCKOUT_SECONDS"], namespace="LOGINLOCK")


def _seconds_locked(strategy: MovingWindowRateLimiter, key: str) -> int:
    if strategy.test(_lock(), key):
        return 0
    reset_at = strategy.get_window_stats(_lock(), key).reset_time
    return max(1, math.ceil(reset_at - time.time()))


def locked_for(email: str) -> int:
    """Seconds until this address may try again; 0 when it is not locked."""
    return _counted(lambda strategy: _seconds_locked(strategy, account_key(email)), 0)


def record_failure(email: str) -> int:
    """Count a failed login; returns the lock's seconds when this failure locked the address."""
    def count(strategy: MovingWindowRateLimiter) -> int:
        key = account_key(email)
        strategy.hit(_failures(), key)
        if strategy.test(_failures(), key):
            return 0
        strategy.hit(_lock(), key)
        strategy.clear(_failures(), key)  # after the lock, a fresh count
        return _seconds_locked(strategy, key)
    return _counted(count, 0)


def record_success(email: str) -> None:
    _counted(lambda strategy: strategy.clear(_failures(), account_key(email)), None)
