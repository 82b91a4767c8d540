"""Lists that a city fills (issue 12): filtered, ordered and paged in SQL, with the same rules and
the same order as before, and the SQL conditions agreeing with the Python rules they stand for."""

from __future__ import annotations

import itertools
import math
import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlmodel import select

from marketplace import visibility
from marketplace.activiteiten import calendar
from marketplace.geocoding import bounding_box, metres_between
from marketplace.hulpvragen import services as hulpvragen
from marketplace.moderatie import services as moderatie
from marketplace.models import REQUEST_STATUSES, HelpRequest, Location, Organisation, VoorzieningLocation
from marketplace.prikbord import services as prikbord
from marketplace.voorzieningen import verification

from .factories import (login, make_activity, make_location, make_offer, make_organisation, make_request, make_user,
                        make_voorziening, make_world)


def _request_ids(page: str, pattern=r'href="/hulpvragen/(\d+)"') -> list[int]:
    return list(dict.fromkeys(int(i) for i in re.findall(pattern, page)))


def _board_ids(page: str) -> list[int]:
    return _request_ids(page, r'id="code-H-(\d+)-title"')


def _move(session, row, lat: float, lon: float) -> None:
    row.lat, row.lon = lat, lon
    session.add(row)
    session.commit()


# --------------------------------------------------------------------------- paging


def test_request_list_has_a_second_page_with_the_rest(client, session, monkeypatch):
    monkeypatch.setattr(hulpvragen, "PER_PAGE", 3)
    world = make_world(session)
    poster = make_user(session)
    rows = [make_request(session, poster, world.velve, title=f"Vraag {i}") for i in range(4)]
    first = client.get("/hulpvragen/").get_data(as_text=True)
    second = client.get("/hulpvragen/?page=2").get_data(as_text=True)
    newest_first = [r.id for r in reversed(rows)]
    assert _request_ids(first) == newest_first[:3] and _request_ids(second) == newest_first[3:]
    assert "Pagina 1 van 2" in first and "Pagina 2 van 2" in second


def test_nearby_pages_urgent_first_then_nearest_and_keeps_the_exact_radius(client, session, monkeypatch):
    monkeypatch.setattr(hulpvragen, "PER_PAGE", 2)
    world = make_world(session)
    volunteer = make_user(session, email="vw@example.nl", roles=("vrijwilliger",))
    offer = make_offer(session, volunteer, world.velve, categories=("boodschappen",), radius_m=2000)
    poster = make_user(session)
    near_slow = make_request(session, poster, world.velve, title="Dichtbij geen haast", urgency="geen haast")
    far_fast = make_request(session, poster, world.velve, title="Verder maar snel", urgency="1-2 dagen")
    _move(session, far_fast, world.velve.lat + 0.012, world.velve.lon)  # ~1.3 km north
    near_fast = make_request(session, poster, world.velve, title="Dichtbij en snel", urgency="1-2 dagen")
    corner = make_request(session, poster, world.velve, title="In de hoek van het vak", urgency="1-2 dagen")
    lat_min, lat_max, lon_min, lon_max = bounding_box((offer.lat, offer.lon), offer.radius_m)
    _move(session, corner, lat_max - (lat_max - offer.lat) * 0.1, lon_max - (lon_max - offer.lon) * 0.1)
    assert metres_between((offer.lat, offer.lon), (corner.lat, corner.lon)) > offer.radius_m  # in the box, not the circle
    make_request(session, poster, world.velve, title="Veiligheid", categories=("veiligheid",))
    make_request(session, poster, world.velve, title="Ook onveilig", safety="possible")
    login(client, "vw@example.nl")
    first = client.get("/hulpvragen/dichtbij").get_data(as_text=True)
    second = client.get("/hulpvragen/dichtbij?page=2").get_data(as_text=True)
    assert _request_ids(first) == [near_fast.id, far_fast.id] and _request_ids(second) == [near_slow.id]
    assert "Pagina 1 van 2" in first
    for page in (first, second):
        assert "In de hoek" not in page and "Veiligheid" not in page and "Ook onveilig" not in page


def test_board_pages_most_urgent_then_oldest(client, session, monkeypatch):
    monkeypatch.setattr(prikbord, "BOARD_PER_PAGE", 2)
    world = make_world(session)
    poster = make_user(session)
    old_slow = make_request(session, poster, world.velve, title="Oud, geen haast", urgency="geen haast")
    new_fast = make_request(session, poster, world.velve, title="Nieuw en snel", urgency="1-2 dagen")
    old_week = make_request(session, poster, world.velve, title="Oud, deze week", urgency="deze week")
    old_fast = make_request(session, poster, world.velve, title="Oud en snel", urgency="1-2 dagen")
    for row, days in ((old_slow, 5), (new_fast, 1), (old_week, 4), (old_fast, 3)):
        row.created_at = row.created_at - timedelta(days=days)
        session.add(row)
    session.commit()
    first = client.get("/prikbord/BU01530501").get_data(as_text=True)
    second = client.get("/prikbord/BU01530501?page=2").get_data(as_text=True)
    assert _board_ids(first) == [old_fast.id, new_fast.id] and _board_ids(second) == [old_week.id, old_slow.id]
    assert 'href="/prikbord/BU01530501?page=2"' in first


def test_activity_week_has_a_second_page(client, session, monkeypatch):
    monkeypatch.setattr(calendar, "PER_PAGE", 2)
    world = make_world(session)
    owner = make_user(session)
    for i in range(3):
        make_activity(session, world.velve, owner=owner, title=f"Activiteit {i}", weeks=1)
    first = client.get("/activiteiten/?wijk=").get_data(as_text=True)
    second = client.get("/activiteiten/?wijk=&page=2").get_data(as_text=True)
    assert "Activiteit 0" in first and "Activiteit 1" in first and "Activiteit 2" not in first
    assert "Activiteit 2" in second and "Activiteit 0" not in second
    assert "Pagina 1 van 2" in first


# --------------------------------------------------------------------------- one rule, SQL and Python


def _public_open(row, categories) -> bool:
    """The rule of docs/security.md for the public lists, written out in Python."""
    return (row.moderation == "approved" and row.status == "open" and row.safety == "none"
            and "veiligheid" not in categories)


def test_public_lists_show_exactly_the_open_public_requests_for_every_role(app, client, session, monkeypatch):
    """Every safety level × status × moderation × (safety category or not): the SQL clause of the
    lists, and what the list, the board and the nearby page show to each role, agree with the rule."""
    monkeypatch.setattr(hulpvragen, "PER_PAGE", 500)
    monkeypatch.setattr(prikbord, "BOARD_PER_PAGE", 500)
    world = make_world(session)
    poster = make_user(session, email="poster@example.nl")
    rows = {}
    for safety, status, moderation, cats in itertools.product(
            visibility.SAFETY_LEVELS, REQUEST_STATUSES, ("approved", "pending", "hidden"),
            (("boodschappen",), ("boodschappen", "veiligheid"))):
        row = make_request(session, poster, world.velve, title=f"{safety} {status} {moderation} {len(cats)}",
                           categories=cats, safety=safety, status=status, moderation=moderation)
        rows[row.id] = (row, cats)
    expected = {i for i, (row, cats) in rows.items() if _public_open(row, cats)}
    assert expected and len(expected) < len(rows)
    in_sql = set(session.exec(select(HelpRequest.id).where(visibility.public_request(),
                                                           HelpRequest.status == "open")).all())
    assert in_sql == expected

    roles = {"vw@example.nl": ("vrijwilliger",), "prof@example.nl": ("professional",),
             "beheer@example.nl": ("beheerder",), "pm@example.nl": ("preventiemakelaar",)}
    for email, role in roles.items():
        user = make_user(session, email=email, roles=role)
        make_offer(session, user, world.velve, categories=("boodschappen",), radius_m=5000)
    for email in (None, *roles):
        if email:
            login(client, email)
        listed = set(_request_ids(client.get("/hulpvragen/").get_data(as_text=True)))
        board = set(_board_ids(client.get("/prikbord/BU01530501").get_data(as_text=True)))
        assert listed == expected and board == expected, email
        if email == "vw@example.nl":
            assert set(_request_ids(client.get("/hulpvragen/dichtbij").get_data(as_text=True))) == expected
        if email:
            client.post("/logout")


def test_outdated_in_sql_agrees_with_the_python_rule(app, session):
    """Month ends, leap days and times of day: the SQL narrowing never loses a row that
    ``is_possibly_outdated`` holds, and the queue's list is exactly the Python rule's."""
    moments = [datetime(2025, m, d, h, tzinfo=timezone.utc) for m in (1, 2, 3, 7, 8) for d in (1, 28, 29, 30, 31)
               for h in (0, 23) if not (m == 2 and d > 28)]
    rows = [make_organisation(session, name=f"Org {i}", created_at=moment - timedelta(days=10),
                              last_verified_at=moment if i % 3 else None)
            for i, moment in enumerate(moments)]
    with app.app_context():
        for now in (datetime(2025, 8, 30, 12, tzinfo=timezone.utc), datetime(2025, 9, 29, 0, tzinfo=timezone.utc),
                    datetime(2026, 2, 28, 23, tzinfo=timezone.utc), datetime(2025, 3, 31, 0, tzinfo=timezone.utc)):
            rule = {r.id for r in rows if verification.is_possibly_outdated(r, now)}
            narrowed = set(session.exec(select(Organisation.id).where(verification.maybe_outdated(Organisation, now))).all())
            assert rule <= narrowed, now
            assert {r.id for r in moderatie.outdated(session, "organisation", None, now, limit=1000)} == rule
            # A small limit: batches go on past rows the SQL kept but the rule drops.
            assert [r.id for r in moderatie.outdated(session, "organisation", None, now, limit=2)] == sorted(rule)[:2]


def test_moderation_scope_in_sql_agrees_with_in_scope(app, session):
    world = make_world(session)
    org = make_organisation(session)
    in_velve = make_voorziening(session, org, world.velve, name="In Velve")
    in_pathmos = make_voorziening(session, org, world.pathmos, name="In Pathmos")
    both = make_voorziening(session, org, world.velve, name="In beide")
    session.add(VoorzieningLocation(voorziening_id=both.id, location_id=make_location(session, world.pathmos).id))
    nowhere = make_voorziening(session, org, world.velve, name="Zonder buurt")
    unplaced = session.exec(select(Location).join(VoorzieningLocation).where(
        VoorzieningLocation.voorziening_id == nowhere.id)).one()
    unplaced.buurt_id = None
    session.add(unplaced)
    session.commit()
    rows = [in_velve, in_pathmos, both, nowhere]
    index = moderatie.WijkIndex(session)
    wijk, wijk2 = world.wijk.id, world.pathmos.parent_id
    for scope in (None, set(), {wijk}, {wijk2}, {wijk, wijk2}):
        rule = {v.id for v in rows if moderatie.in_scope(index.of_item("voorziening", v), scope)}
        sql = set(session.exec(select(moderatie.MODELS["voorziening"].id).where(
            moderatie.in_scope_sql("voorziening", scope))).all())
        assert sql == rule, scope
    assert session.exec(select(Organisation.id).where(moderatie.in_scope_sql("organisation", set()))).all()


def test_bounding_box_holds_the_whole_circle():
    for lat in (0.0, 52.2, 70.0):
        lat_min, lat_max, lon_min, lon_max = bounding_box((lat, 6.9), 5000)
        for bearing in range(0, 360, 5):
            # the point 5 km away in this direction, on the same sphere as metres_between
            d, b, p1, l1 = 5000 / 6_371_000, math.radians(bearing), math.radians(lat), math.radians(6.9)
            p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(b))
            l2 = l1 + math.atan2(math.sin(b) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2))
            point = (math.degrees(p2), math.degrees(l2))
            assert metres_between((lat, 6.9), point) == pytest.approx(5000, rel=1e-6)
            assert lat_min <= point[0] <= lat_max and lon_min <= point[1] <= lon_max, (lat, bearing)


def test_metres_from_is_metres_between_for_many_points():
    from marketplace.geocoding import metres_from

    points = [(52.2 + i / 100, 6.85 + i / 70) for i in range(20)]
    many = metres_from((52.21, 6.89), [p[0] for p in points], [p[1] for p in points])
    assert list(many) == pytest.approx([metres_between((52.21, 6.89), p) for p in points], rel=1e-12)


@pytest.mark.real_commits  # a cron job takes its lock on a connection of its own
def test_lifecycle_job_refreshes_the_planner_statistics(app, runner, session):
    """SQLite plans the city's lists well only with ANALYZE's counts (benchmarks/README.md)."""
    from sqlalchemy import text

    make_world(session)
    result = runner.invoke(args=["lifecycle"])
    assert result.exit_code == 0, result.output
    if session.get_bind().dialect.name == "sqlite":
        assert session.execute(text("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'area'")).scalar() > 0
