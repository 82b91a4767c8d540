"""The suggest API's answers are cached (api.suggest through result_cache, in each worker's memory
or in Redis), never stale: any change to the supply (a listing hidden, paused, expired, added, its
place moved, its organisation hidden) or to the gazetteer shows in the very next answer after its
commit, in every worker. Nothing personal: a signed-in caller is answered without the cache, each
language has its own answers, and an answer is never older than its minute or the model."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from marketplace import api, db, matching_service
from marketplace.models import (Activity, Location, Organisation, PostcodeArea, VolunteerOffer, Voorziening,
                                VoorzieningLocation)
from marketplace.timeutil import local_today

from .factories import login, make_activity, make_offer, make_organisation, make_user, make_voorziening, make_world
from .test_result_cache import cached_app, redis_url  # noqa: F401 - fixtures: memory and Redis
from .support import inside_one_minute

ASK = "/api/v1/suggest?text=wie kan boodschappen voor mij doen&postcode=7541AB&alle=1"


@pytest.fixture
def city(cached_app, session):  # noqa: F811
    world = make_world(session)
    org = make_organisation(session)
    volunteer = make_user(session, email="v@example.nl", roles=("vrijwilliger",), name="Mehmet Kaya")
    offer = make_offer(session, volunteer, world.velve, title="Ik doe boodschappen voor u", radius_m=20000,
                       description="Met de auto naar de supermarkt of apotheek.")
    dienst = make_voorziening(session, org, world.velve, name="Boodschappendienst De Schakel",
                              categories=("boodschappen",))
    return world, org, volunteer, offer, dienst


@pytest.fixture
def computed(monkeypatch):
    """How many answers were computed (not taken from the cache)."""
    calls = []
    real = matching_service.suggest_for_text

    def counting(*args, **kwargs):
        calls.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(matching_service, "suggest_for_text", counting)
    inside_one_minute()  # answers are keyed on the minute: two asks a moment apart share it
    return calls


def _ids(client, url=ASK) -> set[tuple[str, int]]:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    return {(s["kind"], s["id"]) for s in response.get_json()["suggestions"]}


def _save(session, row):
    session.add(row)
    session.commit()


def test_a_repeated_question_is_answered_from_the_cache_byte_for_byte(cached_app, city, computed):
    client = cached_app.test_client()
    first = client.get(ASK)
    again = client.get(ASK)
    assert len(computed) == 1  # the second answer was not computed
    assert again.get_data() == first.get_data() and again.mimetype == "application/json"
    assert set(again.get_json()) == {"categories", "suggestions", "safety", "confident"}
    # The same question put otherwise (the postcode written another way, the same point) is the same answer.
    assert client.get(ASK.replace("7541AB", "7541 ab")).get_data() == first.get_data()
    assert len(computed) == 1


CHANGES = {
    "offer hidden": lambda s, w, o, v: _save(s, _set(s.get(VolunteerOffer, o.id), moderation="hidden")),
    "offer paused": lambda s, w, o, v: _save(s, _set(s.get(VolunteerOffer, o.id), status="paused")),
    "offer expired": lambda s, w, o, v: _save(s, _set(s.get(VolunteerOffer, o.id), status="expired",
                                                      expires_at=local_today() - timedelta(days=1))),
    "voorziening hidden": lambda s, w, o, v: _save(s, _set(s.get(Voorziening, v.id), moderation="hidden")),
    "voorziening closed": lambda s, w, o, v: _save(s, _set(s.get(Voorziening, v.id), status="temporarily_closed")),
    "organisation hidden": lambda s, w, o, v: _save(s, _set(s.get(Organisation, v.organisation_id),
                                                            moderation="hidden")),
}


def _set(row, **values):
    for name, value in values.items():
        setattr(row, name, value)
    return row


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_supply_change_is_in_the_next_answer_after_its_commit(cached_app, city, session, computed, change):
    """Fails when a cached answer survives a change to the supply."""
    world, org, volunteer, offer, dienst = city
    client = cached_app.test_client()
    before = _ids(client)
    assert _ids(client) == before and len(computed) == 1  # cached now
    gone = ("offer", offer.id) if change.startswith("offer ") else ("voorziening", dienst.id)
    assert gone in before
    CHANGES[change](session, world, offer, dienst)
    after = _ids(client)
    assert len(computed) == 2 and gone not in after, (change, after)


def test_a_new_listing_and_a_moved_place_are_in_the_next_answer(cached_app, city, session, computed):
    world, org, volunteer, offer, dienst = city
    client = cached_app.test_client()
    assert _ids(client) == _ids(client) and len(computed) == 1
    second = make_offer(session, volunteer, world.velve, title="Boodschappen met de bakfiets", radius_m=20000)
    assert ("offer", second.id) in _ids(client)
    assert len(computed) == 2
    # The voorziening's place moves 300 km away: it leaves the answer (its location logs the change).
    link = session.exec(select(VoorzieningLocation).where(VoorzieningLocation.voorziening_id == dienst.id)).one()
    place = session.get(Location, link.location_id)
    assert ("voorziening", dienst.id) in _ids(client)
    _save(session, _set(place, lat=place.lat - 3.0))
    assert ("voorziening", dienst.id) not in _ids(client)


def test_a_postcode_moved_in_the_gazetteer_is_in_the_next_answer(cached_app, city, session):
    """The point of a postcode comes from the gazetteer: a changed postcode is a new question."""
    client = cached_app.test_client()
    near = client.get(ASK).get_json()["suggestions"]
    assert near and min(s["distance_m"] for s in near) < 1000
    _save(session, _set(session.get(PostcodeArea, "7541AB"), lat=52.2065 + 0.05))  # ~5.5 km north
    moved = client.get(ASK).get_json()["suggestions"]
    assert min(s["distance_m"] for s in moved) > 4000


def test_an_activity_signup_and_a_new_activity_are_in_the_next_answer(cached_app, city, session, computed):
    world, org, *_ = city
    client = cached_app.test_client()
    lonely = "/api/v1/suggest?text=ik voel me eenzaam, wil graag mensen ontmoeten&postcode=7541AA"
    assert _ids(client, lonely) == _ids(client, lonely) and len(computed) == 1
    activity = make_activity(session, world.velve, org=org, title="Koffieochtend De Velve",
                             categories=("gezelschap", "ontmoeting"))
    assert ("activity", activity.id) in _ids(client, lonely)
    _save(session, _set(session.get(Activity, activity.id), status="cancelled"))
    assert ("activity", activity.id) not in _ids(client, lonely)


def test_each_language_has_its_own_answers(cached_app, city, computed):
    client = cached_app.test_client()
    dutch = client.get(ASK).get_json()
    english = client.get(ASK + "&lang=en").get_json()
    assert len(computed) == 2
    reasons = lambda data: [r for s in data["suggestions"] for r in s["reasons"]]  # noqa: E731
    assert "vrijwilliger uit uw buurt" in reasons(dutch) and "volunteer from your neighbourhood" in reasons(english)


def test_a_signed_in_caller_is_answered_without_the_cache(cached_app, city, computed):
    _, _, volunteer, _, _ = city
    anonymous = cached_app.test_client()
    anonymous.get(ASK)
    signed_in = cached_app.test_client()
    assert login(signed_in, "v@example.nl").status_code == 302
    assert signed_in.get(ASK).get_data() == anonymous.get(ASK).get_data()  # the same public answer
    signed_in.get(ASK)
    assert len(computed) == 3  # the anonymous one once; the signed-in caller's every time


def test_an_answer_is_never_older_than_its_minute_or_the_model(cached_app, city, computed, monkeypatch):
    client = cached_app.test_client()
    client.get(ASK)
    client.get(ASK)
    assert len(computed) == 1
    now = api.utcnow()
    monkeypatch.setattr(api, "utcnow", lambda: now + timedelta(minutes=1))
    client.get(ASK)
    assert len(computed) == 2
    monkeypatch.setattr(matching_service, "model_version", lambda: "a newly trained model")
    client.get(ASK)
    assert len(computed) == 3


def _answer_with_an_uncommitted_change(app, offer_id: int) -> None:
    """The API answered inside a request whose session logged a supply change it has not committed."""
    with app.test_request_context(ASK):
        session = db.get_session()
        session.get(VolunteerOffer, offer_id).moderation = "hidden"
        session.flush()  # logged, not committed
        assert matching_service.uncommitted_supply(session)
        assert app.view_functions["api.suggest"]().status_code == 200
        session.rollback()


def test_uncommitted_supply_changes_neither_read_nor_fill_the_cache(cached_app, city, computed):
    _, _, _, offer, _ = city
    client = cached_app.test_client()
    _answer_with_an_uncommitted_change(cached_app, offer.id)
    assert len(computed) == 1
    assert ("offer", offer.id) in _ids(client)  # not filled by it: computed again
    assert len(computed) == 2
    _answer_with_an_uncommitted_change(cached_app, offer.id)
    assert len(computed) == 3  # not read by it either


def test_errors_are_said_in_the_same_order_and_never_cached(cached_app, city, computed):
    client = cached_app.test_client()
    for _ in range(2):
        both = client.get("/api/v1/suggest?text=hulp&postcode=9999ZZ&limit=0")  # unknown postcode and a bad limit
        assert both.status_code == 400 and "kennen we niet" in both.get_json()["error"]
        unknown = client.get("/api/v1/suggest?text=hulp&postcode=9999ZZ")
        assert unknown.status_code == 400 and "kennen we niet" in unknown.get_json()["error"]
    assert computed == []
    assert client.get("/api/v1/suggest?text=hulp&postcode=7541AA&limit=0").get_json()["error"].startswith("limit")


def test_many_new_questions_do_not_push_the_kaarts_answers_out(make_app, session):
    """In memory the suggest answers have an LRU of their own (SUGGEST_CACHE_ENTRIES): every new
    text is a new answer, and those must not evict the sociale kaart's."""
    from marketplace import result_cache

    app = make_app(PAGE_CACHE="off", CACHE_ENTRIES=8, SUGGEST_CACHE_ENTRIES=4)
    make_world(session)
    client = app.test_client()
    assert client.get("/voorzieningen/?categorie=taal").status_code == 200
    kaart = len(result_cache.backend_of(app))
    assert kaart
    for n in range(12):
        assert client.get(f"/api/v1/suggest?text=boodschappen {n}&postcode=7541AB").status_code == 200
    assert len(result_cache.backend_of(app)) == kaart
    assert len(app.extensions["suggest_answers"]) == 4
