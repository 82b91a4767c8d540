"""Help requests over HTTP: the guided form, on behalf, detail, list, nearby, withdraw and renew."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from marketplace import db
from marketplace.models import AuditEvent, Category, HelpRequest, HelpRequestPrivate, RequestCategory
from marketplace.timeutil import local_today

from .factories import login, make_offer, make_request, make_user, make_world

GOOD = {"category": "boodschappen", "title": "Wie doet boodschappen?", "urgency": "deze week",
        "description": "Ik kan niet goed lopen na mijn operatie.", "wanted_time": "dinsdagochtend",
        "postcode": "7541 AB", "address": "Velvetstraat 12", "languages": ["nl", "tr"]}


def _requests(app):
    with app.app_context():
        return db.get_session().exec(select(HelpRequest)).all()


def test_a_resident_asks_for_help_and_the_public_row_has_only_the_buurt(app, client, session):
    world = make_world(session)
    make_user(session)
    login(client)
    response = client.post("/hulpvragen/nieuw", data=GOOD)
    assert response.status_code == 302
    with app.app_context():
        s = db.get_session()
        row = s.exec(select(HelpRequest)).one()
        private = s.get(HelpRequestPrivate, row.id)
        assert (row.lat, row.lon, row.buurt_id, row.pc4) == (world.velve.lat, world.velve.lon, world.velve.id, "7541")
        assert row.public_name == "Anna" and row.requester_id == row.posted_by_id and not row.on_behalf
        assert row.moderation == "pending"  # first post of a new account
        assert row.expires_at == local_today() + timedelta(days=app.config["REQUEST_LIFETIME_DAYS"])
        assert row.languages == "nl,tr" and row.wanted_time == "dinsdagochtend"
        assert private.address == "Velvetstraat 12" and private.postcode == "7541AB"
        assert s.exec(select(RequestCategory)).one().request_id == row.id
        assert s.exec(select(AuditEvent).where(AuditEvent.action == "request.create")).one()
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "eerst bekeken door de buurtmakelaar" in page
    assert "Velvetstraat 12" in page  # the poster sees their own address


def test_i_do_not_know_the_category_is_allowed(app, client, session):
    make_world(session)
    make_user(session)
    login(client)
    assert client.post("/hulpvragen/nieuw", data={**GOOD, "category": "weet-niet"}).status_code == 302
    with app.app_context():
        assert db.get_session().exec(select(RequestCategory)).all() == []


def test_unknown_postcode_gives_a_dutch_error_keeps_input_and_writes_nothing(app, client, session):
    make_world(session)
    make_user(session)
    login(client)
    response = client.post("/hulpvragen/nieuw", data={**GOOD, "postcode": "9999 ZZ"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Deze postcode kennen we niet" in page
    assert 'value="Wie doet boodschappen?"' in page and "Ik kan niet goed lopen" in page
    assert _requests(app) == []


def test_bad_input_gives_dutch_messages(app, client, session):
    make_world(session)
    make_user(session)
    login(client)
    response = client.post("/hulpvragen/nieuw", data={
        "category": "bestaat-niet", "title": "", "description": "kort", "urgency": "morgen", "postcode": "12",
        "wanted_from": "2030-05-10", "wanted_until": "2030-05-01"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    for message in ("Kies een onderwerp", "Dit veld is verplicht", "Schrijf 10 tot 4000 tekens",
                    "Kies hoe snel", "postcode in zoals", "na de eerste datum"):
        assert message in page, message
    assert _requests(app) == []


def test_new_request_needs_login(client):
    response = client.get("/hulpvragen/nieuw")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_an_ambassadeur_asks_on_behalf_of_a_resident(app, client, session):
    make_world(session)
    make_user(session, email="amb@example.nl", roles=("ambassadeur",), name="Bram Ambassadeur")
    login(client, "amb@example.nl")
    assert "Ik vraag dit voor iemand anders" in client.get("/hulpvragen/nieuw").get_data(as_text=True)
    response = client.post("/hulpvragen/nieuw", data={
        **GOOD, "on_behalf": "y", "contact_first_name": "Fatma", "contact_name": "Fatma Yilmaz",
        "contact_phone": "06-12345678"})
    assert response.status_code == 302
    with app.app_context():
        row = db.get_session().exec(select(HelpRequest)).one()
        private = db.get_session().get(HelpRequestPrivate, row.id)
        assert row.on_behalf and row.requester_id is None and row.public_name == "Fatma"
        assert row.moderation == "approved"
        assert (private.contact_name, private.contact_phone) == ("Fatma Yilmaz", "06-12345678")
    page = client.get(f"/hulpvragen/{row.id}").get_data(as_text=True)
    assert "06-12345678" in page and "Fatma Yilmaz" in page and "Velvetstraat 12" in page


def test_on_behalf_needs_the_first_name(app, client, session):
    make_world(session)
    make_user(session, email="amb@example.nl", roles=("ambassadeur",))
    login(client, "amb@example.nl")
    response = client.post("/hulpvragen/nieuw", data={**GOOD, "on_behalf": "y", "contact_phone": "06-1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Vul de voornaam van de bewoner in" in page and "alleen cijfers" in page
    assert _requests(app) == []


def test_a_resident_cannot_post_on_behalf(app, client, session):
    make_world(session)
    make_user(session)
    login(client)
    assert "Ik vraag dit voor iemand anders" not in client.get("/hulpvragen/nieuw").get_data(as_text=True)
    client.post("/hulpvragen/nieuw", data={**GOOD, "on_behalf": "y", "contact_first_name": "X",
                                          "contact_phone": "0612345678"})
    with app.app_context():
        row = db.get_session().exec(select(HelpRequest)).one()
        assert not row.on_behalf and row.public_name == "Anna"
        assert db.get_session().get(HelpRequestPrivate, row.id).contact_phone is None


def test_detail_shows_public_facts_and_distance_but_not_private_data(app, client, session):
    world = make_world(session)
    poster = make_user(session, email="amb@example.nl", roles=("ambassadeur",))
    row = make_request(session, poster, world.velve, on_behalf=True, contact_name="Fatma Yilmaz",
                       contact_phone="06-11112222", address="Geheimstraat 9")
    viewer = make_user(session, email="piet@example.nl", name="Piet Pathmos")
    viewer.postcode = "7513AA"
    session.add(viewer)
    session.commit()
    login(client, "piet@example.nl")
    page = client.get(f"/hulpvragen/{row.id}").get_data(as_text=True)
    assert "Fatma" in page and "Velve" in page and "ongeveer 3,3 km" in page
    assert "Yilmaz" not in page and "06-11112222" not in page and "Geheimstraat" not in page
    assert "intrekken" not in page.lower()


def test_pending_request_is_hidden_from_others_and_unknown_is_404(client, session):
    world = make_world(session)
    poster = make_user(session)
    row = make_request(session, poster, world.velve, moderation="pending")
    assert client.get(f"/hulpvragen/{row.id}").status_code == 404
    assert client.get("/hulpvragen/99999").status_code == 404
    assert row.title not in client.get("/hulpvragen/").get_data(as_text=True)
    login(client)
    assert client.get(f"/hulpvragen/{row.id}").status_code == 200


def test_safety_requests_stay_out_of_public_lists(client, session):
    world = make_world(session)
    poster = make_user(session, email="pro@example.nl", roles=("professional",))
    row = make_request(session, poster, world.velve, title="Zorgen thuis", categories=("veiligheid",))
    assert "Zorgen thuis" not in client.get("/hulpvragen/").get_data(as_text=True)
    assert client.get(f"/hulpvragen/{row.id}").status_code == 404


def test_index_filters_by_category_and_wijk_and_pages(client, session):
    world = make_world(session)
    poster = make_user(session)
    make_request(session, poster, world.velve, title="Boodschappen Velve")
    make_request(session, poster, world.pathmos, title="Rit Pathmos", categories=("vervoer",))
    make_request(session, poster, world.velve, title="Ingetrokken vraag", status="withdrawn")
    page = client.get("/hulpvragen/").get_data(as_text=True)
    assert "Boodschappen Velve" in page and "Rit Pathmos" in page and "Ingetrokken vraag" not in page
    page = client.get("/hulpvragen/?categorie=vervoer").get_data(as_text=True)
    assert "Rit Pathmos" in page and "Boodschappen Velve" not in page
    page = client.get(f"/hulpvragen/?wijk={world.wijk.id}").get_data(as_text=True)
    assert "Boodschappen Velve" in page and "Rit Pathmos" not in page
    for i in range(21):
        make_request(session, poster, world.velve, title=f"Vraag nummer {i:02d}")
    assert 'rel="next"' in client.get("/hulpvragen/").get_data(as_text=True)
    assert client.get("/hulpvragen/?page=2").status_code == 200
    assert client.get("/hulpvragen/?page=abc").status_code == 200


def test_renewing_is_offered_near_the_end_not_on_a_new_request(client, session):
    world = make_world(session)
    poster = make_user(session)
    new = make_request(session, poster, world.velve, expires_at=local_today() + timedelta(days=60))
    ending = make_request(session, poster, world.velve, expires_at=local_today() + timedelta(days=3))
    login(client)
    assert f"/hulpvragen/{new.id}/verlengen" not in client.get(f"/hulpvragen/{new.id}").get_data(as_text=True)
    assert f"/hulpvragen/{ending.id}/verlengen" in client.get(f"/hulpvragen/{ending.id}").get_data(as_text=True)
    mine = client.get("/mijn/").get_data(as_text=True)
    assert f"/hulpvragen/{ending.id}/verlengen" in mine and f"/hulpvragen/{new.id}/verlengen" not in mine


def test_withdraw_and_renew_by_the_poster_only(app, client, session):
    world = make_world(session)
    poster = make_user(session)
    make_user(session, email="other@example.nl")
    row = make_request(session, poster, world.velve, status="expired", expires_at=local_today() - timedelta(days=2))
    login(client, "other@example.nl")
    assert client.post(f"/hulpvragen/{row.id}/verlengen").status_code == 403
    assert client.post(f"/hulpvragen/{row.id}/intrekken").status_code == 403
    assert client.post("/hulpvragen/9999/verlengen").status_code == 404
    client.post("/logout")
    assert "/login" in client.post(f"/hulpvragen/{row.id}/verlengen").headers["Location"]
    login(client)
    client.post(f"/hulpvragen/{row.id}/verlengen")
    with app.app_context():
        renewed = db.get_session().get(HelpRequest, row.id)
        assert renewed.status == "open"
        assert renewed.expires_at == local_today() + timedelta(days=app.config["REQUEST_LIFETIME_DAYS"])
    # First a question, then the withdrawal (issue 10); nothing changes before "ja".
    question = client.post(f"/hulpvragen/{row.id}/intrekken")
    assert question.status_code == 200 and "Weet u zeker" in question.get_data(as_text=True)
    with app.app_context():
        assert db.get_session().get(HelpRequest, row.id).status == "open"
    client.post(f"/hulpvragen/{row.id}/intrekken", data={"zeker": "ja"})
    page = client.post(f"/hulpvragen/{row.id}/verlengen", follow_redirects=True).get_data(as_text=True)
    assert "kan niet worden verlengd" in page
    with app.app_context():
        s = db.get_session()
        assert s.get(HelpRequest, row.id).status == "withdrawn"
        actions = {e.action for e in s.exec(select(AuditEvent)).all()}
        assert {"request.renew", "request.withdraw"} <= actions
    # ... and undone within a week: the request is open again.
    assert "zet mijn vraag terug" in client.get(f"/hulpvragen/{row.id}").get_data(as_text=True)
    client.post(f"/hulpvragen/{row.id}/terugzetten")
    with app.app_context():
        assert db.get_session().get(HelpRequest, row.id).status == "open"


def test_nearby_orders_urgent_first_then_nearest_within_radius_and_categories(client, session):
    world = make_world(session)
    volunteer = make_user(session, email="vw@example.nl", roles=("vrijwilliger",), name="Vera")
    make_offer(session, volunteer, world.velve, categories=("boodschappen", "vervoer"), radius_m=5000)
    poster = make_user(session)
    make_request(session, poster, world.velve, title="Dichtbij geen haast", urgency="geen haast")
    make_request(session, poster, world.pathmos, title="Verder maar snel", urgency="1-2 dagen")
    make_request(session, poster, world.velve, title="Dichtbij deze week", urgency="deze week")
    make_request(session, poster, world.velve, title="Klusje", categories=("klussen",))
    make_request(session, poster, world.velve, title="Veiligheid", categories=("veiligheid",))
    make_request(session, poster, world.velve, title="Nog niet goedgekeurd", moderation="pending")
    login(client, "vw@example.nl")
    page = client.get("/hulpvragen/dichtbij").get_data(as_text=True)
    order = [page.index(t) for t in ("Verder maar snel", "Dichtbij deze week", "Dichtbij geen haast")]
    assert order == sorted(order)
    for absent in ("Klusje", "Veiligheid", "Nog niet goedgekeurd"):
        assert absent not in page


def test_nearby_respects_the_radius_and_the_role(client, session):
    world = make_world(session)
    volunteer = make_user(session, email="vw@example.nl", roles=("vrijwilliger",))
    make_offer(session, volunteer, world.velve, radius_m=1000)
    make_request(session, make_user(session), world.pathmos, title="Te ver weg")
    login(client, "vw@example.nl")
    assert "Te ver weg" not in client.get("/hulpvragen/dichtbij").get_data(as_text=True)
    client.post("/logout")
    assert client.get("/hulpvragen/dichtbij").status_code == 302
    login(client, "anna@example.nl")
    assert client.get("/hulpvragen/dichtbij").status_code == 403


def test_nearby_and_the_request_page_say_the_same_distance(client, session):
    """Issue 10: /hulpvragen/dichtbij said 100 m and the request page 300 m for one request."""
    import re

    world = make_world(session)
    volunteer = make_user(session, email="vw@example.nl", roles=("vrijwilliger",), name="Vera Vrij")
    volunteer.postcode = "7513AA"  # lives in Pathmos, helps in Velve
    session.add(volunteer)
    session.commit()
    make_offer(session, volunteer, world.velve, categories=("boodschappen",), radius_m=5000)
    poster = make_user(session, email="rik@example.nl", name="Rik Bewoner")
    row = make_request(session, poster, world.velve)
    login(client, "vw@example.nl")
    nearby = client.get("/hulpvragen/dichtbij").get_data(as_text=True)
    detail = client.get(f"/hulpvragen/{row.id}").get_data(as_text=True)
    words = re.findall(r"ongeveer \d+(?:,\d)? (?:m|km)", detail)
    assert words and words[0] in nearby


def test_long_text_gets_a_counter_and_a_clear_message_never_a_silent_cut(app, client, session):
    """Issue 10: maxlength cut pasted text at 160 or 4000 characters without a word."""
    make_world(session)
    make_user(session)
    login(client)
    page = client.get("/hulpvragen/nieuw").get_data(as_text=True)
    assert 'data-max="160"' in page and 'data-max="4000"' in page and "maxlength" not in page
    assert "js/counter.js" in page
    response = client.post("/hulpvragen/nieuw", data={**GOOD, "description": "x" * 4001})
    assert response.status_code == 422 and "Schrijf 10 tot 4000 tekens." in response.get_data(as_text=True)


def test_a_question_about_more_than_one_thing_keeps_every_chosen_category(app, client, session):
    make_world(session)
    make_user(session)
    login(client)
    form = client.get("/hulpvragen/nieuw").get_data(as_text=True)
    assert 'type="checkbox" id="category-geldzaken"' in form and "Kies een of meer onderwerpen" in form
    response = client.post("/hulpvragen/nieuw", data={**GOOD, "category": ["gezelschap", "geldzaken", "weet-niet"]})
    assert response.status_code == 302
    with app.app_context():
        s = db.get_session()
        slugs = {c.slug for c in s.exec(select(Category).join(RequestCategory, RequestCategory.category_id == Category.id))}
        assert slugs == {"gezelschap", "geldzaken"}
    assert client.post("/hulpvragen/nieuw", data={**GOOD, "category": []}).status_code == 422


def test_a_request_for_someone_else_speaks_of_the_client(app, client, session):
    world = make_world(session)
    amb = make_user(session, email="amb@example.nl", roles=("ambassadeur",), name="Bram Ambassadeur")
    row = make_request(session, amb, world.velve, on_behalf=True, contact_name="Fatma Yilmaz")
    make_offer(session, make_user(session, email="v@example.nl", roles=("vrijwilliger",)), world.velve)
    login(client, "amb@example.nl")
    page = client.get(f"/hulpvragen/{row.id}").get_data(as_text=True)
    assert "U stelde deze vraag voor Fatma" in page and "De vraag van Fatma verloopt" in page
    assert "U kiest samen met Fatma" in page


def test_the_categories_keep_the_order_the_resident_chose_them_in(app, client, session):
    """'vervoer' then 'boodschappen': the page, the list and the matcher's main need start with
    vervoer, although boodschappen comes first in the categories' own order."""
    from marketplace import matching_service

    make_world(session)
    make_user(session)
    login(client)
    response = client.post("/hulpvragen/nieuw", data={**GOOD, "category": ["vervoer", "boodschappen"]})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<dd>Vervoer, Boodschappen</dd>" in page
    assert page.index("categories/vervoer.svg") < page.index("categories/boodschappen.svg")
    with app.app_context():
        s = db.get_session()
        row = s.exec(select(HelpRequest)).one()
        assert matching_service.request_input(s, row).categories == ("vervoer", "boodschappen")
        assert matching_service.suggest_for_request(s, row).needs[:2] == ["vervoer", "boodschappen"]
        row.moderation = "approved"
        s.commit()
    listed = client.get("/hulpvragen/").get_data(as_text=True)
    card = listed[listed.index("Wie doet boodschappen?") - 600:]
    assert "Vervoer, Boodschappen" in card and "categories/vervoer.svg" in card
    assert "categories/boodschappen.svg" not in card[:card.index("Vervoer, Boodschappen")]
