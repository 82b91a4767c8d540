"""Helpers for tests that are not factories: skipping or failing on a missing service, free ports,
PostgreSQL schemas of their own, and emptying a database that took real commits.

Import from here (and from ``tests.factories``), never from ``conftest.py``: conftest holds fixtures.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import socket
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import SQLModel

from marketplace import db
from marketplace.categories import sync_categories
from marketplace.config import normalise_database_url

# Cheap password hashing in tests (production uses scrypt, see test_auth): most of the suite's CPU time.
TEST_HASH_METHOD = "pbkdf2:sha256:1"
REQUIRE_ALL = os.environ.get("BUURTPLEIN_REQUIRE_ALL") == "1"


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


def unique_schema() -> str:
    return "mig_" + uuid.uuid4().hex[:10]


ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]  # params of an engine fixture


@contextlib.contextmanager
def empty_database(kind: str, tmp_path) -> Iterator[str]:
    """The URL of an empty database of its own: a SQLite file, or a fresh schema on
    BUURTPLEIN_TEST_POSTGRES_URL (dropped afterwards), for tests that need a database apart."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'apart.db'}"
        return
    server = os.environ.get("BUURTPLEIN_TEST_POSTGRES_URL")
    require(bool(server), "no PostgreSQL: set BUURTPLEIN_TEST_POSTGRES_URL")
    schema = unique_schema()
    try:
        yield fresh_postgres_schema(server, schema)
    finally:
        cleanup = db.make_engine(normalise_database_url(server))
        with cleanup.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        cleanup.dispose()


def clean_database(app) -> None:
    """Empty every table (children first) and put the categories back: for tests that commit for real."""
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


def share_url_builders() -> None:
    """Every test builds an app, and about 85 % of create_app's time (some 50 ms) is werkzeug
    compiling each route's two URL builders from an AST. A builder is a plain function of the rule's
    text, its trace, defaults and converter types (bound to the rule only when called), so one test
    run compiles each once and every app shares it. Tests only: production builds one app."""
    from werkzeug.routing.rules import Rule
    compile_builder = Rule._compile_builder
    if getattr(compile_builder, "shared", False):
        return
    compiled: dict = {}

    def shared(rule, append_unknown=True):
        key = (rule.rule, tuple(rule._trace), repr(sorted((rule.defaults or {}).items())), append_unknown,
               tuple((name, type(converter)) for name, converter in rule._converters.items()))
        if key not in compiled:
            compiled[key] = compile_builder(rule, append_unknown)
        return compiled[key]

    shared.shared = True
    Rule._compile_builder = shared


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --------------------------------------------------------------------------- the category classifier

MATCHING_DIR = Path(__file__).resolve().parent.parent / "matching"


def _classifier_key() -> str:
    """Changes with any file of the matching library (code and data) and with the libraries it fits with."""
    import numpy
    import scipy
    import sklearn
    digest = hashlib.sha256(f"{sys.version_info[:2]} {numpy.__version__} {scipy.__version__} "
                            f"{sklearn.__version__}".encode())
    for path in sorted(p for p in MATCHING_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(MATCHING_DIR)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:20]


def trained_classifier_path() -> Path:
    """Where ``trained_classifier`` keeps the run's model (for a server started as its own process)."""
    store = Path(os.environ.get("BUURTPLEIN_TEST_CACHE") or Path.home() / ".cache" / "buurtplein-tests")
    return store / f"classifier-{_classifier_key()}.joblib"


def trained_classifier():
    """The classifier trained on the library's own material, as ``marketplace.matching_service``
    builds it. Fitting costs about 30 s of CPU, so a run stores it (outside the repository) and the
    next run with the same matching code and data loads it, as every worker loads a saved model.
    BUURTPLEIN_TEST_FRESH_CLASSIFIER=1 trains anyway; BUURTPLEIN_TEST_CACHE moves the store."""
    from matching.classifier import CategoryClassifier

    path = trained_classifier_path()
    store = path.parent
    fresh = os.environ.get("BUURTPLEIN_TEST_FRESH_CLASSIFIER") == "1"
    store.mkdir(parents=True, exist_ok=True)
    # Parallel workers (pytest-xdist) of one run: the first fits, the others wait and load its file.
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if path.exists() and not fresh:
            return CategoryClassifier.load(path)
        return _fit_and_store(path, store)


def _fit_and_store(path: Path, store: Path):
    from matching.categories import CATEGORIES
    from matching.classifier import CategoryClassifier

    clf = CategoryClassifier.from_categories(CATEGORIES)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    clf.save(tmp)
    tmp.replace(path)  # atomic: parallel runs never load half a file
    # 40 MB each: keep the newest few (parallel worktrees may each hold another version of the code).
    try:
        for old in sorted(store.glob("classifier-*.joblib"), key=lambda p: p.stat().st_mtime)[:-5]:
            old.unlink(missing_ok=True)
            old.with_suffix(".lock").unlink(missing_ok=True)
    except OSError:  # another run tidied at the same moment
        pass
    return clf


def inside_one_minute() -> None:
    """Wait, if needed, until the clock is well inside a minute: cached pages and answers are keyed
    on the minute, so a test that asks twice and expects one computation must not straddle one."""
    import time
    if time.gmtime().tm_sec >= 50:
        time.sleep(61 - time.gmtime().tm_sec)
