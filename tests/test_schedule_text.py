"""Opening times in plain Dutch: pure functions, no app needed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from marketplace.voorzieningen.schedule_text import clock, day_status, next_opening, occurs_on, rule_in_words, week_in_words
from marketplace.timeutil import LOCAL_TZ


@dataclass
class R:
    byday: str
    opens_at: time
    closes_at: time
    interval_weeks: int = 1
    valid_from: date | None = None
    valid_until: date | None = None


TUESDAY = date(2026, 11, 24)  # a Tuesday
RULES = [R("TH", time(14), time(16)), R("TU", time(10), time(12)), R("TU", time(13, 30), time(15))]


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LOCAL_TZ)


def test_clock_and_rule_in_words():
    assert clock(time(9, 5)) == "09:05"
    assert rule_in_words(R("TU", time(10), time(12))) == "dinsdag 10:00 tot 12:00"
    assert rule_in_words(R("WE", time(12), time(13), interval_weeks=2)) == "woensdag 12:00 tot 13:00 (om de 2 weken)"


def test_week_in_words_groups_a_day_and_orders_the_week():
    assert week_in_words(RULES) == ["dinsdag 10:00 tot 12:00 en 13:30 tot 15:00", "donderdag 14:00 tot 16:00"]
    assert week_in_words([]) == []


def test_status_while_open_later_today_and_between_slots():
    assert day_status(RULES, at(TUESDAY, 10, 30)).text == "Vandaag open tot 12:00"
    assert day_status(RULES, at(TUESDAY, 8)).text == "Vandaag open van 10:00 tot 12:00"
    assert day_status(RULES, at(TUESDAY, 12, 15)).text == "Vandaag open van 13:30 tot 15:00"
    assert day_status(RULES, at(TUESDAY, 12, 0)).open_today


def test_status_closed_today_and_open_tomorrow():
    wednesday = date(2026, 11, 25)
    status = day_status(RULES, at(wednesday, 9))
    assert status.text == "Nu gesloten, morgen open om 14:00" and not status.open_today
    assert day_status(RULES, at(date(2026, 11, 23), 20)).text == "Nu gesloten, morgen open om 10:00"
    assert day_status(RULES, at(TUESDAY, 16)).text == "Nu gesloten"
    assert day_status(RULES, at(date(2026, 11, 28), 11)).text == "Vandaag gesloten"  # Saturday
    assert day_status([], at(TUESDAY, 11)) is None


def test_validity_and_every_other_week():
    rule = R("TU", time(10), time(12), interval_weeks=2, valid_from=TUESDAY)
    assert occurs_on(rule, TUESDAY) and not occurs_on(rule, date(2026, 12, 1)) and occurs_on(rule, date(2026, 12, 8))
    assert not occurs_on(R("TU", time(10), time(12), valid_until=date(2026, 11, 1)), TUESDAY)
    assert not occurs_on(R("TU", time(10), time(12), interval_weeks=2), TUESDAY)  # no start week: no promise


def test_next_opening():
    assert next_opening(RULES, at(TUESDAY, 15, 30)) == (date(2026, 11, 26), time(14))
    assert next_opening(RULES, at(TUESDAY, 9)) == (TUESDAY, time(10))
    assert next_opening([], at(TUESDAY, 9)) is None
