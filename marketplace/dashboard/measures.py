"""More of the municipality's figures (issue 11): volunteers new and returning, activity sign-ups and
attendance, the trend per month, and the gaps between demand and supply (the wijkagenda).

Definitions, over the chosen wijken and period:
- volunteers: people with an accepted or completed match on a request of the period; *new* when
  their first such match ever falls in the period, *returning* when they helped before it.
- sign-ups: activity sign-ups made in the period for activities placed in the wijken; attended: the
  organiser ticked "was er" (None: not recorded, counted apart so the rate is not understated).
- month: requests posted, matched and completed by the month they were posted, sign-ups by the
  month they were made.
- gaps, per category: requests asked, of them never answered (no volunteer or professional
  responded), and listings on offer in the wijken now (approved, active offers, voorzieningen and
  activities). A note says where demand and supply part ways.
Every count goes through suppression.py, like the other tables.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timezone

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, func, select

from ..models import (Activity, ActivityCategory, ActivitySignup, Area, Category, HelpRequest, Location, Match,
                      OfferCategory, RequestCategory, VolunteerOffer, Voorziening, VoorzieningCategory,
                      VoorzieningLocation)
from ..timeutil import LOCAL_TZ
from .suppression import Table, suppress

RESPONSE_STATUSES = ("proposed", "accepted", "declined", "completed")
HELPED_STATUSES = ("accepted", "completed")
MONTH_COLUMNS = ("posted", "matched", "completed", "signups")
MONTH_WORDS = {"posted": _l("Gevraagd"), "matched": _l("Gekoppeld"), "completed": _l("Geholpen"),
               "signups": _l("Aanmeldingen activiteiten")}
GAP_NOTES = {"no_supply": _l("Gevraagd, maar geen aanbod in de wijk"),
             "unanswered": _l("Veel vragen krijgen geen antwoord"),
             "not_asked": _l("Aanbod, maar niemand vroeg erom")}


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _month(moment: datetime) -> str:
    return _aware(moment).astimezone(LOCAL_TZ).strftime("%Y-%m")


@dataclass
class Scope:
    """The buurten of the chosen wijken and the period's bounds, read once for every measure."""
    buurten: list[int]
    start: datetime
    end: datetime
    _requests: list[HelpRequest] | None = None  # read once, shared by every measure of the page
    _matches: dict[int, list[Match]] | None = None

    @classmethod
    def of(cls, session: Session, wijk_ids: list[int], period) -> "Scope":
        start, end = period.bounds()
        buurten = list(session.exec(select(Area.id).where(Area.kind == "buurt",
                                                          Area.parent_id.in_(wijk_ids or [-1]))).all())
        return cls(buurten or [-1], start, end)

    def requests(self, session: Session) -> list[HelpRequest]:
        if self._requests is None:
            self._requests = list(session.exec(select(HelpRequest).where(
                HelpRequest.created_at >= self.start, HelpRequest.created_at < self.end,
                HelpRequest.buurt_id.in_(self.buurten))).all())
        return self._requests

    def matches(self, session: Session) -> dict[int, list[Match]]:
        """The matches of the period's requests, by request id."""
        if self._matches is None:
            self._matches = defaultdict(list)
            ids = [r.id for r in self.requests(session)]
            for m in session.exec(select(Match).where(Match.request_id.in_(ids or [-1]))).all():
                self._matches[m.request_id].append(m)
        return self._matches


# --------------------------------------------------------------------------- volunteers


def volunteers(session: Session, scope: Scope) -> Table:
    """One row: [new, returning], with the active total as the row total."""
    ids = [r.id for r in scope.requests(session)]
    helped = session.exec(select(VolunteerOffer.user_id).join(Match, Match.offer_id == VolunteerOffer.id).where(
        Match.request_id.in_(ids or [-1]), Match.status.in_(HELPED_STATUSES))).all()
    people = set(helped)
    earlier = set(session.exec(select(VolunteerOffer.user_id).join(Match, Match.offer_id == VolunteerOffer.id)
                               .join(HelpRequest, HelpRequest.id == Match.request_id).where(
        VolunteerOffer.user_id.in_(people or {-1}), Match.status.in_(HELPED_STATUSES),
        HelpRequest.created_at < scope.start)).all())
    returning = len(people & earlier)
    return suppress(Table(cells=[[len(people) - returning, returning]], row_totals=[len(people)]))


# --------------------------------------------------------------------------- activities


def _signups(session: Session, scope: Scope) -> list[ActivitySignup]:
    return list(session.exec(select(ActivitySignup).join(Activity, Activity.id == ActivitySignup.activity_id)
                             .join(Location, Location.id == Activity.location_id).where(
        ActivitySignup.created_at >= scope.start, ActivitySignup.created_at < scope.end,
        Location.buurt_id.in_(scope.buurten))).all())


def attendance(session: Session, scope: Scope) -> Table:
    """One row: [signed up, attended, not attended, not recorded], the sign-ups as row total."""
    rows = _signups(session, scope)
    came = sum(1 for s in rows if s.attended is True)
    missed = sum(1 for s in rows if s.attended is False)
    return suppress(Table(cells=[[came, missed, len(rows) - came - missed]], row_totals=[len(rows)]))


# --------------------------------------------------------------------------- trend per month


def months(period) -> list[str]:
    found, year, month = [], period.start.year, period.start.month
    while (year, month) <= (period.end.year, period.end.month):
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def monthly(session: Session, scope: Scope, period) -> tuple[list[str], Table]:
    labels = months(period)
    index = {m: i for i, m in enumerate(labels)}
    cells = [[0] * len(MONTH_COLUMNS) for _ in labels]
    requests = scope.requests(session)
    matches = scope.matches(session)
    for r in requests:
        row = cells[index[_month(r.created_at)]]
        row[0] += 1
        row[1] += any(m.status in HELPED_STATUSES for m in matches[r.id]) or r.status in ("matched", "done")
        row[2] += r.status == "done"
    for s in _signups(session, scope):
        cells[index[_month(s.created_at)]][3] += 1
    col_totals = [sum(row[j] for row in cells) for j in range(len(MONTH_COLUMNS))]
    return labels, suppress(Table(cells=cells, col_totals=col_totals))


# --------------------------------------------------------------------------- gaps (wijkagenda)


@dataclass
class Gaps:
    categories: list[Category]
    table: Table  # per category: [asked, never answered, on offer now]
    notes: list[str]


def _supply(session: Session, scope: Scope) -> Counter:
    """Approved, active listings per category id placed in the wijken now."""
    supply: Counter = Counter()
    offers = select(OfferCategory.category_id, func.count()).join(
        VolunteerOffer, VolunteerOffer.id == OfferCategory.offer_id).where(
        VolunteerOffer.buurt_id.in_(scope.buurten), VolunteerOffer.status == "active",
        VolunteerOffer.moderation == "approved").group_by(OfferCategory.category_id)
    voorzieningen = select(VoorzieningCategory.category_id, func.count(func.distinct(Voorziening.id))).join(
        Voorziening, Voorziening.id == VoorzieningCategory.voorziening_id).join(
        VoorzieningLocation, VoorzieningLocation.voorziening_id == Voorziening.id).join(
        Location, Location.id == VoorzieningLocation.location_id).where(
        Location.buurt_id.in_(scope.buurten), Voorziening.status == "active",
        Voorziening.moderation == "approved").group_by(VoorzieningCategory.category_id)
    activities = select(ActivityCategory.category_id, func.count()).join(
        Activity, Activity.id == ActivityCategory.activity_id).join(
        Location, Location.id == Activity.location_id).where(
        Location.buurt_id.in_(scope.buurten), Activity.status == "published",
        Activity.moderation == "approved").group_by(ActivityCategory.category_id)
    for query in (offers, voorzieningen, activities):
        for category_id, n in session.exec(query).all():
            supply[category_id] += n
    return supply


def gaps(session: Session, scope: Scope) -> Gaps:
    categories = list(session.exec(select(Category).order_by(Category.sort_order, Category.id)).all())
    index = {c.id: i for i, c in enumerate(categories)}
    requests = scope.requests(session)
    matches = scope.matches(session)
    cells = [[0, 0, 0] for _ in categories]
    first: dict[int, int] = {}
    for request_id, category_id in session.exec(select(RequestCategory.request_id, RequestCategory.category_id)
                                                .where(RequestCategory.request_id.in_([r.id for r in requests] or [-1]))
                                                .order_by(RequestCategory.position, RequestCategory.category_id)).all():
        first.setdefault(request_id, category_id)
    for r in requests:
        if r.id not in first:
            continue
        row = cells[index[first[r.id]]]
        row[0] += 1
        row[1] += not any(m.status in RESPONSE_STATUSES for m in matches[r.id])
    for category_id, n in _supply(session, scope).items():
        if category_id in index:
            cells[index[category_id]][2] = n
    table = suppress(Table(cells=cells, col_totals=[sum(row[j] for row in cells) for j in range(3)]))
    return Gaps(categories, table, [_note(table, i) for i in range(len(categories))])


def _note(table: Table, i: int) -> str:
    """Only from what the table shows: a note never tells more than its suppressed cells."""
    asked, unanswered, supply = table.cells[i]
    shown = lambda j: ("c", i, j) not in table.hidden  # noqa: E731
    if asked and not supply:
        return str(GAP_NOTES["no_supply"])
    if shown(0) and shown(1) and asked and 2 * unanswered >= asked:
        return str(GAP_NOTES["unanswered"])
    if supply and not asked:
        return str(GAP_NOTES["not_asked"])
    return ""
