"""Structured logs: a request id on every answer, one JSON line per request without personal data."""

from __future__ import annotations

import io
import json
import logging
from types import SimpleNamespace

import pytest

from marketplace import db, logs

from .factories import login, make_user


@pytest.fixture
def json_log(make_app):
    """An app with LOG_FORMAT=json whose log lines land in a string, parsed on demand."""
    app = make_app(LOG_FORMAT="json")
    (handler,) = [h for h in logging.getLogger("marketplace").handlers if getattr(h, "_buurtplein", False)]
    stream = io.StringIO()
    handler.setStream(stream)
    yield app, lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logs.configure_logging(SimpleNamespace(config={}))  # back to Flask's default for the other tests
    assert not [h for h in logging.getLogger("marketplace").handlers if getattr(h, "_buurtplein", False)]


def test_a_safe_request_id_is_echoed_and_anything_else_replaced(client):
    assert client.get("/", headers={"X-Request-ID": "lb-4f2a.9:1"}).headers["X-Request-ID"] == "lb-4f2a.9:1"
    for unsafe in ("<script>", "a b", "x" * 129, "-leading-dash", "é"):
        rid = client.get("/", headers={"X-Request-ID": unsafe}).headers["X-Request-ID"]
        assert rid != unsafe and len(rid) == 32
    first, second = (client.get("/healthz").headers["X-Request-ID"] for _ in range(2))
    assert first != second


def test_one_json_line_per_request_with_user_id_and_no_personal_data(json_log):
    app, lines = json_log  # (no `session` fixture: its app would switch the log format back)
    with db.new_session(db.bind_of(app)) as session:
        user = make_user(session, email="greet@example.nl", name="Greet Jansen")
    client = app.test_client()
    client.get("/")
    login(client, "greet@example.nl")
    response = client.get("/mijn/?postcode=7511AB", headers={"X-Request-ID": "trace-123"})
    assert response.status_code == 200
    client.get("/bestaat-niet")
    client.get("/healthz")  # a healthy probe: no line
    records = lines()
    requests = [r for r in records if r["logger"] == "marketplace.requests"]
    mine = next(r for r in requests if r.get("request_id") == "trace-123")
    assert mine["method"] == "GET" and mine["path"] == "/mijn/" and mine["status"] == 200
    assert mine["user_id"] == user.id and isinstance(mine["ms"], float) and mine["level"] == "INFO"
    assert requests[-1]["status"] == 404 and requests[-1]["path"] == "/bestaat-niet"
    assert not [r for r in requests if r["path"] == "/healthz"]
    assert requests[0]["path"] == "/" and "user_id" not in requests[0]  # not yet logged in
    text = json.dumps(records)
    for personal in ("greet@example.nl", "Greet", "Jansen", "7511AB", "127.0.0.1"):
        assert personal not in text


def test_records_written_during_a_request_carry_its_id(json_log):
    app, lines = json_log

    @app.get("/test/log-something")
    def log_something():
        app.logger.warning("iets om te melden")
        return "ok"

    app.test_client().get("/test/log-something", headers={"X-Request-ID": "abc"})
    warning = next(r for r in lines() if r["message"] == "iets om te melden")
    assert warning["request_id"] == "abc" and warning["level"] == "WARNING"


def test_json_is_the_default_in_production_and_text_elsewhere():
    assert logs.log_format({"BUURTPLEIN_ENV": "production"}) == "json"
    assert logs.log_format({"BUURTPLEIN_ENV": "production", "LOG_FORMAT": "text"}) == "text"
    assert logs.log_format({"BUURTPLEIN_ENV": "development"}) == "text"
    assert logs.log_format({"LOG_FORMAT": "JSON"}) == "json"


def test_proxy_fix_trusts_the_proxys_scheme_only_when_configured(make_app):
    behind = make_app(PROXY_FIX_COUNT=1).test_client()
    direct = make_app().test_client()
    headers = {"X-Forwarded-Proto": "https"}
    assert "Strict-Transport-Security" in behind.get("/", headers=headers).headers
    assert "Strict-Transport-Security" not in direct.get("/", headers=headers).headers


def test_a_failing_health_probe_is_logged(json_log, monkeypatch):
    app, lines = json_log
    monkeypatch.setattr("marketplace.health.check", lambda: ({"status": "unavailable"}, 503))
    assert app.test_client().get("/healthz").status_code == 503
    assert [r["status"] for r in lines() if r.get("path") == "/healthz"] == [503]
