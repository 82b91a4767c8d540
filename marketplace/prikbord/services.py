"""The printable neighbourhood board: public fields only, each item with a short code to phone about."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import format_date
from sqlalchemy import case
from sqlmodel import Session, select

from .. import visibility
from ..models import Activity, ActivityOccurrence, Area, HelpRequest, Location
from ..paging import Page, paginate_query
from ..timeutil import local_datetime, local_today, to_local

URGENCY_ORDER = {"1-2 dagen": 0, "deze week": 1, "geen haast": 2}
TEXT_LIMIT = 200
BOARD_PER_PAGE = 30  # about four printed A4 pages
BOARD_ACTIVITIES = 20  # this week's activities on the board; the rest on /activiteiten/ (a link)


@dataclass
class BoardRequest:
    code: str
    title: str
    text: str
    name: str
    urgency: str


@dataclass
class BoardActivity:
    code: str
    title: str
    text: str
    place: str
    times: list[str]  # local day and time, ready to print
    in_buurt: bool


def short(text: str, limit: int = TEXT_LIMIT) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def when(moment: datetime) -> str:
    # Babel's datetime filter would convert to the app's default zone (UTC): format the local time here.
    local = to_local(moment)
    return f"{format_date(local.date(), 'EEEE d MMMM')}, {local:%H:%M}"


def find_buurt(session: Session, code: str) -> Area | None:
    return session.exec(select(Area).where(Area.code == code, Area.kind == "buurt")).first()


def wijken_with_buurten(session: Session) -> list[tuple[Area, list[Area]]]:
    areas = session.exec(select(Area).where(Area.kind.in_(("wijk", "buurt"))).order_by(Area.name)).all()
    buurten: dict[int, list[Area]] = {}
    for area in areas:
        if area.kind == "buurt":
            buurten.setdefault(area.parent_id, []).append(area)
    return [(w, buurten.get(w.id, [])) for w in areas if w.kind == "wijk"]


def open_requests(session: Session, buurt: Area, page: int = 1, per_page: int | None = None) -> Page[BoardRequest]:
    """The buurt's open public requests, most urgent first, then the oldest: one page of them."""
    # Only the public columns are read: HelpRequestPrivate is never touched here.
    stmt = select(HelpRequest).where(
        HelpRequest.buurt_id == buurt.id, visibility.public_request(), HelpRequest.status == "open",
        HelpRequest.expires_at > local_today())
    urgency = case(URGENCY_ORDER, value=HelpRequest.urgency, else_=9)
    found = paginate_query(session, stmt, page, per_page or BOARD_PER_PAGE,
                           order_by=(urgency, HelpRequest.created_at, HelpRequest.id),
                           cached_count=("prikbord-count", {"buurt": buurt.id, "today": local_today().isoformat()},
                                         ("request",)))
    found.rows = [BoardRequest(f"H-{r.id}", r.title, short(r.description), r.public_name, r.urgency)
                  for r in found.rows]
    return found


def week_activities(session: Session, buurt: Area, today: date | None = None,
                    limit: int | None = None) -> tuple[list[BoardActivity], int]:
    """Approved activities in the buurt's wijk with an occurrence in the coming 7 days, those in the
    buurt itself first, then in time order; at most ``limit`` of them (a city's wijk has hundreds a
    week: 237 in the busiest at 10^5 listings, some 30 printed pages). Returns (shown, how many more)."""
    today = today or local_today()
    start, end = local_datetime(today, time(0)), local_datetime(today + timedelta(days=7), time(0))
    buurt_ids = [buurt.id]
    if buurt.parent_id is not None:
        buurt_ids = select(Area.id).where(Area.parent_id == buurt.parent_id)
    rows = session.exec(
        select(Activity.id, Activity.title, Activity.description, Location.name, Location.buurt_id,
               ActivityOccurrence.starts_at)
        .join(Location, Location.id == Activity.location_id)
        .join(ActivityOccurrence, ActivityOccurrence.activity_id == Activity.id)
        .where(Location.buurt_id.in_(buurt_ids), Activity.moderation == "approved",
               Activity.status == "published", ActivityOccurrence.cancelled.is_(False),
               ActivityOccurrence.starts_at >= start, ActivityOccurrence.starts_at < end)
        .order_by(ActivityOccurrence.starts_at)).all()
    found: dict[int, tuple] = {}
    for activity_id, title, description, place, place_buurt, starts_at in rows:
        entry = found.setdefault(activity_id, (title, description, place, place_buurt == buurt.id, []))
        entry[4].append(starts_at)
    # Activities in the buurt itself first, then the rest of the wijk (stable: time order stays).
    ordered = sorted(found.items(), key=lambda item: not item[1][3])
    shown = ordered if limit is None else ordered[:limit]
    return ([BoardActivity(f"A-{activity_id}", title, short(description), place, [when(t) for t in times], in_buurt)
             for activity_id, (title, description, place, in_buurt, times) in shown], len(ordered) - len(shown))
