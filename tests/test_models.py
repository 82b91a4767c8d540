"""Model constraints hold in the database itself, on both engines."""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlalchemy.exc import IntegrityError

from marketplace.models import (Activity, HelpRequest, Match, Organisation, Schedule, User,
                                Voorziening)

from .factories import make_user


def _org(session):
    org = Organisation(name="Welzijn Oost", moderation="approved")
    session.add(org)
    session.commit()
    return org


def _fails(session, row):
    session.add(row)
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()


def test_email_is_unique(session):
    make_user(session, email="a@example.nl")
    _fails(session, User(email="a@example.nl", password_hash="x", display_name="Ander"))


def test_voorziening_tier_and_ages_are_checked(session):
    org = _org(session)
    _fails(session, Voorziening(organisation_id=org.id, name="X", description="d", tier="vierde"))
    _fails(session, Voorziening(organisation_id=org.id, name="X", description="d", min_age=60, max_age=18))
    ok = Voorziening(organisation_id=org.id, name="Taalcafé", description="d", tier="nulde", min_age=16)
    session.add(ok)
    session.commit()
    assert ok.id


def test_schedule_must_close_after_it_opens(session):
    org = _org(session)
    v = Voorziening(organisation_id=org.id, name="Inloop", description="d")
    session.add(v)
    session.commit()
    _fails(session, Schedule(voorziening_id=v.id, byday="TU", opens_at=time(12), closes_at=time(10)))
    _fails(session, Schedule(voorziening_id=v.id, byday="XX", opens_at=time(9), closes_at=time(10)))


def test_activity_needs_an_owner_and_positive_capacity(session):
    _fails(session, Activity(title="Eettafel", description="d"))
    org = _org(session)
    _fails(session, Activity(title="Eettafel", description="d", organisation_id=org.id, capacity=0))


def test_help_request_urgency_and_status_are_checked(session):
    user = make_user(session)
    base = dict(title="Boodschappen", description="d", public_name="A", lat=52.2, lon=6.9,
                posted_by_id=user.id, expires_at=date(2030, 1, 1))
    _fails(session, HelpRequest(urgency="nu meteen", **base))
    _fails(session, HelpRequest(status="zomaar", **base))


def test_match_points_at_exactly_one_target(session):
    user = make_user(session)
    request = HelpRequest(title="t", description="d", public_name="A", lat=52.2, lon=6.9,
                          posted_by_id=user.id, expires_at=date(2030, 1, 1))
    session.add(request)
    session.commit()
    _fails(session, Match(request_id=request.id, kind="offer"))  # no target
    org = _org(session)
    v = Voorziening(organisation_id=org.id, name="V", description="d")
    session.add(v)
    session.commit()
    _fails(session, Match(request_id=request.id, kind="offer", voorziening_id=v.id))  # wrong kind
    good = Match(request_id=request.id, kind="voorziening", voorziening_id=v.id, score=0.8)
    session.add(good)
    session.commit()
    assert good.id


def test_unknown_role_is_refused(session):
    from marketplace.models import UserRole
    user = make_user(session)
    _fails(session, UserRole(user_id=user.id, role="koning"))


def _migrated_checks(tmp_path) -> dict[tuple[str, str], str]:
    """(table, constraint name) -> the CHECK's SQL, as the migrations created it on SQLite."""
    import re

    from sqlalchemy import text as sql

    from marketplace import db as database

    engine = database.make_engine(f"sqlite:///{tmp_path / 'checks.db'}")
    database.upgrade(engine)
    found = {}
    with engine.connect() as connection:
        for table, ddl in connection.execute(sql("SELECT name, sql FROM sqlite_master WHERE type = 'table'")):
            for name, body in re.findall(r"CONSTRAINT (\w+) CHECK \((.*?)\)(?:,|\s*\))", ddl or "", re.S):
                found[(table, name)] = body
    engine.dispose()
    return found


def test_every_status_check_in_the_database_follows_its_statuses_tuple(tmp_path):
    """Adding a status to a *_STATUSES tuple without a migration fails here (the autogenerate
    comparison does not look inside CHECK constraints)."""
    import re

    from sqlmodel import SQLModel

    checks = _migrated_checks(tmp_path)
    compared = 0
    for table in SQLModel.metadata.sorted_tables:
        for constraint in table.constraints:
            model_sql = str(getattr(constraint, "sqltext", ""))
            if not constraint.name or " IN (" not in model_sql:
                continue
            db_sql = checks.get((table.name, constraint.name))
            assert db_sql is not None, f"{table.name}.{constraint.name} is missing in the migrated database"
            values = lambda s: sorted(re.findall(r"'([^']*)'", s))  # noqa: E731
            assert values(db_sql) == values(model_sql), f"{table.name}.{constraint.name}"
            compared += 1
    assert compared >= 15


def test_no_demo_accounts_without_the_demo(session):
    from sqlmodel import select
    assert session.exec(select(User).where(User.email.endswith("@demo.buurtplein.nl"))).all() == []


def test_every_table_is_used_by_the_app():
    """No table that nothing reads or writes (the first referral tables were such): each model
    class is named in marketplace/ outside models.py."""
    import re
    from pathlib import Path

    from sqlmodel import SQLModel

    package = Path(__file__).resolve().parents[1] / "marketplace"
    code = "\n".join(p.read_text(encoding="utf-8") for p in package.rglob("*.py") if p.name != "models.py")
    classes = {mapper.class_.__name__ for registry in [SQLModel._sa_registry] for mapper in registry.mappers}
    unused = sorted(name for name in classes if not re.search(rf"\b{name}\b", code))
    assert unused == []
