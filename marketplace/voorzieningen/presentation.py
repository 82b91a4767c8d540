"""A voorziening in plain words: tier, cost, ages, languages, dates, and the page of one listing."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlmodel import Session, select

from ..models import (Area, Category, Location, Organisation, Schedule, Voorziening, VoorzieningCategory,
                      VoorzieningLocation, utcnow)
from ..formatting import add_months, date_in_words, language_name, money
from .schedule_text import day_status, week_in_words
from ..timeutil import LOCAL_TZ

# --------------------------------------------------------------------------- words


def tier_text(v: Voorziening) -> str:
    if v.tier == "nulde":
        return _("Voor iedereen, zonder indicatie") if v.indicatievrij else _("Voor iedereen in de buurt")
    if v.tier == "eerste":
        return (_("Hulp van een professional, zonder indicatie") if v.indicatievrij
                else _("Hulp van een professional, met verwijzing"))
    return _("Specialistische zorg, met indicatie") if not v.indicatievrij else _("Specialistische zorg")


def cost_text(v: Voorziening) -> str:
    if v.cost_kind == "upas":
        return _("Met U-pas")
    if v.cost_kind == "bedrag" and v.cost_amount_cents:
        return money(v.cost_amount_cents)
    return _("Gratis")


def ages_text(v: Voorziening) -> str | None:
    if v.min_age is not None and v.max_age is not None:
        return _("Van %(low)s tot en met %(high)s jaar", low=v.min_age, high=v.max_age)
    if v.min_age is not None:
        return _("Vanaf %(low)s jaar", low=v.min_age)
    if v.max_age is not None:
        return _("Tot en met %(high)s jaar", high=v.max_age)
    return None


def language_names(codes: str) -> list[str]:
    return [language_name(code.strip()) for code in (codes or "").split(",") if code.strip()]


def is_outdated(v: Voorziening, interval_months: int, now: datetime | None = None) -> bool:
    """Not checked by the aanbieder for longer than the interval (or never)."""
    if v.last_verified_at is None:
        return True
    return add_months(v.last_verified_at, interval_months) < (now or utcnow())


def categories_for(session: Session, ids: list[int]) -> dict[int, list[Category]]:
    found: dict[int, list[Category]] = defaultdict(list)
    if ids:
        for vid, category in session.exec(
                select(VoorzieningCategory.voorziening_id, Category)
                .join(Category, Category.id == VoorzieningCategory.category_id)
                .where(VoorzieningCategory.voorziening_id.in_(ids)).order_by(Category.sort_order)).all():
            found[vid].append(category)
    return found


def locations_for(session: Session, ids: list[int]) -> dict[int, list[tuple[Location, str | None]]]:
    found: dict[int, list] = defaultdict(list)
    if ids:
        for vid, location, buurt in session.exec(
                select(VoorzieningLocation.voorziening_id, Location, Area.name)
                .join(Location, Location.id == VoorzieningLocation.location_id)
                .outerjoin(Area, Area.id == Location.buurt_id)
                .where(VoorzieningLocation.voorziening_id.in_(ids)).order_by(Location.id)).all():
            found[vid].append((location, buurt))
    return found


def schedules_for(session: Session, ids: list[int]) -> dict[int, list[Schedule]]:
    found: dict[int, list[Schedule]] = defaultdict(list)
    if ids:
        for row in session.exec(select(Schedule).where(Schedule.voorziening_id.in_(ids))).all():
            found[row.voorziening_id].append(row)
    return found


@dataclass
class Detail:
    v: Voorziening
    organisation: Organisation
    categories: list[Category]
    locations: list[tuple[Location, str | None]]
    opening_lines: list[str]
    today: str | None
    tier: str
    cost: str
    ages: str | None
    languages: list[str]
    verified_on: str | None
    outdated: bool


def detail(session: Session, v: Voorziening, interval_months: int, now: datetime | None = None) -> Detail:
    schedules = schedules_for(session, [v.id]).get(v.id, [])
    local_now = (now or datetime.now(LOCAL_TZ)).astimezone(LOCAL_TZ)
    status = day_status(schedules, local_now)
    return Detail(
        v=v, organisation=session.get(Organisation, v.organisation_id),
        categories=categories_for(session, [v.id]).get(v.id, []),
        locations=locations_for(session, [v.id]).get(v.id, []),
        opening_lines=week_in_words(schedules), today=status.text if status else None,
        tier=tier_text(v), cost=cost_text(v), ages=ages_text(v), languages=language_names(v.languages),
        verified_on=date_in_words(v.last_verified_at) if v.last_verified_at else None,
        outdated=is_outdated(v, interval_months, now.astimezone(LOCAL_TZ) if now else None))
