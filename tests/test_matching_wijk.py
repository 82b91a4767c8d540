"""A wijk-bound service serves the whole wijk its text names, also when a buurt has the wijk's name."""

from matching import audience
from marketplace import matching_service as ms
from marketplace.models import Area


def test_a_name_shared_by_a_wijk_and_its_buurt_means_the_wijk(session):
    gemeente = Area(kind="gemeente", name="Enschede", code="GM0153", lat=52.22, lon=6.89)
    session.add(gemeente)
    session.flush()
    wijk = Area(kind="wijk", name="Twekkelerveld", code="WK015301", parent_id=gemeente.id, lat=52.23, lon=6.87)
    session.add(wijk)
    session.flush()
    # Before, the row read last won the name: here the buurt, in id order and in code order alike.
    session.add(Area(kind="buurt", name="Twekkelerveld", code="WK015301-01", parent_id=wijk.id, lat=52.23, lon=6.87))
    tubantia = Area(kind="buurt", name="Tubantia-Toekomst", code="BU01530102", parent_id=wijk.id,
                    lat=52.231, lon=6.872)
    session.add(tubantia)
    session.flush()
    names = ms._gazetteer(session)
    assert names["twekkelerveld"] == "WK015301"  # not its buurt WK015301-01
    served = audience.served_areas("Voor bewoners van Twekkelerveld.", "", names)
    assert set(served) & set(ms._area_codes(session, tubantia.id))  # a Tubantia resident is served
