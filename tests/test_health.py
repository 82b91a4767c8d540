"""/healthz: 200 when the database answers and its schema is at head, 503 JSON otherwise."""

from __future__ import annotations

from marketplace import create_app


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "schema": "current"}
    assert response.headers["Cache-Control"] == "no-store"
    assert "X-RateLimit-Limit" not in response.headers


def test_healthz_outdated_schema_is_503_not_the_upgrade_page(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}", "TESTING": True,
                      "SECRET_KEY": "test-secret"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "ok", "schema": "outdated"}
    app.extensions["db_engine"].dispose()


def test_healthz_unreachable_database_is_503(tmp_path):
    unreadable = tmp_path / "a-directory-not-a-database"
    unreadable.mkdir()
    app = create_app({"DATABASE_URL": f"sqlite:///{unreadable}", "TESTING": True, "SECRET_KEY": "test-secret"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "unavailable", "schema": "unknown"}
    app.extensions["db_engine"].dispose()


def test_healthz_is_never_rate_limited(make_app):
    app = make_app(RATELIMIT_ENABLED=True)
    client = app.test_client()
    assert all(client.get("/healthz").status_code == 200 for _ in range(70))
