"""The gazetteer (postcodes, wijken, buurten) in memory (geocoding.gazetteer): a geocode and the
"which buurt and wijk is this point in" of every suggestion read no postcode or area rows, and
are still never stale: a postcode or area committed by anyone is seen at the next call, a
session's own uncommitted ones only by that session. And the reasons' words are looked up once
per answer, not once per reason (matching_service._words)."""

from __future__ import annotations

import math

import flask_babel
import pytest
from flask_babel import force_locale
from sqlmodel import select

from marketplace import db, matching_service
from marketplace.geocoding import OfflineGeocoder
from marketplace.models import Area, PostcodeArea
from marketplace.postcodes import import_postcodes

from .factories import add, make_offer, make_user, make_world
from .test_list_queries import counted

SUGGEST = "/api/v1/suggest?text=wie kan boodschappen voor mij doen&postcode=7541AB"


@pytest.fixture
def world(session):
    world = make_world(session)
    volunteer = make_user(session, email="v@example.nl", roles=("vrijwilliger",), name="Mehmet Kaya")
    make_offer(session, volunteer, world.velve, title="Ik doe boodschappen voor u", categories=("boodschappen",),
               description="Met de auto naar de supermarkt of apotheek.", radius_m=20000)
    return world


def test_a_suggestion_reads_no_postcode_or_area_rows(app, client, world):
    """Before: every call read each 4-digit postcode row and picked the nearest in Python, then each
    area up the tree, and the postcode itself: five queries per suggestion."""
    client.get(SUGGEST)  # the first call reads the gazetteer once
    app.config["CACHE_URL"] = "off"  # (and no answer from a cache: the whole answer is computed)
    app.extensions.pop("result_cache", None)
    with counted(app) as statements:
        assert client.get(SUGGEST).status_code == 200
    assert statements, "no statement counted"
    read = [s for s in statements if "FROM postcode_area" in s or "FROM area" in s]
    assert read == [], read


def test_a_postcode_or_area_committed_elsewhere_is_seen_at_the_next_call(app, client, world):
    with app.app_context():
        assert OfflineGeocoder(db.get_session()).locate("7599ZZ") is None  # 7599 is unknown
    assert client.get("/api/v1/suggest?text=boodschappen&postcode=7599ZZ").status_code == 400
    with app.app_context(), db.session_scope() as s:
        wijk = add(s, Area(kind="wijk", name="Nieuwbouw", code="WK015399", parent_id=world.gemeente.id,
                           lat=52.25, lon=6.80))
        buurt = add(s, Area(kind="buurt", name="De Akker", code="BU01539901", parent_id=wijk.id, lat=52.25, lon=6.80))
        assert import_postcodes(s, [["7599", "52.25", "6.80", "BU01539901"]]) == 1
    assert client.get("/api/v1/suggest?text=boodschappen&postcode=7599ZZ").status_code == 200
    with app.app_context():
        session = db.get_session()
        place = OfflineGeocoder(session).locate("7599ZZ")
        assert (place.source, place.buurt_id) == ("pc4", buurt.id)
        assert matching_service.areas_at(session, 52.2501, 6.8001) == ("BU01539901", "WK015399")
        assert matching_service.areas_at(session, 52.2061, 6.8581) == ("BU01530501", "WK015305")


def test_a_sessions_own_uncommitted_postcode_is_its_own(app, world):
    with app.app_context():
        writer = db.get_session()
        OfflineGeocoder(writer).locate("7541AB")  # the shared copy is read
        writer.add(PostcodeArea(postcode="7541ZZ", lat=52.2, lon=6.85, buurt_id=world.velve.id))
        assert OfflineGeocoder(writer).locate("7541ZZ").source == "pc6"  # its own change, not flushed yet
        writer.rollback()
        assert OfflineGeocoder(writer).locate("7541ZZ").source == "pc4"  # gone with the rollback
        with db.new_session(db.bind_of(app)) as other:
            assert OfflineGeocoder(other).locate("7541ZZ").source == "pc4"


def test_areas_at_is_the_nearest_4_digit_postcodes_buurt(session, world):
    """The same answer as reading every row (the old way), for points all over the map."""
    far = add(session, Area(kind="buurt", name="Ver weg", code="BU01539999", parent_id=world.wijk.id,
                            lat=52.30, lon=6.95))
    add(session, PostcodeArea(postcode="7545", lat=52.30, lon=6.95, buurt_id=far.id))
    add(session, PostcodeArea(postcode="7546", lat=52.10, lon=6.70, buurt_id=None))  # no buurt: never the answer
    rows = [(pc.lat, pc.lon, pc.buurt_id) for pc in session.exec(select(PostcodeArea)).all()
            if pc.buurt_id is not None and len(pc.postcode) == 4]
    for lat in (52.10, 52.20, 52.2061, 52.21, 52.25, 52.29, 52.40):
        for lon in (6.70, 6.85, 6.90, 6.93, 7.00):
            scale = math.cos(math.radians(lat))
            best = min(rows, key=lambda r: (r[0] - lat) ** 2 + ((r[1] - lon) * scale) ** 2)
            assert matching_service.areas_at(session, lat, lon) == matching_service._area_codes(session, best[2])
    assert matching_service._area_codes(session, far.id) == ("BU01539999", "WK015305")
    assert matching_service._area_codes(session, None) == ()


def test_the_reasons_of_an_answer_look_the_catalogue_up_once(app, monkeypatch):
    """Before: Flask-Babel's gettext looked up context, domain, locale and catalogue for each of the
    ~60 reasons of an answer. The words are the same, in both languages."""
    lookups = []
    real = flask_babel.Domain.get_translations

    def counting(self):
        lookups.append(1)
        return real(self)

    monkeypatch.setattr(flask_babel.Domain, "get_translations", counting)

    class Suggestion:
        reasons = [("kind_offer", {}), ("distance_km", {"km": 1.24}), ("category", {"slug": "boodschappen"}),
                   ("languages", {"codes": ["tr", "ar"]}), ("weekly", {"weekday": 1, "time": "10:00"}),
                   ("places_left", {"n": 3}), ("target_group", {"min_age": 65, "groups": ["mantelzorger"]}),
                   ("cost_free", {}), ("shared_words", {"words": ["fiets"]})] * 6

    with app.test_request_context("/"):
        with force_locale("nl"):
            matching_service.reason_texts(Suggestion)  # the first answer in a language: its catalogue
            lookups.clear()
            nl = matching_service.reason_texts(Suggestion)
            assert len(lookups) <= 1, len(lookups)
        with force_locale("en"):
            en = matching_service.reason_texts(Suggestion)
    assert nl[:9] == ["vrijwilliger uit uw buurt", "1,2 km van u", "past bij uw vraag: Boodschappen",
                      "spreekt Turks en Arabisch", "elke dinsdag 10:00", "nog 3 plaatsen vrij",
                      "bedoeld voor: mantelzorgers, vanaf 65 jaar", "gratis", "gaat ook over: fiets"]
    assert en[:6] == ["volunteer from your neighbourhood", "1.2 km from you", "fits your request: Errands and shopping",
                      "speaks Turkish and Arabic", "every Tuesday 10:00", "3 places left"]
