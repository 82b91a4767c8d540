"""One Alembic history creates the same schema on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import warnings

import pytest
from sqlalchemy import Column, event, inspect, text
from sqlmodel import SQLModel

from marketplace import create_app, db

from .support import fresh_postgres_schema, require, unique_schema

EXPECTED_TABLES = set(SQLModel.metadata.tables)


def _engine_for(kind: str, tmp_path):
    if kind == "sqlite":
        return db.make_engine(f"sqlite:///{tmp_path / 'empty.db'}"), None
    url = os.environ.get("BUURTPLEIN_TEST_POSTGRES_URL")
    require(bool(url), "no PostgreSQL: set BUURTPLEIN_TEST_POSTGRES_URL")
    schema = unique_schema()
    return db.make_engine(fresh_postgres_schema(url, schema)), (url, schema)


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_upgrade_creates_every_table_then_downgrade_removes_them(kind, tmp_path):
    engine, pg = _engine_for(kind, tmp_path)
    try:
        assert db.current_revision(engine) is None
        db.upgrade(engine)
        assert db.schema_is_current(engine)
        tables = set(inspect(engine).get_table_names())
        assert EXPECTED_TABLES <= tables
        db.downgrade(engine, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()
        if pg:
            _drop_schema(*pg)


def _expression_indexes() -> set[str]:
    return {index.name for table in SQLModel.metadata.tables.values() for index in table.indexes
            if any(not isinstance(part, Column) for part in index.expressions)}


def _drop_schema(url: str, schema: str) -> None:
    cleanup = db.make_engine(url)
    with cleanup.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    cleanup.dispose()


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_models_and_migrations_agree(kind, tmp_path):
    """Autogenerate finds nothing to do: nobody changed a model without a migration (indexes too)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    engine, pg = _engine_for(kind, tmp_path)
    try:
        db.upgrade(engine)
        with engine.connect() as connection, warnings.catch_warnings():
            # SQLite's reflection skips expression indexes (lower(name)): those are compared by name below.
            warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index")
            warnings.filterwarnings("ignore", "autogenerate skipping metadata-specified expression-based index")
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            diff = compare_metadata(context, SQLModel.metadata)
            if kind == "sqlite":
                present = {name for (name,) in connection.execute(text(
                    "SELECT name FROM sqlite_master WHERE type = 'index'"))}
                expression = _expression_indexes()
                assert expression and expression <= present
                diff = [d for d in diff if not (d[0] == "add_index" and d[1].name in expression)]
    finally:
        engine.dispose()
        if pg:
            _drop_schema(*pg)
    # The full-text index (FTS5 and its shadow tables on SQLite, voorziening_search and its GIN index
    # on PostgreSQL) is an index, not domain data: no model.
    def search_index(d) -> bool:
        table = d[1].name if d[0] == "remove_table" else d[1].table.name if d[0] == "remove_index" else ""
        return table.startswith(("voorziening_fts", "voorziening_search"))
    diff = [d for d in diff if not search_index(d)]
    assert diff == []


def test_app_refuses_to_serve_an_out_of_date_schema(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'old.db'}", "TESTING": True})
    response = app.test_client().get("/")
    assert response.status_code == 503
    assert "flask --app wsgi db upgrade" in response.get_data(as_text=True)


def test_cli_db_upgrade_creates_schema_and_categories(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}", "TESTING": True})
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "bijgewerkt" in result.output
    with app.app_context():
        with db.get_engine().connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM category")).scalar() == 19
    assert app.test_client().get("/").status_code == 200


def test_sqlite_enforces_foreign_keys(app):
    from sqlalchemy.exc import IntegrityError
    with app.app_context():
        with pytest.raises(IntegrityError):
            with db.get_engine().begin() as connection:
                connection.execute(text(
                    "INSERT INTO user_role (user_id, role) VALUES (999999, 'bewoner')"))


def test_an_older_sqlite_database_with_data_upgrades_and_keeps_its_rows(tmp_path):
    """SQLite batch migrations rebuild tables; with data and foreign keys that failed on
    'DROP TABLE user_account' (db._migrate turns the checks off while migrating, then checks all)."""
    engine = db.make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        db.upgrade(engine, "7c1d2e3f4a5b")  # the schema of 23 November
        with engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO user_account (id, email, password_hash, display_name, languages, locale, is_active,"
                " trusted, digest_opt_in, created_at) VALUES (1, 'a@example.nl', 'x', 'Anna', 'nl', 'nl', 1, 0, 0,"
                " '2026-11-23 10:00:00')"))
            connection.execute(text("INSERT INTO area (id, kind, name, code, lat, lon) VALUES (1, 'buurt', 'Velve',"
                                    " 'BU1', 52.2, 6.8)"))
            connection.execute(text(
                "INSERT INTO help_request (id, title, description, urgency, public_name, buurt_id, lat, lon,"
                " languages, posted_by_id, on_behalf, status, moderation, expires_at, created_at, updated_at)"
                " VALUES (1, 'Boodschappen', 'Wie helpt?', 'geen haast', 'Anna', 1, 52.2, 6.8, 'nl', 1, 0,"
                " 'open', 'approved', '2026-12-30', '2026-11-23 10:00:00', '2026-11-23 10:00:00')"))
        db.upgrade(engine)
        assert db.schema_is_current(engine)
        with engine.connect() as connection:
            assert connection.execute(text("SELECT safety FROM help_request WHERE id = 1")).scalar() == "none"
            assert connection.execute(text("SELECT email_confirmed, session_version FROM user_account")).one() == (1, 1)
            assert connection.execute(text("PRAGMA foreign_key_check")).fetchall() == []
        db.downgrade(engine, "7c1d2e3f4a5b")
        db.upgrade(engine)
    finally:
        engine.dispose()


# --------------------------------------------------------------------------- statuses in one language

STATUS_ROWS = {  # table: (Dutch value before a7c0de5e55a7, English value after)
    "activity_signup": ("wachtlijst", "waiting_list"),
    "support_request": ("in_behandeling", "in_progress"),
    "referral": ("niet_gestart", "not_started"),
}


def _insert(connection, table: str, **values) -> None:
    """A row with ``values``; every other NOT NULL column without a default gets a plain value."""
    import datetime as dt

    from sqlalchemy import MetaData, Table
    from sqlalchemy import types

    reflected = Table(table, MetaData(), autoload_with=connection)
    plain = {types.Integer: 1, types.Float: 1.0, types.Numeric: 1, types.Boolean: False,
             types.DateTime: dt.datetime(2026, 11, 23, 10), types.Date: dt.date(2026, 12, 30),
             types.Time: dt.time(10)}
    for column in reflected.columns:
        if column.name in values or column.nullable or column.server_default is not None:
            continue
        values[column.name] = next((v for t, v in plain.items() if isinstance(column.type, t)), "x")
    connection.execute(reflected.insert().values(**values))


def _status_rows(connection) -> None:
    """One row per renamed table (and a referral_event), as the Dutch-status schema had them."""
    _insert(connection, "user_account", id=1, email="a@example.nl")
    _insert(connection, "area", id=1, kind="buurt", code="BU1")
    _insert(connection, "organisation", id=1, moderation="approved")
    _insert(connection, "location", id=1)
    _insert(connection, "activity", id=1, organisation_id=1, location_id=1, status="published",
            moderation="approved", volunteers_wanted=0, cost_kind="gratis")
    _insert(connection, "activity_signup", id=1, activity_id=1, user_id=1, status="wachtlijst", position=0)
    _insert(connection, "support_request", id=1, activity_id=1, asked_by_id=1, status="in_behandeling")
    _insert(connection, "voorziening", id=1, organisation_id=1, tier="nulde", cost_kind="gratis", status="active",
            moderation="approved")
    _insert(connection, "referral_client", id=1, professional_id=1, contact_preference="telefoon")
    _insert(connection, "referral", id=1, reference="VW-1", professional_id=1, client_id=1, voorziening_id=1,
            organisation_id=1, tier="nulde", legal_basis="wmo_2015", status="niet_gestart", reason="geen_plek",
            reason_by="organisatie", client_token="t1")
    _insert(connection, "referral_event", id=1, referral_id=1, actor_kind="organisatie", from_status="verwezen",
            to_status="niet_gestart")


def _statuses(connection) -> dict[str, str]:
    found = {table: connection.execute(text(f"SELECT status FROM {table}")).scalar() for table in STATUS_ROWS}
    found["referral_event"] = tuple(connection.execute(text("SELECT from_status, to_status FROM referral_event")).one())
    return found


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_statuses_are_renamed_to_english_and_back_with_their_data(kind, tmp_path):
    engine, pg = _engine_for(kind, tmp_path)
    try:
        db.upgrade(engine, "f6c0de5e55f6")  # the last schema with Dutch status values
        with engine.begin() as connection:
            _status_rows(connection)
        db.upgrade(engine, "a7c0de5e55a7")
        with engine.connect() as connection:
            assert _statuses(connection) == {**{t: new for t, (_old, new) in STATUS_ROWS.items()},
                                             "referral_event": ("referred", "not_started")}
        with pytest.raises(Exception):  # the CHECK now refuses the Dutch value
            with engine.begin() as connection:
                connection.execute(text("UPDATE activity_signup SET status = 'wachtlijst'"))
        db.downgrade(engine, "f6c0de5e55f6")
        with engine.connect() as connection:
            assert _statuses(connection) == {**{t: old for t, (old, _new) in STATUS_ROWS.items()},
                                             "referral_event": ("verwezen", "niet_gestart")}
        db.upgrade(engine)
    finally:
        engine.dispose()
        if pg:
            _drop_schema(*pg)


def test_check_constraints_follow_the_status_tuples(tmp_path):
    """Every CHECK of the models names exactly the values of its tuple, also in the migrated database:
    a status added to a tuple without a migration fails here (compare_metadata ignores CHECKs)."""
    import re

    engine = db.make_engine(f"sqlite:///{tmp_path / 'checks.db'}")
    db.upgrade(engine)
    inspector = inspect(engine)
    literals = lambda sql: set(re.findall(r"'([^']*)'", str(sql)))  # noqa: E731
    try:
        for table in SQLModel.metadata.sorted_tables:
            wanted = {c.name: literals(c.sqltext) for c in table.constraints
                      if c.__class__.__name__ == "CheckConstraint" and c.name}
            found = {c["name"]: literals(c["sqltext"]) for c in inspector.get_check_constraints(table.name)}
            assert found == wanted, table.name
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_migrating_and_refreshing_statistics_leave_other_schemas_alone(tmp_path):
    """Parallel test workers (and tenants) share one PostgreSQL database, a schema each. A bare
    ANALYZE covers every schema and waits for their locks: it deadlocked a neighbour's TRUNCATE."""
    engine, pg = _engine_for("postgresql", tmp_path)
    neighbour, neighbour_pg = _engine_for("postgresql", tmp_path)
    event.listen(engine, "connect", lambda dbapi, _record: dbapi.execute("SET lock_timeout = '3s'"))
    try:
        with neighbour.begin() as connection:
            connection.execute(text("CREATE TABLE busy (id integer)"))
        with neighbour.connect() as holder:
            holder.begin()
            holder.execute(text("LOCK TABLE busy IN ACCESS EXCLUSIVE MODE"))  # as a TRUNCATE does
            db.upgrade(engine)  # the old code waited here, then failed on lock_timeout
            app = create_app({"TESTING": True, "DATABASE_URL": engine.url.render_as_string(False),
                              "SECRET_KEY": "test"})
            with app.app_context(), db.session_scope() as session:
                session.execute(text("SET LOCAL lock_timeout = '3s'"))  # its own engine: set again
                db.refresh_statistics(session)
            app.extensions["db_engine"].dispose()
            holder.rollback()
    finally:
        engine.dispose()
        neighbour.dispose()
        _drop_schema(*pg)
        _drop_schema(*neighbour_pg)


# --------------------------------------------------------------------------- the order of a request's categories

@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_existing_request_categories_are_numbered_in_the_order_they_were_shown(kind, tmp_path):
    """a2c0de5e55a2 numbers the rows it finds per request by the category's sort order (the order
    pages showed until then), from 0; the downgrade takes the column away again."""
    engine, pg = _engine_for(kind, tmp_path)
    try:
        db.upgrade(engine, "e1c0de5e55e1")
        with engine.begin() as connection:
            _insert(connection, "user_account", id=1, email="a@example.nl")
            for id_, slug, order in ((1, "vervoer", 1), (2, "boodschappen", 0), (3, "klussen", 2)):
                _insert(connection, "category", id=id_, slug=slug, sort_order=order, professional_only=False)
            for request_id in (1, 2):
                _insert(connection, "help_request", id=request_id, posted_by_id=1, safety="none", status="open", urgency="geen haast",
                        moderation="approved", on_behalf=False)
            for request_id, category_id in ((1, 3), (1, 1), (1, 2), (2, 1)):
                connection.execute(text("INSERT INTO request_category (request_id, category_id) VALUES (:r, :c)"),
                                   {"r": request_id, "c": category_id})
        db.upgrade(engine, "a2c0de5e55a2")
        with engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT request_id, category_id, position FROM request_category ORDER BY request_id, position")).all()
        assert [tuple(r) for r in rows] == [(1, 2, 0), (1, 1, 1), (1, 3, 2), (2, 1, 0)]
        db.downgrade(engine, "e1c0de5e55e1")
        assert "position" not in {c["name"] for c in inspect(engine).get_columns("request_category")}
        db.upgrade(engine)
    finally:
        engine.dispose()
        if pg:
            _drop_schema(*pg)
