"""Help requests: create, withdraw, renew, list, and find nearby ones for a volunteer.

Privacy: the public row (HelpRequest) only holds the buurt centroid, PC4 and a first
name; the exact address and a resident's full name and phone go to HelpRequestPrivate,
which only ``private_for`` hands out, and only to the people who manage the request.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_
from sqlalchemy.orm import joinedload, selectinload
from sqlmodel import Session, select

from .. import audit, contact_details, db, matching_service, visibility
from ..areas import buurt_ids_in
from ..categories import category_by_slug, ids_with_category
from ..geocoding import OfflineGeocoder, bounding_box, metres_between, metres_from, normalise_postcode, rough_distance
from ..paging import Page, paginate_list, paginate_query
from ..models import (Area, Category, HelpRequest, HelpRequestPrivate, OfferCategory, Report, RequestCategory,
                      User, VolunteerOffer, utcnow)
from ..timeutil import local_today
from ..visibility import initial_moderation_for_post

PER_PAGE = 20
ON_BEHALF_ROLES = ("ambassadeur", "professional")
URGENCY_ORDER = {"1-2 dagen": 0, "deze week": 1, "geen haast": 2}
RENEWABLE = ("open", "expired")
WITHDRAWABLE = ("open", "expired", "escalated")

STATUS_WORDS = {
    "open": _l("Zoekt nog hulp"),
    "matched": _l("Er is iemand gevonden die helpt"),
    "done": _l("Klaar: de hulp is gegeven"),
    "expired": _l("Verlopen"),
    "withdrawn": _l("Ingetrokken"),
    "escalated": _l("Doorgegeven aan een professional"),
}
STATUS_BADGE = {"open": "open", "matched": "matched", "done": "done", "expired": "closed",
                "withdrawn": "closed", "escalated": "waiting"}
URGENCY_WORDS = {"1-2 dagen": _l("Snel: binnen 1 of 2 dagen"), "deze week": _l("Deze week"),
                 "geen haast": _l("Geen haast")}


CONTACT_REPORT_REASON = "Automatisch: telefoonnummer of e-mailadres in de tekst gevonden en verborgen."


class RequestError(ValueError):
    """A request that cannot be saved or changed; the message is Dutch and meant for the user."""


@dataclass
class NewRequest:
    title: str
    description: str
    category_slug: str | None
    urgency: str
    wanted_time: str | None
    wanted_from: date | None
    wanted_until: date | None
    postcode: str
    address: str | None
    languages: list[str]
    on_behalf: bool = False
    contact_first_name: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    more_category_slugs: list[str] = field(default_factory=list)  # a question about more than one thing

    @property
    def category_slugs(self) -> list[str]:
        return list(dict.fromkeys([s for s in (self.category_slug, *self.more_category_slugs) if s]))


# --------------------------------------------------------------------------- places


def public_point(session: Session, postcode: str) -> tuple[float, float, int | None, str]:
    """(lat, lon, buurt_id, pc4) safe to publish: the buurt centroid, else the PC4 point."""
    geocoder = OfflineGeocoder(session)
    place = geocoder.locate(postcode)
    if place is None:
        raise RequestError(_l("Deze postcode kennen we niet. Kijk of hij klopt, of vul alleen de 4 cijfers in."))
    pc4 = normalise_postcode(postcode)[:4]
    buurt = session.get(Area, place.buurt_id) if place.buurt_id else None
    if buurt is not None:
        return buurt.lat, buurt.lon, buurt.id, pc4
    rough = geocoder.locate(pc4) or place
    return rough.lat, rough.lon, None, pc4


def viewer_points(session: Session, user) -> list[tuple[float, float]]:
    """Where the viewer helps from: their active offers' places, else their own postcode point."""
    if not (user and user.is_authenticated):
        return []
    points = [(o.lat, o.lon) for o in session.exec(select(VolunteerOffer).where(
        VolunteerOffer.user_id == user.id, VolunteerOffer.status == "active",
        VolunteerOffer.expires_at >= local_today())).all()]
    if not points and user.postcode:
        place = OfflineGeocoder(session).locate(user.postcode)
        points = [(place.lat, place.lon)] if place else []
    return points


def distance_m(points: list[tuple[float, float]], row) -> float | None:
    """The one distance between a viewer and a request: from the nearest of the viewer's points.
    The request list, its page and /hulpvragen/dichtbij all use it, so they say the same."""
    if not points:
        return None
    return min(metres_between((lat, lon), (row.lat, row.lon)) for lat, lon in points)


def distance_words(points: list[tuple[float, float]], row) -> str | None:
    metres = distance_m(points, row)
    return None if metres is None else rough_distance(int(metres))


# --------------------------------------------------------------------------- writing


DOUBLE_POST_SECONDS = 60  # the same question from the same person this soon again: a double click


def create_request(session: Session, user, data: NewRequest, lifetime_days: int) -> HelpRequest:
    """One transaction: the public row, its private row, its category and an audit event.

    A double click (the same title and text by the same poster within a minute) gives the request
    the first click made: the poster's row is locked first, so the second waits and then finds it."""
    db.lock_for_write(session, User, user.id)
    title, description = contact_details.mask(data.title.strip()), contact_details.mask(data.description.strip())
    same = session.exec(select(HelpRequest).where(
        HelpRequest.posted_by_id == user.id, HelpRequest.title == title, HelpRequest.description == description,
        HelpRequest.created_at >= utcnow() - timedelta(seconds=DOUBLE_POST_SECONDS))).first()
    if same is not None:
        return same
    lat, lon, buurt_id, pc4 = public_point(session, data.postcode)
    categories = [_category(session, slug) for slug in data.category_slugs]
    on_behalf = data.on_behalf and user.has_role(*ON_BEHALF_ROLES, "beheerder")
    public_name = (data.contact_first_name if on_behalf else user.first_name) or "?"
    found = contact_details.find(" ".join((data.title, data.description, data.wanted_time or "")))
    request = HelpRequest(
        title=title, description=description,
        urgency=data.urgency,
        public_name=public_name.strip().split(" ")[0][:40], buurt_id=buurt_id, pc4=pc4, lat=lat, lon=lon,
        wanted_from=data.wanted_from, wanted_until=data.wanted_until,
        wanted_time=contact_details.mask((data.wanted_time or "").strip()) or None,
        languages=",".join(data.languages or ["nl"]), posted_by_id=user.id,
        requester_id=None if on_behalf else user.id, on_behalf=on_behalf,
        moderation=initial_moderation_for_post(user),
        safety=matching_service.safety_level(f"{data.title}. {data.description}", data.category_slugs),
        expires_at=local_today() + timedelta(days=lifetime_days))
    session.add(request)
    session.flush()
    session.add(HelpRequestPrivate(
        request_id=request.id, address=(data.address or "").strip() or None,
        postcode=normalise_postcode(data.postcode),
        contact_name=(data.contact_name or "").strip() or None if on_behalf else None,
        contact_phone=(data.contact_phone or "").strip() or None if on_behalf else None))
    for position, category in enumerate(categories):  # the resident's order: the first is the main need
        session.add(RequestCategory(request_id=request.id, category_id=category.id, position=position))
    audit.record(session, "request.create", "request", request.id,
                 f"moderation={request.moderation} on_behalf={on_behalf}")
    if found:  # masked above; a preventiemakelaar looks whether more needs hiding
        session.add(Report(target_kind="request", target_id=request.id, reason=CONTACT_REPORT_REASON))
    session.flush()
    return request


def _category(session: Session, slug: str | None) -> Category | None:
    if not slug:
        return None
    category = category_by_slug(session, slug)
    if category is None:
        raise RequestError(_l("Kies een onderwerp. Of kies: Ik weet het niet."))
    return category


def withdraw(session: Session, request: HelpRequest) -> None:
    if request.status not in WITHDRAWABLE:
        raise RequestError(_l("Deze vraag kan niet meer worden ingetrokken."))
    _set_status(session, request, "withdrawn", "request.withdraw")


UNDO_DAYS = 7  # a withdrawn request can be put back for this long


def can_undo_withdraw(request: HelpRequest) -> bool:
    return request.status == "withdrawn" and (utcnow() - request.updated_at) <= timedelta(days=UNDO_DAYS)


def undo_withdraw(session: Session, request: HelpRequest, lifetime_days: int) -> None:
    """Put a request withdrawn by mistake back, as it was (open; a new lifetime if it ran out)."""
    if not can_undo_withdraw(request):
        raise RequestError(_l("Deze vraag kan niet meer worden teruggezet. U kunt een nieuwe vraag stellen."))
    if request.expires_at < local_today():
        request.expires_at = local_today() + timedelta(days=lifetime_days)
    _set_status(session, request, "open", "request.undo_withdraw")


def renew(session: Session, request: HelpRequest, lifetime_days: int) -> None:
    """Give the request a new lifetime counted from today (a request of today renewed is still
    "verloopt over <lifetime> dagen", not twice that)."""
    if request.status not in RENEWABLE:
        raise RequestError(_l("Deze vraag kan niet worden verlengd."))
    request.expires_at = local_today() + timedelta(days=lifetime_days)
    request.reminder_sent_at = None
    _set_status(session, request, "open", "request.renew", f"expires_at={request.expires_at.isoformat()}")


SAFETY_DECISIONS = {"vrijgeven": "none", "professional": "danger"}


def review_safety(session: Session, request: HelpRequest, user, decision: str) -> None:
    """A professional clears a request that may be unsafe for volunteers, or keeps it for professionals."""
    if not visibility.may_review_safety(session, user, request):
        raise PermissionError
    if decision not in SAFETY_DECISIONS:
        raise RequestError(_l("Kies: vrijgeven voor vrijwilligers, of alleen voor professionals."))
    old, request.safety = request.safety, SAFETY_DECISIONS[decision]
    request.updated_at = utcnow()
    session.add(request)
    audit.record(session, "request.safety_review", "request", request.id, f"{old}->{request.safety}",
                 actor_id=user.id)


def _set_status(session: Session, request: HelpRequest, status: str, action: str, detail: str = "") -> None:
    old = request.status
    request.status = status
    request.updated_at = utcnow()
    session.add(request)
    audit.record(session, action, "request", request.id, f"{old}->{status} {detail}".strip())


# --------------------------------------------------------------------------- reading


def manages(request: HelpRequest, user) -> bool:
    """The poster (also an ambassadeur on behalf of someone) and the resident themselves."""
    return bool(user and user.is_authenticated and user.id in (request.posted_by_id, request.requester_id))


def private_for(session: Session, request: HelpRequest, user) -> HelpRequestPrivate | None:
    """The private row, but only for those who manage the request."""
    return session.get(HelpRequestPrivate, request.id) if manages(request, user) else None


def may_see(session: Session, request: HelpRequest, user) -> bool:
    """Who may see a request is decided in one place: ``visibility.requests_visible_to``."""
    return visibility.may_see_request(session, request, user)


# What a card or page shows beside the row: the buurt joined in, the categories in one more query.
CARD_LOADS = (selectinload(HelpRequest.categories), joinedload(HelpRequest.buurt))


def open_public(session: Session, category: str | None = None, wijk_id: int | None = None,
                page: int = 1) -> tuple[list[HelpRequest], int]:
    """Open, approved, not expired, no safety requests. Returns (rows of the page, number of pages)."""
    stmt = select(HelpRequest).where(
        visibility.public_request(), HelpRequest.status == "open", HelpRequest.expires_at >= local_today())
    if category:
        stmt = stmt.where(HelpRequest.id.in_(
            ids_with_category(RequestCategory.request_id, RequestCategory.category_id, category)))
    if wijk_id:
        stmt = stmt.where(HelpRequest.buurt_id.in_(buurt_ids_in(wijk_id)))
    found = paginate_query(session, stmt, page, PER_PAGE, options=CARD_LOADS,
                           order_by=(HelpRequest.created_at.desc(), HelpRequest.id.desc()),
                           cached_count=("hulpvragen-count", {"category": category, "wijk": wijk_id,
                                                              "today": local_today().isoformat()}, ("request",)))
    return found.rows, found.pages


@dataclass
class Nearby:
    request: HelpRequest
    distance_m: float


def nearby_for(session: Session, user, page: int = 1, per_page: int | None = None) -> Page[Nearby]:
    """Open requests inside the radius and categories of the user's active offers:
    urgent first, then nearest. Safety categories never reach volunteers.

    SQL keeps what lies in an offer's bounding box and shares a category with it (the id, place and
    urgency only); the exact distance then decides the radius and the order, and only the page's
    rows are loaded whole."""
    per_page = per_page or PER_PAGE
    offers = session.exec(select(VolunteerOffer).where(
        VolunteerOffer.user_id == user.id, VolunteerOffer.status == "active",
        VolunteerOffer.expires_at >= local_today()).order_by(VolunteerOffer.id)).all()
    if not offers:
        return paginate_list([], page, per_page)
    reach = [and_(_in_box(offer), _shares_category(offer)) for offer in offers]
    candidates = session.exec(
        select(HelpRequest.id, HelpRequest.lat, HelpRequest.lon, HelpRequest.urgency, *reach)
        .where(visibility.public_request(), HelpRequest.status == "open",
               HelpRequest.expires_at >= local_today(), HelpRequest.posted_by_id != user.id, or_(*reach))).all()
    points = [(o.lat, o.lon) for o in offers]  # the same distance as on the request's own page
    found = paginate_list(_ranked(candidates, offers), page, per_page)
    rows = {r.id: r for r in session.exec(select(HelpRequest).options(*CARD_LOADS).where(
        HelpRequest.id.in_([request_id for _u, _m, request_id in found.rows]))).all()}
    found.rows = [Nearby(rows[request_id], distance_m(points, rows[request_id]))
                  for _u, _m, request_id in found.rows]
    return found


def _ranked(candidates, offers: list[VolunteerOffer]) -> list[tuple[int, float, int]]:
    """(urgency, metres to the nearest offer, id) of the candidates inside a fitting offer's radius, sorted."""
    if not candidates:
        return []
    ids, lats, lons, urgencies, *fits = (list(column) for column in zip(*candidates))
    metres = np.array([metres_from((o.lat, o.lon), lats, lons) for o in offers])
    radii = np.array([[o.radius_m] for o in offers])
    inside = ((np.array(fits, dtype=bool)) & (metres <= radii)).any(axis=0)
    nearest = metres.min(axis=0)
    return sorted((URGENCY_ORDER.get(urgencies[i], 9), float(nearest[i]), ids[i]) for i in np.flatnonzero(inside))


def _in_box(offer: VolunteerOffer):
    lat_min, lat_max, lon_min, lon_max = bounding_box((offer.lat, offer.lon), offer.radius_m)
    return and_(HelpRequest.lat.between(lat_min, lat_max), HelpRequest.lon.between(lon_min, lon_max))


def _shares_category(offer: VolunteerOffer):
    """The request has one of the offer's categories (never a professional-only one)."""
    return HelpRequest.id.in_(
        select(RequestCategory.request_id).join(Category, Category.id == RequestCategory.category_id)
        .join(OfferCategory, OfferCategory.category_id == RequestCategory.category_id)
        .where(OfferCategory.offer_id == offer.id, Category.professional_only.is_(False)))


def days_left(request: HelpRequest) -> int:
    return (request.expires_at - local_today()).days


RENEW_WITHIN_DAYS = 7  # renewing is offered from this many days before the end (not on a new request)


def renewal_offered(request: HelpRequest) -> bool:
    """Whether pages offer "verlengen": an expired request, or an open one near its end."""
    return request.status == "expired" or (request.status == "open" and days_left(request) <= RENEW_WITHIN_DAYS)
