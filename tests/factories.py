"""Small, explicit factories for tests. Each returns a committed row.

``make_world(session)`` builds one gemeente, one wijk and two buurten with postcodes,
enough for geography-aware tests without the (slower) full demo.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

from marketplace.categories import categories_by_slug
from marketplace.models import (Activity, ActivityCategory, ActivityOccurrence, Area, AvailabilitySlot,
                                HelpRequest, HelpRequestPrivate, Location, OfferCategory, Organisation,
                                PostcodeArea, RequestCategory, Schedule, UserOrganisation, UserWijk,
                                VolunteerOffer, Voorziening, VoorzieningCategory, VoorzieningLocation)
from marketplace.timeutil import local_datetime, local_today

from .conftest import make_user


@dataclass
class World:
    gemeente: Area
    wijk: Area
    velve: Area       # buurt, postcodes 7541AA (centroid) and 7541AB
    pathmos: Area     # buurt ~2.5 km away, postcode 7513AA


def add(session, row):
    session.add(row)
    session.commit()
    return row


def make_world(session) -> World:
    gemeente = add(session, Area(kind="gemeente", name="Enschede", code="GM0153", lat=52.2215, lon=6.8937))
    wijk = add(session, Area(kind="wijk", name="Velve-Lindenhof", code="WK015305", parent_id=gemeente.id,
                             lat=52.206, lon=6.858))
    wijk2 = add(session, Area(kind="wijk", name="Pathmos", code="WK015304", parent_id=gemeente.id,
                              lat=52.213, lon=6.905))
    velve = add(session, Area(kind="buurt", name="Velve", code="BU01530501", parent_id=wijk.id,
                              lat=52.2060, lon=6.8580))
    pathmos = add(session, Area(kind="buurt", name="Pathmos-Noord", code="BU01530401", parent_id=wijk2.id,
                                lat=52.2135, lon=6.9050))
    for pc, lat, lon, buurt in [("7541AA", 52.2060, 6.8580, velve), ("7541AB", 52.2065, 6.8590, velve),
                                ("7541", 52.2060, 6.8580, velve), ("7513AA", 52.2135, 6.9050, pathmos),
                                ("7513", 52.2135, 6.9050, pathmos)]:
        session.add(PostcodeArea(postcode=pc, lat=lat, lon=lon, buurt_id=buurt.id, street="Velvetstraat"))
    session.commit()
    return World(gemeente, wijk, velve, pathmos)


def make_preventiemakelaar(session, world: World, email="pm@example.nl"):
    user = make_user(session, email=email, roles=("preventiemakelaar",), name="Marieke Smit")
    add(session, UserWijk(user_id=user.id, wijk_id=world.wijk.id))
    return user


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
    for slug in categories:
        session.add(RequestCategory(request_id=request.id, category_id=cats[slug].id))
    session.commit()
    return request


def make_activity(session, buurt: Area, org=None, owner=None, title="Eettafel De Velve", categories=("ontmoeting",),
                  capacity=None, weeks=4, moderation="approved", **kw):
    cats = categories_by_slug(session)
    location = make_location(session, buurt, name=title)
    activity = add(session, Activity(title=title, description=kw.pop("description", "Samen eten op woensdag."),
                                     organisation_id=org.id if org else None,
                                     owner_user_id=owner.id if owner else None, is_initiative=owner is not None,
                                     location_id=location.id, capacity=capacity, moderation=moderation,
                                     rrule="FREQ=WEEKLY;BYDAY=WE", **kw))
    for slug in categories:
        session.add(ActivityCategory(activity_id=activity.id, category_id=cats[slug].id))
    first = local_today() + timedelta(days=1)
    for week in range(weeks):
        day = first + timedelta(weeks=week)
        session.add(ActivityOccurrence(activity_id=activity.id, starts_at=local_datetime(day, time(12)),
                                       ends_at=local_datetime(day, time(13, 30))))
    session.commit()
    return activity


def days_from_today(n: int) -> date:
    return local_today() + timedelta(days=n)
