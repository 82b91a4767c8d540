"""Activities with weekly occurrences from tomorrow on."""

from __future__ import annotations

from datetime import time, timedelta

from marketplace.categories import categories_by_slug
from marketplace.models import Activity, ActivityCategory, ActivityOccurrence, Area
from marketplace.timeutil import local_datetime, local_today

from .base import add
from .voorzieningen import make_location


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
