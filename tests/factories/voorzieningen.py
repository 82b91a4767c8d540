"""The sociale kaart: organisations, locations and voorzieningen with opening hours."""

from __future__ import annotations

from datetime import time

from marketplace.categories import categories_by_slug
from marketplace.models import (Area, Location, Organisation, Schedule, UserOrganisation, Voorziening,
                                VoorzieningCategory, VoorzieningLocation)

from .base import add


def make_organisation(session, name="Welzijn Oost", moderation="approved", staff=None, **kw):
    org = add(session, Organisation(name=name, description="Welzijn in de wijk.", moderation=moderation,
                                    phone="053-1234567", email="info@welzijn.example.nl", **kw))
    if staff is not None:
        add(session, UserOrganisation(user_id=staff.id, organisation_id=org.id))
    return org


def make_location(session, buurt: Area, name="Buurthuis De Velve", address="Velvetstraat 1"):
    return add(session, Location(name=name, address=address, postcode="7541AA", lat=buurt.lat, lon=buurt.lon,
                                 buurt_id=buurt.id))


def make_voorziening(session, org, buurt: Area, name="Taalcafé De Velve", categories=("taal",), tier="nulde",
                     schedule=(("TU", time(10), time(12)),), moderation="approved", **kw):
    cats = categories_by_slug(session)
    v = add(session, Voorziening(organisation_id=org.id, name=name, tier=tier, moderation=moderation,
                                 description=kw.pop("description", "Samen Nederlands oefenen met koffie."), **kw))
    location = make_location(session, buurt, name=name)
    session.add(VoorzieningLocation(voorziening_id=v.id, location_id=location.id))
    for slug in categories:
        session.add(VoorzieningCategory(voorziening_id=v.id, category_id=cats[slug].id))
    for byday, opens, closes in schedule:
        session.add(Schedule(voorziening_id=v.id, location_id=location.id, byday=byday, opens_at=opens,
                             closes_at=closes))
    session.commit()
    return v
