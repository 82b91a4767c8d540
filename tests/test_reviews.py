"""Residents' reviews of a voorziening (issue 11): written by a resident, moderated, then shown."""

from __future__ import annotations

import pytest
from sqlmodel import select

from marketplace import db
from marketplace.models import VoorzieningReview

from .factories import (login, make_organisation, make_preventiemakelaar, make_user, make_voorziening,
                        make_world)


@pytest.fixture
def world(session):
    return make_world(session)


@pytest.fixture
def voorziening(session, world):
    return make_voorziening(session, make_organisation(session), world.velve)


def reviews(app):
    with app.app_context():
        return list(db.get_session().exec(select(VoorzieningReview)).all())


def write(client, v, verdict="helped", body="Fijne mensen, ik ga elke week koffie drinken."):
    return client.post(f"/voorzieningen/{v.id}/ervaring", data={"verdict": verdict, "body": body})


def test_a_review_is_shown_only_after_the_preventiemakelaar_approves_it(app, client, session, world, voorziening):
    make_user(session, email="bewoner@example.nl")
    make_preventiemakelaar(session, world)
    login(client, "bewoner@example.nl")
    response = write(client, voorziening, body="Heel fijn. Bel mij gerust op 06-12345678 als u vragen hebt.")
    assert response.status_code == 302 and response.headers["Location"].endswith("#ervaringen")
    [review] = reviews(app)
    assert review.moderation == "pending" and "06-12345678" not in review.body  # masked when written
    page = client.get(f"/voorzieningen/{voorziening.id}").get_data(as_text=True)
    assert "wacht op controle" in page
    client.post("/logout")
    assert "Heel fijn" not in client.get(f"/voorzieningen/{voorziening.id}").get_data(as_text=True)

    login(client, "pm@example.nl")
    queue = client.get("/moderatie/").get_data(as_text=True)
    assert "Taalcafé De Velve" in queue and "Heel fijn" in queue
    client.post("/moderatie/besluit", data={"kind": "review", "target_id": review.id, "action": "approve"})
    client.post("/logout")
    page = client.get(f"/voorzieningen/{voorziening.id}").get_data(as_text=True)
    assert "Heel fijn" in page and "1 bewoner schreef" in page and "Het hielp mij" in page


def test_a_preventiemakelaar_of_another_wijk_cannot_approve(app, client, session, world):
    v = make_voorziening(session, make_organisation(session), world.pathmos, name="Koffie in Pathmos")
    make_user(session, email="bewoner@example.nl")
    make_preventiemakelaar(session, world)  # moderates Velve-Lindenhof only
    login(client, "bewoner@example.nl")
    write(client, v)
    [review] = reviews(app)
    client.post("/logout")
    login(client, "pm@example.nl")
    assert "Koffie in Pathmos" not in client.get("/moderatie/").get_data(as_text=True)
    response = client.post("/moderatie/besluit", data={"kind": "review", "target_id": review.id, "action": "approve"})
    assert response.status_code == 403
    assert reviews(app)[0].moderation == "pending"


def test_one_review_per_person_and_none_by_the_organisation_itself(app, client, session, world):
    staff = make_user(session, email="aanbieder@example.nl", roles=("aanbieder",))
    v = make_voorziening(session, make_organisation(session, staff=staff), world.velve)
    make_user(session, email="bewoner@example.nl")
    login(client, "bewoner@example.nl")
    assert write(client, v).status_code == 302
    second = write(client, v, body="Nog een keer, want het was zo leuk daar.")
    assert second.status_code == 422 and "al eerder" in second.get_data(as_text=True)
    client.post("/logout")
    login(client, "aanbieder@example.nl")
    own = write(client, v)
    assert own.status_code == 422 and "eigen voorziening" in own.get_data(as_text=True)
    assert len(reviews(app)) == 1


@pytest.mark.parametrize("verdict, body, message", [
    ("", "Het was goed, echt waar.", "Kies of het u geholpen heeft."),
    ("heel_goed", "Het was goed, echt waar.", "Kies of het u geholpen heeft."),
    ("helped", "kort", "Schrijf 10 tot 500 tekens."),
    ("helped", "x" * 501, "Schrijf 10 tot 500 tekens."),
])
def test_bad_input_gets_a_dutch_message_and_saves_nothing(app, client, session, voorziening, verdict, body, message):
    make_user(session, email="bewoner@example.nl")
    login(client, "bewoner@example.nl")
    response = write(client, voorziening, verdict, body)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert reviews(app) == []


def test_anonymous_visitors_are_asked_to_log_in(app, client, voorziening):
    assert "Log in om uw ervaring te delen" in client.get(f"/voorzieningen/{voorziening.id}").get_data(as_text=True)
    response = write(client, voorziening)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert reviews(app) == []
