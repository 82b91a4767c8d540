"""Dates, day and month names, money and language names: from Babel's CLDR data, in the reader's
language (Flask-Babel's locale; Dutch outside a request). The one place for each, so no page keeps
its own table of "maandag" or "januari".
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from babel import Locale
from babel.dates import format_date as _format_date
from babel.dates import format_timedelta
from babel.dates import get_day_names
from babel.lists import format_list
from babel.numbers import format_currency
from dateutil.relativedelta import relativedelta
from flask_babel import LazyString

from .timeutil import to_local

DEFAULT_LOCALE = "nl"

# The languages residents and services choose from (ISO 639-1), most asked first in the demo
# municipality; their names come from Babel.
LANGUAGES = ("nl", "en", "tr", "ar", "ti", "pl", "de", "uk", "fr", "es", "so", "fa")


def current_locale() -> Locale:
    from flask import has_app_context
    if has_app_context():
        from flask_babel import get_locale
        found = get_locale()
        if found is not None:
            return found
    return Locale.parse(DEFAULT_LOCALE)


def _locale(locale: str | Locale | None) -> Locale:
    return Locale.parse(locale) if locale is not None else current_locale()


def _day(moment: date | datetime) -> date:
    return to_local(moment).date() if isinstance(moment, datetime) else moment


def weekday_name(index: int, locale: str | Locale | None = None) -> str:
    """0 = Monday: 'maandag' / 'Monday'."""
    return get_day_names("wide", locale=_locale(locale))[index]


def lazy_weekday_name(index: int) -> LazyString:
    """For choices built at import time: the name in the language of whoever reads the form."""
    return LazyString(weekday_name, index)


def day_and_month(moment: date | datetime, locale: str | Locale | None = None) -> str:
    """'14 maart' / '14 March' (a local date)."""
    return _format_date(_day(moment), "d MMMM", locale=_locale(locale))


def day_in_words(moment: date | datetime, locale: str | Locale | None = None) -> str:
    """'woensdag 25 november' / 'Wednesday 25 November'."""
    return _format_date(_day(moment), "EEEE d MMMM", locale=_locale(locale))


def date_in_words(moment: date | datetime, locale: str | Locale | None = None) -> str:
    """'12 november 2026' / '12 November 2026'."""
    return _format_date(_day(moment), "d MMMM y", locale=_locale(locale))


def money(cents: int, locale: str | Locale | None = None) -> str:
    """1250 → '€ 12,50' / '€12.50'."""
    return format_currency(cents / 100, "EUR", locale=_locale(locale))


def language_name(code: str, locale: str | Locale | None = None) -> str:
    """'tr' → 'Turks' / 'Turkish'; an unknown code stays as it is."""
    return _locale(locale).languages.get(code, code)


def language_choices() -> list[tuple[str, LazyString]]:
    return [(code, LazyString(language_name, code)) for code in LANGUAGES]


def names_in_words(names: list[str], locale: str | Locale | None = None) -> str:
    """'Truus en Khadija' / 'Truus and Khadija' (Babel's list pattern)."""
    return format_list(list(names), locale=_locale(locale))


def add_months(moment: datetime, months: int) -> datetime:
    """The same day n months later, or that month's last day (31 January + 1 = 28/29 February)."""
    return moment + relativedelta(months=months)


def age_in_words(moment: datetime, now: datetime | None = None, locale: str | Locale | None = None) -> str:
    """How long ago: '3 dagen geleden' / '3 days ago' (a minute at the finest; never in the future)."""
    if moment.tzinfo is None:  # a naive value is UTC, as stored
        moment = moment.replace(tzinfo=timezone.utc)
    delta = min(moment - (now or datetime.now(timezone.utc)), timedelta(seconds=-1))  # 0 would read "over 0 minuten"
    return format_timedelta(delta, add_direction=True, granularity="minute", locale=_locale(locale))
