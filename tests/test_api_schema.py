"""The JSON API against its own OpenAPI document (/api/openapi.json), fuzzed by schemathesis.

Over 1,000 generated requests (valid and invalid input): no 5xx, every status code documented,
every answer JSON and valid against the document. The document's fields are the API's exact fields.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (content_type_conformance, response_schema_conformance,
                                               status_code_conformance)

from .factories import make_activity, make_offer, make_organisation, make_user, make_voorziening, make_world


CHECKS = [schemathesis.checks.not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
# (mode, fixed query, examples): valid input anywhere, valid input at a known postcode (so most
# requests reach the matcher), invalid input. 1,100 requests in all.
RUNS = {
    "positive": (GenerationMode.POSITIVE, None, 400),
    "positive-known-postcode": (GenerationMode.POSITIVE, {"postcode": "7541AB"}, 400),
    "negative": (GenerationMode.NEGATIVE, None, 300),
}


@pytest.fixture
def world(session):
    world = make_world(session)
    org = make_organisation(session)
    volunteer = make_user(session, email="v@example.nl", roles=("vrijwilliger",), name="Mehmet Kaya")
    make_offer(session, volunteer, world.velve, title="Ik doe boodschappen voor u", categories=("boodschappen",))
    make_voorziening(session, org, world.velve, name="Taalcafé De Velve", categories=("taal",))
    make_voorziening(session, org, world.pathmos, name="Wijkteam Pathmos", categories=("veiligheid",), tier="eerste")
    make_activity(session, world.velve, org=org, title="Koffieochtend", categories=("gezelschap", "ontmoeting"))
    return world


def test_document_is_openapi_31_and_lists_every_api_route(app, client):
    document = client.get("/api/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    api_rules = {r.rule for r in app.url_map.iter_rules() if r.rule.startswith("/api/")}
    assert set(document["paths"]) == api_rules


def test_document_matches_a_real_answer_field_for_field(client, world):
    document = client.get("/api/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    data = client.get("/api/v1/suggest?text=wie doet boodschappen voor mij&postcode=7541AB").get_json()
    assert set(data) == set(schemas["SuggestResult"]["required"])
    assert data["suggestions"]
    assert set(data["suggestions"][0]) == set(schemas["Suggestion"]["required"])
    assert set(data["categories"][0]) == set(schemas["CategoryScore"]["required"])


@pytest.mark.parametrize("run_name", list(RUNS))
def test_fuzzed_requests_get_documented_answers(app, world, run_name):
    mode, query, examples = RUNS[run_name]
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    operation = schema["/api/v1/suggest"]["GET"]
    statuses: list[int] = []

    @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode, query=query))
    def run(case):
        statuses.append(case.call_and_validate(checks=CHECKS).status_code)

    run()
    assert len(statuses) >= examples * 0.9  # Hypothesis may stop early only on exhausted input
    assert all(code < 500 for code in statuses)
    if query:
        assert 200 in statuses  # the fuzzing reached the matcher, not only the input checks
