"""The privacy guarantee: a help request's exact address and a resident's private name and phone
are never shown to anyone but the poster.

Generic on purpose, so it keeps guarding as other areas land: it walks ``app.url_map`` and
requests every GET route (parameter-free ones as they are, routes with parameters with every id
and buurt code that exists), plus the report form and the JSON API with query strings, as several
kinds of users, and looks for the private strings in every response body.
"""

from __future__ import annotations

from itertools import chain

import pytest
from flask import url_for
from sqlmodel import select
from werkzeug.routing import IntegerConverter, UnicodeConverter

from marketplace import db
from marketplace.models import Activity, Area, HelpRequest, Organisation, User, VolunteerOffer, Voorziening

from .factories import (login, make_activity, make_offer, make_organisation, make_preventiemakelaar,
                        make_request, make_user, make_voorziening, make_world)

PRIVATE = {
    "address": ["Geheimweg 77", "Kluisstraat 5", "Verstopt 3"],
    "name": ["Zeynep Verborgenheim", "Hendrik Onzichtbaar"],
    "phone": ["06-98765432", "0534445566"],
}
ALL_PRIVATE = list(chain.from_iterable(PRIVATE.values()))
SKIP_ENDPOINTS = {"static", "auth.logout"}
KINDS = ("request", "offer", "voorziening", "activity", "organisation")


@pytest.fixture
def world_app(make_app):
    # A crash in some other area's page must not hide a leak elsewhere: render 500 pages instead.
    app = make_app(PROPAGATE_EXCEPTIONS=False)
    with app.app_context():
        with db.session_scope() as session:
            app.config["REQUEST_IDS"] = build_world(session)
    return app


def build_world(session):
    world = make_world(session)
    ambassadeur = make_user(session, email="amb@example.nl", roles=("ambassadeur",), name="Bram Ambas")
    professional = make_user(session, email="pro@example.nl", roles=("professional",), name="Pia Prof")
    resident = make_user(session, email="bewoner@example.nl", name="Rik Bewoner")
    volunteer = make_user(session, email="vw@example.nl", roles=("vrijwilliger",), name="Vera Vrijwilliger")
    make_user(session, email="buur@example.nl", name="Bea Buur")  # a resident who posted nothing
    make_preventiemakelaar(session, world, email="pm@example.nl")
    zeynep = make_request(session, ambassadeur, world.velve, title="Boodschappen voor Zeynep", on_behalf=True,
                 address="Geheimweg 77", contact_name="Zeynep Verborgenheim", contact_phone="06-98765432",
                 urgency="1-2 dagen")
    make_request(session, professional, world.pathmos, title="Rit voor Hendrik", categories=("vervoer",),
                 on_behalf=True, address="Verstopt 3", contact_name="Hendrik Onzichtbaar",
                 contact_phone="0534445566", moderation="pending")
    make_request(session, professional, world.velve, title="Zorgen thuis", categories=("veiligheid",),
                 on_behalf=True, address="Verstopt 3", contact_name="Hendrik Onzichtbaar", contact_phone="0534445566")
    post = make_request(session, resident, world.velve, title="Hulp met mijn post", categories=("administratie",),
                        address="Kluisstraat 5")
    make_offer(session, volunteer, world.velve, categories=("boodschappen", "vervoer", "administratie"),
               radius_m=10000)
    org = make_organisation(session)
    make_voorziening(session, org, world.velve)
    make_activity(session, world.velve, org=org)
    return {"zeynep": zeynep.id, "post": post.id}


def candidate_urls(app) -> list[str]:
    """Every GET URL we can build: each route filled with every id and area code that exists."""
    with app.app_context():
        s = db.get_session()
        codes = [a.code for a in s.exec(select(Area)).all()]
        # The ids that exist (not 1..n: on PostgreSQL a rolled-back test does not reset the sequences).
        ids = sorted({i for model in (HelpRequest, VolunteerOffer, Voorziening, Activity, Organisation, User)
                      for i in s.exec(select(model.id)).all()})
    urls: set[str] = set()
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.endpoint in SKIP_ENDPOINTS or "GET" not in (rule.methods or ()):
                continue
            for values in _argument_values(rule, ids, codes):
                try:
                    urls.add(url_for(rule.endpoint, **values))
                except Exception:  # a converter we do not know how to fill
                    continue
        for kind in KINDS:
            for i in ids[:6]:
                if "moderatie.report" in app.view_functions:
                    urls.add(url_for("moderatie.report", soort=kind, id=i))
        for rule in app.url_map.iter_rules():
            if rule.rule.startswith("/api/") and not rule.arguments:
                for text in ("boodschappen", "Zeynep", "vervoer naar ziekenhuis"):
                    urls.add(f"{rule.rule}?text={text}&postcode=7541AB&limit=50")
    return sorted(urls)


def _argument_values(rule, ids, codes):
    if not rule.arguments:
        return [{}]
    pools = []
    for name in sorted(rule.arguments):
        converter = rule._converters.get(name)
        if isinstance(converter, IntegerConverter):
            pools.append((name, ids))
        elif isinstance(converter, UnicodeConverter):
            pools.append((name, codes + ["x"]))
        else:
            return []
    # One value per argument position, shared: covers detail pages without a combinatorial blow-up.
    length = max(len(pool) for _, pool in pools)
    return [{name: pool[i % len(pool)] for name, pool in pools} for i in range(length)]


def leaked(body: str) -> list[str]:
    return [secret for secret in ALL_PRIVATE if secret in body]


@pytest.mark.parametrize("viewer", [None, "buur@example.nl", "vw@example.nl", "pm@example.nl"])
def test_no_page_shows_private_request_data(world_app, viewer):
    client = world_app.test_client()
    if viewer:
        assert login(client, viewer).status_code == 302
    urls = candidate_urls(world_app)
    assert f"/hulpvragen/{world_app.config['REQUEST_IDS']['zeynep']}" in urls and "/hulpvragen/" in urls
    problems = []
    for url in urls:
        response = client.get(url)
        found = leaked(response.get_data(as_text=True))
        if found:
            problems.append(f"{url} ({response.status_code}): {found}")
    assert problems == []
    # The public page of the request on behalf does show what may be shown.
    ids = world_app.config["REQUEST_IDS"]
    page = client.get(f"/hulpvragen/{ids['zeynep']}").get_data(as_text=True)
    assert "Zeynep" in page and "Velve" in page


def test_the_poster_sees_the_private_data(world_app):
    client = world_app.test_client()
    login(client, "amb@example.nl")
    ids = world_app.config["REQUEST_IDS"]
    page = client.get(f"/hulpvragen/{ids['zeynep']}").get_data(as_text=True)
    assert not set(PRIVATE["address"][:1] + PRIVATE["name"][:1] + PRIVATE["phone"][:1]) - set(leaked(page))
    mine = client.get("/mijn/").get_data(as_text=True)
    assert "Zeynep Verborgenheim" in mine and "06-98765432" in mine
    client = world_app.test_client()
    login(client, "bewoner@example.nl")
    assert "Kluisstraat 5" in client.get(f"/hulpvragen/{ids['post']}").get_data(as_text=True)
