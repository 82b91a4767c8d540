"""Configuration from the environment (twelve-factor): one place, sane defaults for development."""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path
from urllib.parse import urlsplit

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_HASH_METHOD = "scrypt"  # werkzeug's password hash for accounts
INSTANCE_DIR = Path(os.environ.get("BUURTPLEIN_INSTANCE", REPO_ROOT / "instance"))


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def _list(name: str) -> list[str] | None:
    value = os.environ.get(name)
    if value is None or not value.strip():
        return None
    return [part.strip() for part in value.split(",") if part.strip()]


# Rounded, CBS-like (Kerncijfers wijken en buurten) inhabitants of the demo's Enschede wijken.
DEMO_WIJK_INHABITANTS = {"WK015300": 9800, "WK015301": 7900, "WK015302": 15000, "WK015303": 6700,
                         "WK015304": 15500, "WK015305": 9900, "WK015306": 17000, "WK015307": 10500,
                         "WK015308": 11300, "WK015309": 9200}


def _inhabitants(value: str | None) -> dict[str, int]:
    if not value or not value.strip():
        return dict(DEMO_WIJK_INHABITANTS)
    pairs = (part.split("=", 1) for part in value.split(",") if "=" in part)
    return {code.strip(): int(n) for code, n in pairs if n.strip().isdigit()}


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
        # "production" turns on the checks and settings in finalise(); anything else is development.
        "BUURTPLEIN_ENV": os.environ.get("BUURTPLEIN_ENV", "development").strip().lower(),
        # Never a constant: without SECRET_KEY development uses a random key kept in SECRET_KEY_FILE,
        # production refuses to start (see finalise).
        "SECRET_KEY": os.environ.get("SECRET_KEY") or None,
        "SECRET_KEY_FILE": os.environ.get("SECRET_KEY_FILE", str(INSTANCE_DIR / "secret_key")),
        # Host names this site answers to (comma-separated); others get 400. Production derives it
        # from BASE_URL when unset.
        "TRUSTED_HOSTS": _list("TRUSTED_HOSTS"),
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
        # Queued mail is a row in mail_outbox, written with the change. After the commit it is sent by
        # "background" (a thread of this worker: no request waits for the mail server), "inline" (this
        # thread, before the response: tests) or "off" (only `flask mail send`, e.g. as its own process).
        "MAIL_SEND_AFTER_COMMIT": os.environ.get("MAIL_SEND_AFTER_COMMIT", "background"),
        "MAIL_MAX_ATTEMPTS": _int("MAIL_MAX_ATTEMPTS", 10),  # then 'failed': `flask mail retry` still tries
        "MAIL_RETRY_SECONDS": _int("MAIL_RETRY_SECONDS", 60),  # the first wait; doubled each time, at most 6 h
        # Geocoding: "offline" (postcode gazetteer only) or "nominatim" (real service, gazetteer first).
        "GEOCODER": os.environ.get("GEOCODER", "offline"),
        "NOMINATIM_USER_AGENT": os.environ.get("NOMINATIM_USER_AGENT", "buurtplein"),
        "NOMINATIM_DOMAIN": os.environ.get("NOMINATIM_DOMAIN", "nominatim.openstreetmap.org"),
        "RATELIMIT_ENABLED": _bool("RATELIMIT_ENABLED", True),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,  # X-RateLimit-* and Retry-After
        # A limiter store that does not answer (Redis down) must not stop a resident: count in this
        # worker's memory until it is back, and never turn a storage error into an error page.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_SWALLOW_ERRORS": True,
        # The sociale kaart's answers (ids of a page, the total, the map's ids; result_cache.py): in
        # Redis, shared by every worker, when CACHE_URL (or RATELIMIT_STORAGE_URI) is redis://...,
        # else in each worker's memory (CACHE_ENTRIES answers). CACHE_URL=off turns it off.
        "CACHE_URL": os.environ.get("CACHE_URL", ""),
        "CACHE_ENTRIES": _int("CACHE_ENTRIES", 2048),
        # The suggest API's answers in memory: an LRU of their own (every text is a new question).
        "SUGGEST_CACHE_ENTRIES": _int("SUGGEST_CACHE_ENTRIES", 1024),
        "CACHE_TTL": _int("CACHE_TTL", 3600),  # seconds an answer stays in Redis (a new version misses anyway)
        # Per-address back-off on failed logins (auth/throttle.py), whatever the IP.
        "LOGIN_MAX_FAILURES": _int("LOGIN_MAX_FAILURES", 5),
        "LOGIN_FAILURE_WINDOW": _int("LOGIN_FAILURE_WINDOW", 15 * 60),
        "LOGIN_LOCKOUT_SECONDS": _int("LOGIN_LOCKOUT_SECONDS", 5 * 60),
        # Behind a reverse proxy: how many proxies set X-Forwarded-For/-Proto (0: none, trust nothing).
        # Without it every visitor has the proxy's IP and per-IP limits hit everyone at once.
        "PROXY_FIX_COUNT": _int("PROXY_FIX_COUNT", 0),
        # "json": one JSON object per log line on stderr (default in production); "text": Flask's default.
        "LOG_FORMAT": os.environ.get("LOG_FORMAT", ""),
        # Folder with pg_dump and pg_restore for 'backup'/'restore' (default: the newest PostgreSQL's, or PATH).
        "PG_BIN_DIR": os.environ.get("PG_BIN_DIR", ""),
        # Not read from the environment on purpose: a cheap hash is for tests only (set in test config).
        "PASSWORD_HASH_METHOD": DEFAULT_HASH_METHOD,
        "PASSWORD_RESET_MAX_AGE": _int("PASSWORD_RESET_MAX_AGE", 2 * 3600),
        "REQUEST_LIFETIME_DAYS": _int("REQUEST_LIFETIME_DAYS", 30),
        "OFFER_LIFETIME_DAYS": _int("OFFER_LIFETIME_DAYS", 180),
        "BABEL_DEFAULT_LOCALE": "nl",
        "LANGUAGES": ("nl", "en"),
        "WTF_CSRF_TIME_LIMIT": None,  # a slow typist must not lose a long request to an expired token
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", False),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _bool("REMEMBER_COOKIE_SECURE", False),
        "CHECK_SCHEMA": True,
        # Where the site lives, for links in mail sent by the jobs (no request to read it from).
        "BASE_URL": os.environ.get("BASE_URL", "http://127.0.0.1:5000"),
        "MAP_TILE_URL": os.environ.get("MAP_TILE_URL", ""),  # empty: markers without tiles
        "BOARD_PHONE": os.environ.get("BOARD_PHONE", "053 - 123 45 67"),
        "REMINDER_DAYS_BEFORE_EXPIRY": _int("REMINDER_DAYS_BEFORE_EXPIRY", 3),
        "VERIFY_INTERVAL_MONTHS": _int("VERIFY_INTERVAL_MONTHS", 6),
        "VERIFY_GRACE_DAYS": _int("VERIFY_GRACE_DAYS", 30),
        "MATCH_ANSWER_DAYS": _int("MATCH_ANSWER_DAYS", 3),
        # Referrals: the organisation answers within this many working days, else one reminder.
        "REFERRAL_RESPONSE_DAYS": _int("REFERRAL_RESPONSE_DAYS", 2),
        "CONSENT_TEXT_VERSION": os.environ.get("CONSENT_TEXT_VERSION", "2026-12"),
        # Dashboard: inhabitants per wijk code (rates per 1,000), "WK015300=9800,WK015301=7900"; the default
        # holds the demo's rounded CBS-like figures. COST_MODEL: None = dashboard.cost.DEFAULT_MODEL.
        "WIJK_INHABITANTS": _inhabitants(os.environ.get("WIJK_INHABITANTS")),
        "COST_MODEL": None,
        # The trained category classifier (flask --app wsgi match train); default under instance/matching/.
        "MATCHING_MODEL_PATH": os.environ.get("MATCHING_MODEL_PATH", ""),
        # Build the matcher's index when wsgi.py is loaded (with gunicorn.conf.py's preload_app: once, in
        # the master, before the workers fork), never in a request: at 10^5 listings it takes ~30 s CPU.
        # None = on in production only; tests and the development server start without it.
        "MATCHER_AT_STARTUP": _bool("MATCHER_AT_STARTUP", None),
        "API_RATE_LIMIT": os.environ.get("API_RATE_LIMIT", "60 per minute"),
    }


# --------------------------------------------------------------------------- checks at start-up

MIN_SECRET_KEY_LENGTH = 32


class ConfigError(SystemExit):
    """The configuration is unsafe: refuse to start.

    A ``SystemExit`` so that ``flask`` and gunicorn stop with a non-zero status instead of
    serving (or printing a traceback). The code is 4, gunicorn's "application failed to load":
    the master then stops instead of restarting the worker over and over.
    """

    EXIT_CODE = 4

    def __init__(self, message: str):
        super().__init__(self.EXIT_CODE)
        self.message = message

    def __str__(self) -> str:
        return self.message


def refuse(message_nl: str, message_en: str) -> ConfigError:
    message = f"Buurtplein start niet: {message_nl}\nBuurtplein will not start: {message_en}"
    print(message, file=sys.stderr)
    return ConfigError(message)


def is_production(config) -> bool:
    return config.get("BUURTPLEIN_ENV") == "production"


def development_secret_key(path: str | os.PathLike) -> str:
    """A random key made on first start and kept (mode 0600) so sessions survive a restart."""
    path = Path(path)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written to a private temporary file, then linked into place: two processes starting at
        # once never read a half-written key, and the one that loses the race uses the other's key.
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(secrets.token_urlsafe(48) + "\n")
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass
        finally:
            tmp.unlink(missing_ok=True)
    key = path.read_text(encoding="ascii").strip()
    if len(key) < MIN_SECRET_KEY_LENGTH:
        raise refuse(f"{path} is leeg of te kort. Verwijder het bestand; bij de volgende start komt er een nieuwe sleutel.",
                     f"{path} is empty or too short. Delete the file; the next start makes a new key.")
    return key


def finalise(config) -> None:
    """Settings that depend on other settings, and refusals. Run after test overrides."""
    if is_production(config):
        key = config.get("SECRET_KEY") or ""
        if len(key) < MIN_SECRET_KEY_LENGTH:
            raise refuse(
                f"SECRET_KEY ontbreekt of is korter dan {MIN_SECRET_KEY_LENGTH} tekens. Maak er een met "
                "'python -c \"import secrets; print(secrets.token_urlsafe(48))\"' en zet die in de omgeving.",
                f"SECRET_KEY is missing or shorter than {MIN_SECRET_KEY_LENGTH} characters. Make one with "
                "'python -c \"import secrets; print(secrets.token_urlsafe(48))\"' and set it in the environment.")
        config["SESSION_COOKIE_SECURE"] = True
        config["REMEMBER_COOKIE_SECURE"] = True
        if not config.get("TRUSTED_HOSTS"):
            host = urlsplit(config.get("BASE_URL") or "").hostname
            if not host or host in {"127.0.0.1", "localhost", "::1"}:
                raise refuse("zet BASE_URL op het openbare adres van de site (of zet TRUSTED_HOSTS).",
                             "set BASE_URL to the site's public address (or set TRUSTED_HOSTS).")
            config["TRUSTED_HOSTS"] = [host]
    elif not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = development_secret_key(config["SECRET_KEY_FILE"])
