"""GET /api/v1/suggest: exact shape, sorted categories, public data only, safety, 400s, rate limit."""

from __future__ import annotations

import pytest

from .factories import add, make_activity, make_offer, make_organisation, make_user, make_voorziening, make_world


@pytest.fixture
def world(session):
    world = make_world(session)
    org = make_organisation(session)
    volunteer = make_user(session, email="v@example.nl", roles=("vrijwilliger",), name="Mehmet Kaya")
    make_offer(session, volunteer, world.velve, title="Ik doe boodschappen voor u", categories=("boodschappen",),
               description="Met de auto naar de supermarkt of apotheek.")
    make_offer(session, volunteer, world.velve, title="Luisterend oor", categories=("gezelschap",),
               description="Een praatje en koffie.")
    make_voorziening(session, org, world.velve, name="Boodschappendienst De Schakel", categories=("boodschappen",))
    make_voorziening(session, org, world.pathmos, name="Wijkteam Pathmos", categories=("veiligheid",), tier="eerste",
                     description="Hulp bij geweld of onveilige situaties thuis.")
    make_activity(session, world.velve, org=org, title="Koffieochtend De Velve", categories=("gezelschap", "ontmoeting"))
    return world


def test_shape_is_exact_and_categories_sorted(client, world):
    response = client.get("/api/v1/suggest?text=wie kan boodschappen voor mij doen&postcode=7541AB")
    assert response.status_code == 200
    data = response.get_json()
    assert set(data) == {"categories", "suggestions", "safety", "confident"}
    assert data["safety"] == "none" and data["confident"] is True
    scores = [c["score"] for c in data["categories"]]
    assert scores == sorted(scores, reverse=True) and len(scores) == 19
    assert data["categories"][0]["slug"] == "boodschappen"
    assert all(set(c) == {"slug", "score"} for c in data["categories"])
    assert data["suggestions"], data
    for s in data["suggestions"]:
        assert set(s) == {"kind", "id", "title", "category", "tier", "distance_m", "score", "reasons"}
        assert s["kind"] in {"offer", "voorziening", "activity"} and s["tier"] in {"nulde", "eerste", "tweede"}
        assert isinstance(s["id"], int) and isinstance(s["distance_m"], int) and isinstance(s["score"], float)
        assert s["reasons"] and all(isinstance(r, str) for r in s["reasons"])
    # the first answer: the best listing of the one need; alle=1 gives the volunteer and the service
    assert len(data["suggestions"]) == 1
    every = client.get("/api/v1/suggest?text=wie kan boodschappen voor mij doen&postcode=7541AB&alle=1").get_json()
    assert {"offer", "voorziening"} <= {s["kind"] for s in every["suggestions"]}
    bad = client.get("/api/v1/suggest?text=boodschappen&postcode=7541AB&alle=ja")
    assert bad.status_code == 400 and "alle" in bad.get_json()["error"]


def test_lat_lon_and_limit(client, world):
    data = client.get("/api/v1/suggest?text=boodschappen&lat=52.206&lon=6.858&limit=1").get_json()
    assert len(data["suggestions"]) == 1


def test_social_need_prefers_a_group_activity(client, world):
    data = client.get("/api/v1/suggest?text=ik voel me eenzaam, wil graag mensen ontmoeten&postcode=7541AA").get_json()
    assert data["suggestions"][0]["kind"] == "activity"


def test_danger_never_gets_a_volunteer_and_shows_emergency_numbers(client, world):
    data = client.get("/api/v1/suggest?text=mijn man slaat mij en ik ben bang&postcode=7541AA").get_json()
    assert data["suggestions"]
    assert all(s["kind"] == "voorziening" and s["tier"] != "nulde" for s in data["suggestions"])
    assert any("112" in r for r in data["suggestions"][0]["reasons"])
    assert any("0800-2000" in r for r in data["suggestions"][0]["reasons"])


def test_public_information_only(client, world):
    body = client.get("/api/v1/suggest?text=boodschappen&postcode=7541AA").get_data(as_text=True)
    assert "Kaya" not in body and "v@example.nl" not in body


@pytest.mark.parametrize("query,message", [
    ("", "text is verplicht"),
    ("?text=hulp", "postcode, of lat en lon"),
    ("?text=hulp&postcode=ABC", "Nederlandse postcode"),
    ("?text=hulp&postcode=9999ZZ", "kennen we niet"),
    ("?text=hulp&lat=abc&lon=6", "getallen"),
    ("?text=hulp&lat=nan&lon=6", "tussen"),
    ("?text=hulp&lat=95&lon=6", "tussen"),
    ("?text=hulp&postcode=7541AA&limit=0", "limit"),
    ("?text=hulp&postcode=7541AA&limit=abc", "limit"),
    ("?text=hulp&postcode=7541AA&limit=500", "limit"),
    ("?text=" + "x" * 1001 + "&postcode=7541AA", "hoogstens"),
])
def test_bad_parameters_are_400_with_json(client, world, query, message):
    response = client.get("/api/v1/suggest" + query)
    assert response.status_code == 400
    assert message in response.get_json()["error"]


def test_rate_limited(make_app, session):
    app = make_app(RATELIMIT_ENABLED=True, API_RATE_LIMIT="3 per minute")
    client = app.test_client()
    codes = [client.get("/api/v1/suggest?text=hulp").status_code for _ in range(4)]
    assert codes == [400, 400, 400, 429]
    assert "error" in client.get("/api/v1/suggest?text=hulp").get_json()


def test_the_api_says_when_it_does_not_understand_and_when_a_professional_looks_first(client, world):
    nonsense = client.get("/api/v1/suggest?text=test&postcode=7541AB").get_json()
    assert nonsense["confident"] is False and nonsense["suggestions"] == []
    doubt = client.get("/api/v1/suggest?text=wie doet boodschappen, ik ben bang als hij thuiskomt&postcode=7541AB"
                       ).get_json()
    assert doubt["safety"] == "possible"
    assert all(s["kind"] != "offer" for s in doubt["suggestions"])  # no volunteer before a professional looked


@pytest.mark.real_commits  # a cron job takes its lock on a connection of its own
def test_match_train_saves_a_model_that_every_worker_loads(make_app, tmp_path, session, classifier, monkeypatch):
    from marketplace.models import CategoryExample
    from matching.classifier import CategoryClassifier

    # The job's plumbing is the point here (fitting is tested in tests/matching and costs 30 s of
    # CPU): what it trains on, that it saves, that every worker loads what it saved.
    trained_on = []

    def fit(categories, examples=(), **params):
        trained_on.extend(examples)
        return classifier

    monkeypatch.setattr(CategoryClassifier, "from_categories", fit)
    app = make_app(MATCHING_MODEL_PATH=str(tmp_path / "model" / "classifier.joblib"))
    add(session, CategoryExample(text="zwerfafval prikken", category_slug="klussen", source="correction"))
    result = app.test_cli_runner().invoke(args=["match", "train"])
    assert ("zwerfafval prikken", "klussen") in trained_on  # residents' corrections teach the model
    assert result.exit_code == 0, result.output
    assert "top-1" in result.output and (tmp_path / "model" / "classifier.json").exists()
    from marketplace import matching_service
    with app.app_context():
        loaded = matching_service.load_classifier()
        assert loaded is not matching_service.base_classifier()
        assert loaded.predict("wie laat mijn hond uit")[0][0] == "huisdieren"
