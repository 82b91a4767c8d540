"""Sociale kaart upkeep: aanbieders keep their listings and organisations up to date.

How a listing reads is in ``presentation``, finding listings in ``finding``, full-text search in ``search``.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlmodel import Session, select

from .. import audit
from ..geocoding import OfflineGeocoder, normalise_postcode
from ..models import (Category, Location, Organisation, Schedule, User, UserOrganisation, UserRole, Voorziening,
                      VoorzieningCategory, VoorzieningLocation, utcnow)
from ..visibility import initial_moderation_for_organisation_content
from .forms import parse_amount_cents, parse_time
from .presentation import categories_for, cost_text, locations_for, schedules_for
from .search import index_voorziening


class SaveError(ValueError):
    """Input that the form could not check on its own (e.g. an unknown postcode). Carries the field name."""

    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field_name = field_name


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
    index_voorziening(session, v.id)  # in this transaction: it commits or rolls back with the listing
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
    return org
