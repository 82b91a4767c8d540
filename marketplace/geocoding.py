"""Geocoding behind one small interface.

``OfflineGeocoder`` answers from the postcode gazetteer (no network, the default).
``NominatimGeocoder`` asks a real geocoder through geopy for full addresses and
falls back to the gazetteer. Choose with the ``GEOCODER`` setting.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from babel.numbers import format_decimal
from flask_babel import gettext
from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session

from matching import geo

from .formatting import current_locale
from .models import PostcodeArea

POSTCODE_RE = re.compile(r"^\s*([1-9][0-9]{3})\s?([A-Za-z]{2})?\s*$")


@dataclass(frozen=True)
class Place:
    lat: float
    lon: float
    postcode: str | None
    buurt_id: int | None
    source: str  # "pc6", "pc4" or "nominatim"


class Geocoder(Protocol):
    def locate(self, query: str) -> Place | None: ...


def normalise_postcode(text: str) -> str | None:
    """'7511 ab' → '7511AB', '7511' → '7511'; None when it is not a Dutch postcode."""
    match = POSTCODE_RE.match(text or "")
    if not match:
        return None
    return match.group(1) + (match.group(2) or "").upper()


class Gazetteer:
    """The postcodes and the wijken and buurten, in memory: what the geocoder and the matcher's
    "which buurt and wijk is this point in" read on every call, read from the database once per
    version of them (``gazetteer``)."""

    def __init__(self, postcodes, areas):
        self.places: dict[str, tuple[float, float, int | None]] = {pc: (lat, lon, buurt) for pc, lat, lon, buurt in postcodes}
        with_buurt = sorted((pc, lat, lon, buurt) for pc, lat, lon, buurt in postcodes
                            if buurt is not None and len(pc) == 4)
        self._pc4_lat = np.array([r[1] for r in with_buurt], dtype=float)
        self._pc4_lon = np.array([r[2] for r in with_buurt], dtype=float)
        self._pc4_buurt = [r[3] for r in with_buurt]
        self.areas: dict[int, tuple[str, str, int | None]] = {i: (code, kind, parent) for i, code, kind, parent in areas}

    @classmethod
    def read(cls, session: Session) -> "Gazetteer":
        from sqlmodel import select
        from .models import Area
        return cls(session.exec(select(PostcodeArea.postcode, PostcodeArea.lat, PostcodeArea.lon,
                                       PostcodeArea.buurt_id)).all(),
                   session.exec(select(Area.id, Area.code, Area.kind, Area.parent_id)).all())

    def locate(self, postcode: str) -> Place | None:
        """A normalised postcode: its own PC6 row, else its PC4 area's."""
        if len(postcode) == 6 and postcode in self.places:
            lat, lon, buurt = self.places[postcode]
            return Place(lat, lon, postcode, buurt, "pc6")
        found = self.places.get(postcode[:4])
        return None if found is None else Place(found[0], found[1], postcode, found[2], "pc4")

    def nearest_buurt(self, lat: float, lon: float) -> int | None:
        """The buurt of the nearest 4-digit postcode that has one (requests sit on a buurt centroid anyway)."""
        if not self._pc4_buurt:
            return None
        scale = math.cos(math.radians(lat))
        spread = (self._pc4_lat - lat) ** 2 + ((self._pc4_lon - lon) * scale) ** 2
        return self._pc4_buurt[int(np.argmin(spread))]

    def area_codes(self, buurt_id: int | None) -> tuple[str, ...]:
        """A buurt's own code and its wijk's code."""
        codes, area = [], self.areas.get(buurt_id) if buurt_id else None
        while area is not None and area[1] in ("buurt", "wijk"):
            codes.append(area[0])
            area = self.areas.get(area[2]) if area[2] else None
        return tuple(codes)


_GAZETTEER = "buurtplein_gazetteer"  # app.extensions (committed versions) and session.info (a session's own)
_THIS_TRANSACTION = "buurtplein_gazetteer_now"  # session.info: the one this transaction already looked up


def gazetteer(session: Session) -> Gazetteer:
    """The gazetteer at the current version of the areas and postcodes: the newest supply_change
    entry of kind ``page`` (which logs every write to an area or a postcode, in its transaction;
    matching_service._supply_key), one indexed lookup per transaction. Read again only when it
    changed. A session that changed them and has not committed gets its own copy (in
    ``session.info``): nobody else may see those rows, and a rollback must not leave them in the
    shared one."""
    from flask import current_app, has_app_context
    from .matching_service import uncommitted_supply
    from .result_cache import supply_version

    looked_up = session.info.get(_THIS_TRANSACTION)
    if looked_up is not None and not (session.new or session.dirty or session.deleted):
        return looked_up  # nothing flushed since (a flush forgets it), nothing waiting to be
    version = supply_version(session, ("page",))[0]  # first: autoflushes, so pending rows are logged
    own = "page" in uncommitted_supply(session) or not has_app_context()
    store = session.info if own else current_app.extensions
    known = store.get(_GAZETTEER)
    if known is None or known[0] != version:
        known = (version, Gazetteer.read(session))
        store[_GAZETTEER] = known
    session.info[_THIS_TRANSACTION] = known[1]
    return known[1]


@event.listens_for(OrmSession, "after_flush")
@event.listens_for(OrmSession, "after_transaction_end")
def _forget_this_transactions(session, *_args) -> None:
    session.info.pop(_THIS_TRANSACTION, None)


class OfflineGeocoder:
    def __init__(self, session: Session):
        self.session = session

    def locate(self, query: str) -> Place | None:
        postcode = normalise_postcode(query)
        if postcode is None:
            return None
        return gazetteer(self.session).locate(postcode)


class NominatimGeocoder:
    """Real geocoder for full addresses; the gazetteer still answers postcodes first."""

    def __init__(self, session: Session, user_agent: str, domain: str, geocoder=None):
        from geopy.geocoders import Nominatim
        self.offline = OfflineGeocoder(session)
        self.geocoder = geocoder or Nominatim(user_agent=user_agent, domain=domain, timeout=5)

    def locate(self, query: str) -> Place | None:
        place = self.offline.locate(query)
        if place is not None:
            return place
        from geopy.exc import GeopyError
        try:
            found = self.geocoder.geocode(query, country_codes="nl")
        except GeopyError:
            return None
        if found is None:
            return None
        return Place(found.latitude, found.longitude, None, None, "nominatim")


def get_geocoder(session: Session, config: dict) -> Geocoder:
    if config.get("GEOCODER") == "nominatim":
        return NominatimGeocoder(session, config["NOMINATIM_USER_AGENT"], config["NOMINATIM_DOMAIN"])
    return OfflineGeocoder(session)


def metres_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle metres between two (lat, lon) points: the app's one distance, the matcher's too."""
    lat1, lon1, lat2, lon2 = np.radians((*a, *b))
    return float(geo.haversine_m(lat1, lon1, lat2, lon2))


def metres_from(point: tuple[float, float], lats, lons) -> np.ndarray:
    """``metres_between(point, (lat, lon))`` for many points at once (the same haversine)."""
    lat, lon = np.radians(point)
    return geo.haversine_m(lat, lon, np.radians(np.asarray(lats, dtype=float)), np.radians(np.asarray(lons, dtype=float)))


def bounding_box(point: tuple[float, float], metres: float) -> tuple[float, float, float, float]:
    """(lat_min, lat_max, lon_min, lon_max) holding every point within ``metres`` of ``point`` on the
    sphere of ``metres_between``: an index-friendly SQL prefilter, never the distance itself."""
    lat, lon = point
    reach = metres / geo.EARTH_RADIUS_M  # radians of the great circle
    dlat = math.degrees(reach) * 1.001
    ratio = math.sin(min(reach, math.pi / 2)) / max(math.cos(math.radians(lat)), 1e-9)
    dlon = 180.0 if ratio >= 1 else math.degrees(math.asin(ratio)) * 1.001
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


def rough_distance(metres: int) -> str:
    """Public wording, in the reader's language: never more precise than needed."""
    if metres < 1000:
        return gettext("ongeveer %(m)s m", m=max(100, int(round(metres, -2))))
    km = format_decimal(round(metres / 1000, 1), format="#,##0.0", locale=current_locale())
    return gettext("ongeveer %(km)s km", km=km)


def outside_municipality(session: Session, postcode: str | None) -> str | None:
    """A Dutch message when a filled-in postcode is not in this municipality's gazetteer, else None."""
    if not postcode or normalise_postcode(postcode) is None:  # empty, or a format error said elsewhere
        return None
    if OfflineGeocoder(session).locate(postcode) is not None:
        return None
    from flask_babel import gettext as _
    from sqlmodel import select
    from .models import Area
    if session.exec(select(PostcodeArea.postcode).limit(1)).first() is None:
        return None  # no gazetteer loaded yet: nothing to tell
    gemeente = session.exec(select(Area.name).where(Area.kind == "gemeente")).first()
    return _("Deze postcode ligt niet in %(gemeente)s, of we kennen hem niet. Buurtplein is voor mensen die in "
             "%(gemeente)s wonen. Kijk of de postcode klopt, of laat dit vakje leeg.",
             gemeente=gemeente or _("de gemeente"))
