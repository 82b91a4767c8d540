"""Sociale kaart: find voorzieningen, describe them in plain words, and let aanbieders keep them up to date."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import literal, or_
from sqlmodel import Session, select

from .. import audit
from ..geocoding import OfflineGeocoder, normalise_postcode, rough_distance
from ..models import (Area, Category, Location, Organisation, Schedule, User, UserOrganisation, UserRole, Voorziening,
                      VoorzieningCategory, VoorzieningLocation, utcnow)
from ..schedule_text import day_status, week_in_words
from ..search import search_voorzieningen
from ..timeutil import LOCAL_TZ, to_local
from ..visibility import initial_moderation_for_organisation_content
from .forms import LANGUAGE_NAMES, PAGE_SIZE, parse_amount_cents, parse_time

MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
          "oktober", "november", "december")


class SaveError(ValueError):
    """Input that the form could not check on its own (e.g. an unknown postcode). Carries the field name."""

    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field_name = field_name


# --------------------------------------------------------------------------- words


def tier_text(v: Voorziening) -> str:
    if v.tier == "nulde":
        return _("Voor iedereen, zonder indicatie") if v.indicatievrij else _("Voor iedereen in de buurt")
    if v.tier == "eerste":
        return (_("Hulp van een professional, zonder indicatie") if v.indicatievrij
                else _("Hulp van een professional, met verwijzing"))
    return _("Specialistische zorg, met indicatie") if not v.indicatievrij else _("Specialistische zorg")


def cost_text(v: Voorziening) -> str:
    if v.cost_kind == "upas":
        return _("Met U-pas")
    if v.cost_kind == "bedrag" and v.cost_amount_cents:
        euros, cents = divmod(v.cost_amount_cents, 100)
        return f"€ {euros},{cents:02d}"
    return _("Gratis")


def ages_text(v: Voorziening) -> str | None:
    if v.min_age is not None and v.max_age is not None:
        return _("Van %(low)s tot en met %(high)s jaar", low=v.min_age, high=v.max_age)
    if v.min_age is not None:
        return _("Vanaf %(low)s jaar", low=v.min_age)
    if v.max_age is not None:
        return _("Tot en met %(high)s jaar", high=v.max_age)
    return None


def language_names(codes: str) -> list[str]:
    return [str(LANGUAGE_NAMES.get(code.strip(), code.strip())) for code in (codes or "").split(",") if code.strip()]


def date_in_words(moment: datetime | date) -> str:
    """'12 november 2026' (local date)."""
    day = to_local(moment).date() if isinstance(moment, datetime) else moment
    return f"{day.day} {_(MONTHS[day.month - 1])} {day.year}"


def add_months(moment: datetime, months: int) -> datetime:
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    last_day = (31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)[month - 1]
    return moment.replace(year=year, month=month, day=min(moment.day, last_day))


def is_outdated(v: Voorziening, interval_months: int, now: datetime | None = None) -> bool:
    """Not checked by the aanbieder for longer than the interval (or never)."""
    if v.last_verified_at is None:
        return True
    return add_months(v.last_verified_at, interval_months) < (now or utcnow())


def metres_between(a: tuple[float, float], b: tuple[float, float]) -> int:
    """Haversine: good enough to sort and to say 'ongeveer 300 m'."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return int(round(2 * 6371000 * math.asin(math.sqrt(h))))


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


def categories_for(session: Session, ids: list[int]) -> dict[int, list[Category]]:
    found: dict[int, list[Category]] = defaultdict(list)
    if ids:
        for vid, category in session.exec(
                select(VoorzieningCategory.voorziening_id, Category)
                .join(Category, Category.id == VoorzieningCategory.category_id)
                .where(VoorzieningCategory.voorziening_id.in_(ids)).order_by(Category.sort_order)).all():
            found[vid].append(category)
    return found


def locations_for(session: Session, ids: list[int]) -> dict[int, list[tuple[Location, str | None]]]:
    found: dict[int, list] = defaultdict(list)
    if ids:
        for vid, location, buurt in session.exec(
                select(VoorzieningLocation.voorziening_id, Location, Area.name)
                .join(Location, Location.id == VoorzieningLocation.location_id)
                .outerjoin(Area, Area.id == Location.buurt_id)
                .where(VoorzieningLocation.voorziening_id.in_(ids)).order_by(Location.id)).all():
            found[vid].append((location, buurt))
    return found


def schedules_for(session: Session, ids: list[int]) -> dict[int, list[Schedule]]:
    found: dict[int, list[Schedule]] = defaultdict(list)
    if ids:
        for row in session.exec(select(Schedule).where(Schedule.voorziening_id.in_(ids))).all():
            found[row.voorziening_id].append(row)
    return found


def map_markers(cards: list[Card], url_for_detail) -> list[dict]:
    """Public fields only; a voorziening's address is public, unlike a resident's."""
    return [{"id": c.id, "name": c.name, "organisation": c.organisation, "lat": c.lat, "lon": c.lon,
             "url": url_for_detail(c.id), "distance": c.distance, "today": c.today}
            for c in cards if c.lat is not None]


# --------------------------------------------------------------------------- one listing


def staff_ids(session: Session, organisation_id: int) -> tuple[int, ...]:
    return tuple(session.exec(select(UserOrganisation.user_id)
                              .where(UserOrganisation.organisation_id == organisation_id)).all())


def user_organisations(session: Session, user) -> list[Organisation]:
    return list(session.exec(select(Organisation).join(UserOrganisation, UserOrganisation.organisation_id == Organisation.id)
                             .where(UserOrganisation.user_id == user.id).order_by(Organisation.name)).all())


def can_edit(session: Session, user, v: Voorziening) -> bool:
    if not user.is_authenticated:
        return False
    return user.has_role("beheerder") or (user.has_role("aanbieder") and user.id in staff_ids(session, v.organisation_id))


@dataclass
class Detail:
    v: Voorziening
    organisation: Organisation
    categories: list[Category]
    locations: list[tuple[Location, str | None]]
    opening_lines: list[str]
    today: str | None
    tier: str
    cost: str
    ages: str | None
    languages: list[str]
    verified_on: str | None
    outdated: bool


def detail(session: Session, v: Voorziening, interval_months: int, now: datetime | None = None) -> Detail:
    schedules = schedules_for(session, [v.id]).get(v.id, [])
    local_now = (now or datetime.now(LOCAL_TZ)).astimezone(LOCAL_TZ)
    status = day_status(schedules, local_now)
    return Detail(
        v=v, organisation=session.get(Organisation, v.organisation_id),
        categories=categories_for(session, [v.id]).get(v.id, []),
        locations=locations_for(session, [v.id]).get(v.id, []),
        opening_lines=week_in_words(schedules), today=status.text if status else None,
        tier=tier_text(v), cost=cost_text(v), ages=ages_text(v), languages=language_names(v.languages),
        verified_on=date_in_words(v.last_verified_at) if v.last_verified_at else None,
        outdated=is_outdated(v, interval_months, now.astimezone(LOCAL_TZ) if now else None))


# --------------------------------------------------------------------------- maintenance


def form_data_from(session: Session, v: Voorziening) -> dict:
    """Current values of a listing, to fill the edit form."""
    location = next(iter(locations_for(session, [v.id]).get(v.id, [])), (None, None))[0]
    rows = sorted(schedules_for(session, [v.id]).get(v.id, []),
                  key=lambda s: ("MO TU WE TH FR SA SU".split().index(s.byday), s.opens_at))
    data = {
        "organisation_id": v.organisation_id, "name": v.name, "description": v.description,
        "categories": [c.slug for c in categories_for(session, [v.id]).get(v.id, [])],
        "tier": v.tier, "indicatievrij": v.indicatievrij, "cost_kind": v.cost_kind,
        "cost_amount": cost_text(v)[2:] if v.cost_kind == "bedrag" and v.cost_amount_cents else "",
        "eligibility": v.eligibility or "", "min_age": "" if v.min_age is None else str(v.min_age),
        "max_age": "" if v.max_age is None else str(v.max_age),
        "languages": [c for c in (v.languages or "").split(",") if c], "accessibility": v.accessibility or "",
        "phone": v.phone or "", "email": v.email or "", "website": v.website or "", "status": v.status,
        "schedule": [{"byday": s.byday, "opens": s.opens_at.strftime("%H:%M"), "closes": s.closes_at.strftime("%H:%M")}
                     for s in rows],
    }
    if location is not None:
        data.update(location_name=location.name, address=location.address, postcode=location.postcode or "",
                    city=location.city)
    return data


def save_voorziening(session: Session, user, form, v: Voorziening | None = None) -> Voorziening:
    """Create or update a listing from a validated VoorzieningForm: one commit, audited, or nothing at all."""
    place = OfflineGeocoder(session).locate(form.postcode.data)
    if place is None:
        raise SaveError("postcode", _("Deze postcode kennen wij niet. Kijk of hij klopt."))
    creating = v is None
    now = utcnow()
    if creating:
        v = Voorziening(organisation_id=form.organisation_id.data, name="", description="",
                        moderation=initial_moderation_for_organisation_content(user), created_at=now)
    _copy_fields(form, v)
    v.updated_at = now
    v.last_verified_at = now  # the aanbieder looked at every field while saving
    session.add(v)
    session.flush()
    _save_categories(session, v, form.categories.data)
    location = _save_location(session, v, form, place)
    _save_schedule(session, v, location, form.schedule.entries)
    audit.record(session, "voorziening.created" if creating else "voorziening.updated", "voorziening", v.id,
                 f"{v.name} ({v.moderation})")
    from ..search import index_voorziening
    index_voorziening(session, v.id)
    session.commit()
    return v


def _copy_fields(form, v: Voorziening) -> None:
    v.name = form.name.data.strip()
    v.description = form.description.data.strip()
    v.tier = form.tier.data
    v.indicatievrij = bool(form.indicatievrij.data)
    v.cost_kind = form.cost_kind.data
    v.cost_amount_cents = parse_amount_cents(form.cost_amount.data) if v.cost_kind == "bedrag" else None
    v.eligibility = (form.eligibility.data or "").strip() or None
    v.min_age = int(form.min_age.data) if (form.min_age.data or "").strip() else None
    v.max_age = int(form.max_age.data) if (form.max_age.data or "").strip() else None
    v.languages = ",".join(form.languages.data)
    v.accessibility = (form.accessibility.data or "").strip() or None
    v.phone = (form.phone.data or "").strip() or None
    v.email = (form.email.data or "").strip().lower() or None
    v.website = (form.website.data or "").strip() or None
    v.status = form.status.data or "active"


def _save_categories(session: Session, v: Voorziening, slugs: list[str]) -> None:
    for link in session.exec(select(VoorzieningCategory).where(VoorzieningCategory.voorziening_id == v.id)).all():
        session.delete(link)
    session.flush()
    for category in session.exec(select(Category).where(Category.slug.in_(slugs))).all():
        session.add(VoorzieningCategory(voorziening_id=v.id, category_id=category.id))


def _save_location(session: Session, v: Voorziening, form, place) -> Location:
    """The listing's (first) location; a shared location is never changed under another listing."""
    current = next(iter(locations_for(session, [v.id]).get(v.id, [])), (None, None))[0]
    shared = current is not None and len(session.exec(select(VoorzieningLocation).where(
        VoorzieningLocation.location_id == current.id)).all()) > 1
    location = current if current is not None and not shared else Location(name="", address="", lat=0, lon=0)
    location.name = form.location_name.data.strip()
    location.address = form.address.data.strip()
    location.postcode = normalise_postcode(form.postcode.data)
    location.city = form.city.data.strip()
    location.lat, location.lon, location.buurt_id = place.lat, place.lon, place.buurt_id
    location.accessibility = v.accessibility
    session.add(location)
    session.flush()
    if location is not current:
        if current is not None:
            session.delete(session.get(VoorzieningLocation, (v.id, current.id)))
        session.add(VoorzieningLocation(voorziening_id=v.id, location_id=location.id))
    return location


def _save_schedule(session: Session, v: Voorziening, location: Location, rows) -> None:
    for old in session.exec(select(Schedule).where(Schedule.voorziening_id == v.id)).all():
        session.delete(old)
    session.flush()
    for row in rows:
        if row.form.byday.data:
            session.add(Schedule(voorziening_id=v.id, location_id=location.id, byday=row.form.byday.data,
                                 opens_at=parse_time(row.form.opens.data), closes_at=parse_time(row.form.closes.data)))


def grant_aanbieder_roles(session: Session, org: Organisation) -> None:
    """The people linked to an approved organisation become its aanbieders; never before approval,
    or anyone could make themselves an aanbieder by registering a made-up organisation."""
    users = session.exec(select(User).join(UserOrganisation, UserOrganisation.user_id == User.id)
                         .where(UserOrganisation.organisation_id == org.id)).all()
    for user in users:
        if not user.has_role("aanbieder"):
            user.roles.append(UserRole(role="aanbieder"))  # through the relationship: the user row owns its roles
            audit.record(session, "role.grant", "user", user.id, f"aanbieder of organisation {org.id}")


def create_organisation(session: Session, user, form) -> Organisation:
    """A new organisation waits for a preventiemakelaar; its creator becomes its aanbieder once approved."""
    org = Organisation(name=form.name.data.strip(), description=(form.description.data or "").strip(),
                       email=(form.email.data or "").strip().lower() or None,
                       phone=(form.phone.data or "").strip() or None, website=(form.website.data or "").strip() or None,
                       moderation=initial_moderation_for_organisation_content(user))
    session.add(org)
    session.flush()
    session.add(UserOrganisation(user_id=user.id, organisation_id=org.id))
    if org.moderation == "approved":
        grant_aanbieder_roles(session, org)
    audit.record(session, "organisation.created", "organisation", org.id, f"{org.name} ({org.moderation})")
    session.commit()
    return org
