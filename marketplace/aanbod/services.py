"""Volunteer offers: create, edit, pause, resume, list, and say the availability in words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload
from sqlmodel import Session, select

from .. import audit
from ..areas import buurt_ids_in
from ..categories import ids_with_category
from ..hulpvragen.services import RequestError, public_point
from ..models import AvailabilitySlot, PostcodeArea, Category, OfferCategory, UserRole, VolunteerOffer, utcnow
from ..paging import paginate_query
from ..timeutil import local_today
from ..visibility import initial_moderation_for_post
from .forms import DAY_PARTS, WEEKDAY_NAMES

PER_PAGE = 20
# Said to the volunteer who owns the offer ...
STATUS_WORDS = {"active": _l("Actief: mensen kunnen u vinden"), "paused": _l("Gepauzeerd: niemand ziet het nu"),
                "expired": _l("Verlopen")}
# ... and to everyone else.
PUBLIC_STATUS_WORDS = {"active": _l("Biedt nu hulp aan"), "paused": _l("Even niet beschikbaar"),
                       "expired": _l("Niet meer beschikbaar")}
STATUS_BADGE = {"active": "open", "paused": "waiting", "expired": "closed"}

OfferError = RequestError  # same Dutch-message error as for requests (unknown postcode)


@dataclass
class OfferData:
    title: str
    description: str
    category_slugs: list[str]
    slots: list[str]  # "1-ochtend" = Tuesday morning
    radius_m: int
    languages: list[str]
    max_matches_per_month: int
    postcode: str


def create_offer(session: Session, user, data: OfferData, lifetime_days: int) -> VolunteerOffer:
    """One transaction: the offer, its categories and slots, the vrijwilliger role if missing, audit."""
    offer = VolunteerOffer(user_id=user.id, title="", description="", lat=0, lon=0,
                           moderation=initial_moderation_for_post(user),
                           expires_at=local_today() + timedelta(days=lifetime_days))
    _apply(session, offer, data)
    if not user.has_role("vrijwilliger"):
        session.add(UserRole(user_id=user.id, role="vrijwilliger"))
        audit.record(session, "user.role_add", "user", user.id, "vrijwilliger (eigen aanbod)")
    audit.record(session, "offer.create", "offer", offer.id, f"moderation={offer.moderation}")
    session.flush()
    return offer


def update_offer(session: Session, offer: VolunteerOffer, data: OfferData) -> None:
    _apply(session, offer, data)
    audit.record(session, "offer.update", "offer", offer.id)


def _apply(session: Session, offer: VolunteerOffer, data: OfferData) -> None:
    """Copy the form's data onto the offer and replace its categories and slots (the caller's unit of work commits)."""
    offer.lat, offer.lon, offer.buurt_id, _pc4 = public_point(session, data.postcode)
    offer.title, offer.description = data.title.strip(), data.description.strip()
    offer.radius_m, offer.max_matches_per_month = data.radius_m, data.max_matches_per_month
    offer.languages = ",".join(data.languages or ["nl"])
    offer.updated_at = utcnow()
    session.add(offer)
    session.flush()
    for old in session.exec(select(OfferCategory).where(OfferCategory.offer_id == offer.id)).all():
        session.delete(old)
    for old in session.exec(select(AvailabilitySlot).where(AvailabilitySlot.offer_id == offer.id)).all():
        session.delete(old)
    session.flush()
    categories = session.exec(select(Category).where(Category.slug.in_(data.category_slugs),
                                                     Category.professional_only.is_(False))).all()
    for category in categories:
        session.add(OfferCategory(offer_id=offer.id, category_id=category.id))
    for key in sorted(set(data.slots)):
        day, part = key.split("-")
        start, end, _word = DAY_PARTS[part]
        session.add(AvailabilitySlot(offer_id=offer.id, weekday=int(day), start_time=start, end_time=end))


def pause(session: Session, offer: VolunteerOffer) -> None:
    _set_status(session, offer, "active", "paused", "offer.pause")


def resume(session: Session, offer: VolunteerOffer) -> None:
    _set_status(session, offer, "paused", "active", "offer.resume")


def _set_status(session: Session, offer: VolunteerOffer, expected: str, status: str, action: str) -> None:
    if offer.status != expected:
        raise OfferError(_l("Dit kan nu niet met dit aanbod."))
    if status == "active" and offer.expires_at < local_today():
        raise OfferError(_l("Dit aanbod is verlopen. Maak een nieuw aanbod."))
    offer.status, offer.updated_at = status, utcnow()
    session.add(offer)
    audit.record(session, action, "offer", offer.id, f"{expected}->{status}")


# --------------------------------------------------------------------------- reading


# What a card or page shows beside the row: buurt and volunteer joined in, the categories in one more query.
CARD_LOADS = (selectinload(VolunteerOffer.categories), joinedload(VolunteerOffer.buurt),
              joinedload(VolunteerOffer.user))


def slots_of(session: Session, offer_id: int) -> list[AvailabilitySlot]:
    return list(session.exec(select(AvailabilitySlot).where(AvailabilitySlot.offer_id == offer_id)
                             .order_by(AvailabilitySlot.weekday, AvailabilitySlot.start_time)).all())


def part_of_day(slot: AvailabilitySlot) -> str:
    """The day part a slot mostly falls in (demo data has free times, the form has three parts)."""
    if slot.start_time.hour < 12:
        return "ochtend"
    return "middag" if slot.start_time.hour < 17 else "avond"


def availability_words(slots: list[AvailabilitySlot]) -> list[str]:
    """["dinsdagochtend", "donderdag 14:00–16:00"]: day part words when a slot is one, else the times."""
    words = []
    for slot in slots:
        part = part_of_day(slot)
        start, end, word = DAY_PARTS[part]
        day = str(WEEKDAY_NAMES[slot.weekday])
        if (slot.start_time, slot.end_time) == (start, end):
            words.append(f"{day}{word}")
        else:
            words.append(f"{day} {slot.start_time:%H:%M}–{slot.end_time:%H:%M}")
    return words


def slot_keys(slots: list[AvailabilitySlot]) -> list[str]:
    """Form values for an existing offer's slots (for the edit form)."""
    return sorted({f"{s.weekday}-{part_of_day(s)}" for s in slots})


def active_public(session: Session, category: str | None = None, wijk_id: int | None = None,
                  page: int = 1) -> tuple[list[VolunteerOffer], int]:
    stmt = select(VolunteerOffer).where(VolunteerOffer.status == "active", VolunteerOffer.moderation == "approved",
                                        VolunteerOffer.expires_at >= local_today())
    if category:
        stmt = stmt.where(VolunteerOffer.id.in_(
            ids_with_category(OfferCategory.offer_id, OfferCategory.category_id, category)))
    if wijk_id:
        stmt = stmt.where(VolunteerOffer.buurt_id.in_(buurt_ids_in(wijk_id)))
    found = paginate_query(session, stmt, page, PER_PAGE, options=CARD_LOADS,
                           order_by=(VolunteerOffer.created_at.desc(), VolunteerOffer.id.desc()),
                           cached_count=("aanbod-count", {"category": category, "wijk": wijk_id,
                                                          "today": local_today().isoformat()}, ("offer",)))
    return found.rows, found.pages


def postcode_for(session: Session, offer: VolunteerOffer, user) -> str:
    """A postcode to pre-fill the edit form: the user's own, else a PC4 of the offer's buurt."""
    if user.postcode:
        return user.postcode
    rows = session.exec(select(PostcodeArea.postcode).where(PostcodeArea.buurt_id == offer.buurt_id)
                        .order_by(PostcodeArea.postcode)).all()
    return next((pc for pc in rows if len(pc) == 4), rows[0] if rows else "")
