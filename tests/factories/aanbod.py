"""Volunteers' offers (vrijwilligersaanbod) with availability."""

from __future__ import annotations

from datetime import time, timedelta

from marketplace.categories import categories_by_slug
from marketplace.models import Area, AvailabilitySlot, OfferCategory, VolunteerOffer
from marketplace.timeutil import local_today

from .base import add


def make_offer(session, volunteer, buurt: Area, title="Ik doe graag boodschappen", categories=("boodschappen",),
               slots=((1, time(10), time(12)),), moderation="approved", **kw):
    cats = categories_by_slug(session)
    offer = add(session, VolunteerOffer(user_id=volunteer.id, title=title, buurt_id=buurt.id, lat=buurt.lat,
                                        lon=buurt.lon, moderation=moderation,
                                        description=kw.pop("description", "Ik heb een auto en tijd."),
                                        expires_at=kw.pop("expires_at", local_today() + timedelta(days=90)), **kw))
    for slug in categories:
        session.add(OfferCategory(offer_id=offer.id, category_id=cats[slug].id))
    for weekday, start, end in slots:
        session.add(AvailabilitySlot(offer_id=offer.id, weekday=weekday, start_time=start, end_time=end))
    session.commit()
    return offer
