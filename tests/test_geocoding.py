"""The offline geocoder answers from the postcode gazetteer; the import refuses bad rows."""

from __future__ import annotations

import pytest
from sqlmodel import select

from marketplace.geocoding import (NominatimGeocoder, OfflineGeocoder, normalise_postcode,
                                   rough_distance)
from marketplace.models import Area, PostcodeArea
from marketplace.postcodes import PostcodeImportError, import_postcodes


@pytest.fixture
def buurt(session):
    gemeente = Area(kind="gemeente", name="Enschede", code="GM0153", lat=52.22, lon=6.89)
    session.add(gemeente)
    session.commit()
    buurt = Area(kind="buurt", name="Velve", code="BU01530501", parent_id=gemeente.id, lat=52.205, lon=6.86)
    session.add(buurt)
    session.commit()
    session.add(PostcodeArea(postcode="7542", lat=52.206, lon=6.861, buurt_id=buurt.id))
    session.add(PostcodeArea(postcode="7542AB", lat=52.2051, lon=6.8602, buurt_id=buurt.id))
    session.commit()
    return buurt


@pytest.mark.parametrize("raw,expected", [("7542 ab", "7542AB"), ("7542AB", "7542AB"), ("7542", "7542"),
                                          (" 7542ab ", "7542AB"), ("0542AB", None), ("abc", None), ("", None)])
def test_normalise_postcode(raw, expected):
    assert normalise_postcode(raw) == expected


def test_offline_geocoder_pc6_then_pc4(session, buurt):
    geocoder = OfflineGeocoder(session)
    exact = geocoder.locate("7542 ab")
    assert exact.source == "pc6" and exact.buurt_id == buurt.id and exact.lat == pytest.approx(52.2051)
    fallback = geocoder.locate("7542ZZ")
    assert fallback.source == "pc4" and fallback.postcode == "7542ZZ"
    assert geocoder.locate("9999") is None
    assert geocoder.locate("Hengelosestraat 1") is None


def test_nominatim_geocoder_uses_gazetteer_first_and_the_service_for_addresses(session, buurt):
    class FakeService:  # stands in for the public geocoding service we cannot reach in tests
        calls = []

        def geocode(self, query, country_codes):
            self.calls.append(query)
            from geopy.location import Location
            return Location("Hengelosestraat 1, Enschede", (52.224, 6.88), {})

    service = FakeService()
    geocoder = NominatimGeocoder(session, "test", "example.invalid", geocoder=service)
    assert geocoder.locate("7542AB").source == "pc6" and service.calls == []
    place = geocoder.locate("Hengelosestraat 1, Enschede")
    assert place.source == "nominatim" and place.lat == 52.224


def test_import_postcodes_and_bad_rows(session, buurt):
    rows = [["postcode", "lat", "lon", "buurt_code"], ["7542 CD", "52.204", "6.862", "BU01530501"],
            ["7543", "52.21", "6.87", ""]]
    assert import_postcodes(session, rows) == 2
    session.commit()
    assert session.get(PostcodeArea, "7542CD").buurt_id == buurt.id
    for bad, message in [(["12", "52", "6", ""], "geen postcode"), (["7544", "x", "6", ""], "geen getallen"),
                         (["7544", "40.0", "6.0", ""], "niet in Nederland"),
                         (["7544", "52.2", "6.8", "BU999"], "onbekend")]:
        with pytest.raises(PostcodeImportError, match=message):
            import_postcodes(session, [bad])
        session.rollback()


def test_import_postcodes_cli_is_all_or_nothing(app, runner, session, buurt, tmp_path):
    good = tmp_path / "pc.csv"
    good.write_text("postcode,lat,lon,buurt_code\n7542EF,52.205,6.861,BU01530501\n")
    result = runner.invoke(args=["import-postcodes", str(good)])
    assert result.exit_code == 0 and "1 postcodegebieden" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_text("7542GH,52.205,6.861,BU01530501\nonzin,1,2,3\n")
    result = runner.invoke(args=["import-postcodes", str(bad)])
    assert result.exit_code != 0 and "Regel 2" in result.output
    session.expire_all()
    assert session.get(PostcodeArea, "7542GH") is None
    assert len(session.exec(select(PostcodeArea)).all()) == 3


def test_rough_distance_is_never_precise():
    assert rough_distance(37) == "ongeveer 100 m"
    assert rough_distance(340) == "ongeveer 300 m"
    assert rough_distance(2450) == "ongeveer 2,5 km"
