"""Finding voorzieningen: filters, result cards (public fields only), paging and map markers."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import literal, or_
from sqlmodel import Session, select

from ..geocoding import OfflineGeocoder, rough_distance
from ..models import Area, Category, Location, Organisation, Voorziening, VoorzieningCategory, VoorzieningLocation
from ..schedule_text import day_status
from ..timeutil import LOCAL_TZ
from .forms import PAGE_SIZE
from .presentation import categories_for, cost_text, locations_for, metres_between, schedules_for, tier_text
from .search import search_voorzieningen


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
    cards: list[Card]
    total: int
    page: int
    pages: int
    sort: str
    all_cards: list[Card]  # every match (for the map), not only this page


def public_conditions():
    return (Voorziening.moderation == "approved", Voorziening.status == "active",
            Organisation.moderation == "approved")


def wijken(session: Session) -> list[Area]:
    return list(session.exec(select(Area).where(Area.kind == "wijk").order_by(Area.name)).all())


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
    stmt = (select(Voorziening, Organisation.name).join(Organisation, Organisation.id == Voorziening.organisation_id)
            .where(*public_conditions()))
    if filters.categories:
        stmt = stmt.where(Voorziening.id.in_(
            select(VoorzieningCategory.voorziening_id).join(Category, Category.id == VoorzieningCategory.category_id)
            .where(Category.slug.in_(filters.categories))))
    if filters.wijk:
        wijk = session.exec(select(Area).where(Area.code == filters.wijk, Area.kind == "wijk")).first()
        buurten = select(Area.id).where(Area.parent_id == (wijk.id if wijk else -1))
        stmt = stmt.where(Voorziening.id.in_(
            select(VoorzieningLocation.voorziening_id).join(Location, Location.id == VoorzieningLocation.location_id)
            .where(Location.buurt_id.in_(buurten))))
    if filters.free:
        stmt = stmt.where(Voorziening.cost_kind.in_(("gratis", "upas")))
    if filters.indicatievrij:
        stmt = stmt.where(Voorziening.indicatievrij.is_(True))
    if filters.language:
        stmt = stmt.where((literal(",") + Voorziening.languages + literal(",")).like(f"%,{filters.language},%"))
    if filters.age is not None:
        stmt = stmt.where(or_(Voorziening.min_age.is_(None), Voorziening.min_age <= filters.age),
                          or_(Voorziening.max_age.is_(None), Voorziening.max_age >= filters.age))
    rows = session.exec(stmt).all()
    cards = _cards(session, rows, filters.origin, now)
    if filters.origin and filters.max_km:
        cards = [c for c in cards if c.distance_m is not None and c.distance_m <= filters.max_km * 1000]
    sort = filters.effective_sort()
    if filters.q.strip():
        ranked = search_voorzieningen(session, filters.q, among={c.id for c in cards})
        position = {vid: i for i, vid in enumerate(ranked)}
        cards = [c for c in cards if c.id in position]
        if sort == "relevantie":
            cards.sort(key=lambda c: position[c.id])
    if sort == "afstand":
        cards.sort(key=lambda c: (c.distance_m if c.distance_m is not None else 10**9, c.name.lower()))
    elif sort == "naam":
        cards.sort(key=lambda c: c.name.lower())
    pages = max(1, math.ceil(len(cards) / PAGE_SIZE))
    page = min(max(1, filters.page), pages)
    return Results(cards[(page - 1) * PAGE_SIZE: page * PAGE_SIZE], len(cards), page, pages, sort, cards)


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
    return best, metres_between(origin, (best[0].lat, best[0].lon))



def map_markers(cards: list[Card], url_for_detail) -> list[dict]:
    """Public fields only; a voorziening's address is public, unlike a resident's."""
    return [{"id": c.id, "name": c.name, "organisation": c.organisation, "lat": c.lat, "lon": c.lon,
             "url": url_for_detail(c.id), "distance": c.distance, "today": c.today}
            for c in cards if c.lat is not None]
