"""Shared fixtures: a real database (SQLite file, or PostgreSQL when configured), a real SMTP
server on loopback, and a live server for browser tests.

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
import uuid

import pytest
from sqlalchemy import text
from sqlmodel import Session, SQLModel

from marketplace import create_app, db
from marketplace.categories import sync_categories
from marketplace.config import normalise_database_url

# Cheap password hashing in tests (production uses scrypt): saves most of the suite's CPU time.
TEST_HASH_METHOD = "pbkdf2:sha256:1"
REQUIRE_ALL = os.environ.get("BUURTPLEIN_REQUIRE_ALL") == "1"
# One schema per test process, so parallel runs on one PostgreSQL never wipe each other.
TEST_SCHEMA = f"buurtplein_tests_{os.getpid()}"


def require(condition: bool, reason: str) -> None:
    """Skip locally, fail under BUURTPLEIN_REQUIRE_ALL: nothing is skipped silently in CI."""
    if condition:
        return
    if REQUIRE_ALL:
        pytest.fail(reason + " (required: BUURTPLEIN_REQUIRE_ALL=1)")
    pytest.skip(reason)


def postgres_url_in_schema(url: str, schema: str) -> str:
    separator = "&" if "?" in url else "?"
    return f"{normalise_database_url(url)}{separator}options=-csearch_path%3D{schema}"


def fresh_postgres_schema(url: str, schema: str) -> str:
    engine = db.make_engine(normalise_database_url(url))
    with engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    return postgres_url_in_schema(url, schema)


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
        "RATELIMIT_ENABLED": False,
        "WTF_CSRF_ENABLED": False,
        "SERVER_NAME": None,
        "PASSWORD_HASH_METHOD": TEST_HASH_METHOD,
    }


@pytest.fixture(scope="session", autouse=True)
def _trained_classifier():
    """One classifier per test run, trained before any test (the app never trains in a request)."""
    from marketplace.matching_service import base_classifier
    return base_classifier()


@pytest.fixture(scope="session")
def _migrated(base_config):
    app = create_app(base_config)
    with app.app_context():
        db.upgrade(db.get_engine())
    app.extensions["db_engine"].dispose()
    return True


def clean_database(app) -> None:
    """Empty every table (children first) and put the categories back."""
    engine = app.extensions["db_engine"]
    tables = list(reversed(SQLModel.metadata.sorted_tables))
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(table.delete())
    with db.session_scope(engine) as session:
        sync_categories(session)


@pytest.fixture
def make_app(base_config, _migrated):
    """Build an app with extra config; the database is emptied after the test."""
    apps = []

    def factory(**overrides):
        app = create_app({**base_config, **overrides})
        apps.append(app)
        with app.app_context():
            clean_database(app)
        return app

    yield factory
    for app in apps:
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
    with Session(app.extensions["db_engine"], expire_on_commit=False) as s:
        yield s


# --------------------------------------------------------------------------- helpers


def make_user(session, email="anna@example.nl", password="geheim-wachtwoord", roles=("bewoner",),
              name="Anna de Vries"):
    from marketplace.account.services import hash_password
    from marketplace.models import User, UserRole
    user = User(email=email, password_hash=hash_password(password, TEST_HASH_METHOD),
                display_name=name)
    user.roles = [UserRole(role=r) for r in roles]
    session.add(user)
    session.commit()
    return user


def login(client, email="anna@example.nl", password="geheim-wachtwoord"):
    return client.post("/login", data={"email": email, "password": password})


@pytest.fixture
def smtp_server():
    """A real SMTP server on loopback (aiosmtpd) that keeps what it receives."""
    from aiosmtpd.controller import Controller

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
    """The app with CSRF on, served from a thread on 127.0.0.1."""
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


def free_port() -> int:
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def unique_schema() -> str:
    return "mig_" + uuid.uuid4().hex[:10]
