"""Property: no GET route answers 5xx, whatever its query string holds (Hypothesis).

Every GET route of the URL map is requested with the same generated query parameters, by an
anonymous visitor and by a user with every staff role. Parameter names are the ones the views
read; values mix the known troublemakers ('²', 2**63, nan, 1e400, 9999-12-25, NUL) with
arbitrary text and numbers.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .factories import (login, make_activity, make_offer, make_organisation, make_preventiemakelaar,
                        make_request, make_user, make_voorziening, make_world)

PARAMETER_NAMES = ["page", "wijk", "week", "onderwerp", "categorie", "q", "postcode", "lat", "lon", "afstand",
                   "leeftijd", "taal", "sorteer", "weergave", "gratis", "indicatievrij", "soort", "id",
                   "hulpvraag", "vraag", "lang", "next", "text", "limit"]
TROUBLE = ["²", "٣", str(2**63), "9" * 20, "-1", "0", "1", "nan", "-inf", "1e400", "9999-12-25", "\x00", "%",
           "", " ", "+1", "1_0", "../..", "<script>", "7541AA", "WK015305", "kaart", "afstand", "request", "nl",
           "en", "https://evil.example", "\r\nX: y"]
text = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=40)
values = st.one_of(st.sampled_from(TROUBLE), text, st.integers(-2**70, 2**70).map(str),
                   st.floats(allow_nan=True, allow_infinity=True).map(repr))
queries = st.dictionaries(st.sampled_from(PARAMETER_NAMES), values, max_size=6)
# The troublemakers of the review, each in every parameter at once (no chance involved).
CORE_TROUBLE = ["²", "٣", str(2**63), "9" * 20, "-1", "nan", "-inf", "1e400", "9999-12-25", "\x00", "\r\nX: y", ""]
SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
# A staff member's request page asks the matcher for suggestions (~0.5 s here): fewer examples.
STAFF_SETTINGS = settings(SETTINGS, max_examples=15)


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def urls(app, session):
    """One concrete URL per GET route, with ids of rows that exist."""
    world = make_world(session)
    org = make_organisation(session)
    volunteer = make_user(session, email="v@example.nl", roles=("vrijwilliger",), name="Vera")
    ids = {"id": make_activity(session, world.velve, org=org).id,
           "user_id": volunteer.id,
           "match_id": 1, "request_id": make_request(session, volunteer, world.velve).id}
    make_offer(session, volunteer, world.velve)
    make_voorziening(session, org, world.velve)
    make_preventiemakelaar(session, world)
    found = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        url = re.sub(r"<int:([a-z_]+)>", lambda m: str(ids.get(m.group(1), 1)), rule.rule)
        url = url.replace("<buurt_code>", world.velve.code).replace("<token>", "x" * 20)
        found.append(url)
    assert len(found) >= 30
    return found


def _check(client, urls, query):
    for url in urls:
        response = client.get(url, query_string=query)
        assert response.status_code < 500, (url, query, response.status_code)


@given(query=queries)
@SETTINGS
def test_no_get_route_fails_for_an_anonymous_visitor(client, urls, query):
    _check(client, urls, query)


@given(query=queries)
@STAFF_SETTINGS
def test_no_get_route_fails_for_staff(client, session, urls, query):
    if not client.get_cookie("session"):
        make_user(session, email="staf@example.nl", name="Sam Staf",
                  roles=("beheerder", "preventiemakelaar", "professional", "ambassadeur", "vrijwilliger",
                         "aanbieder"))
        login(client, "staf@example.nl")
    _check(client, urls, query)


@pytest.mark.parametrize("value", CORE_TROUBLE)
def test_every_get_route_with_every_parameter_set_to_a_troublemaker(client, urls, value):
    """The same, without chance: each troublemaker in every parameter at once, on every route."""
    _check(client, urls, {name: value for name in PARAMETER_NAMES})
