"""Demo municipality invariants: counts, coverage, coordinates inside their buurt, accounts."""

from __future__ import annotations

import json

import math

import pytest
from sqlalchemy import func
from sqlmodel import select

from marketplace import create_app, db
from marketplace.models import (Activity, ActivityCategory, Area, Category, HelpRequest,
                                HelpRequestPrivate, Location, Organisation, PostcodeArea,
                                RequestCategory, Schedule, User, VolunteerOffer, Voorziening,
                                VoorzieningCategory)

from .factories import login, make_user

ROLES = ("bewoner", "vrijwilliger", "ambassadeur", "professional", "aanbieder", "preventiemakelaar", "beheerder")


def metres(lat1, lon1, lat2, lon2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(a))


@pytest.fixture(scope="module")
def _demo_connection(_test_engine, base_config):
    """The demo, built once for this module in a transaction rolled back after its last test
    (building it costs about a second of CPU, and every test here reads it)."""
    connection = _test_engine.connect()
    transaction = connection.begin()
    app = create_app(base_config)
    app.extensions["db_bind"] = connection
    result = app.test_cli_runner().invoke(args=["demo"])
    app.extensions["db_engine"].dispose()
    assert result.exit_code == 0, result.output
    yield connection
    transaction.rollback()
    connection.close()


@pytest.fixture
def db_connection(_demo_connection):
    """Each test runs in a savepoint inside the module's demo transaction (overrides conftest's)."""
    savepoint = _demo_connection.begin_nested()
    yield _demo_connection
    if savepoint.is_active:
        savepoint.rollback()


@pytest.fixture
def demo(app):
    with app.app_context():
        yield db.get_session()


def utc_days_ago(days: int):
    from datetime import datetime, timedelta, timezone
    return datetime.now(timezone.utc) - timedelta(days=days)


def count(session, model, *where):
    return session.exec(select(func.count()).select_from(model).where(*where)).one()


def test_counts(demo):
    s = demo
    assert count(s, Area, Area.kind == "gemeente") == 1
    assert count(s, Area, Area.kind == "wijk") >= 8
    assert count(s, Area, Area.kind == "buurt") >= 20
    assert count(s, Organisation) >= 15
    assert count(s, Voorziening) >= 60
    assert count(s, VolunteerOffer) >= 80
    assert count(s, HelpRequest) >= 60
    assert count(s, Activity) >= 25
    names = {a.name for a in s.exec(select(Area).where(Area.kind == "wijk"))}
    assert {"Velve-Lindenhof", "Pathmos", "Wesselerbrink"} <= names


def test_every_category_and_tier_is_covered(demo):
    s = demo
    slugs = {c.slug for c in s.exec(select(Category))}
    covered = set(s.exec(select(Category.slug).join(VoorzieningCategory)).all())
    assert covered == slugs
    asked = set(s.exec(select(Category.slug).join(RequestCategory)).all())
    assert asked == slugs
    assert set(s.exec(select(Voorziening.tier)).all()) == {"nulde", "eerste", "tweede"}
    assert s.exec(select(func.count()).select_from(ActivityCategory)).one() >= 25


def test_every_coordinate_is_inside_its_buurt(demo):
    s = demo
    buurten = {b.id: b for b in s.exec(select(Area).where(Area.kind == "buurt"))}

    outside = []

    def check(rows):
        for row in rows:
            buurt = buurten[row.buurt_id]
            assert metres(row.lat, row.lon, buurt.lat, buurt.lon) <= 1000, row
            if not _inside(row.lon, row.lat, json.loads(buurt.outline_geojson)):
                outside.append((buurt.name, row))

    check(s.exec(select(PostcodeArea).where(PostcodeArea.buurt_id.is_not(None))))
    check(s.exec(select(Location)))
    check(s.exec(select(VolunteerOffer)))
    check(s.exec(select(HelpRequest)))
    assert not outside, outside[:5]


def _inside(x: float, y: float, polygon: dict) -> bool:
    """Ray casting over the outer ring (the demo's outlines have no holes)."""
    assert polygon["type"] == "Polygon"
    ring, inside = polygon["coordinates"][0], False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def test_requests_on_behalf_keep_contact_private_and_veiligheid_is_professional(demo):
    s = demo
    on_behalf = s.exec(select(HelpRequest).where(HelpRequest.on_behalf)).all()
    assert on_behalf
    for request in on_behalf:
        private = s.get(HelpRequestPrivate, request.id)
        assert private.contact_phone and private.contact_name
        assert private.contact_name.split(" ")[0] == request.public_name
    veiligheid = s.exec(select(HelpRequest).join(RequestCategory).join(Category)
                        .where(Category.slug == "veiligheid")).all()
    poster_roles = {r for req in veiligheid for r in s.get(User, req.posted_by_id).role_names}
    assert poster_roles == {"professional"}


def test_schedules_exist(demo):
    assert count(demo, Schedule) >= 60


def test_demo_accounts_log_in(demo, client):
    for role in ROLES:
        user = demo.exec(select(User).where(User.email == f"{role}@demo.buurtplein.nl")).one()
        assert role in user.role_names
    response = login(client, "beheerder@demo.buurtplein.nl", "buurtplein-demo")
    assert response.status_code == 302
    assert client.get("/beheer/gebruikers").status_code == 200


def test_demo_is_deterministic_and_replaces_itself(app, runner, demo):
    first = [(r.title, r.lat, r.lon) for r in demo.exec(select(HelpRequest).order_by(HelpRequest.id))]
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    demo.expire_all()
    second = [(r.title, r.lat, r.lon) for r in demo.exec(select(HelpRequest).order_by(HelpRequest.id))]
    assert first == second


def test_demo_refuses_a_database_with_real_accounts(app, runner, session):
    make_user(session, email="echt@example.nl")
    before = count(session, User)
    result = runner.invoke(args=["demo"])
    assert result.exit_code != 0
    assert "echte accounts" in result.output
    assert count(session, User) == before  # nothing replaced


def test_demo_has_a_year_of_history_for_the_dashboard(demo):
    """Issue 11: trends need history: past requests every month, helped by new and returning volunteers."""
    from datetime import date

    from marketplace.timeutil import local_today
    from marketplace.dashboard import measures, services as dsvc
    wijken = [w.id for w in demo.exec(select(Area).where(Area.kind == "wijk")).all()]
    today = local_today()
    period = dsvc.Period(date(today.year - 1, today.month, 1), today)
    scope = measures.Scope.of(demo, wijken, period)
    labels, by_month = measures.monthly(demo, scope, period)
    assert len(labels) == 13 and all(row[0] >= 5 for row in by_month.cells[:-1])  # posted, every full month
    assert all(row[2] >= 5 for row in by_month.cells[:-2])  # helped
    volunteers = measures.volunteers(demo, scope)
    assert volunteers.cells[0][0] >= 5 and volunteers.cells[0][1] >= 5  # new and returning
    came, missed, unknown = measures.attendance(demo, scope).cells[0]
    assert came > missed > 0 and unknown > 0
    assert count(demo, HelpRequest, HelpRequest.status == "open", HelpRequest.created_at < utc_days_ago(60)) == 0


def test_the_demo_has_referrals_in_every_status(make_app, demo):
    """Issue 7: the wijkcoach's and the aanbieder's lists show every status, with a year behind them."""
    from marketplace.models import REFERRAL_STATUSES, Referral, UserOrganisation
    from marketplace.verwijzingen import services as svc

    s = demo
    professional = s.exec(select(User).where(User.email == "professional@demo.buurtplein.nl")).one()
    aanbieder = s.exec(select(User).where(User.email == "aanbieder@demo.buurtplein.nl")).one()
    org_id = s.exec(select(UserOrganisation.organisation_id).where(UserOrganisation.user_id == aanbieder.id)).one()
    assert s.get(Organisation, org_id) is not None
    own = s.exec(select(Referral).where(Referral.professional_id == professional.id,
                                        Referral.organisation_id == org_id)).all()
    assert {r.status for r in own} == set(REFERRAL_STATUSES)
    assert s.exec(select(Referral).where(Referral.organisation_id != org_id)).first() is not None
    assert any(svc.no_response(r) for r in own)
    for r in own:
        if r.status in ("not_started", "withdrawn"):
            assert r.reason and r.reason_by
    span = [r.created_at for r in s.exec(select(Referral)).all()]
    assert (max(span) - min(span)).days > 300  # a year of history
    web = make_app()  # its own app: the demo fixture's app context would share flask-login's user
    pro = web.test_client()
    assert login(pro, "professional@demo.buurtplein.nl", "buurtplein-demo").status_code == 302
    assert "Geen reactie" in pro.get("/verwijzingen/").get_data(as_text=True)
    org = web.test_client()
    assert login(org, "aanbieder@demo.buurtplein.nl", "buurtplein-demo").status_code == 302
    inbox = org.get("/verwijzingen/").get_data(as_text=True)
    assert "Ingetrokken" in inbox and inbox.count("VW-") >= 9
