"""Volunteer offers over HTTP: new (gives the vrijwilliger role), edit, pause/resume, detail, list."""

from __future__ import annotations

from datetime import time, timedelta

from sqlmodel import select

from marketplace import db
from marketplace.models import AuditEvent, AvailabilitySlot, OfferCategory, User, VolunteerOffer
from marketplace.timeutil import local_today

from .factories import login, make_offer, make_user, make_world

GOOD = {"categories": ["boodschappen", "vervoer"], "title": "Ik doe boodschappen",
        "description": "Ik heb een auto en tijd op dinsdag.", "slots": ["1-ochtend", "3-avond"],
        "radius_m": "5000", "languages": ["nl", "en"], "max_matches_per_month": "2", "postcode": "7541AB"}


def _offers(app):
    with app.app_context():
        return db.get_session().exec(select(VolunteerOffer)).all()


def test_a_resident_offers_help_and_becomes_vrijwilliger(app, client, session):
    world = make_world(session)
    make_user(session)
    login(client)
    response = client.post("/aanbod/nieuw", data=GOOD)
    assert response.status_code == 302
    with app.app_context():
        s = db.get_session()
        offer = s.exec(select(VolunteerOffer)).one()
        assert (offer.lat, offer.lon, offer.buurt_id) == (world.velve.lat, world.velve.lon, world.velve.id)
        assert offer.radius_m == 5000 and offer.max_matches_per_month == 2 and offer.languages == "nl,en"
        assert offer.expires_at == local_today() + timedelta(days=app.config["OFFER_LIFETIME_DAYS"])
        assert offer.moderation == "pending"
        slots = {(x.weekday, x.start_time, x.end_time) for x in s.exec(select(AvailabilitySlot)).all()}
        assert slots == {(1, time(9), time(12)), (3, time(18), time(21))}
        assert len(s.exec(select(OfferCategory)).all()) == 2
        assert "vrijwilliger" in s.exec(select(User)).one().role_names
        assert {"offer.create", "user.role_add"} <= {e.action for e in s.exec(select(AuditEvent)).all()}
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "dinsdagochtend" in page and "donderdagavond" in page and "Engels" in page
    assert "eerst bekeken door de buurtmakelaar" in page


def test_bad_offer_input_gives_dutch_messages_and_writes_nothing(app, client, session):
    make_world(session)
    make_user(session)
    login(client)
    response = client.post("/aanbod/nieuw", data={
        "categories": ["veiligheid"], "title": "x", "description": "", "slots": ["9-nacht"],
        "radius_m": "123", "max_matches_per_month": "99", "postcode": "7541AB"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    for message in ("Kies alleen onderwerpen uit de lijst", "Schrijf 5 tot 160 tekens", "Dit veld is verplicht",
                    "Kies alleen dagdelen", "Kies een afstand", "Kies hoe vaak", "Kies minstens één taal"):
        assert message in page, message
    response = client.post("/aanbod/nieuw", data={**GOOD, "postcode": "9999ZZ"})
    assert response.status_code == 422 and "Deze postcode kennen we niet" in response.get_data(as_text=True)
    assert 'value="Ik doe boodschappen"' in response.get_data(as_text=True)
    assert _offers(app) == []
    with app.app_context():
        assert "vrijwilliger" not in db.get_session().exec(select(User)).one().role_names


def test_the_owner_edits_pauses_and_resumes(app, client, session):
    world = make_world(session)
    volunteer = make_user(session, roles=("vrijwilliger",))
    offer = make_offer(session, volunteer, world.velve)
    login(client)
    page = client.get(f"/aanbod/{offer.id}/bewerken").get_data(as_text=True)
    assert 'value="Ik doe graag boodschappen"' in page and 'value="1-ochtend" checked' in page
    response = client.post(f"/aanbod/{offer.id}/bewerken", data={**GOOD, "postcode": "7513AA", "title": "Nieuw"})
    assert response.status_code == 302
    client.post(f"/aanbod/{offer.id}/pauzeren")
    with app.app_context():
        row = db.get_session().get(VolunteerOffer, offer.id)
        assert row.title == "Nieuw" and row.buurt_id == world.pathmos.id and row.status == "paused"
    assert "Nieuw" not in client.get("/aanbod/").get_data(as_text=True)
    page = client.post(f"/aanbod/{offer.id}/pauzeren", follow_redirects=True).get_data(as_text=True)
    assert "Dit kan nu niet" in page
    client.post(f"/aanbod/{offer.id}/hervatten")
    with app.app_context():
        assert db.get_session().get(VolunteerOffer, offer.id).status == "active"
        actions = [e.action for e in db.get_session().exec(select(AuditEvent)).all()]
        assert {"offer.update", "offer.pause", "offer.resume"} <= set(actions)


def test_others_cannot_change_an_offer(client, session):
    world = make_world(session)
    offer = make_offer(session, make_user(session, roles=("vrijwilliger",)), world.velve)
    make_user(session, email="b@example.nl")
    assert "/login" in client.get(f"/aanbod/{offer.id}/bewerken").headers["Location"]
    login(client, "b@example.nl")
    assert client.get(f"/aanbod/{offer.id}/bewerken").status_code == 403
    assert client.post(f"/aanbod/{offer.id}/pauzeren").status_code == 403
    assert client.post("/aanbod/9999/hervatten").status_code == 404
    assert client.get("/aanbod/9999").status_code == 404


def test_public_detail_and_list_show_only_first_name_and_approved_active_offers(client, session):
    world = make_world(session)
    volunteer = make_user(session, roles=("vrijwilliger",), name="Vera Achternaam")
    offer = make_offer(session, volunteer, world.velve, slots=((1, time(9), time(12)), (4, time(14), time(16))))
    hidden = make_offer(session, volunteer, world.velve, title="Nog niet bekeken", moderation="pending")
    make_offer(session, volunteer, world.pathmos, title="Rijden in Pathmos", categories=("vervoer",))
    page = client.get(f"/aanbod/{offer.id}").get_data(as_text=True)
    assert "Vera" in page and "Achternaam" not in page and "Velve" in page
    assert "dinsdagochtend" in page and "vrijdag 14:00–16:00" in page
    assert client.get(f"/aanbod/{hidden.id}").status_code == 404
    page = client.get("/aanbod/").get_data(as_text=True)
    assert "Ik doe graag boodschappen" in page and "Nog niet bekeken" not in page and "Achternaam" not in page
    page = client.get("/aanbod/?categorie=vervoer").get_data(as_text=True)
    assert "Rijden in Pathmos" in page and "Ik doe graag boodschappen" not in page
    page = client.get(f"/aanbod/?wijk={world.wijk.id}").get_data(as_text=True)
    assert "Rijden in Pathmos" not in page and "Ik doe graag boodschappen" in page


def test_the_offer_page_speaks_to_the_volunteer_and_to_others_differently(client, session):
    """Issue 10: 'Actief: mensen kunnen u vinden' was shown to residents."""
    world = make_world(session)
    volunteer = make_user(session, email="vw@example.nl", roles=("vrijwilliger",), name="Vera Vrij")
    make_user(session, email="buur@example.nl", name="Bea Buur")
    offer = make_offer(session, volunteer, world.velve)
    login(client, "buur@example.nl")
    page = client.get(f"/aanbod/{offer.id}").get_data(as_text=True)
    assert "mensen kunnen u vinden" not in page and "Biedt nu hulp aan" in page
    client.post("/logout")
    login(client, "vw@example.nl")
    assert "mensen kunnen u vinden" in client.get(f"/aanbod/{offer.id}").get_data(as_text=True)
