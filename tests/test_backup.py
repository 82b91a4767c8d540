"""backup and restore, both engines: a round trip gives back every row of every table."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlmodel import Session, SQLModel

from marketplace import create_app, db

from . import factories as f
from .factories import make_user
from .support import ENGINES, TEST_HASH_METHOD, empty_database


def snapshot(engine) -> dict[str, list[tuple]]:
    """Every row of every table (and the schema version), in a stable order."""
    tables = {t.name: [c.name for c in t.columns] for t in SQLModel.metadata.sorted_tables}
    tables["alembic_version"] = ["version_num"]
    rows = {}
    with engine.connect() as connection:
        for name, columns in tables.items():
            order = ", ".join(f'"{c}"' for c in columns)
            rows[name] = [tuple(r) for r in connection.execute(text(f'SELECT {order} FROM "{name}" ORDER BY {order}'))]
    return rows


def fill(engine) -> None:
    with Session(engine, expire_on_commit=False) as session:
        world = f.make_world(session)
        anna = make_user(session, email="anna@example.nl", name="Anna ’t Hart — ëï")
        bert = make_user(session, email="bert@example.nl", roles=("vrijwilliger",), name="Bert")
        org = f.make_organisation(session, staff=anna)
        f.make_voorziening(session, org, world.velve)
        f.make_offer(session, bert, world.velve)
        f.make_request(session, anna, world.velve)
        f.make_activity(session, world.velve, org=org, owner=anna)


@pytest.fixture(params=ENGINES)
def cli_app(request, tmp_path):
    with empty_database(request.param, tmp_path) as url:
        app = create_app({"DATABASE_URL": url, "TESTING": True, "SECRET_KEY": "test-secret",
                          "PASSWORD_HASH_METHOD": TEST_HASH_METHOD})
        assert app.test_cli_runner().invoke(args=["db", "upgrade"]).exit_code == 0
        yield app
        app.extensions["db_engine"].dispose()


def test_backup_then_restore_gives_back_every_row(cli_app, tmp_path):
    engine = cli_app.extensions["db_engine"]
    fill(engine)
    before = snapshot(engine)
    assert sum(map(len, before.values())) > 40 and before["user_account"] and before["voorziening"]
    runner = cli_app.test_cli_runner()
    path = tmp_path / "backups" / "buurtplein.backup"

    result = runner.invoke(args=["backup", str(path)])
    assert result.exit_code == 0, result.output
    assert "Backup gemaakt" in result.output and path.stat().st_size > 0

    # Life goes on after the backup: rows deleted, changed and added.
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM user_role"))
        connection.execute(text("UPDATE category SET name_nl = 'weg'"))
        connection.execute(text("INSERT INTO job_lock (name, holder, acquired_at, expires_at) "
                                "VALUES ('x', 'y', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
    assert snapshot(engine) != before

    refused = runner.invoke(args=["restore", str(path)], input="n\n")
    assert refused.exit_code != 0 and snapshot(engine) != before  # asked first; "no" changes nothing
    result = runner.invoke(args=["restore", str(path)], input="y\n")
    assert result.exit_code == 0, result.output
    assert "Backup teruggezet" in result.output and "secret" not in result.output
    assert snapshot(engine) == before
    assert cli_app.test_client().get("/").status_code == 200  # the app serves the restored data


def test_restore_refuses_a_file_that_is_no_backup(cli_app, tmp_path):
    engine = cli_app.extensions["db_engine"]
    before = snapshot(engine)
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"dit is geen backup" * 100)
    result = cli_app.test_cli_runner().invoke(args=["restore", "--yes", str(junk)])
    assert result.exit_code != 0
    assert "geen backup" in result.output or "mislukt" in result.output
    assert snapshot(engine) == before


def test_postgres_connection_comes_from_the_url_and_keeps_the_password_off_the_command_line():
    from marketplace.backup import pg_connection
    engine = db.make_engine("postgresql+psycopg://wim:ge%40heim@db.example:6543/stad?options=-csearch_path%3Dbuurt")
    env, schema = pg_connection(engine)
    assert (env["PGHOST"], env["PGPORT"], env["PGUSER"], env["PGPASSWORD"], env["PGDATABASE"]) == \
        ("db.example", "6543", "wim", "ge@heim", "stad")
    assert schema == "buurt"
    engine.dispose()
