"""Shared fixtures: a real database (SQLite file, or PostgreSQL when configured), a real SMTP
server on loopback, and a live server for browser tests. Helpers to import live in
``tests/factories/`` (rows) and ``tests/support.py`` (the rest), never here.

Isolation: each test runs inside one transaction on one connection, rolled back at its end
(warehouse's pattern). The app's sessions and the test's ``session`` join it with
``join_transaction_mode="create_savepoint"``: their commits and rollbacks become savepoints, so the
code under test commits as in production and nothing is left behind, in milliseconds. A test that
needs commits other connections can see (a live server's threads, a second process, concurrency,
migrations, backups, job locks) is marked ``real_commits`` (``live_server`` marks it by itself): it
gets the database itself, emptied after the test.

Environment:
- BUURTPLEIN_TEST_DATABASE_URL: run the whole suite on this database (e.g. PostgreSQL);
  default is a fresh SQLite file.
- BUURTPLEIN_TEST_POSTGRES_URL: PostgreSQL for the engine-specific tests (migrations).
- BUURTPLEIN_REQUIRE_ALL=1: a missing PostgreSQL or browser fails instead of skipping
  (set by scripts/test.sh, so CI can never pass without them).
"""

from __future__ import annotations

import os
import threading

import pytest
from sqlalchemy import event, text

from marketplace import create_app, db
from marketplace.config import normalise_database_url

from .support import (TEST_HASH_METHOD, clean_database, fresh_postgres_schema, require,
                      share_url_builders, trained_classifier)
from .factories import login, make_user  # noqa: F401  (kept for branches in flight: import from tests.factories)

share_url_builders()

# One schema per test process, so parallel runs on one PostgreSQL never wipe each other.
TEST_SCHEMA = f"buurtplein_tests_{os.getpid()}"
REAL_COMMITS = "real_commits"


def pytest_collection_modifyitems(items):
    for item in items:
        if "live_server" in item.fixturenames or item.get_closest_marker("browser"):
            item.add_marker(REAL_COMMITS)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url = os.environ.get("BUURTPLEIN_TEST_DATABASE_URL")
    if url and "postgres" in url:
        yield fresh_postgres_schema(url, TEST_SCHEMA)
        engine = db.make_engine(normalise_database_url(url))
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{TEST_SCHEMA}" CASCADE'))
        engine.dispose()
        return
    yield url or f"sqlite:///{tmp_path_factory.mktemp('db') / 'buurtplein-test.db'}"


@pytest.fixture(scope="session")
def base_config(database_url, tmp_path_factory) -> dict:
    return {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret",
        "MAIL_SERVER": "",
        "MAIL_OUTBOX": str(tmp_path_factory.mktemp("outbox")),
        "MAIL_SEND_AFTER_COMMIT": "inline",  # a test sees the mail when the request returns
        "RATELIMIT_ENABLED": False,
        "WTF_CSRF_ENABLED": False,
        "SERVER_NAME": None,
        "PASSWORD_HASH_METHOD": TEST_HASH_METHOD,
    }


@pytest.fixture(scope="session", autouse=True)
def classifier():
    """The run's one category classifier, shared by the matching tests and every app (the app
    never trains in a request; without this each app process would train its own)."""
    from marketplace import matching_service
    clf = trained_classifier()
    matching_service._BASE["base"] = clf  # what base_classifier() would have trained
    return clf


@pytest.fixture(scope="session")
def _migrated(base_config):
    """The schema at head and the categories in, committed once: every test starts from here."""
    app = create_app(base_config)
    with app.app_context():
        db.upgrade(db.get_engine())
        clean_database(app)
    app.extensions["db_engine"].dispose()
    return True


@pytest.fixture(scope="session")
def _test_engine(base_config, _migrated):
    engine = db.make_engine(base_config["DATABASE_URL"])
    if engine.dialect.name == "sqlite":
        # pysqlite begins a transaction only before the first write, so a SAVEPOINT could become the
        # outermost transaction and its RELEASE a real commit. SQLAlchemy's recipe: the driver leaves
        # transactions alone and SQLAlchemy emits BEGIN itself (only on the tests' own connections).
        @event.listens_for(engine, "connect")
        def _driver_autocommit(dbapi_connection, _record):
            dbapi_connection.isolation_level = None

        @event.listens_for(engine, "begin")
        def _begin(connection):
            connection.exec_driver_sql("BEGIN")
    yield engine
    engine.dispose()


@pytest.fixture
def db_connection(request, _test_engine):
    """The connection whose transaction holds everything the test writes; rolled back at the end.
    None for a ``real_commits`` test."""
    if request.node.get_closest_marker(REAL_COMMITS):
        yield None
        return
    connection = _test_engine.connect()
    connection.info.clear()  # what the pooled connection remembers (the search index's state) was rolled back
    transaction = connection.begin()
    try:
        yield connection
    finally:
        ended_early = not transaction.is_active
        if not ended_early:
            transaction.rollback()
        connection.close()
    if ended_early:  # its writes may now be in the database for every later test
        pytest.fail("The test's transaction was committed or closed by the code under test: "
                    "mark the test real_commits (see tests/conftest.py).")


@pytest.fixture
def make_app(base_config, _migrated, db_connection):
    """Build an app with extra config, joined to the test's transaction (or, for a ``real_commits``
    test, on the database itself, emptied after the test)."""
    apps = []

    def factory(**overrides):
        app = create_app({**base_config, **overrides})
        if db_connection is not None:
            app.extensions["db_bind"] = db_connection
        apps.append(app)
        return app

    yield factory
    for app in apps:
        if db_connection is None:
            with app.app_context():
                clean_database(app)
        app.extensions["db_engine"].dispose()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def session(app):
    """A session of the test's own, outside any app context: HTTP requests made by the
    test client then get their own app context, ``g`` and session, as in production."""
    with db.new_session(db.bind_of(app)) as s:
        yield s


@pytest.fixture
def smtp_server():
    """A real SMTP server on loopback (aiosmtpd) that keeps what it receives."""
    from aiosmtpd.controller import Controller

    from .support import free_port

    class Keep:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, smtp_session, envelope):
            self.messages.append(envelope)
            return "250 OK"

    handler = Keep()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller.hostname, controller.port, handler.messages
    finally:
        controller.stop()


# --------------------------------------------------------------------------- browser


CHROMIUM = os.environ.get("BUURTPLEIN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]


@pytest.fixture
def live_server(make_app):
    """The app with CSRF on, served from a thread on 127.0.0.1 (a ``real_commits`` test: the
    server's threads have connections of their own)."""
    from werkzeug.serving import make_server

    app = make_app(WTF_CSRF_ENABLED=True)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.live_url = f"http://127.0.0.1:{server.server_port}"
    try:
        yield app
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    require(os.path.exists(CHROMIUM), f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="nl-NL", viewport={"width": 1100, "height": 900})
    page = context.new_page()
    yield page
    context.close()
