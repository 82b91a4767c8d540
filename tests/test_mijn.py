"""Mijn Buurtplein: what I asked (also on behalf), offered, joined and matched, with the next step."""

from __future__ import annotations

from datetime import timedelta

from marketplace.models import ActivitySignup, Match

from .factories import (add, login, make_activity, make_offer, make_organisation, make_request, make_user,
                        make_world)
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
    add(session, ActivitySignup(activity_id=activity.id, user_id=others[0].id, status="signed_up", position=0))
    add(session, ActivitySignup(activity_id=activity.id, user_id=others[1].id, status="waiting_list", position=1))
    add(session, ActivitySignup(activity_id=activity.id, user_id=me.id, status="waiting_list", position=2))
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


def test_mijn_shows_who_wants_to_help_and_that_a_professional_looks_at_safety(app, client, session):
    """Issue 10: the real state and the one next step, never 'wacht op een vrijwilliger' when someone
    already proposed, nor for a request a professional handles."""
    world = make_world(session)
    resident = make_user(session)
    volunteer = make_user(session, email="mehmet@example.nl", roles=("vrijwilliger",), name="Mehmet Kaya")
    ordinary = make_request(session, resident, world.velve, title="Wie haalt mijn medicijnen?")
    make_request(session, resident, world.velve, title="Bang thuis", safety="possible")
    offer = make_offer(session, volunteer, world.velve)
    match = add(session, Match(request_id=ordinary.id, kind="offer", offer_id=offer.id, status="proposed"))
    login(client)
    page = client.get("/mijn/").get_data(as_text=True)
    assert "Mehmet wil u helpen" in page and f"/koppelingen/{match.id}" in page
    assert "Een professional van de wijk kijkt eerst naar uw vraag" in page
    assert "Wacht op reactie van een vrijwilliger" not in page


def test_renew_counts_the_lifetime_from_today(app, client, session):
    from marketplace import db
    from marketplace.models import HelpRequest

    world = make_world(session)
    resident = make_user(session)
    row = make_request(session, resident, world.velve, expires_at=local_today() + timedelta(days=5))
    login(client)
    client.post(f"/hulpvragen/{row.id}/verlengen", data={})
    with app.app_context():
        renewed = db.get_session().get(HelpRequest, row.id)
        assert renewed.expires_at == local_today() + timedelta(days=app.config["REQUEST_LIFETIME_DAYS"])


def test_mijn_koppelingen_names_the_person_helped_for_the_volunteer(app, client, session):
    world = make_world(session)
    resident = make_user(session, name="Anna de Vries")
    volunteer = make_user(session, email="mehmet@example.nl", roles=("vrijwilliger",), name="Mehmet Kaya")
    request = make_request(session, resident, world.velve, title="Wie haalt mijn medicijnen?")
    offer = make_offer(session, volunteer, world.velve, title="Boodschappen met de fiets")
    match = add(session, Match(request_id=request.id, kind="offer", offer_id=offer.id, status="accepted"))
    login(client, "mehmet@example.nl")
    page = client.get("/mijn/").get_data(as_text=True)
    table = page[page.index("mijn-koppelingen"):]
    assert "Wie haalt mijn medicijnen?" in table and "<td>Anna</td>" in table
    assert f"/koppelingen/{match.id}" in table


def test_an_aanbieder_sees_the_organisations_voorzieningen_and_what_to_update(app, client, session):
    from datetime import datetime, timezone

    from .factories import make_voorziening
    world = make_world(session)
    staff = make_user(session, email="org@example.nl", roles=("aanbieder",), name="Olga Org")
    org = make_organisation(session, staff=staff)
    make_voorziening(session, org, world.velve, name="Taalcafé De Velve")
    old = make_voorziening(session, org, world.velve, name="Formulierenbrigade")
    old.last_verified_at = old.created_at = datetime(2020, 1, 1, tzinfo=timezone.utc)
    add(session, old)
    make_voorziening(session, make_organisation(session, name="Ander"), world.velve, name="Niet van mij")
    login(client, "org@example.nl")
    page = client.get("/mijn/").get_data(as_text=True)
    assert "Voorzieningen van mijn organisatie" in page and "Taalcafé De Velve" in page
    assert "Mogelijk verouderd" in page and "Actueel" in page and "Niet van mij" not in page
    assert f"/voorzieningen/{old.id}/bewerken" in page
