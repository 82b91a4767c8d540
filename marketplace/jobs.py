"""Background jobs that are safe to start on several machines at once: one run wins, the others
stop saying so.

``with single_run("match batch"):`` takes a lock named after the job in the database every
machine shares, or raises ``JobAlreadyRunning`` (before the body runs). ``@cron_job(name)`` on a
click command does that and turns the refusal into a message and exit status 0: cron on two
machines is then normal, not an error.

- PostgreSQL: ``pg_try_advisory_lock`` on a connection held for the whole job (key: the job's name
  and the schema, so two municipalities in one database do not block each other). The server
  frees it the moment that connection ends, also when the job's machine dies. The ``job_lock`` row
  only tells who holds it.
- SQLite: a lease row in ``job_lock``, taken in an exclusive transaction (``BEGIN IMMEDIATE``, one
  writer at a time): whoever commits first holds it until the job ends or ``expires_at`` passes. A
  crashed job's lease is taken over when it has expired, or at once when its holder was a process
  on this machine that no longer exists.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import secrets
import socket
from contextlib import ExitStack, contextmanager
from datetime import timedelta
from typing import Callable, Iterator

import click
from sqlalchemy import delete, insert, select, text
from sqlalchemy.engine import Connection, Engine

from . import db
from .models import JobLock, utcnow

log = logging.getLogger(__name__)

DEFAULT_LEASE = timedelta(hours=6)  # SQLite only: longer than any job; a crashed job blocks at most this long
_table = JobLock.__table__


class JobAlreadyRunning(Exception):
    def __init__(self, name: str, holder: str | None):
        self.name, self.holder = name, holder
        where = f" (op {holder})" if holder else ""
        super().__init__(f"Er draait al een '{name}' job{where}. Deze keer doet hij niets; "
                         "de volgende keer gewoon opnieuw.")


def new_holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


@contextmanager
def single_run(name: str, engine: Engine | None = None, lease: timedelta = DEFAULT_LEASE) -> Iterator[str]:
    """Hold the lock of job ``name`` for the block; yields the holder's id. Raises
    ``JobAlreadyRunning`` before the block when another run holds it."""
    engine = engine or db.get_engine()
    holder = new_holder()
    lock = _postgres_lock if engine.dialect.name == "postgresql" else _sqlite_lease
    with lock(engine, name, holder, lease):
        log.info("Job %s started (%s)", name, holder)
        yield holder


def cron_job(name: str, lease: timedelta = DEFAULT_LEASE) -> Callable:
    """Decorator for a click command: run under ``single_run(name)``; a second run echoes why it
    stops and exits 0. A ``--dry-run`` changes nothing and runs without the lock."""

    def decorate(command: Callable) -> Callable:
        @functools.wraps(command)
        def wrapper(*args, **kwargs):
            if kwargs.get("dry_run"):
                return command(*args, **kwargs)
            with ExitStack() as stack:
                try:
                    stack.enter_context(single_run(name, lease=lease))
                except JobAlreadyRunning as busy:
                    click.echo(str(busy))
                    return None
                return command(*args, **kwargs)

        return wrapper

    return decorate


# --------------------------------------------------------------------------- PostgreSQL
#
# The connections below commit and roll back themselves, outside db.unit_of_work(): they are locks
# (an advisory lock, a lease row), not units of work. The job's own writes happen in the body of
# @cron_job, in db.session_scope(), and commit there.


def advisory_key(schema: str, name: str) -> int:
    digest = hashlib.sha256(f"buurtplein-job:{schema}:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)  # pg advisory keys are bigint


@contextmanager
def _postgres_lock(engine: Engine, name: str, holder: str, lease: timedelta) -> Iterator[None]:
    connection = engine.connect()
    try:
        schema = connection.execute(text("SELECT current_schema()")).scalar() or ""
        key = advisory_key(schema, name)
        won = connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}).scalar()
        connection.commit()  # the lock is the session's, not the transaction's: no transaction stays open
        if not won:
            raise JobAlreadyRunning(name, _holder_of(engine, name))
        try:
            _write_row(engine, name, holder, lease)
            yield
        finally:
            _forget_row(engine, name, holder)
            try:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                connection.commit()
            except Exception:  # noqa: BLE001 - connection lost: the server dropped the lock with it
                log.warning("Job %s: unlock failed; the connection is discarded", name, exc_info=True)
                connection.invalidate()  # never give a connection that may still hold the lock back to the pool
    finally:
        connection.close()


def _holder_of(engine: Engine, name: str) -> str | None:
    with engine.connect() as connection:
        return connection.execute(select(_table.c.holder).where(_table.c.name == name)).scalar()


def _write_row(engine: Engine, name: str, holder: str, lease: timedelta) -> None:
    now = utcnow()
    with engine.begin() as connection:
        _replace_row(connection, name, holder, now, lease)


def _replace_row(connection: Connection, name: str, holder: str, now, lease: timedelta) -> None:
    connection.execute(delete(_table).where(_table.c.name == name))
    connection.execute(insert(_table).values(name=name, holder=holder, acquired_at=now, expires_at=now + lease))


def _forget_row(engine: Engine, name: str, holder: str) -> None:
    try:
        with engine.begin() as connection:
            if engine.dialect.name == "sqlite":
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            connection.execute(delete(_table).where(_table.c.name == name, _table.c.holder == holder))
    except Exception:  # noqa: BLE001 - never hide the job's own outcome; the lease expires anyway
        log.warning("Job %s: could not remove its lock row", name, exc_info=True)


# --------------------------------------------------------------------------- SQLite


def _gone_from_this_machine(holder: str) -> bool:
    """True when ``holder`` was a process on this machine that has ended (its lease is stale)."""
    host, _, rest = holder.partition(":")
    pid_text = rest.split(":", 1)[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # alive, another user's
    return False


@contextmanager
def _sqlite_lease(engine: Engine, name: str, holder: str, lease: timedelta) -> Iterator[None]:
    with engine.connect() as connection:
        # The write lock first (waits up to busy_timeout for another writer), then read and decide:
        # two machines can never both see the row free.
        connection.exec_driver_sql("BEGIN IMMEDIATE")
        row = connection.execute(select(_table).where(_table.c.name == name)).first()
        now = utcnow()
        if row is not None and row.expires_at > now and not _gone_from_this_machine(row.holder):
            connection.rollback()
            raise JobAlreadyRunning(name, row.holder)
        if row is not None:
            log.warning("Job %s: taking over the stale lease of %s", name, row.holder)
        _replace_row(connection, name, holder, now, lease)
        connection.commit()
    try:
        yield
    finally:
        _forget_row(engine, name, holder)
