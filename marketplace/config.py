"""Configuration from the environment (twelve-factor): one place, sane defaults for development."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = Path(os.environ.get("BUURTPLEIN_INSTANCE", REPO_ROOT / "instance"))


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def normalise_database_url(url: str) -> str:
    """Heroku-style ``postgres://`` and bare ``postgresql://`` both mean psycopg 3 here."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def from_environment() -> dict:
    default_db = f"sqlite:///{INSTANCE_DIR / 'buurtplein.db'}"
    return {
        "SECRET_KEY": os.environ.get("SECRET_KEY", "dev-only-not-secret"),
        "DATABASE_URL": normalise_database_url(os.environ.get("DATABASE_URL", default_db)),
        "SQL_ECHO": _bool("SQL_ECHO", False),
        # Mail: SMTP when MAIL_SERVER is set, else .eml files in the outbox folder.
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": _int("MAIL_PORT", 25),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS", False),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "Buurtplein <noreply@buurtplein.nl>"),
        "MAIL_OUTBOX": os.environ.get("MAIL_OUTBOX", str(INSTANCE_DIR / "outbox")),
        # Geocoding: "offline" (postcode gazetteer only) or "nominatim" (real service, gazetteer first).
        "GEOCODER": os.environ.get("GEOCODER", "offline"),
        "NOMINATIM_USER_AGENT": os.environ.get("NOMINATIM_USER_AGENT", "buurtplein"),
        "NOMINATIM_DOMAIN": os.environ.get("NOMINATIM_DOMAIN", "nominatim.openstreetmap.org"),
        "RATELIMIT_ENABLED": _bool("RATELIMIT_ENABLED", True),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        # Not read from the environment on purpose: a cheap hash is for tests only (set in test config).
        "PASSWORD_HASH_METHOD": "scrypt",
        "PASSWORD_RESET_MAX_AGE": _int("PASSWORD_RESET_MAX_AGE", 2 * 3600),
        "REQUEST_LIFETIME_DAYS": _int("REQUEST_LIFETIME_DAYS", 30),
        "OFFER_LIFETIME_DAYS": _int("OFFER_LIFETIME_DAYS", 180),
        "BABEL_DEFAULT_LOCALE": "nl",
        "LANGUAGES": ("nl", "en"),
        "WTF_CSRF_TIME_LIMIT": None,  # a slow typist must not lose a long request to an expired token
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", False),
        "CHECK_SCHEMA": True,
        # Where the site lives, for links in mail sent by the jobs (no request to read it from).
        "BASE_URL": os.environ.get("BASE_URL", "http://127.0.0.1:5000"),
        "MAP_TILE_URL": os.environ.get("MAP_TILE_URL", ""),  # empty: markers without tiles
        "BOARD_PHONE": os.environ.get("BOARD_PHONE", "053 - 123 45 67"),
        "REMINDER_DAYS_BEFORE_EXPIRY": _int("REMINDER_DAYS_BEFORE_EXPIRY", 3),
        "VERIFY_INTERVAL_MONTHS": _int("VERIFY_INTERVAL_MONTHS", 6),
        "VERIFY_GRACE_DAYS": _int("VERIFY_GRACE_DAYS", 30),
        "MATCH_ANSWER_DAYS": _int("MATCH_ANSWER_DAYS", 3),
        "MATCHER_TTL_SECONDS": _int("MATCHER_TTL_SECONDS", 30),
        "API_RATE_LIMIT": os.environ.get("API_RATE_LIMIT", "60 per minute"),
    }
