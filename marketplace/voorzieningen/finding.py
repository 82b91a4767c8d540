"""Finding voorzieningen: filters, result cards (public fields only), paging and map markers."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from typing import Callable

from sqlalchemy import func, literal, or_
from sqlmodel import Session, select

from ..areas import buurt_ids_in, wijk_by_code
from ..categories import ids_with_category
from ..geocoding import OfflineGeocoder, metres_between, rough_distance
from ..models import Location, Organisation, Voorziening, VoorzieningCategory, VoorzieningLocation
from .schedule_text import day_status
from ..timeutil import LOCAL_TZ
from .forms import PAGE_SIZE
from .presentation import categories_for, cost_text, locations_for, schedules_for, tier_text
from .search import search_with_filter, vocabulary_state, words
from .. import result_cache

MAP_LIMIT = 300          # markers on the map: the first matches in result order
IN_LIST_LIMIT = 500      # ids bound in one IN (...): far below SQLite's 32,766
METRES_PER_DEGREE = 6_371_000 * math.pi / 180  # the sphere of metres_between()


# --------------------------------------------------------------------------- finding


@dataclass
class Filters:
    q: str = ""
    categories: list[str] = field(default_factory=list)
    wijk: str = ""
    origin: tuple[float, float] | None = None
    max_km: int | None = None
    free: bool = False
    indicatievrij: bool = False
    language: str = ""
    age: int | None = None
    sort: str = ""
    page: int = 1

    def effective_sort(self) -> str:
        if self.sort == "afstand" and self.origin:
            return "afstand"
        if self.sort == "relevantie" and self.q.strip():
            return "relevantie"
        if self.sort == "naam":
            return "naam"
        return "relevantie" if self.q.strip() else ("afstand" if self.origin else "naam")


@dataclass
class Card:
    """What a result shows: public fields only."""

    id: int
    name: str
    organisation: str
    icon: str | None
    categories: list[str]
    tier: str
    cost: str
    today: str | None
    distance: str | None
    buurt: str | None
    lat: float | None
    lon: float | None
    distance_m: int | None = None


@dataclass
class Results:
    """One page of the sociale kaart. The cards are built when first read (a page whose rendered
    list came from the cache never builds them)."""

    page_ids: list[int]
    total: int
    page: int
    pages: int
    sort: str
    question: dict = field(default_factory=dict, repr=False)  # the filters as the answer depends on them
    _card_loader: Callable[[list[int]], list[Card]] | None = field(default=None, repr=False)
    _map_ids: Callable[[], list[int]] | None = field(default=None, repr=False)

    @cached_property
    def cards(self) -> list[Card]:
        return self._card_loader(self.page_ids) if self._card_loader else []

    @cached_property
    def map_ids(self) -> list[int]:
        """The first MAP_LIMIT public matches in result order (for the map)."""
        return self._map_ids()[:MAP_LIMIT] if self._map_ids is not None else self.page_ids

    @property
    def all_cards(self) -> list[Card]:
        """Cards of map_ids, built only when asked for."""
        if self._card_loader is None:
            return []
        return self._card_loader(self.map_ids)


def public_conditions():
    return (Voorziening.moderation == "approved", Voorziening.status == "active",
            Organisation.moderation == "approved")


def locate(session: Session, postcode: str | None, lat: str | None, lon: str | None):
    """(lat, lon) of the visitor: 'mijn locatie' first (filled in by the browser), else the postcode."""
    if lat and lon:
        return float(lat), float(lon)
    if postcode:
        place = OfflineGeocoder(session).locate(postcode)
        if place is not None:
            return place.lat, place.lon
    return None


def find(session: Session, filters: Filters, now: datetime | None = None) -> Results:
    """Filter, order and page in the database; only the shown page becomes cards.

    Distance: a bounding box and a flat-earth distance (exact enough within a city) in SQL, the
    exact haversine for the cards. Text: the search index gives the matching ids, best first.
    The answer (ids, total) is the same for every visitor and is cached under the supply version
    (result_cache): a hidden, edited or new listing changes it at its commit. The ids shown are
    checked once more against the public conditions (one lookup per id), so a listing hidden by a
    write that logged no supply change (a bulk UPDATE, a DBA's fix) is not shown either.
    """
    sort = filters.effective_sort()
    asked = question(filters, sort)
    if filters.q.strip():  # the words the forgiving part knows are part of the answer
        asked["words"] = vocabulary_state(session)
    answer = result_cache.cached(session, "kaart", asked, lambda: _answer(session, filters, sort))
    page_ids = still_public(session, answer["ids"])

    def load(ids: list[int]) -> list[Card]:
        return _cards_for(session, ids, filters.origin, now)

    def map_ids() -> list[int]:
        if "map" in answer:
            return still_public(session, answer["map"])
        return still_public(session, result_cache.cached(session, "kaart-map", question(filters, sort, with_page=False),
                                                         lambda: _map_ids(session, filters, sort)))

    return Results(page_ids, answer["total"], answer["page"], answer["pages"], sort,
                   question={**question(filters, sort), "shown": page_ids}, _card_loader=load, _map_ids=map_ids)


def still_public(session: Session, ids: list[int]) -> list[int]:
    """These ids in this order, less those that are not public (now, whatever the cache said)."""
    public: set[int] = set()
    for start in range(0, len(ids), IN_LIST_LIMIT):
        public |= set(session.exec(select(Voorziening.id).join(Organisation, Organisation.id == Voorziening.organisation_id)
                                   .where(Voorziening.id.in_(ids[start:start + IN_LIST_LIMIT]),
                                          *public_conditions())).all())
    return [vid for vid in ids if vid in public]


def question(filters: Filters, sort: str, with_page: bool = True) -> dict:
    """The filters as the answer depends on them (the cache's key): the text as its search words,
    categories as a set, the effective sort."""
    asked = {"q": words(filters.q) if filters.q.strip() else None, "categories": sorted(set(filters.categories)),
             "wijk": filters.wijk, "origin": list(filters.origin) if filters.origin else None,
             "max_km": filters.max_km, "free": filters.free, "indicatievrij": filters.indicatievrij,
             "language": filters.language, "age": filters.age, "sort": sort, "map_limit": MAP_LIMIT}
    if with_page:
        asked.update(page=filters.page, page_size=PAGE_SIZE)
    return asked


def _matching(session: Session, filters: Filters):
    """(the filtered ids, the distance expression or None, the radius conditions or ())."""
    matching = _filtered(session, filters)
    radius = ()
    if filters.origin and filters.max_km:
        matching = matching.where(Voorziening.id.in_(_within(filters.origin, filters.max_km)))
        radius = _radius_conditions(filters.origin, filters.max_km)
    return matching, (_distance_expr(filters.origin) if filters.origin else None), radius


def _answer(session: Session, filters: Filters, sort: str) -> dict:
    """The page's ids in order, the total and the pages (and, for a text search, the map's ids)."""
    matching, distance, radius = _matching(session, filters)
    if filters.q.strip():
        ordered = _text_matches(session, filters, matching, sort, distance)
        total = len(ordered)
        pages, page = _pages(total, filters.page)
        return {"ids": ordered[(page - 1) * PAGE_SIZE: page * PAGE_SIZE], "total": total, "page": page,
                "pages": pages, "map": ordered[:MAP_LIMIT]}
    total = session.exec(select(func.count()).select_from(matching.subquery())).one()
    pages, page = _pages(total, filters.page)
    page_ids = list(session.exec(_ordered(matching, sort, distance, radius).offset((page - 1) * PAGE_SIZE)
                                 .limit(PAGE_SIZE)).all())
    return {"ids": page_ids, "total": total, "page": page, "pages": pages}


def _map_ids(session: Session, filters: Filters, sort: str) -> list[int]:
    """The first MAP_LIMIT matches in the list's order."""
    matching, distance, radius = _matching(session, filters)
    if filters.q.strip():
        return _text_matches(session, filters, matching, sort, distance)[:MAP_LIMIT]
    return list(session.exec(_ordered(matching, sort, distance, radius).limit(MAP_LIMIT)).all())


def _pages(total: int, wanted: int) -> tuple[int, int]:
    pages = max(1, math.ceil(total / PAGE_SIZE))
    return pages, min(max(1, wanted), pages)


def _filtered(session: Session, filters: Filters):
    """Ids of the public voorzieningen that pass every filter except text and distance."""
    stmt = (select(Voorziening.id).join(Organisation, Organisation.id == Voorziening.organisation_id)
            .where(*public_conditions()))
    if filters.categories:
        stmt = stmt.where(Voorziening.id.in_(
            ids_with_category(VoorzieningCategory.voorziening_id, VoorzieningCategory.category_id, filters.categories)))
    if filters.wijk:
        wijk = wijk_by_code(session, filters.wijk)
        stmt = stmt.where(Voorziening.id.in_(
            select(VoorzieningLocation.voorziening_id).join(Location, Location.id == VoorzieningLocation.location_id)
            .where(Location.buurt_id.in_(buurt_ids_in(wijk.id if wijk else None)))))
    if filters.free:
        stmt = stmt.where(Voorziening.cost_kind.in_(("gratis", "upas")))
    if filters.indicatievrij:
        stmt = stmt.where(Voorziening.indicatievrij.is_(True))
    if filters.language:
        stmt = stmt.where((literal(",") + Voorziening.languages + literal(",")).like(f"%,{filters.language},%"))
    if filters.age is not None:
        stmt = stmt.where(or_(Voorziening.min_age.is_(None), Voorziening.min_age <= filters.age),
                          or_(Voorziening.max_age.is_(None), Voorziening.max_age >= filters.age))
    return stmt


def _distance_expr(origin: tuple[float, float]):
    """Squared flat-earth distance in degrees of latitude: orders like the great-circle distance
    within a city, and is plain arithmetic on both engines."""
    lat0, lon0 = origin
    k = math.cos(math.radians(lat0))
    dlat = Location.lat - literal(lat0)
    dlon = (Location.lon - literal(lon0)) * literal(k)
    return dlat * dlat + dlon * dlon


def _radius_conditions(origin: tuple[float, float], max_km: int) -> tuple:
    """Locations within max_km: a bounding box (index ix_location_lat_lon), then the distance."""
    lat0, lon0 = origin
    reach = max_km * 1000 / METRES_PER_DEGREE
    wide = reach / max(math.cos(math.radians(lat0)), 0.01)
    return (Location.lat.between(lat0 - reach, lat0 + reach), Location.lon.between(lon0 - wide, lon0 + wide),
            _distance_expr(origin) <= literal(reach * reach))


def _within(origin: tuple[float, float], max_km: int):
    """Voorzieningen with a location within max_km."""
    return (select(VoorzieningLocation.voorziening_id).join(Location, Location.id == VoorzieningLocation.location_id)
            .where(*_radius_conditions(origin, max_km)))


def _nearest_distance(distance, radius: tuple = ()):
    """Per voorziening the (squared) distance of its nearest location; with ``radius`` (the
    conditions of a distance filter) only the locations inside it: a voorziening that passes the
    filter has its nearest location there, and the database no longer computes the distance of
    every location in the city (150 ms of a 240 ms 'within 2 km, nearest first' at 10^5, SQLite)."""
    return (select(VoorzieningLocation.voorziening_id.label("vid"), func.min(distance).label("d2"))
            .join(Location, Location.id == VoorzieningLocation.location_id).where(*radius)
            .group_by(VoorzieningLocation.voorziening_id).subquery())


def _ordered(matching, sort: str, distance, radius: tuple = ()):
    """The matching ids in the page's order (name, or distance with the name as tie-break)."""
    if sort == "afstand" and distance is not None:
        near = _nearest_distance(distance, radius)
        return matching.outerjoin(near, near.c.vid == Voorziening.id).order_by(
            near.c.d2.is_(None), near.c.d2, func.lower(Voorziening.name), Voorziening.id)
    return matching.order_by(func.lower(Voorziening.name), Voorziening.id)


def _text_matches(session: Session, filters: Filters, matching, sort: str, distance) -> list[int]:
    """Ids matching the text and the filters, in the page's order."""
    ranked, matches = search_with_filter(session, filters.q)
    if not ranked:
        return []
    if len(ranked) <= IN_LIST_LIMIT:
        allowed = set(session.execute(matching.where(Voorziening.id.in_(ranked))).scalars())
    else:  # too many to bind: the index's own match as a subquery
        allowed = set(session.execute(matching.where(Voorziening.id.in_(matches))).scalars())
    ids = [vid for vid in ranked if vid in allowed]
    if sort == "relevantie" or not ids:
        return ids
    keys: dict[int, tuple] = {}
    by_distance = sort == "afstand" and distance is not None
    if by_distance:  # per listing of the chunk its nearest location (an index lookup each), not
        # a grouped subquery over every location of the city or radius again for each chunk
        # (1.3 s for 'wandelen' within 2 km, nearest first, at 10^5 on SQLite)
        nearest = (select(func.min(distance)).select_from(VoorzieningLocation)
                   .join(Location, Location.id == VoorzieningLocation.location_id)
                   .where(VoorzieningLocation.voorziening_id == Voorziening.id).scalar_subquery())
    for chunk_start in range(0, len(ids), IN_LIST_LIMIT):
        chunk = ids[chunk_start: chunk_start + IN_LIST_LIMIT]
        if by_distance:
            stmt = select(Voorziening.id, func.lower(Voorziening.name), nearest).where(Voorziening.id.in_(chunk))
            for vid, name, d2 in session.exec(stmt).all():
                keys[vid] = (d2 is None, d2 or 0.0, name, vid)
        else:
            for vid, name in session.exec(select(Voorziening.id, func.lower(Voorziening.name))
                                          .where(Voorziening.id.in_(chunk))).all():
                keys[vid] = (name, vid)
    return sorted(ids, key=keys.__getitem__)


def _cards_for(session: Session, ids: list[int], origin, now) -> list[Card]:
    """Cards for these ids, in this order; public ones only, also when the ids came from the cache
    (a listing hidden by a path that did not log a supply change stays hidden)."""
    if not ids:
        return []
    rows = session.exec(select(Voorziening, Organisation.name)
                        .join(Organisation, Organisation.id == Voorziening.organisation_id)
                        .where(Voorziening.id.in_(ids), *public_conditions())).all()
    position = {vid: i for i, vid in enumerate(ids)}
    return _cards(session, sorted(rows, key=lambda r: position[r[0].id]), origin, now)


def _cards(session: Session, rows, origin, now) -> list[Card]:
    ids = [v.id for v, _org in rows]
    categories = categories_for(session, ids)
    locations = locations_for(session, ids)
    schedules = schedules_for(session, ids)
    local_now = (now or datetime.now(LOCAL_TZ)).astimezone(LOCAL_TZ)
    cards = []
    for v, org_name in rows:
        places = locations.get(v.id, [])
        nearest, metres = _nearest(places, origin)
        status = day_status(schedules.get(v.id, []), local_now)
        card = Card(id=v.id, name=v.name, organisation=org_name,
                    icon=categories[v.id][0].slug if categories.get(v.id) else None,
                    categories=[c.name_nl for c in categories.get(v.id, [])], tier=tier_text(v), cost=cost_text(v),
                    today=status.text if status and status.open_today else None,
                    distance=rough_distance(metres) if metres is not None else None,
                    buurt=nearest[1] if nearest else None,
                    lat=nearest[0].lat if nearest else None, lon=nearest[0].lon if nearest else None,
                    distance_m=metres)
        cards.append(card)
    return cards


def _nearest(places, origin):
    if not places:
        return None, None
    if origin is None:
        return places[0], None
    best = min(places, key=lambda p: metres_between(origin, (p[0].lat, p[0].lon)))
    return best, int(round(metres_between(origin, (best[0].lat, best[0].lon))))



def map_markers(cards: list[Card], url_for_detail) -> list[dict]:
    """Public fields only; a voorziening's address is public, unlike a resident's."""
    return [{"id": c.id, "name": c.name, "organisation": c.organisation, "lat": c.lat, "lon": c.lon,
             "url": url_for_detail(c.id), "distance": c.distance, "today": c.today}
            for c in cards if c.lat is not None]
