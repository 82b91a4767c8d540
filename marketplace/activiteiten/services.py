"""Activities and resident initiatives: create, edit and cancel; places and organisers.

Each action only flushes; the view's ``db.unit_of_work`` commits it once (and rolls back on
error). E-mails are queued on the session and go out after the commit, so nobody is told about a change that did
not happen, and a mail server that is down cannot turn a saved change into an error page.
Who may act is in ``permissions``, dates in ``calendar``, sign-ups in ``signups``; support
requests live in ``moderatie/support``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from flask_babel import gettext as _
from sqlalchemy import delete
from sqlalchemy.orm import joinedload, selectinload
from sqlmodel import Session, select

from .. import audit, db, emails
from ..areas import wijk_id_of_buurt
from ..categories import categories_by_slug
from ..geocoding import OfflineGeocoder, normalise_postcode
from ..models import (Activity, ActivityCategory, ActivityOccurrence, ActivitySignup, Area, Location,
                      Organisation, User, utcnow)
from ..timeutil import to_local
from ..visibility import initial_moderation_for_post
from .calendar import make_rrule, occurrence_times, parse_rrule, upcoming_occurrences
from .errors import ActivityError
from .signups import notify_promoted, promote_waiting


# --------------------------------------------------------------------------- places and people


def default_wijk_id(session: Session, user) -> int | None:
    """The wijk of the logged-in user's buurt, if known."""
    if not getattr(user, "is_authenticated", False):
        return None
    return wijk_id_of_buurt(session, user.buurt_id)


# What the activity's page shows beside the row: its place and buurt joined in, the categories after.
PAGE_LOADS = (joinedload(Activity.location).joinedload(Location.buurt), selectinload(Activity.categories))


def activity_place(session: Session, activity: Activity) -> tuple[Location | None, Area | None]:
    location = activity.location
    return location, location.buurt if location is not None else None



def organiser_text(session: Session, activity: Activity) -> str:
    """'Initiatief van Ali' (first name only) or the organisation's name."""
    if activity.is_initiative and activity.owner_user_id:
        owner = session.get(User, activity.owner_user_id)
        if owner is not None:
            return _("Initiatief van %(name)s", name=owner.first_name)
    org = session.get(Organisation, activity.organisation_id) if activity.organisation_id else None
    return org.name if org is not None else _("Onbekend")



# --------------------------------------------------------------------------- create and edit


@dataclass
class ActivityData:
    """What the form gives the service (already validated)."""

    title: str
    description: str
    categories: list[str]
    organisation_id: int | None
    place_name: str
    address: str
    postcode: str
    first_date: date | None
    start_time: time | None
    end_time: time | None
    interval_weeks: int  # 0: once
    times: int
    capacity: int | None
    volunteers_wanted: int
    cost_kind: str


def locate(session: Session, postcode: str):
    """Postcode → Place with buurt, or ActivityError with a Dutch message."""
    place = OfflineGeocoder(session).locate(postcode)
    if place is None:
        raise ActivityError(_("Deze postcode kennen we niet. Kijk of hij goed is, bijvoorbeeld 7511 AB."), "postcode")
    return place


def schedule_of(session: Session, activity: Activity) -> dict:
    """The edit form's date fields, read back from the next date and the rrule."""
    # Only dates not yet begun: exactly the ones an edit of the schedule replaces.
    upcoming = upcoming_occurrences(session, activity.id, limit=None, include_running=False)
    rule = parse_rrule(activity.rrule)
    interval = int(rule.get("INTERVAL", "1")) if rule.get("COUNT") != "1" else 0
    if not upcoming:
        return {"interval_weeks": interval, "times": None, "first_date": None, "start_time": None,
                "end_time": None}
    first = upcoming[0]
    return {"first_date": to_local(first.starts_at).date(), "start_time": to_local(first.starts_at).time(),
            "end_time": to_local(first.ends_at).time(), "interval_weeks": interval,
            "times": len(upcoming) if interval else 1}


def schedule_changed(session: Session, activity: Activity, data: ActivityData) -> bool:
    old = schedule_of(session, activity)
    new = {"first_date": data.first_date, "start_time": data.start_time, "end_time": data.end_time,
           "interval_weeks": data.interval_weeks, "times": data.times if data.interval_weeks else 1}
    return any(old[k] != new[k] for k in new)


def save_activity(session: Session, user, data: ActivityData, activity: Activity | None = None) -> Activity:
    """Create (activity=None) or update an activity with its place, categories and dates."""
    place = locate(session, data.postcode)
    creating = activity is None
    if not creating:
        # A lower or higher capacity moves the waiting list: no sign-up may slip in between.
        activity = db.lock_for_write(session, Activity, activity.id)
        if activity is None:
            raise LookupError("activity")
    if creating:
        activity = Activity(title=data.title, description=data.description, owner_user_id=user.id,
                            moderation=initial_moderation_for_post(user))
    replace_dates = creating or schedule_changed(session, activity, data)
    if replace_dates and data.first_date is None:
        raise ActivityError(_("Kies de eerste datum."), "first_date")
    old_capacity = activity.capacity
    with db.flushing(session):
        _apply_fields(session, activity, data, place)
        if replace_dates:
            _replace_future_dates(session, activity, data)
        promoted = [] if creating else promote_waiting(session, activity)
        audit.record(session, "activity.create" if creating else "activity.update", "activity", activity.id,
                     detail=activity.title if creating else f"capacity {old_capacity}→{activity.capacity}")
        notify_promoted(session, activity, promoted)
    return activity


def _apply_fields(session: Session, activity: Activity, data: ActivityData, place) -> None:
    activity.title = data.title.strip()
    activity.description = data.description.strip()
    if data.organisation_id:
        activity.organisation_id, activity.is_initiative = data.organisation_id, False
    else:
        activity.organisation_id, activity.is_initiative = None, True
    activity.capacity = data.capacity
    activity.volunteers_wanted = data.volunteers_wanted
    activity.cost_kind = data.cost_kind
    activity.updated_at = utcnow()
    location = session.get(Location, activity.location_id) if activity.location_id else None
    location = location or Location(name="", address="", lat=place.lat, lon=place.lon)
    location.name, location.address = data.place_name.strip(), data.address.strip()
    location.postcode = normalise_postcode(data.postcode)
    location.lat, location.lon, location.buurt_id = place.lat, place.lon, place.buurt_id
    session.add(location)
    session.flush()
    activity.location_id = location.id
    session.add(activity)
    session.flush()
    session.exec(delete(ActivityCategory).where(ActivityCategory.activity_id == activity.id))
    cats = categories_by_slug(session)
    for slug in dict.fromkeys(data.categories):
        session.add(ActivityCategory(activity_id=activity.id, category_id=cats[slug].id))


def _replace_future_dates(session: Session, activity: Activity, data: ActivityData) -> None:
    """Dates already begun stay (history); the future series is written anew."""
    session.exec(delete(ActivityOccurrence).where(ActivityOccurrence.activity_id == activity.id,
                                                  ActivityOccurrence.starts_at >= utcnow()))
    for starts, ends in occurrence_times(data.first_date, data.start_time, data.end_time,
                                         data.interval_weeks, data.times):
        session.add(ActivityOccurrence(activity_id=activity.id, starts_at=starts, ends_at=ends))
    activity.rrule = make_rrule(data.first_date, data.interval_weeks, data.times)


def cancel_activity(session: Session, activity: Activity, user) -> int:
    """Status cancelled; everyone signed up or waiting gets an e-mail. Returns how many were told."""
    activity = db.lock_for_write(session, Activity, activity.id)
    if activity is None or activity.status == "cancelled":
        return 0
    people = session.exec(select(User).join(ActivitySignup, ActivitySignup.user_id == User.id).where(
        ActivitySignup.activity_id == activity.id,
        ActivitySignup.status.in_(("signed_up", "waiting_list")))).all()
    activity.status = "cancelled"
    activity.updated_at = utcnow()
    session.add(activity)
    audit.record(session, "activity.cancel", "activity", activity.id, detail=f"{len(people)} deelnemers")
    emails.send_activity_cancelled(session, list(people), activity=activity)
    return len(people)
