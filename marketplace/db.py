"""Engine, per-request session, the unit of work, the write lock and the Alembic bridge.

One engine per app (``app.extensions["db_engine"]``), one Session per request on
``flask.g``, closed (and so rolled back) at teardown. CLI commands and jobs use ``session_scope()``.

The unit of work: this module is the only place that commits. A view wraps the services it
calls in ``with unit_of_work():`` (a CLI job gets the same from ``session_scope()``): the
block commits once at its end, and rolls back on any error, which then reaches the view to
show. Services only add and ``flush(session, conflict)``. Side effects (mail, caches outside the
database) are queued with ``after_commit(session, action)``: they run once the commit succeeded
and are dropped on rollback.

A service that checks a rule and then writes (places left, one accepted match per request)
calls ``lock_for_write(session, Model, id)`` first and ``flush(session, conflict)`` last:
the lock makes concurrent requests for the same row wait their turn until the unit of work
ends, and a unique index that still catches a race becomes the service's own Dutch error
instead of a 500.
"""

from __future__ import annotations

import functools
import logging
from contextlib import contextmanager
from typing import Callable, Iterator

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask, current_app, g
from sqlalchemy import event, text, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, SQLModel, create_engine, select

from .config import REPO_ROOT

MIGRATIONS_DIR = REPO_ROOT / "migrations" / "versions"

log = logging.getLogger(__name__)


def make_engine(url: str, echo: bool = False) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, echo=echo, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # SQLite ignores foreign keys unless asked, per connection.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def init_app(app: Flask) -> None:
    url = app.config["DATABASE_URL"]
    if url.startswith("sqlite:///"):
        from pathlib import Path
        Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
    app.extensions["db_engine"] = make_engine(url, app.config.get("SQL_ECHO", False))
    app.teardown_appcontext(_close_session)
    app.after_request(_refuse_uncommitted_writes)


def get_engine() -> Engine:
    return current_app.extensions["db_engine"]


def bind_of(app: Flask) -> Engine | Connection:
    """What the app's sessions use: its engine, or the connection a test set as ``db_bind`` (its
    transaction is rolled back when the test ends, see tests/conftest.py)."""
    return app.extensions.get("db_bind") or app.extensions["db_engine"]


def new_session(bind: Engine | Connection | None = None) -> Session:
    # On a connection already inside a transaction (a test's), commit and rollback act on a savepoint
    # of their own; on an engine the mode changes nothing.
    return Session(bind if bind is not None else bind_of(current_app), expire_on_commit=False,
                   join_transaction_mode="create_savepoint")


def get_session() -> Session:
    """The request's session; created on first use."""
    if "db_session" not in g:
        g.db_session = new_session()
    return g.db_session


def discard_session() -> None:
    """End the request's session: what it did not commit is rolled back (its side effects dropped);
    loaded objects keep their values (close, unlike rollback, does not expire them)."""
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


def _close_session(_exc) -> None:
    discard_session()


def has_uncommitted_writes(session: Session) -> bool:
    """Flushed or pending changes that no unit of work committed (they would be lost at teardown)."""
    return bool(session.info.get(_WROTE) or session.new or session.deleted
                or any(session.is_modified(obj) for obj in session.dirty))


def _refuse_uncommitted_writes(response):
    # A view that changed data outside ``unit_of_work`` loses it silently at teardown: say so loudly
    # (an error under test, so such a view cannot be merged; a log line in production).
    session = g.get("db_session")
    if session is not None and response.status_code < 400 and has_uncommitted_writes(session):
        if current_app.config.get("TESTING"):
            raise RuntimeError("This request changed data outside db.unit_of_work(); it would be lost.")
        log.error("A request changed data outside db.unit_of_work(); rolled back: %s", response.status)
    return response


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """A session for a CLI command or job, as one unit of work: commit on success, roll back on error."""
    with new_session(engine) as session:
        with unit_of_work(session):
            yield session


def joined_to_test(session: Session) -> bool:
    """True when the session is joined to a test's connection (its transaction is rolled back)."""
    return isinstance(session.get_bind(), Connection)


@contextmanager
def side_connection(session: Session) -> Iterator[Connection]:
    """A connection beside the session's transaction, for work committed on its own (the search
    index's upkeep). When the session is joined to a test's connection, that connection."""
    bind = session.get_bind()
    if joined_to_test(session):
        yield bind
        return
    with bind.connect() as connection:
        yield connection


def side_commit(connection: Connection):
    """``with side_commit(connection):`` commits the block's work on a fresh side connection; on a
    test's connection (already in its transaction) the block is a savepoint, rolled back with the test."""
    return connection.begin_nested() if connection.in_transaction() else connection.begin()


# --------------------------------------------------------------------------- write lock and commit


class WriteConflict(Exception):
    """Someone else changed the same thing at the same moment; the message is Dutch and safe to show."""


def refresh_statistics(session: Session) -> None:
    """ANALYZE: the query planner's row counts per index. SQLite keeps none by itself, and without
    them it picks the wrong index for the city's lists (measured at 10^5 requests: 0.3 s instead of
    0.01 s a page); a full ANALYZE there takes about half a second. Run after bulk loads and by the
    nightly lifecycle job; PostgreSQL's autovacuum analyzes too, this makes it immediate. There a bare
    ANALYZE would lock the tables of every schema in the database until commit, so it names ours."""
    if is_sqlite(session):
        session.execute(text("ANALYZE"))
        return
    preparer = session.get_bind().dialect.identifier_preparer
    tables = ", ".join(preparer.quote(table.name) for table in SQLModel.metadata.sorted_tables)
    session.execute(text(f"ANALYZE {tables}"))


def is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def lock_for_write(session: Session, model, ident: int):
    """Lock one row until this transaction ends and return it fresh from the database (None: gone).

    Call it before reading what the rule depends on (counts, statuses): a second request for the
    same row then waits at this line until the first has committed, and sees its result.

    - PostgreSQL: ``SELECT ... FOR UPDATE`` on the row.
    - SQLite has no row locks, only one writer at a time: a no-op ``UPDATE t SET id = id`` on the
      row takes that write lock (RESERVED) right here, waiting up to busy_timeout for another
      writer. pysqlite starts its transaction only at the first write, so no read snapshot is
      open yet and SQLite can wait instead of failing with "database is locked"; every read after
      this line sees the latest data. (Emitting BEGIN for every transaction, the pysqlite recipe,
      would give every read-then-write path in the app an immediate SQLITE_BUSY under contention;
      BEGIN IMMEDIATE for every transaction would serialise all page views.)
    """
    table = model.__table__
    (pk,) = table.primary_key.columns
    if is_sqlite(session):
        session.execute(update(table).where(pk == ident).values({pk.name: pk}))
    return session.exec(select(model).where(pk == ident).with_for_update()
                        .execution_options(populate_existing=True)).first()


def _conflict(error: IntegrityError, conflict: Exception | None) -> Exception:
    log.warning("Write refused by a database constraint: %s", error.orig)
    if conflict is None:
        from flask_babel import gettext as _
        conflict = WriteConflict(_("Iemand anders heeft dit net veranderd. Kijk opnieuw en probeer het nog eens."))
    return conflict


@contextmanager
def unit_of_work(session: Session | None = None, conflict: Exception | None = None) -> Iterator[Session]:
    """``with unit_of_work():`` around what a view asks the services to do: one commit at the end.

    Any error rolls everything back (and drops the queued side effects) and is raised again for
    the view to show; a constraint broken by a concurrent request, at the commit or in a flush
    inside the block, becomes ``conflict`` (or a WriteConflict with a general Dutch message).
    """
    session = session if session is not None else get_session()
    try:
        yield session
        session.commit()
    except IntegrityError as error:
        session.rollback()
        raise _conflict(error, conflict) from error
    except BaseException:
        session.rollback()
        raise


def flush(session: Session, conflict: Exception | None = None) -> None:
    """Write what the service changed so far, inside the caller's unit of work (never commits).
    A constraint broken by a concurrent request rolls back and raises ``conflict``."""
    try:
        session.flush()
    except IntegrityError as error:
        session.rollback()
        raise _conflict(error, conflict) from error


@contextmanager
def flushing(session: Session, conflict: Exception | None = None) -> Iterator[Session]:
    """``with flushing(session, MatchError(...)):`` in a service — the writes inside, flushed at its end.

    A constraint broken by a concurrent request, in any flush inside the block, rolls back and
    raises ``conflict``: the service's own Dutch error, before the view's unit of work commits.
    """
    try:
        yield session
        session.flush()
    except IntegrityError as error:
        session.rollback()
        raise _conflict(error, conflict) from error


# --------------------------------------------------------------------------- after the commit

_AFTER_COMMIT = "buurtplein_after_commit"
_WROTE = "buurtplein_wrote"


def after_commit(session: Session, action: Callable[[], None]) -> None:
    """Run ``action()`` once this session's transaction has committed; forget it on rollback."""
    session.info.setdefault(_AFTER_COMMIT, []).append(action)


def pending_after_commit(session: Session) -> list:
    return list(session.info.get(_AFTER_COMMIT, []))


@event.listens_for(OrmSession, "after_commit")
def _run_after_commit(session) -> None:
    # The data is saved: a failing side effect is logged, never turned into an error for the user.
    for action in session.info.pop(_AFTER_COMMIT, []):
        try:
            action()
        except Exception:
            log.exception("A side effect after the commit failed: %r", action)


@event.listens_for(OrmSession, "after_flush")
def _note_write(session, _context) -> None:
    session.info[_WROTE] = True


@event.listens_for(OrmSession, "after_transaction_end")
def _drop_after_rollback(session, transaction) -> None:
    # After a commit the queue is already empty; anything left belongs to a rolled-back change.
    if transaction.parent is None and not transaction.nested:
        session.info.pop(_AFTER_COMMIT, None)
        session.info.pop(_WROTE, None)


# --------------------------------------------------------------------------- Alembic


def alembic_config(url: str) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(REPO_ROOT / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    _migrate(engine, command.upgrade, revision)


def downgrade(engine: Engine, revision: str) -> None:
    _migrate(engine, command.downgrade, revision)


def _migrate(engine: Engine, step, revision: str) -> None:
    """Run Alembic on one connection. On SQLite a batch migration rebuilds a table (copy, drop,
    rename); with foreign keys enforced, dropping a table that others point to fails as soon as
    there is data. So foreign keys are off while migrating (SQLite's own recipe for ALTER TABLE)
    and checked in full before the transaction commits: a migration that breaks a reference fails."""
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:  # on the driver's connection, outside any transaction: inside one it is a no-op
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                cfg.attributes["connection"] = connection
                step(cfg, revision)
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"migration would break {len(broken)} references, e.g. {broken[:3]}")
        finally:
            if sqlite:
                connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")


def head_revision() -> str | None:
    """The code's newest migration. Reading it parses every file in migrations/versions (~15 ms),
    and every app start and schema check asks; so it is read once per state of that folder."""
    return _head_of(MIGRATIONS_DIR.stat().st_mtime_ns)


@functools.lru_cache(maxsize=2)
def _head_of(_folder_stamp: int) -> str | None:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def schema_is_current(engine: Engine) -> bool:
    return current_revision(engine) == head_revision()


# --------------------------------------------------------------------------- unavailable or busy

# OperationalErrors that mean "wait a moment and try again": another writer holds the lock. Every
# other OperationalError (connection refused or lost, an unreadable file, a server shutting down)
# means the database cannot be reached now.
_BUSY_MARKERS = ("database is locked", "database table is locked", "deadlock detected",
                 "could not serialize access", "lock timeout", "could not obtain lock")


def is_busy(error: Exception) -> bool:
    text = str(getattr(error, "orig", None) or error).lower()
    return any(marker in text for marker in _BUSY_MARKERS)
