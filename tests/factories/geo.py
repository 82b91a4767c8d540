"""``make_world(session)``: one gemeente, two wijken and two buurten with postcodes, enough for
geography-aware tests without the (slower) full demo."""

from __future__ import annotations

from dataclasses import dataclass

from marketplace.models import Area, PostcodeArea

from .base import add


@dataclass
class World:
    gemeente: Area
    wijk: Area
    velve: Area       # buurt, postcodes 7541AA (centroid) and 7541AB
    pathmos: Area     # buurt ~2.5 km away, postcode 7513AA


def make_world(session) -> World:
    gemeente = add(session, Area(kind="gemeente", name="Enschede", code="GM0153", lat=52.2215, lon=6.8937))
    wijk = add(session, Area(kind="wijk", name="Velve-Lindenhof", code="WK015305", parent_id=gemeente.id,
                             lat=52.206, lon=6.858))
    wijk2 = add(session, Area(kind="wijk", name="Pathmos", code="WK015304", parent_id=gemeente.id,
                              lat=52.213, lon=6.905))
    velve = add(session, Area(kind="buurt", name="Velve", code="BU01530501", parent_id=wijk.id,
                              lat=52.2060, lon=6.8580))
    pathmos = add(session, Area(kind="buurt", name="Pathmos-Noord", code="BU01530401", parent_id=wijk2.id,
                                lat=52.2135, lon=6.9050))
    for pc, lat, lon, buurt in [("7541AA", 52.2060, 6.8580, velve), ("7541AB", 52.2065, 6.8590, velve),
                                ("7541", 52.2060, 6.8580, velve), ("7513AA", 52.2135, 6.9050, pathmos),
                                ("7513", 52.2135, 6.9050, pathmos)]:
        session.add(PostcodeArea(postcode=pc, lat=lat, lon=lon, buurt_id=buurt.id, street="Velvetstraat"))
    session.commit()
    return World(gemeente, wijk, velve, pathmos)
