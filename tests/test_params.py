"""Input that used to give a 500: huge ids, '²', nan and 1e400, a series in the year 9999; the error
pages themselves; and JSON for every error under /api/."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import select

from marketplace import db
from marketplace.models import Activity, ActivityOccurrence, HelpRequest, Match, Report
from marketplace.params import (MAX_ID, SafeIntConverter, add_weeks, bounded_int, date_in_range, finite_float,
                                int_id)

from .factories import (login, make_activity, make_offer, make_organisation, make_request, make_user,
                        make_world)

TOO_BIG = [str(2**63), "99999999999999999999"]
NASTY_NUMBERS = ["²", "٣", "-1", "0", "1_0", " ", "1.5", "0x10", *TOO_BIG, "1" * 5000]
NASTY_FLOATS = ["nan", "NaN", "inf", "-inf", "Infinity", "1e400", "-1e400", "٣", "1_0", "0x1p3", ""]


# --------------------------------------------------------------------------- the helpers


def test_int_id_accepts_only_ascii_digits_within_bigint():
    assert int_id("42") == 42 and int_id(" 7 ") == 7 and int_id(str(MAX_ID)) == MAX_ID and int_id(3) == 3
    for raw in [*NASTY_NUMBERS, None, "", True, 2**63, b"\xff"]:
        assert int_id(raw) is None, raw


def test_bounded_int_and_clamping():
    assert bounded_int("5", 1, 10) == 5 and bounded_int("+1", 0, 3) == 1 and bounded_int(" 1", 0, 3) == 1
    assert bounded_int("11", 1, 10) is None and bounded_int("11", 1, 10, clamp=True) == 10
    assert bounded_int("-3", 0, 26, clamp=True) == 0 and bounded_int(str(10**30), 1, 9) is None
    for raw in ("²", "abc", "", None, "1.0", "1" * 5000):
        assert bounded_int(raw, 0, 10, clamp=True) is None, raw


def test_finite_float_refuses_nan_inf_and_overflow():
    assert finite_float("52.2", -90, 90) == 52.2 and finite_float("-6", -180, 180) == -6.0
    assert finite_float(".5", 0, 1) == 0.5 and finite_float("1e2", 0, 1000) == 100.0
    for raw in (*NASTY_FLOATS, "91", None, float("nan"), float("inf")):
        assert finite_float(raw, -90, 90) is None, raw


def test_dates_stay_between_2000_and_2100_also_when_adding_weeks():
    assert date_in_range("2026-12-01") == date(2026, 12, 1)
    for raw in ("9999-12-25", "1999-12-31", "2101-01-01", "2026-02-30", "２０２６-01-01", "", None):
        assert date_in_range(raw) is None, raw
    assert add_weeks(date(2026, 1, 1), 2) == date(2026, 1, 15)
    assert add_weeks(date(9999, 12, 25), 1) is None  # used to raise OverflowError
    assert add_weeks(date(2100, 12, 25), 1) is None


# --------------------------------------------------------------------------- every <int:...> route


def _int_rules(app):
    rules = [r for r in app.url_map.iter_rules() if any(isinstance(c, SafeIntConverter)
                                                        for c in r._converters.values())]
    assert len(rules) >= 20  # every id route of the app, found from the URL map
    return rules


def _urls(rule, value):
    return re.sub(r"<int:[a-z_]+>", value, rule.rule)


@pytest.mark.parametrize("who", ["anonymous", "beheerder"])
def test_every_int_route_answers_404_for_ids_the_database_cannot_hold(app, client, session, who):
    if who == "beheerder":
        make_user(session, roles=("beheerder", "preventiemakelaar", "vrijwilliger", "aanbieder"))
        login(client)
    wrong = []
    for rule in _int_rules(app):
        for value in TOO_BIG:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                response = client.open(_urls(rule, value), method=method)
                if response.status_code != 404:
                    wrong.append((method, rule.rule, value, response.status_code))
    assert wrong == []


def test_int_routes_take_ascii_digits_only(client, session):
    world = make_world(session)
    activity = make_activity(session, world.velve, org=make_organisation(session))
    assert client.get(f"/activiteiten/{activity.id}").status_code == 200
    arabic_indic = "".join(chr(0x0660 + int(d)) for d in str(activity.id))  # the same number, other digits
    assert client.get(f"/activiteiten/{arabic_indic}").status_code == 404


# --------------------------------------------------------------------------- id, page and number parameters


@pytest.fixture
def scene(session):
    world = make_world(session)
    volunteer = make_user(session, email="v@example.nl", roles=("vrijwilliger", "professional"), name="Vera")
    resident = make_user(session, email="anna@example.nl", name="Anna")
    offer = make_offer(session, volunteer, world.velve)
    request = make_request(session, resident, world.velve)
    make_activity(session, world.velve, org=make_organisation(session))
    return {"world": world, "offer": offer, "request": request}


@pytest.mark.parametrize("value", NASTY_NUMBERS)
def test_numeric_query_parameters_never_crash(client, scene, value):
    login(client, "v@example.nl")
    for url in ("/hulpvragen/?wijk={}&page={}", "/aanbod/?wijk={}&page={}", "/activiteiten/?wijk={}&week={}",
                "/voorzieningen/?leeftijd={}&page={}", "/koppelingen/voorstellen?hulpvraag={}&x={}",
                "/moderatie/melden?soort=request&id={}&x={}", "/api/v1/suggest?text=hulp&postcode=7541AA&limit={}&x={}"):
        response = client.get(url.format(value, value))
        assert response.status_code < 500, (url, value, response.status_code)


@pytest.mark.parametrize("value", NASTY_NUMBERS)
def test_id_form_fields_never_crash_and_write_nothing(app, client, scene, value):
    login(client, "v@example.nl")
    response = client.post("/koppelingen/voorstellen", data={"request_id": value, "offer_id": scene["offer"].id})
    assert response.status_code == 404
    response = client.post("/koppelingen/voorstellen", data={"request_id": scene["request"].id, "offer_id": value})
    assert response.status_code == 404
    with app.app_context():
        assert db.get_session().exec(select(Match)).all() == []


def test_moderation_decision_with_a_huge_target_id_is_refused(app, client, session):
    make_user(session, roles=("preventiemakelaar",))
    login(client)
    for value in TOO_BIG:
        response = client.post("/moderatie/besluit", data={"kind": "report", "target_id": value, "action": "dismiss"})
        assert response.status_code == 400, value
    with app.app_context():
        assert db.get_session().exec(select(Report)).all() == []


@pytest.mark.parametrize("value", NASTY_FLOATS)
def test_lat_lon_nan_and_infinity_never_crash(client, scene, value):
    for url in ("/voorzieningen/?lat={v}&lon=6.8", "/voorzieningen/?lat=52.2&lon={v}",
                "/voorzieningen/kaart.json?lat={v}&lon={v}&sorteer=afstand",
                "/api/v1/suggest?text=hulp&lat={v}&lon=6.8", "/api/v1/suggest?text=hulp&lat=52.2&lon={v}"):
        response = client.get(url.format(v=value))
        assert response.status_code in (200, 400, 422), (url, value, response.status_code)


# --------------------------------------------------------------------------- dates


def _activity_form(**overrides):
    from .test_activiteiten import form_data
    return form_data(**overrides)


@pytest.mark.parametrize("first,repeat,times", [
    ("9999-12-25", "weekly", "4"), ("9999-12-31", "once", ""), ("2100-12-25", "weekly", "8"),
    ("1999-01-01", "once", ""), ("0001-01-01", "weekly", "2"),
])
def test_a_series_beyond_2100_is_refused_in_dutch_and_nothing_is_written(app, client, session, first, repeat, times):
    make_world(session)
    make_user(session)
    login(client)
    response = client.post("/activiteiten/nieuw", data=_activity_form(first_date=first, repeat=repeat, times=times))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Kies een datum tussen 2000 en 2100." in page or "al voorbij" in page
    with app.app_context():
        s = db.get_session()
        assert s.exec(select(Activity)).all() == [] and s.exec(select(ActivityOccurrence)).all() == []


def test_request_dates_are_capped_too(app, client, session):
    make_world(session)
    make_user(session)
    login(client)
    response = client.post("/hulpvragen/nieuw", data={
        "category": "boodschappen", "title": "Boodschappen doen", "description": "Ik kan niet goed lopen.",
        "urgency": "geen haast", "postcode": "7541 AB", "languages": ["nl"], "wanted_from": "9999-12-25"})
    assert response.status_code == 422
    assert "Kies een datum tussen 2000 en 2100." in response.get_data(as_text=True)
    with app.app_context():
        assert db.get_session().exec(select(HelpRequest)).all() == []


# --------------------------------------------------------------------------- the error pages


def _crashing_app(make_app, **config):
    app = make_app(PROPAGATE_EXCEPTIONS=False, **config)

    def crash():
        from flask_login import current_user
        assert current_user.display_name  # the user is loaded, as on any page
        raise RuntimeError("boom")

    def integrity():
        raise IntegrityError("INSERT", {}, Exception("UNIQUE constraint failed"))

    def locked():
        raise OperationalError("UPDATE", {}, Exception("database is locked"))

    for path, view in (("/test/crash", crash), ("/api/v1/test/crash", crash), ("/test/integrity", integrity),
                       ("/api/v1/test/integrity", integrity), ("/test/locked", locked),
                       ("/api/v1/test/locked", locked)):
        app.add_url_rule(path, path, view)
    return app


def test_the_500_page_renders_for_a_logged_in_user(make_app):
    app = _crashing_app(make_app)
    with app.app_context():
        make_user(db.get_session(), roles=("bewoner", "beheerder"), name="Anna de Vries")
    client = app.test_client()
    login(client)
    response = client.get("/test/crash")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Er ging iets mis bij ons" in page and "U bent ingelogd als Anna de Vries." in page
    assert client.get("/").status_code == 200  # the next request has a fresh session


def test_a_constraint_or_a_busy_database_is_a_dutch_try_again_page(make_app):
    app = _crashing_app(make_app)
    client = app.test_client()
    response = client.get("/test/integrity")
    assert response.status_code == 409 and "Iemand anders heeft dit net veranderd" in response.get_data(as_text=True)
    response = client.get("/test/locked")
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert "erg druk" in response.get_data(as_text=True)


@pytest.mark.parametrize("method,path,code,words", [
    ("GET", "/api/bestaat-niet", 404, "bestaat niet"),
    ("GET", "/api/v1/bestaat-niet", 404, "bestaat niet"),
    ("POST", "/api/v1/suggest", 405, "niet op deze manier"),
    ("GET", "/api/v1/test/crash", 500, "Er ging iets mis bij ons"),
    ("GET", "/api/v1/test/integrity", 409, "Iemand anders"),
    ("GET", "/api/v1/test/locked", 503, "erg druk"),
])
def test_every_api_error_is_json_in_dutch(make_app, method, path, code, words):
    app = _crashing_app(make_app)
    response = app.test_client().open(path, method=method)
    assert response.status_code == code
    assert response.is_json, response.get_data(as_text=True)[:200]
    assert words in response.get_json()["error"] and response.get_json()["status"] == code


def test_api_rate_limit_is_json_in_dutch(make_app, session):
    app = make_app(RATELIMIT_ENABLED=True, API_RATE_LIMIT="1 per minute")
    make_world(session)
    client = app.test_client()
    client.get("/api/v1/suggest?text=hulp&postcode=7541AA")
    response = client.get("/api/v1/suggest?text=hulp&postcode=7541AA")
    assert response.status_code == 429 and response.is_json
    assert "te vaak" in response.get_json()["error"]


@pytest.mark.parametrize("method,url,data", [
    ("GET", "/hulpvragen/?categorie=%00", None), ("GET", "/beheer/gebruikers?q=a%00", None),
    ("GET", "/prikbord/%00", None), ("GET", "/voorzieningen/?q=x&q=%00", None),
    ("POST", "/login", {"email": "anna@example.nl", "password": "a\x00"}),
])
def test_a_nul_character_is_a_400_before_any_view(client, method, url, data):
    """PostgreSQL cannot compare text with NUL: it used to be a 500 wherever it reached a query."""
    response = client.open(url, method=method, data=data)
    assert response.status_code == 400
    assert "teken dat niet mag" in response.get_data(as_text=True)
    assert client.get("/api/v1/suggest?text=%00").get_json()["status"] == 400


def test_a_query_switch_is_yes_only_for_1():
    from marketplace.params import flag
    assert flag("1") and flag(" 1 ") and flag(b"1")
    assert not any(flag(v) for v in (None, "", "0", "ja", "true", "11", b"\xff", "１"))
