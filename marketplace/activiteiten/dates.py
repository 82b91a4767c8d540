"""Date and time words for activities ("woensdag 25 november, 12:00–13:30"); the names come from
Babel (``formatting``), in the reader's language."""

from __future__ import annotations

from datetime import date, datetime

from ..formatting import day_in_words, weekday_name
from ..timeutil import to_local


def day_name(day: date) -> str:
    return weekday_name(day.weekday())


def format_day(day: date) -> str:
    """'woensdag 25 november'."""
    return day_in_words(day)


def format_time(moment: datetime) -> str:
    return to_local(moment).strftime("%H:%M")


def format_time_range(starts: datetime, ends: datetime) -> str:
    """'12:00–13:30' in Dutch local time."""
    return f"{format_time(starts)}–{format_time(ends)}"


def format_occurrence(starts: datetime, ends: datetime) -> str:
    """'woensdag 25 november, 12:00–13:30' in Dutch local time."""
    return f"{format_day(to_local(starts).date())}, {format_time_range(starts, ends)}"
