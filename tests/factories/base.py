"""What every factory shares: add-and-commit, and dates relative to today."""

from __future__ import annotations

from datetime import date, timedelta

from marketplace.timeutil import local_today


def add(session, row):
    session.add(row)
    session.commit()
    return row


def days_from_today(n: int) -> date:
    return local_today() + timedelta(days=n)
