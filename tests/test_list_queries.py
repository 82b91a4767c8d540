"""List pages load what their cards show with a fixed number of queries (selectinload), not one
more query per row: twelve rows cost as many queries as two."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event

from marketplace import db

from .factories import make_activity, make_offer, make_request, make_user, make_world


@contextmanager
def counted(app):
    """Count the SQL statements the app's engine runs inside the block."""
    statements = []

    def note(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    # The test's own connection when the app is joined to it (every test but real_commits ones):
    # listening on the app's engine alone would count nothing and pass whatever the page does.
    bind = db.bind_of(app)
    event.listen(bind, "before_cursor_execute", note)
    try:
        yield statements
    finally:
        event.remove(bind, "before_cursor_execute", note)


def _queries_for(app, client, url: str) -> int:
    client.get(url)  # warm up: the first request also loads sessions, settings and caches
    with counted(app) as statements:
        response = client.get(url)
    assert response.status_code == 200
    assert statements, "no statement counted: the counter listens in the wrong place"
    return len(statements)


def _add_requests(session, world, n: int, start: int) -> None:
    for i in range(start, start + n):
        poster = make_user(session, email=f"vrager{i}@example.nl", name=f"Vrager{i} Jansen")
        make_request(session, poster, world.velve if i % 2 else world.pathmos, title=f"Vraag nummer {i}",
                     categories=("boodschappen", "vervoer") if i % 3 else ("klussen",))


def _add_offers(session, world, n: int, start: int) -> None:
    for i in range(start, start + n):
        helper = make_user(session, email=f"helper{i}@example.nl", roles=("vrijwilliger",), name=f"Helper{i} Smit")
        make_offer(session, helper, world.velve if i % 2 else world.pathmos, title=f"Aanbod nummer {i}",
                   categories=("boodschappen", "klussen") if i % 3 else ("vervoer",))


@pytest.mark.parametrize("url, add", [("/hulpvragen/", _add_requests), ("/aanbod/", _add_offers)])
def test_list_page_queries_do_not_grow_with_rows(app, client, session, url, add):
    world = make_world(session)
    add(session, world, 2, 0)
    few = _queries_for(app, client, url)
    add(session, world, 10, 2)
    many = _queries_for(app, client, url)
    page = client.get(url).get_data(as_text=True)
    assert "nummer 11" in page and "nummer 0" in page  # all twelve rows are on the page
    assert many == few, f"{url}: {few} queries for 2 rows, {many} for 12"


def test_activity_calendar_queries_do_not_grow_with_activities(app, client, session):
    world = make_world(session)
    for i in range(2):
        make_activity(session, world.velve, owner=make_user(session, email=f"org{i}@example.nl"), title=f"Activiteit {i}")
    few = _queries_for(app, client, "/activiteiten/?wijk=")
    for i in range(2, 8):
        make_activity(session, world.velve, owner=make_user(session, email=f"org{i}@example.nl"), title=f"Activiteit {i}")
    many = _queries_for(app, client, "/activiteiten/?wijk=")
    assert many == few, f"{few} queries for 2 activities, {many} for 8"


def _add_moderation_work(session, world, n: int, start: int) -> None:
    """Pending requests and offers, a hidden one, and an open report on a request and on an offer."""
    from marketplace.models import Report
    for i in range(start, start + n):
        poster = make_user(session, email=f"nieuw{i}@example.nl", name=f"Nieuw{i} Jansen")
        request = make_request(session, poster, world.velve, title=f"Wachtende vraag {i}", moderation="pending")
        offer = make_offer(session, poster, world.velve, title=f"Wachtend aanbod {i}", moderation="pending")
        make_request(session, poster, world.velve, title=f"Verborgen vraag {i}", moderation="hidden")
        shown = make_request(session, poster, world.velve, title=f"Gemelde vraag {i}")
        session.add(Report(target_kind="request", target_id=shown.id, reason="Klopt niet"))
        session.add(Report(target_kind="offer", target_id=offer.id, reason="Klopt niet"))
        assert request.id
    session.flush()


def test_moderation_queue_queries_do_not_grow_with_items(app, client, session):
    from .factories import login, make_preventiemakelaar
    world = make_world(session)
    make_preventiemakelaar(session, world)
    _add_moderation_work(session, world, 2, 0)
    login(client, "pm@example.nl")
    few = _queries_for(app, client, "/moderatie/")
    _add_moderation_work(session, world, 8, 2)
    many = _queries_for(app, client, "/moderatie/")
    page = client.get("/moderatie/").get_data(as_text=True)
    assert "Wachtende vraag 9" in page and "Gemelde vraag 9" in page
    assert many == few, f"{few} queries for 2 of each, {many} for 10"
