"""A year of demo history (issue 11): requests that were helped, expired, withdrawn or passed on, with
their matches, and activity sign-ups with attendance, so the dashboard shows real trends.

Built from the demo's own current requests and offers (texts, categories, buurten), after them, so the
ids of the current demo stay the same. Seeded: the same history every time. Only ordinary requests are
copied: nothing sensitive enters the history.
"""

from __future__ import annotations

import random
from datetime import timedelta

from sqlmodel import select

from ..models import (ActivitySignup, Area, Category, HelpRequest, HelpRequestPrivate, Match, OfferCategory,
                      RequestCategory, User, Voorziening, utcnow)

MONTHS = 18  # a year and a half: a year on the dashboard, and volunteers who helped before it
# How a past request ended, with weights: most are helped by a neighbour; some by a voorziening.
OUTCOMES = (("done", 50), ("done_voorziening", 10), ("expired", 24), ("withdrawn", 9), ("escalated", 7))


def build_history(builder) -> int:
    """Add the history; returns how many past requests it made."""
    s = builder.s
    rng = random.Random(20251201)  # nosec B311  (demo data, nothing secret)
    now = utcnow()
    templates = _templates(s)
    offers_by_category = _offers_by_category(s)
    residents = list(s.exec(select(User).where(User.email.like("bewoner%")).order_by(User.id)).all())
    voorziening_ids = _voorzieningen(s)
    past = []
    for wijk in builder.wijken:
        buurten = [b for b in builder.buurten.values() if b.parent_id == wijk.id]
        for months_ago in range(MONTHS, 0, -1):
            # Growing use over the year: more requests in recent months.
            for _ in range(2 + (MONTHS - months_ago) // 4 + rng.randint(0, 2)):
                created = now - timedelta(days=30 * months_ago - rng.randint(0, 27), hours=rng.randint(0, 10))
                past.append(_past_request(rng, rng.choice(templates), rng.choice(buurten), rng.choice(residents),
                                          created, offers_by_category, voorziening_ids))
    # One flush gives every request its id (one INSERT per batch instead of ~900 round trips), then
    # the rows that point to them.
    s.add_all(request for request, _rows in past)
    s.flush()
    for request, rows in past:
        s.add_all(rows(request.id))
    _attendance(s, rng, now)
    s.flush()
    return len(past)


def _templates(s) -> list[tuple[str, str, int]]:
    ordinary = s.exec(select(HelpRequest.title, HelpRequest.description, RequestCategory.category_id)
                      .join(RequestCategory, RequestCategory.request_id == HelpRequest.id)
                      .join(Category, Category.id == RequestCategory.category_id)
                      .where(HelpRequest.safety == "none", Category.professional_only == False,  # noqa: E712
                             RequestCategory.position == 0)  # the main need: one pattern per request
                      .order_by(HelpRequest.id)).all()
    return [tuple(row) for row in ordinary]


def _offers_by_category(s) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for offer_id, category_id in s.exec(select(OfferCategory.offer_id, OfferCategory.category_id)
                                        .order_by(OfferCategory.offer_id)).all():
        found.setdefault(category_id, []).append(offer_id)
    return found


def _voorzieningen(s) -> list[int]:
    return list(s.exec(select(Voorziening.id).where(Voorziening.tier != "tweede").order_by(Voorziening.id)).all())


def _past_request(rng, template, buurt: Area, poster: User, created, offers_by_category, voorziening_ids):
    """One past request, and a function giving the rows that point to it once it has its id. Every
    choice is drawn here, in a fixed order: the same seed gives the same history."""
    title, description, category_id = template
    outcome = rng.choices([o for o, _w in OUTCOMES], weights=[w for _o, w in OUTCOMES])[0]
    offers = offers_by_category.get(category_id) or []
    if outcome == "done" and not offers:
        outcome = "done_voorziening"
    status = "done" if outcome.startswith("done") else outcome
    request = HelpRequest(title=title, description=description, public_name=poster.first_name, buurt_id=buurt.id,
                          lat=buurt.lat, lon=buurt.lon, posted_by_id=poster.id, requester_id=poster.id,
                          status=status, moderation="approved", safety="none", created_at=created,
                          updated_at=created + timedelta(days=rng.randint(3, 20)),
                          expires_at=(created + timedelta(days=30)).date())
    address = f"{buurt.name} {rng.randint(1, 180)}"
    answered = created + timedelta(hours=rng.choice([2, 5, 9, 20, 30, 60, 90]))
    finished = answered + timedelta(days=rng.randint(1, 9))
    match = None
    if outcome == "done":
        match = dict(kind="offer", offer_id=rng.choice(offers), status="completed",
                     created_at=answered, updated_at=finished)
    elif outcome == "done_voorziening" and voorziening_ids:
        match = dict(kind="voorziening", voorziening_id=rng.choice(voorziening_ids), status="completed",
                     created_at=answered, updated_at=finished)
    elif outcome == "expired" and offers and rng.random() < 0.3:
        match = dict(kind="offer", offer_id=rng.choice(offers), status="declined",
                     created_at=answered, updated_at=answered + timedelta(hours=12))

    def rows(request_id: int) -> list:
        found = [RequestCategory(request_id=request_id, category_id=category_id, position=0),
                 HelpRequestPrivate(request_id=request_id, address=address)]
        if match:
            found.append(Match(request_id=request_id, **match))
        return found

    return request, rows


def _attendance(s, rng, now) -> None:
    """Sign-ups made over the past months; the organisers ticked who came for most of them."""
    for signup in s.exec(select(ActivitySignup).where(ActivitySignup.status == "signed_up")
                         .order_by(ActivitySignup.id)).all():
        signup.created_at = now - timedelta(days=rng.randint(5, 30 * MONTHS - 5))
        signup.attended = rng.choices([True, False, None], weights=[65, 15, 20])[0]
        s.add(signup)


__all__ = ["build_history"]
