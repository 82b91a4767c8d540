"""``flask --app wsgi backup PATH`` and ``flask --app wsgi restore PATH`` for both engines.

- SQLite: SQLite's online backup API (``sqlite3.Connection.backup``): a consistent copy while the
  app keeps serving, written to a temporary file beside PATH and then renamed into place. Restore
  copies the file back the same way and checks it first (``PRAGMA quick_check``, a schema version).
- PostgreSQL: ``pg_dump -Fc`` and ``pg_restore --clean --if-exists --single-transaction``, with
  the host, port, user, password and database of ``DATABASE_URL`` (the password goes to the tool
  through ``PGPASSWORD``, never on its command line). When the URL sets a ``search_path`` schema
  (``?options=-csearch_path%3Dname``) only that schema is dumped. The restore is all or nothing.
  The tools are the newest under ``/usr/lib/postgresql/*/bin``, ``PG_BIN_DIR``, or on PATH; they
  must be at least the server's version.

Restore replaces every row: stop the app (or at least its workers) first, then start it again,
then run ``flask --app wsgi db upgrade`` if the backup is older than the code.
"""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
# bandit: pg_dump and pg_restore run with an argument list, never through a shell.
import subprocess  # nosec B404
from pathlib import Path
from urllib.parse import unquote

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import Engine, make_url

from . import db


class BackupError(click.ClickException):
    """A backup or restore that cannot be done; the message is Dutch and says what to do."""


# --------------------------------------------------------------------------- SQLite


def sqlite_file(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:":
        raise BackupError("Deze SQLite-database staat niet in een bestand; er valt niets te bewaren.")
    return Path(database)


def _copy_sqlite(source: Path, target: Path) -> None:
    """Copy ``source`` onto ``target`` with the online backup API (a consistent snapshot)."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def check_sqlite_backup(path: Path) -> str | None:
    """The schema version in the backup; raises BackupError when it is no (sound) Buurtplein backup."""
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            if connection.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise BackupError(f"{path} is beschadigd (PRAGMA quick_check); kies een andere backup.")
            return connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is geen backup van Buurtplein ({error}).") from error


def backup_sqlite(engine: Engine, target: Path) -> None:
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        _copy_sqlite(sqlite_file(engine), temporary)
        os.replace(temporary, target)  # a half-written backup never carries the real name
    finally:
        temporary.unlink(missing_ok=True)


def restore_sqlite(engine: Engine, source: Path) -> None:
    check_sqlite_backup(source)
    engine.dispose()  # no pooled connection keeps reading the old pages
    _copy_sqlite(source, sqlite_file(engine))
    engine.dispose()


# --------------------------------------------------------------------------- PostgreSQL


def pg_tool(name: str) -> str:
    configured = current_app.config.get("PG_BIN_DIR") or ""
    candidates = [os.path.join(configured, name)] if configured else []
    by_major = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                      key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0, reverse=True)
    candidates += by_major
    found = shutil.which(name)
    if found:
        candidates.append(found)
    for candidate in candidates:
        if os.access(candidate, os.X_OK):
            return candidate
    raise BackupError(f"{name} niet gevonden. Installeer de PostgreSQL-client (Debian: postgresql-client) "
                      "of zet PG_BIN_DIR op de map met pg_dump en pg_restore.")


def pg_connection(engine: Engine) -> tuple[dict, str | None]:
    """libpq environment for the tools (PGHOST … PGPASSWORD), and the search_path schema if the URL sets one."""
    url = make_url(engine.url.render_as_string(hide_password=False))
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    query = dict(url.query)
    host = url.host or query.get("host")
    for key, value in (("PGHOST", host), ("PGPORT", url.port), ("PGUSER", url.username),
                       ("PGPASSWORD", url.password), ("PGDATABASE", url.database)):
        if value not in (None, ""):
            env[key] = str(value)
    schema = None
    options = unquote(str(query.get("options") or ""))
    for part in options.split():
        if part.startswith("-csearch_path="):
            schema = part.split("=", 1)[1].split(",")[0].strip('"') or None
    return env, schema


def _run(command: list[str], env: dict) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)  # nosec B603
    if result.returncode != 0:
        tool = os.path.basename(command[0])
        raise BackupError(f"{tool} is mislukt: {result.stderr.strip()[-2000:]}")


def backup_postgres(engine: Engine, target: Path) -> None:
    env, schema = pg_connection(engine)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    command = [pg_tool("pg_dump"), "--format=custom", "--file", str(temporary)]
    if schema:
        command += ["--schema", schema]
    try:
        _run(command, env)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def restore_postgres(engine: Engine, source: Path) -> None:
    env, _schema = pg_connection(engine)
    _run([pg_tool("pg_restore"), "--list", str(source)], env)  # refuses what is no pg_dump -Fc archive
    engine.dispose()
    _run([pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-acl", "--single-transaction",
          "--exit-on-error", "--dbname", env.get("PGDATABASE", ""), str(source)], env)
    engine.dispose()


# --------------------------------------------------------------------------- commands


def backup(engine: Engine, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    (backup_postgres if engine.dialect.name == "postgresql" else backup_sqlite)(engine, target)


def restore(engine: Engine, source: Path) -> None:
    (restore_postgres if engine.dialect.name == "postgresql" else restore_sqlite)(engine, source)


@click.command("backup", help="Maak een backup van de hele database in PATH (SQLite: online backup; "
                              "PostgreSQL: pg_dump -Fc). Kan terwijl de app draait.")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path: Path) -> None:
    engine = db.get_engine()
    backup(engine, path)
    click.echo(f"Backup gemaakt: {path} ({path.stat().st_size} bytes, schemaversie "
               f"{db.current_revision(engine)}).")


@click.command("restore", help="Zet een backup uit PATH terug: vervangt ALLE gegevens. Stop eerst de app.")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Niet om bevestiging vragen.")
@with_appcontext
def restore_command(path: Path, yes: bool) -> None:
    engine = db.get_engine()
    where = engine.url.render_as_string(hide_password=True)
    if not yes:
        click.confirm(f"Dit vervangt alle gegevens in {where} door {path}. Doorgaan?", abort=True)
    restore(engine, path)
    revision = db.current_revision(engine)
    click.echo(f"Backup teruggezet in {where} (schemaversie {revision}).")
    if revision != db.head_revision():
        click.echo("De backup is ouder dan de code: voer nu 'flask --app wsgi db upgrade' uit.")
