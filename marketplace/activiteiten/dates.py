"""Dutch date and time words for activities ("woensdag 25 november, 12:00–13:30").

Kept here on purpose (not in a shared module) so this area does not depend on others.
Names are Dutch msgids, translated when shown.
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import gettext as _

from ..timeutil import to_local

DAY_NAMES = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
MONTH_NAMES = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
               "september", "oktober", "november", "december")


def day_name(day: date) -> str:
    return _(DAY_NAMES[day.weekday()])


def format_day(day: date) -> str:
    """'woensdag 25 november'."""
    return f"{day_name(day)} {day.day} {_(MONTH_NAMES[day.month - 1])}"


def format_time(moment: datetime) -> str:
    return to_local(moment).strftime("%H:%M")


def format_time_range(starts: datetime, ends: datetime) -> str:
    """'12:00–13:30' in Dutch local time."""
    return f"{format_time(starts)}–{format_time(ends)}"


def format_occurrence(starts: datetime, ends: datetime) -> str:
    """'woensdag 25 november, 12:00–13:30' in Dutch local time."""
    return f"{format_day(to_local(starts).date())}, {format_time_range(starts, ends)}"
