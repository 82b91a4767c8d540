"""Weekly opening times in plain Dutch words. Pure functions: no database, no request.

A rule is anything with ``byday`` ("MO".."SU"), ``opens_at`` and ``closes_at`` (local wall-clock
times), and optionally ``interval_weeks``, ``valid_from``, ``valid_until`` (like ``Schedule``).
Activities can reuse the same words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Iterable, Protocol

from ..formatting import weekday_name
from ..models import WEEKDAYS


def _(message: str, **values) -> str:
    """Translate when a Flask app is active; plain Dutch otherwise (unit tests, jobs)."""
    from flask import has_app_context
    if has_app_context():
        from flask_babel import gettext
        return gettext(message, **values)
    return message % values if values else message


class Rule(Protocol):
    byday: str
    opens_at: time
    closes_at: time


@dataclass(frozen=True)
class DayStatus:
    """What a visitor wants to know today. ``kind``: open_now, later_today, closed_today or closed."""

    kind: str
    text: str

    @property
    def open_today(self) -> bool:
        return self.kind in ("open_now", "later_today")


def clock(moment: time) -> str:
    """10:00, 9:30 → '09:30' (24-hour clock, as on Dutch signs)."""
    return moment.strftime("%H:%M")


def day_name(byday: str) -> str:
    return weekday_name(WEEKDAYS.index(byday))


def occurs_on(rule, day: date) -> bool:
    """Does this weekly rule apply on ``day`` (weekday, validity dates, every n weeks)?"""
    if WEEKDAYS[day.weekday()] != rule.byday:
        return False
    valid_from = getattr(rule, "valid_from", None)
    valid_until = getattr(rule, "valid_until", None)
    if (valid_from and day < valid_from) or (valid_until and day > valid_until):
        return False
    interval = getattr(rule, "interval_weeks", 1) or 1
    if interval > 1:
        if not valid_from:
            return False  # no start week known: we cannot say which weeks, so we do not promise
        return ((day - valid_from).days // 7) % interval == 0
    return True


def _sorted(rules: Iterable) -> list:
    return sorted(rules, key=lambda r: (WEEKDAYS.index(r.byday), r.opens_at))


def rule_in_words(rule) -> str:
    """'dinsdag 10:00 tot 12:00' (and 'om de 2 weken' when it is not every week)."""
    words = _("%(day)s %(opens)s tot %(closes)s", day=day_name(rule.byday), opens=clock(rule.opens_at),
              closes=clock(rule.closes_at))
    interval = getattr(rule, "interval_weeks", 1) or 1
    if interval > 1:
        words += " " + _("(om de %(n)s weken)", n=interval)
    return words


def week_in_words(rules: Iterable) -> list[str]:
    """One line per day: 'dinsdag 10:00 tot 12:00 en 14:00 tot 16:00'."""
    lines: dict[str, list[str]] = {}
    for rule in _sorted(rules):
        times = _("%(opens)s tot %(closes)s", opens=clock(rule.opens_at), closes=clock(rule.closes_at))
        interval = getattr(rule, "interval_weeks", 1) or 1
        if interval > 1:
            times += " " + _("(om de %(n)s weken)", n=interval)
        lines.setdefault(rule.byday, []).append(times)
    return [day_name(day) + " " + (" " + _("en") + " ").join(times) for day, times in lines.items()]


def day_status(rules: Iterable, now: datetime) -> DayStatus | None:
    """'Vandaag open tot 12:00', 'Vandaag gesloten', 'Nu gesloten, morgen open om 10:00'.

    ``now`` is a local (Europe/Amsterdam) datetime. None when there are no opening times at all.
    """
    rules = _sorted(rules)
    if not rules:
        return None
    today, moment = now.date(), now.time()
    todays = [r for r in rules if occurs_on(r, today)]
    for rule in todays:
        if rule.opens_at <= moment < rule.closes_at:
            return DayStatus("open_now", _("Vandaag open tot %(time)s", time=clock(rule.closes_at)))
    for rule in todays:
        if moment < rule.opens_at:
            return DayStatus("later_today", _("Vandaag open van %(opens)s tot %(closes)s",
                                              opens=clock(rule.opens_at), closes=clock(rule.closes_at)))
    tomorrow = [r for r in rules if occurs_on(r, today + timedelta(days=1))]
    if tomorrow:
        return DayStatus("closed", _("Nu gesloten, morgen open om %(time)s", time=clock(tomorrow[0].opens_at)))
    if todays:
        return DayStatus("closed", _("Nu gesloten"))
    return DayStatus("closed_today", _("Vandaag gesloten"))


def next_opening(rules: Iterable, now: datetime, days_ahead: int = 28) -> tuple[date, time] | None:
    """The first opening after ``now`` (local), within four weeks."""
    rules = _sorted(rules)
    for offset in range(days_ahead + 1):
        day = now.date() + timedelta(days=offset)
        for rule in rules:
            if occurs_on(rule, day) and (offset > 0 or now.time() < rule.opens_at):
                return day, rule.opens_at
    return None
