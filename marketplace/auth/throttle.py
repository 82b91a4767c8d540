"""Per-account back-off on failed logins, whatever the IP.

After LOGIN_MAX_FAILURES failed logins for one e-mail address within LOGIN_FAILURE_WINDOW
seconds, that address is locked for LOGIN_LOCKOUT_SECONDS. Counted per submitted address,
whether or not an account exists for it, so a lock tells nobody which addresses are known.
Kept in the rate limiter's storage (RATELIMIT_STORAGE_URI: memory, or redis for several
workers) and off whenever the limiter is (RATELIMIT_ENABLED).
"""

from __future__ import annotations

import math
import time

from flask import current_app
from limits import RateLimitItemPerSecond
from limits.strategies import MovingWindowRateLimiter

from ..extensions import account_key, limiter


def _strategy() -> MovingWindowRateLimiter | None:
    if not limiter.enabled or not current_app.config.get("RATELIMIT_ENABLED", True):
        return None
    return MovingWindowRateLimiter(limiter.storage)


def _failures() -> RateLimitItemPerSecond:
    cfg = current_app.config
    return RateLimitItemPerSecond(cfg["LOGIN_MAX_FAILURES"], cfg["LOGIN_FAILURE_WINDOW"], namespace="LOGINFAIL")


def _lock() -> RateLimitItemPerSecond:
    return RateLimitItemPerSecond(1, current_app.config["LOGIN_LOCKOUT_SECONDS"], namespace="LOGINLOCK")


def locked_for(email: str) -> int:
    """Seconds until this address may try again; 0 when it is not locked."""
    strategy = _strategy()
    if strategy is None:
        return 0
    key = account_key(email)
    if strategy.test(_lock(), key):
        return 0
    reset_at = strategy.get_window_stats(_lock(), key).reset_time
    return max(1, math.ceil(reset_at - time.time()))


def record_failure(email: str) -> int:
    """Count a failed login; returns the lock's seconds when this failure locked the address."""
    strategy = _strategy()
    if strategy is None:
        return 0
    key = account_key(email)
    strategy.hit(_failures(), key)
    if strategy.test(_failures(), key):
        return 0
    strategy.hit(_lock(), key)
    strategy.clear(_failures(), key)  # after the lock, a fresh count
    return locked_for(email)


def record_success(email: str) -> None:
    strategy = _strategy()
    if strategy is not None:
        strategy.clear(_failures(), account_key(email))
