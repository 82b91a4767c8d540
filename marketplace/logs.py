"""Structured logs: a request id on every request and one JSON line per request.

- Every request gets an id: the proxy's ``X-Request-ID`` when it is a safe token (letters, digits,
  ``.``, ``_``, ``-``, ``:``; at most 128), otherwise a new random one. It is echoed in the
  response's ``X-Request-ID`` and added to every log record written during the request, so a
  resident's "it went wrong at 14:02" can be found in the proxy's log and in ours.
- One line per request on the ``marketplace.requests`` logger: method, path (without the query
  string, which may hold a postcode or free text), status, ms, request_id and the user id when
  someone is logged in. Never an e-mail address, a name or an IP address.
  A healthy ``/healthz`` probe is not logged (a failing one is).
- ``LOG_FORMAT=json`` (the default with ``BUURTPLEIN_ENV=production``) writes every record of the
  ``marketplace`` loggers as one JSON object per line on stderr, at INFO and up; gunicorn passes
  stderr on to journald or the container's log. Any other value keeps Flask's plain logging (and
  the request lines stay below its WARNING level).

Only the standard ``logging`` module: no extra dependency.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import datetime, timezone

from flask import Flask, g, has_request_context, request

REQUEST_ID_HEADER = "X-Request-ID"
_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
# Attributes every LogRecord has; anything else on a record came in through ``extra=`` and is logged.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "taskName"}

request_log = logging.getLogger("marketplace.requests")


def request_id() -> str | None:
    """The current request's id (None outside a request)."""
    return g.get("request_id") if has_request_context() else None


def accepted_request_id(value: str | None) -> str:
    """The proxy's id when it is a safe token, else a new one (never log what a client made up freely)."""
    if value and _SAFE_ID.fullmatch(value):
        return value
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Puts the request id on every record written during a request."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = request_id()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, the ``extra`` fields, exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_") and value is not None:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def log_format(config) -> str:
    value = (config.get("LOG_FORMAT") or "").strip().lower()
    if not value:
        value = "json" if config.get("BUURTPLEIN_ENV") == "production" else "text"
    return value


def configure_logging(app: Flask) -> None:
    """JSON on stderr for the ``marketplace`` loggers, or Flask's default. Safe to call again
    (each app of the test suite does): our handler is replaced, never added twice."""
    logger = logging.getLogger("marketplace")  # app.logger, and the parent of every module's logger
    for handler in [h for h in logger.handlers if getattr(h, "_buurtplein", False)]:
        logger.removeHandler(handler)
    if log_format(app.config) != "json":
        logger.propagate = True
        return
    from flask.logging import default_handler
    logger.removeHandler(default_handler)
    handler = logging.StreamHandler(sys.stderr)
    handler._buurtplein = True  # type: ignore[attr-defined]
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False  # one line per record, also when the root logger has a handler


def _logged_in_user_id() -> int | None:
    # Only what flask-login already loaded: logging must never query (the database may be down).
    user = g.get("_login_user")
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    try:
        user_id = user.id
    except Exception:  # noqa: BLE001 - a detached or expired user: no id rather than a failed request
        return None
    return user_id if isinstance(user_id, int) else None


def init_app(app: Flask) -> None:
    configure_logging(app)

    def start_request():
        g.request_id = accepted_request_id(request.headers.get(REQUEST_ID_HEADER))
        g.request_started = time.perf_counter()

    # First of all before_request functions (before the Host check), so every answer has an id.
    app.before_request_funcs.setdefault(None, []).insert(0, start_request)

    @app.after_request
    def log_request(response):
        rid = g.get("request_id") or accepted_request_id(None)
        response.headers[REQUEST_ID_HEADER] = rid
        if request.endpoint == "health.healthz" and response.status_code == 200:
            return response  # the balancer's probe every few seconds: only a failing one is news
        started = g.get("request_started")
        ms = round((time.perf_counter() - started) * 1000, 1) if started is not None else None
        request_log.info("%s %s %s", request.method, request.path, response.status_code, extra={
            "method": request.method, "path": request.path, "status": response.status_code,
            "ms": ms, "request_id": rid, "user_id": _logged_in_user_id()})
        return response
