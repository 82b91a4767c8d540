"""Mijn Buurtplein: what I asked (also on behalf), offered, joined and matched, with the next step."""

from __future__ import annotations

from datetime import timedelta

from marketplace.models import ActivitySignup, Match

from .conftest import login, make_user
from .factories import add, make_activity, make_offer, make_organisation, make_request, make_world
from marketplace.timeutil import local_today


def test_mine_needs_login(client):
    response = client.get("/mijn/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_mine_lists_everything_with_the_next_step(client, session):
    world = make_world(session)
    me = make_user(session, roles=("ambassadeur", "vrijwilliger"))
    make_request(session, me, world.velve, title="Eigen vraag")
    make_request(session, me, world.velve, title="Vraag voor Fatma", on_behalf=True, contact_name="Fatma Yilmaz",
                 contact_phone="06-55556666", expires_at=local_today() + timedelta(days=3))
    make_request(session, me, world.velve, title="Wacht op keuring", moderation="pending")
    offer = make_offer(session, me, world.velve, title="Mijn boodschappenhulp")
    activity = make_activity(session, world.velve, org=make_organisation(session), title="Eettafel vol", capacity=1)
    others = [make_user(session, email=f"p{i}@example.nl") for i in range(2)]
    add(session, ActivitySignup(activity_id=activity.id, user_id=others[0].id, status="aangemeld", position=0))
    add(session, ActivitySignup(activity_id=activity.id, user_id=others[1].id, status="wachtlijst", position=1))
    add(session, ActivitySignup(activity_id=activity.id, user_id=me.id, status="wachtlijst", position=2))
    asked = make_request(session, others[0], world.velve, title="Vraag van een buur")
    add(session, Match(request_id=asked.id, kind="offer", offer_id=offer.id, status="proposed"))
    make_request(session, others[0], world.velve, title="Niet van mij")
    login(client)
    page = client.get("/mijn/").get_data(as_text=True)
    assert "Eigen vraag" in page and "Wacht op reactie van een vrijwilliger" in page
    assert "voor Fatma" in page and "06-55556666" in page and "Verloopt over 3 dagen — verlengen?" in page
    assert "eerst bekeken door de buurtmakelaar" in page
    assert "Mijn boodschappenhulp" in page
    assert "Eettafel vol" in page and "U staat op plek 2 van de wachtlijst" in page
    assert "Vraag van een buur" in page and "Voorgesteld: wacht op antwoord" in page
    assert "Niet van mij" not in page


def test_mine_is_friendly_when_empty(client, session):
    make_user(session)
    login(client)
    page = client.get("/mijn/").get_data(as_text=True)
    assert "U heeft nog geen hulp gevraagd" in page and "U heeft nog geen koppelingen" in page
