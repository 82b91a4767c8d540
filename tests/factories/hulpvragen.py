"""Help requests (hulpvragen) with their private part."""

from __future__ import annotations

from datetime import timedelta

from marketplace.categories import categories_by_slug
from marketplace.models import Area, HelpRequest, HelpRequestPrivate, RequestCategory
from marketplace.timeutil import local_today

from .base import add


def make_request(session, poster, buurt: Area, title="Wie kan boodschappen voor mij doen?",
                 categories=("boodschappen",), on_behalf=False, address="Velvetstraat 12",
                 contact_name=None, contact_phone=None, moderation="approved", **kw):
    cats = categories_by_slug(session)
    request = add(session, HelpRequest(
        title=title, description=kw.pop("description", "Ik kan niet goed lopen na een operatie."),
        public_name=kw.pop("public_name", (contact_name or poster.display_name).split(" ")[0]),
        buurt_id=buurt.id, pc4="7541", lat=buurt.lat, lon=buurt.lon, posted_by_id=poster.id,
        requester_id=None if on_behalf else poster.id, on_behalf=on_behalf, moderation=moderation,
        expires_at=kw.pop("expires_at", local_today() + timedelta(days=30)), **kw))
    session.add(HelpRequestPrivate(request_id=request.id, address=address, postcode="7541AB",
                                   contact_name=contact_name, contact_phone=contact_phone))
    for position, slug in enumerate(categories):
        session.add(RequestCategory(request_id=request.id, category_id=cats[slug].id, position=position))
    session.commit()
    return request
