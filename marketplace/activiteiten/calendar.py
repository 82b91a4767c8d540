"""The week calendar of activities, their next dates, and the repeating series (RRULE strings)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import takewhile

from dateutil.rrule import rrulestr
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload
from sqlmodel import Session, select

from ..models import WEEKDAYS, Activity, ActivityCategory, ActivityOccurrence, Area, Location, utcnow
from ..categories import ids_with_category
from ..paging import Page, paginate_query
from ..params import MAX_DATE, MIN_DATE, bounded_int, date_in_range
from ..timeutil import local_datetime, local_today, to_local
from .dates import format_day, format_occurrence, format_time_range
from .errors import ActivityError
from .signups import places_left, places_text, taken_counts

MAX_WEEKS_AHEAD = 26
PER_PAGE = 50  # dates on one page of the week


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
             category_slug: str | None = None, page: int = 1, per_page: int | None = None) -> Page[CalendarDay]:
    """Occurrences of approved, published activities in a 7-day window, grouped by local day: one page
    of them, counted, ordered and sliced in SQL (a city has thousands a week)."""
    first, last = week_days(week)
    since = local_datetime(first, time(0))
    until = local_datetime(last + timedelta(days=1), time(0))
    stmt = (select(ActivityOccurrence, Activity, Location, Area)
            .join(Activity, Activity.id == ActivityOccurrence.activity_id)
            .outerjoin(Location, Location.id == Activity.location_id)
            .outerjoin(Area, Area.id == Location.buurt_id)
            .where(Activity.moderation == "approved", Activity.status == "published",
                   ActivityOccurrence.cancelled.is_(False),
                   ActivityOccurrence.starts_at >= since, ActivityOccurrence.starts_at < until))
    if wijk_id:
        stmt = stmt.where(Area.parent_id == wijk_id)
    if category_slug:
        stmt = stmt.where(Activity.id.in_(
            ids_with_category(ActivityCategory.activity_id, ActivityCategory.category_id, category_slug)))
    found = paginate_query(session, stmt, page, per_page or PER_PAGE, options=(selectinload(Activity.categories),),
                           order_by=(ActivityOccurrence.starts_at, Activity.title, ActivityOccurrence.id))
    rows = found.rows
    ids = list({activity.id for _occ, activity, _loc, _buurt in rows})
    taken = taken_counts(session, ids)
    days: dict[date, CalendarDay] = {}
    for occurrence, activity, location, buurt in rows:
        day = to_local(occurrence.starts_at).date()
        left = places_left(activity.capacity, taken.get(activity.id, 0))
        icon = activity.categories[0] if activity.categories else None  # the pictogram
        place_name = location.name if location and location.name != activity.title else None
        place = ", ".join(p for p in (place_name, buurt.name if buurt else None) if p)
        days.setdefault(day, CalendarDay(day, format_day(day))).items.append(CalendarItem(
            activity, occurrence, format_time_range(occurrence.starts_at, occurrence.ends_at), place,
            icon.slug if icon else None, icon.name_nl if icon else "", places_text(left), left == 0))
    found.rows = [days[d] for d in sorted(days)]
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
    wanted = count if interval_weeks else 1
    days = series_days(first, make_rrule(first, interval_weeks, count)) if date_in_range(first) else []
    if len(days) < wanted:
        raise ActivityError(_("Kies een datum tussen %(first)s en %(last)s.", first=MIN_DATE.year,
                              last=MAX_DATE.year), "first_date")
    return [(local_datetime(day, start), local_datetime(day, end)) for day in days]


def series_days(first: date, rule: str) -> list[date]:
    """The dates of an activity's RRULE from ``first`` (dateutil's iCalendar rules, the same text the
    rrule column stores), never past MAX_DATE."""
    dates = rrulestr(rule, dtstart=datetime.combine(first, time()))
    return [moment.date() for moment in takewhile(lambda moment: moment.date() <= MAX_DATE, dates)]


def make_rrule(first: date, interval_weeks: int, count: int) -> str:
    byday = WEEKDAYS[first.weekday()]
    if not interval_weeks:
        return f"FREQ=WEEKLY;INTERVAL=1;BYDAY={byday};COUNT=1"
    return f"FREQ=WEEKLY;INTERVAL={interval_weeks};BYDAY={byday};COUNT={count}"


def parse_rrule(rrule: str | None) -> dict[str, str]:
    parts = dict(p.split("=", 1) for p in (rrule or "").split(";") if "=" in p)
    return parts
