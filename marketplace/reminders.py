"""Mail before something ends: what the lifecycle job of every area shares.

The areas keep their own rules (``hulpvragen/expiry.py``, ``aanbod/expiry.py``,
``voorzieningen/verification.py``); the ``flask --app wsgi lifecycle`` job that runs them all
lives in ``moderatie/lifecycle.py``. Every step is idempotent: running twice on the same day
sends nothing twice.

Config (read with defaults, so config.py needs no change):
REMINDER_DAYS_BEFORE_EXPIRY (3), VERIFY_INTERVAL_MONTHS (6), VERIFY_GRACE_DAYS (30),
VERIFY_TOKEN_MAX_AGE_DAYS (90). Links in mail come from BASE_URL (``mail.absolute_url``).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from flask import current_app

from . import audit, db
from .models import User
from .timeutil import to_local

DEFAULTS = {
    "REMINDER_DAYS_BEFORE_EXPIRY": 3,
    "VERIFY_INTERVAL_MONTHS": 6,
    "VERIFY_GRACE_DAYS": 30,
    "VERIFY_TOKEN_MAX_AGE_DAYS": 90,  # nosec B105
}


def setting(name: str, config=None):
    config = current_app.config if config is None else config
    return config.get(name, DEFAULTS[name])


def aware(moment: datetime | None) -> datetime | None:
    # SQLite may hand back naive datetimes; everything in the database is UTC.
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment


def reminder_window(now: datetime) -> tuple[date, date]:
    today = to_local(now).date()
    return today, today + timedelta(days=int(setting("REMINDER_DAYS_BEFORE_EXPIRY")))


def needs_reminder(row, now: datetime) -> bool:
    # A reminder sent before this expiry date's window belongs to an earlier period (renewed since).
    if row.reminder_sent_at is None:
        return True
    window_start = row.expires_at - timedelta(days=int(setting("REMINDER_DAYS_BEFORE_EXPIRY")))
    return to_local(aware(row.reminder_sent_at)).date() < window_start


def remind(session, row, kind: str, send_reminder, owner, now) -> None:
    """The reminder mail and its mark in one unit of work per row: the mail is an outbox row
    (a mail server that is down keeps it for retry), so a reminder is never sent twice, nor lost."""
    with db.unit_of_work(session):
        send_reminder(session, owner, row)
        row.reminder_sent_at = now
        session.add(row)
        audit.record(session, "lifecycle.reminder", kind, row.id, f"verloopt op {row.expires_at}")


def remind_due(session, rows, kind: str, owner_of, send_reminder, noted: list, now, dry_run: bool) -> None:
    """The loop every area shares: rows not yet reminded in this window are noted in the job's
    summary, and (unless a dry run) reminded, each in its own unit of work."""
    for row in rows:
        if not needs_reminder(row, now):
            continue
        noted.append(row.id)
        if not dry_run:
            remind(session, row, kind, send_reminder, session.get(User, owner_of(row)), now)


def expire_rows(session, rows, kind: str, now) -> None:
    """Status 'expired' for each row, audited, in one unit of work."""
    with db.unit_of_work(session):
        for row in rows:
            row.status = "expired"
            row.updated_at = now
            session.add(row)
            audit.record(session, "lifecycle.expire", kind, row.id, f"verlopen op {row.expires_at}")
