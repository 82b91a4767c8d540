"""The municipality's figures per wijk and category over a period (issue 11).

Definitions (all over help requests posted in the period, each counted once under its first category):
- posted: created in the period; answered within 48 h: a person proposed or accepted help (a match
  other than a mere suggestion) within 48 hours; matched: a match was accepted or completed;
  completed: the request is done; expired and escalated: its status.
- median time to first response / to match: hours from posting to the first such match / to the
  accepted match (its last update), only shown over 5 or more requests.
- active volunteers: volunteers with an accepted or completed match on a request of the period.
- referrals: made in the period, by the voorziening's tier and their status now; the wijk is the
  client's buurt.
Counts go through suppression.py before any page or CSV shows them.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from ..models import (REFERRAL_STATUSES, TIERS, Area, Category, HelpRequest, Match, Referral, ReferralClient,
                      RequestCategory, VolunteerOffer)
from ..timeutil import LOCAL_TZ
from . import cost
from .suppression import Table, suppress

MEASURES = ("posted", "answered_48h", "matched", "completed", "expired", "escalated")
MEASURE_WORDS = {"posted": _l("Gevraagd"), "answered_48h": _l("Binnen 48 uur antwoord"), "matched": _l("Gekoppeld"),
                 "completed": _l("Geholpen"), "expired": _l("Verlopen"), "escalated": _l("Doorgezet")}
RESPONSE_STATUSES = ("proposed", "accepted", "declined", "completed")
MATCHED_STATUSES = ("accepted", "completed")


@dataclass
class Period:
    start: date
    end: date  # inclusive

    def bounds(self) -> tuple[datetime, datetime]:
        return (datetime.combine(self.start, time(0), tzinfo=LOCAL_TZ),
                datetime.combine(self.end + timedelta(days=1), time(0), tzinfo=LOCAL_TZ))


def _aware(moment: datetime) -> datetime:
    from datetime import timezone
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def inhabitants(code: str) -> int | None:
    return (current_app.config.get("WIJK_INHABITANTS") or {}).get(code)


@dataclass
class Figures:
    wijken: list[Area]
    categories: list[Category]
    by_wijk: Table
    by_category: Table
    referrals: Table
    median_first_response_h: float | None
    median_match_h: float | None
    n_first_response: int
    n_match: int
    active_volunteers: int
    rates: list[str]  # posted per 1,000 inhabitants per wijk row, or "–"
    cost_lines: list
    cost_total: float
    share_without_formal_care: str  # completed requests + referrals afgerond at nulde/eerste, of those ended


def compute(session: Session, wijk_ids: list[int], period: Period) -> Figures:
    start, end = period.bounds()
    wijken = list(session.exec(select(Area).where(Area.id.in_(wijk_ids or [-1])).order_by(Area.name)).all())
    buurt_to_wijk = dict(session.exec(select(Area.id, Area.parent_id).where(Area.kind == "buurt",
                                                                            Area.parent_id.in_(wijk_ids or [-1]))).all())
    categories = list(session.exec(select(Category).order_by(Category.sort_order, Category.id)).all())
    requests = [r for r in session.exec(select(HelpRequest).where(
        HelpRequest.created_at >= start, HelpRequest.created_at < end,
        HelpRequest.buurt_id.in_(list(buurt_to_wijk) or [-1]))).all()]
    ids = [r.id for r in requests]
    first_category: dict[int, int] = {}
    for request_id, category_id in session.exec(select(RequestCategory.request_id, RequestCategory.category_id)
                                                .where(RequestCategory.request_id.in_(ids or [-1]))
                                                .order_by(RequestCategory.position, RequestCategory.category_id)).all():
        first_category.setdefault(request_id, category_id)
    matches = defaultdict(list)
    for m in session.exec(select(Match).where(Match.request_id.in_(ids or [-1]))).all():
        matches[m.request_id].append(m)

    wijk_index = {w.id: i for i, w in enumerate(wijken)}
    cat_index = {c.id: i for i, c in enumerate(categories)}
    by_wijk = [[0] * len(MEASURES) for _ in wijken]
    by_cat = [[0] * len(MEASURES) for _ in categories]
    first_response, to_match, volunteers = [], [], set()
    completed_per_slug: Counter = Counter()
    slug_of = {c.id: c.slug for c in categories}
    for r in requests:
        created = _aware(r.created_at)
        responses = sorted(_aware(m.created_at) for m in matches[r.id] if m.status in RESPONSE_STATUSES)
        matched = [m for m in matches[r.id] if m.status in MATCHED_STATUSES]
        flags = {
            "posted": True,
            "answered_48h": bool(responses) and responses[0] - created <= timedelta(hours=48),
            "matched": bool(matched) or r.status in ("matched", "done"),
            "completed": r.status == "done",
            "expired": r.status == "expired",
            "escalated": r.status == "escalated",
        }
        if responses:
            first_response.append((responses[0] - created).total_seconds() / 3600)
        if matched:
            to_match.append((min(_aware(m.updated_at) for m in matched) - created).total_seconds() / 3600)
            volunteers.update(m.offer_id for m in matched if m.offer_id)
        for k, measure in enumerate(MEASURES):
            if flags[measure]:
                by_wijk[wijk_index[buurt_to_wijk[r.buurt_id]]][k] += 1
                if r.id in first_category:
                    by_cat[cat_index[first_category[r.id]]][k] += 1
        if flags["completed"] and r.id in first_category:
            completed_per_slug[slug_of[first_category[r.id]]] += 1
    active = len(set(session.exec(select(VolunteerOffer.user_id).where(
        VolunteerOffer.id.in_(volunteers or {-1}))).all()))

    # Referrals by tier and outcome (status now), the client's buurt giving the wijk.
    referral_rows = session.exec(select(Referral, ReferralClient.buurt_id).join(
        ReferralClient, ReferralClient.id == Referral.client_id).where(
        Referral.created_at >= start, Referral.created_at < end,
        ReferralClient.buurt_id.in_(list(buurt_to_wijk) or [-1]))).all()
    tiers = list(TIERS)
    ref_cells = [[0] * len(REFERRAL_STATUSES) for _ in tiers]
    ended = resolved = 0
    for referral, _buurt in referral_rows:
        ref_cells[tiers.index(referral.tier)][REFERRAL_STATUSES.index(referral.status)] += 1
    referral_done_slugs = _referral_categories(session, [r for r, _b in referral_rows
                                                         if r.status == "completed" and r.tier in ("nulde", "eerste")])
    cases = completed_per_slug + referral_done_slugs
    lines, total = cost.estimate(dict(cases), current_app.config.get("COST_MODEL"))
    done_requests = sum(row[MEASURES.index("completed")] for row in by_wijk)
    ended_requests = done_requests + sum(row[MEASURES.index("expired")] + row[MEASURES.index("escalated")]
                                         for row in by_wijk)
    ended_referrals = [r for r, _b in referral_rows if r.status in ("completed", "not_started", "withdrawn")]
    resolved = done_requests + sum(1 for r in ended_referrals if r.status == "completed" and r.tier != "tweede")
    ended = ended_requests + len(ended_referrals)
    share = "–" if ended < 5 else f"{round(100 * resolved / ended)}%"

    wijk_table = suppress(_table(by_wijk))
    rates = []
    for i, w in enumerate(wijken):
        n = inhabitants(w.code)
        pos = ("c", i, 0)
        rates.append("–" if not n or pos in wijk_table.hidden else f"{1000 * by_wijk[i][0] / n:.1f}".replace(".", ","))
    return Figures(
        wijken=wijken, categories=categories, by_wijk=wijk_table, by_category=suppress(_table(by_cat)),
        referrals=suppress(_table(ref_cells, row_totals=True)),
        median_first_response_h=_median(first_response), median_match_h=_median(to_match),
        n_first_response=len(first_response), n_match=len(to_match), active_volunteers=active, rates=rates,
        cost_lines=lines, cost_total=total, share_without_formal_care=share)


def _referral_categories(session: Session, referrals) -> Counter:
    from ..models import VoorzieningCategory
    found: Counter = Counter()
    ids = [r.voorziening_id for r in referrals]
    first: dict[int, str] = {}
    for vid, slug in session.exec(select(VoorzieningCategory.voorziening_id, Category.slug)
                                  .join(Category, Category.id == VoorzieningCategory.category_id)
                                  .where(VoorzieningCategory.voorziening_id.in_(ids or [-1]))
                                  .order_by(Category.sort_order)).all():
        first.setdefault(vid, slug)
    for r in referrals:
        if r.voorziening_id in first:
            found[first[r.voorziening_id]] += 1
    return found


def _table(cells: list[list[int]], row_totals: bool = False) -> Table:
    n_cols = len(cells[0]) if cells else 0
    col_totals = [sum(row[j] for row in cells) for j in range(n_cols)]
    return Table(cells=[list(row) for row in cells], row_totals=[sum(row) for row in cells] if row_totals else None,
                 col_totals=col_totals, grand_total=sum(col_totals) if row_totals else None)


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if len(values) >= 5 else None


def monthly_posted(session: Session, wijk_ids: list[int], period: Period) -> list[tuple[str, str, int]]:
    """(YYYY-MM, shown count, bar length) per month: the trend, suppressed with its total as one line."""
    start, end = period.bounds()
    buurten = list(session.exec(select(Area.id).where(Area.kind == "buurt", Area.parent_id.in_(wijk_ids or [-1]))).all())
    counts: Counter = Counter()
    for created in session.exec(select(HelpRequest.created_at).where(
            HelpRequest.created_at >= start, HelpRequest.created_at < end,
            HelpRequest.buurt_id.in_(buurten or [-1]))).all():
        counts[_aware(created).astimezone(LOCAL_TZ).strftime("%Y-%m")] += 1
    months, cursor = [], period.start.replace(day=1)
    while cursor <= period.end:
        months.append(cursor.strftime("%Y-%m"))
        cursor = (cursor + timedelta(days=32)).replace(day=1)
    table = suppress(Table(cells=[[counts[m] for m in months]], row_totals=[sum(counts[m] for m in months)]))
    return [(m, table.shown(("c", 0, j)), 0 if ("c", 0, j) in table.hidden else counts[m])
            for j, m in enumerate(months)]


__all__ = ["Figures", "MEASURES", "MEASURE_WORDS", "Period", "compute", "monthly_posted"]
