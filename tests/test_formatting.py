"""Dates, day and month names, money and language names come from Babel, in the reader's language;
recurrence from dateutil's rrule. No module keeps its own table of them."""

from __future__ import annotations

import re
from datetime import date, datetime, timezone
from pathlib import Path

from flask_babel import force_locale

from marketplace import formatting
from marketplace.activiteiten.calendar import series_days

PACKAGE = Path(formatting.__file__).resolve().parent


def test_dutch_words_outside_a_request_are_correct_dutch():
    assert [formatting.weekday_name(i) for i in (0, 2, 6)] == ["maandag", "woensdag", "zondag"]
    assert formatting.day_in_words(date(2026, 11, 25)) == "woensdag 25 november"
    assert formatting.date_in_words(date(2026, 3, 1)) == "1 maart 2026"
    assert formatting.day_and_month(date(2026, 3, 14)) == "14 maart"
    assert formatting.money(1250) == "€\xa012,50" and formatting.money(300) == "€\xa03,00"  # € and amount never split
    assert formatting.language_name("tr") == "Turks" and formatting.language_name("uk") == "Oekraïens"
    assert formatting.language_name("xx") == "xx"


def test_the_same_words_in_english_for_an_english_reader(app):
    with app.test_request_context(), force_locale("en"):
        assert formatting.weekday_name(0) == "Monday"
        assert formatting.day_in_words(date(2026, 11, 25)) == "Wednesday 25 November"
        assert formatting.money(1250) == "€12.50"
        assert formatting.language_name("tr") == "Turkish"
        assert str(formatting.lazy_weekday_name(1)) == "Tuesday"
    with app.test_request_context(), force_locale("nl"):
        assert str(formatting.lazy_weekday_name(1)) == "dinsdag"


def test_a_local_date_of_an_aware_moment():
    late_evening_utc = datetime(2026, 3, 14, 23, 30, tzinfo=timezone.utc)  # already 15 March in Amsterdam
    assert formatting.date_in_words(late_evening_utc) == "15 maart 2026"


def test_adding_months_keeps_the_day_or_takes_the_months_last():
    moment = datetime(2026, 1, 31, 9, 0, tzinfo=timezone.utc)
    assert formatting.add_months(moment, 1) == datetime(2026, 2, 28, 9, 0, tzinfo=timezone.utc)
    assert formatting.add_months(datetime(2028, 2, 29), 12) == datetime(2029, 2, 28)
    assert formatting.add_months(datetime(2026, 8, 15), 6) == datetime(2027, 2, 15)


def test_a_series_follows_its_rrule_and_stops_at_the_last_allowed_date():
    assert series_days(date(2026, 11, 25), "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE;COUNT=3") == [
        date(2026, 11, 25), date(2026, 12, 9), date(2026, 12, 23)]
    assert series_days(date(2100, 12, 15), "FREQ=WEEKLY;INTERVAL=1;BYDAY=WE;COUNT=5") == [
        date(2100, 12, 15), date(2100, 12, 22), date(2100, 12, 29)]


def test_no_module_keeps_its_own_day_month_or_money_table():
    pattern = re.compile(r"[\"'](maandag|dinsdag|januari|februari)[\"']|f\"€|\"Nederlands\"|\"Engels\"")
    found = []
    for path in PACKAGE.rglob("*.py"):
        if "demo" in path.parts or path.name == "formatting.py":
            continue  # demo texts are data, not tables; formatting.py is the one place (its docstrings)
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line):
                found.append(f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}")
    assert found == []


def test_age_in_words_in_both_languages():
    from datetime import datetime, timedelta, timezone

    from marketplace.formatting import age_in_words
    now = datetime(2026, 12, 1, 12, tzinfo=timezone.utc)
    assert age_in_words(now - timedelta(days=3), now, "nl") == "3 dagen geleden"
    assert age_in_words(now - timedelta(hours=5), now, "en") == "5 hours ago"
    assert age_in_words(now + timedelta(minutes=5), now, "nl") == "1 minuut geleden"  # a clock ahead is never "over …"
    assert age_in_words((now - timedelta(days=3)).replace(tzinfo=None), now, "nl") == "3 dagen geleden"


def test_names_are_joined_in_the_readers_language():
    from marketplace.formatting import names_in_words
    assert names_in_words(["Truus", "Khadija"], "nl") == "Truus en Khadija"
    assert names_in_words(["Truus", "Khadija", "Mehmet"], "en") == "Truus, Khadija, and Mehmet"
    assert names_in_words(["Truus"], "en") == "Truus"
