"""Activities and resident initiatives: calendar, sign-up with waiting list, ownership, support.

Each action that changes data commits exactly once (and rolls back on error); e-mails are
queued on the session and go out after the commit, so nobody is told about a change that did
not happen, and a mail server that is down cannot turn a saved change into an error page.
Actions whose rule depends on counts (places left, the waiting list) lock the activity row first
(``db.lock_for_write``), so simultaneous sign-ups are handled one after the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import delete, func
from sqlmodel import Session, select

from .. import audit, db
from ..categories import categories_by_slug
from ..geocoding import OfflineGeocoder, normalise_postcode
from ..mail import absolute_url, queue_mail
from ..models import (WEEKDAYS, Activity, ActivityCategory, ActivityOccurrence, ActivitySignup, Area, Category,
                      Location, Organisation, SupportRequest, User, UserOrganisation, UserRole, UserWijk,
                      utcnow)
from ..params import MAX_DATE, MIN_DATE, add_weeks, bounded_int
from ..timeutil import local_datetime, local_today, to_local
from ..visibility import initial_moderation_for_post, moderates
from .dates import format_day, format_occurrence, format_time_range

MAX_WEEKS_AHEAD = 26


class ActivityError(Exception):
    """A rule stopped the action; the message is Dutch and safe to show. ``field``: the form field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


# --------------------------------------------------------------------------- places and people


def wijken(session: Session) -> list[Area]:
    return list(session.exec(select(Area).where(Area.kind == "wijk").order_by(Area.name)).all())


def wijk_id_of_buurt(session: Session, buurt_id: int | None) -> int | None:
    buurt = session.get(Area, buurt_id) if buurt_id else None
    return buurt.parent_id if buurt is not None else None


def default_wijk_id(session: Session, user) -> int | None:
    """The wijk of the logged-in user's buurt, if known."""
    if not getattr(user, "is_authenticated", False):
        return None
    return wijk_id_of_buurt(session, user.buurt_id)


def activity_place(session: Session, activity: Activity) -> tuple[Location | None, Area | None]:
    location = session.get(Location, activity.location_id) if activity.location_id else None
    buurt = session.get(Area, location.buurt_id) if location is not None and location.buurt_id else None
    return location, buurt


def organisations_of(session: Session, user) -> list[Organisation]:
    return list(session.exec(select(Organisation).join(
        UserOrganisation, UserOrganisation.organisation_id == Organisation.id).where(
        UserOrganisation.user_id == user.id).order_by(Organisation.name)).all())


def is_staff_of(session: Session, user, organisation_id: int | None) -> bool:
    if organisation_id is None or not getattr(user, "is_authenticated", False):
        return False
    return session.get(UserOrganisation, (user.id, organisation_id)) is not None


def is_owner(session: Session, user, activity: Activity) -> bool:
    """The initiator, or staff of the organising organisation: they keep ownership."""
    if not getattr(user, "is_authenticated", False):
        return False
    return activity.owner_user_id == user.id or is_staff_of(session, user, activity.organisation_id)


def can_manage(session: Session, user, activity: Activity) -> bool:
    """Edit or cancel: owners, and moderators (who may need to correct a listing)."""
    return is_owner(session, user, activity) or moderates(session, user, "activity", activity)


def can_view(session: Session, user, activity: Activity) -> bool:
    """Approved activities for all; pending or hidden ones only for owners and moderators."""
    return activity.moderation == "approved" or can_manage(session, user, activity)


def organiser_text(session: Session, activity: Activity) -> str:
    """'Initiatief van Ali' (first name only) or the organisation's name."""
    if activity.is_initiative and activity.owner_user_id:
        owner = session.get(User, activity.owner_user_id)
        if owner is not None:
            return _("Initiatief van %(name)s", name=owner.first_name)
    org = session.get(Organisation, activity.organisation_id) if activity.organisation_id else None
    return org.name if org is not None else _("Onbekend")


def activity_categories(session: Session, activity_id: int) -> list[Category]:
    return list(session.exec(select(Category).join(
        ActivityCategory, ActivityCategory.category_id == Category.id).where(
        ActivityCategory.activity_id == activity_id).order_by(Category.sort_order)).all())


# --------------------------------------------------------------------------- places left


def taken_counts(session: Session, activity_ids: list[int], status: str = "aangemeld") -> dict[int, int]:
    if not activity_ids:
        return {}
    rows = session.exec(select(ActivitySignup.activity_id, func.count()).where(
        ActivitySignup.activity_id.in_(activity_ids), ActivitySignup.status == status).group_by(
        ActivitySignup.activity_id)).all()
    return {activity_id: count for activity_id, count in rows}


def places_left(capacity: int | None, taken: int) -> int | None:
    """None means no limit. Never negative, also after the capacity was lowered."""
    if capacity is None:
        return None
    return max(0, capacity - taken)


def places_text(left: int | None) -> str:
    if left is None:
        return _("iedereen welkom")
    if left == 0:
        return _("vol — wachtlijst")
    return ngettext("nog %(num)d plek vrij", "nog %(num)d plekken vrij", left)


# --------------------------------------------------------------------------- calendar


@dataclass
class CalendarItem:
    activity: Activity
    occurrence: ActivityOccurrence
    time_text: str
    place_text: str
    icon_slug: str | None
    icon_name: str
    places_text: str
    full: bool


@dataclass
class CalendarDay:
    day: date
    label: str
    items: list[CalendarItem] = field(default_factory=list)


def parse_week(raw: str | None) -> int:
    """'?week=+1' arrives as ' 1' (a '+' in a query is a space); anything odd means this week."""
    week = bounded_int(raw, 0, MAX_WEEKS_AHEAD, clamp=True)
    return 0 if week is None else week


def week_days(week: int) -> tuple[date, date]:
    """First and last local day of the 7-day window, starting today."""
    first = local_today() + timedelta(days=7 * week)
    return first, first + timedelta(days=6)


def calendar(session: Session, week: int = 0, wijk_id: int | None = None,
             category_slug: str | None = None) -> list[CalendarDay]:
    """Occurrences of approved, published activities in a 7-day window, grouped by local day."""
    first, last = week_days(week)
    since = local_datetime(first, time(0))
    until = local_datetime(last + timedelta(days=1), time(0))
    stmt = (select(ActivityOccurrence, Activity, Location, Area)
            .join(Activity, Activity.id == ActivityOccurrence.activity_id)
            .outerjoin(Location, Location.id == Activity.location_id)
            .outerjoin(Area, Area.id == Location.buurt_id)
            .where(Activity.moderation == "approved", Activity.status == "published",
                   ActivityOccurrence.cancelled.is_(False),
                   ActivityOccurrence.starts_at >= since, ActivityOccurrence.starts_at < until)
            .order_by(ActivityOccurrence.starts_at, Activity.title))
    if wijk_id:
        stmt = stmt.where(Area.parent_id == wijk_id)
    if category_slug:
        stmt = stmt.where(Activity.id.in_(select(ActivityCategory.activity_id).join(
            Category, Category.id == ActivityCategory.category_id).where(Category.slug == category_slug)))
    rows = session.exec(stmt).all()
    ids = list({activity.id for _occ, activity, _loc, _buurt in rows})
    taken = taken_counts(session, ids)
    icons = first_categories(session, ids)
    days: dict[date, CalendarDay] = {}
    for occurrence, activity, location, buurt in rows:
        day = to_local(occurrence.starts_at).date()
        left = places_left(activity.capacity, taken.get(activity.id, 0))
        icon = icons.get(activity.id)
        place_name = location.name if location and location.name != activity.title else None
        place = ", ".join(p for p in (place_name, buurt.name if buurt else None) if p)
        days.setdefault(day, CalendarDay(day, format_day(day))).items.append(CalendarItem(
            activity, occurrence, format_time_range(occurrence.starts_at, occurrence.ends_at), place,
            icon.slug if icon else None, icon.name_nl if icon else "", places_text(left), left == 0))
    return [days[d] for d in sorted(days)]


def first_categories(session: Session, activity_ids: list[int]) -> dict[int, Category]:
    """The pictogram of each activity: its first category in display order."""
    if not activity_ids:
        return {}
    rows = session.exec(select(ActivityCategory.activity_id, Category).join(
        Category, Category.id == ActivityCategory.category_id).where(
        ActivityCategory.activity_id.in_(activity_ids)).order_by(Category.sort_order)).all()
    found: dict[int, Category] = {}
    for activity_id, category in rows:
        found.setdefault(activity_id, category)
    return found


def upcoming_occurrences(session: Session, activity_id: int, limit: int | None = 4,
                         include_running: bool = True) -> list[ActivityOccurrence]:
    """Dates still to come (by default also the one going on now)."""
    column = ActivityOccurrence.ends_at if include_running else ActivityOccurrence.starts_at
    stmt = select(ActivityOccurrence).where(
        ActivityOccurrence.activity_id == activity_id, ActivityOccurrence.cancelled.is_(False),
        column >= utcnow()).order_by(ActivityOccurrence.starts_at)
    if limit:
        stmt = stmt.limit(limit)
    return list(session.exec(stmt).all())


def occurrence_labels(occurrences: list[ActivityOccurrence]) -> list[str]:
    return [format_occurrence(o.starts_at, o.ends_at) for o in occurrences]


# --------------------------------------------------------------------------- repeating dates


def occurrence_times(first: date, start: time, end: time, interval_weeks: int,
                     count: int) -> list[tuple[datetime, datetime]]:
    """Each date keeps its local wall-clock time, also across summer/winter time.

    Raises ActivityError when a date of the series falls outside MIN_DATE..MAX_DATE (a series
    starting in the year 9999 would otherwise overflow).
    """
    step = max(interval_weeks, 1)
    days = [add_weeks(first, i * step) for i in range(count if interval_weeks else 1)]
    if any(day is None for day in days):
        raise ActivityError(_("Kies een datum tussen %(first)s en %(last)s.", first=MIN_DATE.year,
                              last=MAX_DATE.year), "first_date")
    return [(local_datetime(day, start), local_datetime(day, end)) for day in days]


def make_rrule(first: date, interval_weeks: int, count: int) -> str:
    byday = WEEKDAYS[first.weekday()]
    if not interval_weeks:
        return f"FREQ=WEEKLY;INTERVAL=1;BYDAY={byday};COUNT=1"
    return f"FREQ=WEEKLY;INTERVAL={interval_weeks};BYDAY={byday};COUNT={count}"


def parse_rrule(rrule: str | None) -> dict[str, str]:
    parts = dict(p.split("=", 1) for p in (rrule or "").split(";") if "=" in p)
    return parts


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
    """Create (activity=None) or update an activity with its place, categories and dates. One commit."""
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
    try:
        _apply_fields(session, activity, data, place)
        if replace_dates:
            _replace_future_dates(session, activity, data)
        promoted = [] if creating else promote_waiting(session, activity)
        audit.record(session, "activity.create" if creating else "activity.update", "activity", activity.id,
                     detail=activity.title if creating else f"capacity {old_capacity}→{activity.capacity}")
        notify_promoted(session, activity, promoted)
        db.commit(session)
    except Exception:
        session.rollback()
        raise
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
        session.rollback()
        return 0
    people = session.exec(select(User).join(ActivitySignup, ActivitySignup.user_id == User.id).where(
        ActivitySignup.activity_id == activity.id,
        ActivitySignup.status.in_(("aangemeld", "wachtlijst")))).all()
    activity.status = "cancelled"
    activity.updated_at = utcnow()
    session.add(activity)
    audit.record(session, "activity.cancel", "activity", activity.id, detail=f"{len(people)} deelnemers")
    for person in people:
        queue_mail(session, person.email, _("%(title)s gaat niet door", title=activity.title), _(
            "Hallo %(name)s,\n\nDe activiteit '%(title)s' gaat niet door. U hoeft niets te doen.\n\n"
            "Kijk op Buurtplein voor andere activiteiten in uw wijk:\n%(link)s\n\nBuurtplein",
            name=person.first_name, title=activity.title, link=absolute_url("activiteiten.index")))
    db.commit(session)
    return len(people)


# --------------------------------------------------------------------------- sign-up and waiting list


def my_signup(session: Session, activity_id: int, user_id: int) -> ActivitySignup | None:
    return session.exec(select(ActivitySignup).where(ActivitySignup.activity_id == activity_id,
                                                     ActivitySignup.user_id == user_id)).first()


def waiting_rank(session: Session, signup: ActivitySignup) -> int:
    """1-based place on the waiting list (ordered by position, then id)."""
    ahead = session.exec(select(func.count()).select_from(ActivitySignup).where(
        ActivitySignup.activity_id == signup.activity_id, ActivitySignup.status == "wachtlijst",
        (ActivitySignup.position < signup.position)
        | ((ActivitySignup.position == signup.position) & (ActivitySignup.id < signup.id)))).one()
    return ahead + 1


def _lock_activity(session: Session, activity_id: int) -> Activity | None:
    # Sign-ups, sign-offs and capacity changes of one activity wait for each other here
    # (FOR UPDATE on PostgreSQL, the write lock on SQLite); capacity and status are read fresh.
    return db.lock_for_write(session, Activity, activity_id)


def _next_position(session: Session, activity_id: int) -> int:
    last = session.exec(select(func.max(ActivitySignup.position)).where(
        ActivitySignup.activity_id == activity_id)).one()
    return (last if last is not None else -1) + 1


def _taken(session: Session, activity_id: int) -> int:
    return taken_counts(session, [activity_id]).get(activity_id, 0)


def promote_waiting(session: Session, activity: Activity) -> list[ActivitySignup]:
    """Move the first people on the waiting list up while places are free (caller commits)."""
    if activity.status != "published":
        return []
    session.flush()
    free = places_left(activity.capacity, _taken(session, activity.id))
    waiting = session.exec(select(ActivitySignup).where(
        ActivitySignup.activity_id == activity.id, ActivitySignup.status == "wachtlijst").order_by(
        ActivitySignup.position, ActivitySignup.id)).all()
    promoted = list(waiting) if free is None else list(waiting[:free])
    for signup in promoted:
        signup.status, signup.updated_at = "aangemeld", utcnow()
        session.add(signup)
        audit.record(session, "activity.promote", "activity", activity.id,
                     detail=f"user {signup.user_id} van wachtlijst naar aangemeld")
    return promoted


def sign_up(session: Session, activity_id: int, user) -> ActivitySignup:
    """aangemeld if a place is free, else wachtlijst at the end. Twice is harmless. One commit."""
    activity = _lock_activity(session, activity_id)
    if activity is None:
        raise LookupError(activity_id)
    if activity.status != "published" or activity.moderation != "approved":
        session.rollback()
        raise ActivityError(_("U kunt zich voor deze activiteit niet aanmelden."))
    existing = my_signup(session, activity_id, user.id)
    if existing is not None and existing.status in ("aangemeld", "wachtlijst"):
        session.rollback()
        return existing
    promoted = promote_waiting(session, activity)  # people already waiting go first
    signup = existing or ActivitySignup(activity_id=activity_id, user_id=user.id)
    free = places_left(activity.capacity, _taken(session, activity_id))
    signup.status = "aangemeld" if free is None or free > 0 else "wachtlijst"
    signup.position, signup.updated_at = _next_position(session, activity_id), utcnow()
    session.add(signup)
    audit.record(session, "activity.signup", "activity", activity_id, detail=signup.status)
    notify_promoted(session, activity, promoted)
    try:
        db.commit(session)
    except db.WriteConflict:
        # A double submit won the race: its row stands, this one is dropped.
        again = my_signup(session, activity_id, user.id)
        if again is None:
            raise ActivityError(_("Er meldden zich net veel mensen tegelijk aan. Probeer het nog eens.")) from None
        return again
    return signup


def sign_off(session: Session, activity_id: int, user) -> ActivitySignup | None:
    """afgemeld; a freed place goes to the first on the waiting list in the same transaction."""
    activity = _lock_activity(session, activity_id)
    if activity is None:
        raise LookupError(activity_id)
    signup = my_signup(session, activity_id, user.id)
    if signup is None or signup.status == "afgemeld":
        session.rollback()
        return signup
    signup.status, signup.updated_at = "afgemeld", utcnow()
    session.add(signup)
    audit.record(session, "activity.signoff", "activity", activity_id)
    promoted = promote_waiting(session, activity)
    notify_promoted(session, activity, promoted)
    try:
        db.commit(session, ActivityError(_("Dat lukte niet, want er veranderde net iets. Probeer het nog eens.")))
    except Exception:
        session.rollback()
        raise
    return signup


def notify_promoted(session: Session, activity: Activity, promoted: list[ActivitySignup]) -> None:
    """Queue the 'a place is free for you' mails; they go out when the caller commits."""
    for signup in promoted:
        person = session.get(User, signup.user_id)
        if person is None:
            continue
        queue_mail(session, person.email, _("Er is een plek vrij voor u bij %(title)s", title=activity.title), _(
            "Hallo %(name)s,\n\nEr is een plek vrij voor u bij '%(title)s'. U stond op de wachtlijst. "
            "Nu bent u aangemeld.\n\nKunt u toch niet? Meld u dan af op deze pagina:\n%(link)s\n\nBuurtplein",
            name=person.first_name, title=activity.title,
            link=absolute_url("activiteiten.detail", id=activity.id)))


# --------------------------------------------------------------------------- volunteers


def register_volunteer_interest(session: Session, activity: Activity, user) -> bool:
    """'Ik wil helpen': an audit event and an e-mail to the owner. False when already said."""
    from ..models import AuditEvent
    activity = db.lock_for_write(session, Activity, activity.id) or activity  # 'once' also for a double click
    known = session.exec(select(AuditEvent).where(
        AuditEvent.action == "activity.volunteer_interest", AuditEvent.target_id == activity.id,
        AuditEvent.actor_id == user.id)).first()
    if known is not None:
        session.rollback()
        return False
    audit.record(session, "activity.volunteer_interest", "activity", activity.id, actor_id=user.id)
    for address in owner_emails(session, activity):
        queue_mail(session, address, _("Iemand wil helpen bij %(title)s", title=activity.title), _(
            "Hallo,\n\n%(name)s wil graag helpen als vrijwilliger bij '%(title)s'.\n"
            "U kunt %(name)s een e-mail sturen: %(email)s\n\nBuurtplein",
            name=user.display_name, title=activity.title, email=user.email))
    db.commit(session)
    return True


def owner_emails(session: Session, activity: Activity) -> list[str]:
    if activity.owner_user_id:
        owner = session.get(User, activity.owner_user_id)
        if owner is not None:
            return [owner.email]
    org = session.get(Organisation, activity.organisation_id) if activity.organisation_id else None
    return [org.email] if org is not None and org.email else []


# --------------------------------------------------------------------------- support from the preventiemakelaar

SUPPORT_STATUS_TEXT = {
    "open": "Verstuurd, nog niet bekeken",
    "in_behandeling": "De buurtmakelaar helpt u",
    "afgerond": "Afgerond",
}


def support_status_text(status: str) -> str:
    return _(SUPPORT_STATUS_TEXT.get(status, status))


def support_requests_for(session: Session, activity_id: int) -> list[SupportRequest]:
    return list(session.exec(select(SupportRequest).where(SupportRequest.activity_id == activity_id).order_by(
        SupportRequest.created_at.desc(), SupportRequest.id.desc())).all())


def activity_wijk_id(session: Session, activity: Activity) -> int | None:
    location, _buurt = activity_place(session, activity)
    return wijk_id_of_buurt(session, location.buurt_id) if location is not None else None


def preventiemakelaars_of_wijk(session: Session, wijk_id: int | None) -> list[User]:
    if wijk_id is None:
        return []
    return list(session.exec(select(User).join(UserWijk, UserWijk.user_id == User.id).join(
        UserRole, UserRole.user_id == User.id).where(
        UserWijk.wijk_id == wijk_id, UserRole.role == "preventiemakelaar", User.is_active.is_(True))).all())


def ask_support(session: Session, activity: Activity, user, question: str) -> SupportRequest:
    """The owner asks the wijk's preventiemakelaar(s) for support; they get an e-mail."""
    support = SupportRequest(activity_id=activity.id, asked_by_id=user.id, question=question.strip())
    session.add(support)
    session.flush()
    audit.record(session, "support.create", "support_request", support.id, detail=f"activity {activity.id}")
    for makelaar in preventiemakelaars_of_wijk(session, activity_wijk_id(session, activity)):
        queue_mail(session, makelaar.email, _("Vraag om steun: %(title)s", title=activity.title), _(
            "Hallo %(name)s,\n\n%(asker)s vraagt uw steun bij '%(title)s':\n\n%(question)s\n\n"
            "Bekijk de activiteit:\n%(link)s\n\nBuurtplein",
            name=makelaar.first_name, asker=user.display_name, title=activity.title, question=support.question,
            link=absolute_url("activiteiten.detail", id=activity.id)))
    db.commit(session)
    return support


def can_answer_support(session: Session, user, activity: Activity) -> bool:
    """Beheerders, and preventiemakelaars of the activity's wijk."""
    if user.has_role("beheerder"):
        return True
    if not user.has_role("preventiemakelaar"):
        return False
    wijk_id = activity_wijk_id(session, activity)
    return wijk_id is not None and session.get(UserWijk, (user.id, wijk_id)) is not None


def answer_support_request(session: Session, support_id: int, user, answer: str | None,
                           status: str) -> SupportRequest:
    """For the moderation queue: set status (and answer); the asker gets an e-mail. One commit.

    Raises LookupError (unknown id), PermissionError (not this wijk's preventiemakelaar)
    or ActivityError (bad status, or 'afgerond' without an answer).
    """
    support = session.get(SupportRequest, support_id)
    activity = session.get(Activity, support.activity_id) if support is not None else None
    if support is None or activity is None:
        raise LookupError(support_id)
    if not can_answer_support(session, user, activity):
        raise PermissionError(support_id)
    if status not in ("open", "in_behandeling", "afgerond"):
        raise ActivityError(_("Kies een geldige status."))
    answer = (answer or "").strip() or None
    if status == "afgerond" and not (answer or support.answer):
        raise ActivityError(_("Schrijf een antwoord voordat u de vraag afrondt."))
    support.status, support.handled_by_id, support.updated_at = status, user.id, utcnow()
    support.answer = answer or support.answer
    session.add(support)
    audit.record(session, "support.answer", "support_request", support.id, detail=status, actor_id=user.id)
    asker = session.get(User, support.asked_by_id)
    if asker is not None:
        queue_mail(session, asker.email, _("Antwoord op uw vraag over %(title)s", title=activity.title), _(
            "Hallo %(name)s,\n\nDe buurtmakelaar heeft uw vraag bekeken. Status: %(status)s.\n\n%(answer)s\n\n"
            "Bekijk het hier:\n%(link)s\n\nBuurtplein",
            name=asker.first_name, status=support_status_text(status), answer=support.answer or "",
            title=activity.title, link=absolute_url("activiteiten.detail", id=activity.id)))
    db.commit(session)
    return support
