"""Mail before something ends: what the lifecycle job of every area shares.

The areas keep their own rules (``hulpvragen/expiry.py``, ``aanbod/expiry.py``,
``voorzieningen/verification.py``); the ``flask --app wsgi lifecycle`` job that runs them all
lives in ``moderatie/lifecycle.py``. Every step is idempotent: running twice on the same day
sends nothing twice.

Config (read with defaults, so config.py needs no change):
REMINDER_DAYS_BEFORE_EXPIRY (3), VERIFY_INTERVAL_MONTHS (6), VERIFY_GRACE_DAYS (30),
VERIFY_TOKEN_MAX_AGE_DAYS (90), BASE_URL (links in mail sent from the command line).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from flask import current_app, render_template
from flask_babel import force_locale, format_date

from . import audit, db
from .timeutil import to_local

DEFAULTS = {
    "REMINDER_DAYS_BEFORE_EXPIRY": 3,
    "VERIFY_INTERVAL_MONTHS": 6,
    "VERIFY_GRACE_DAYS": 30,
    "VERIFY_TOKEN_MAX_AGE_DAYS": 90,  # nosec B105
    "BASE_URL": "http://127.0.0.1:5000",
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


def mail_then_mark(session, row, kind: str, to, mail, now, summary, send) -> None:
    """Mark only after the mail went out: a failed mail is tried again on the next run. Each mark
    is its own unit of work, so a later failure never undoes a reminder that was sent."""
    try:
        send(to, *mail)
    except Exception:  # noqa: BLE001  one bad address must not stop the whole job
        current_app.logger.exception("Reminder mail to %s failed", to)
        summary.mail_errors += 1
        return
    with db.unit_of_work(session):
        row.reminder_sent_at = now
        session.add(row)
        audit.record(session, "lifecycle.reminder", kind, row.id, f"verloopt op {row.expires_at}")


def expire_rows(session, rows, kind: str, now) -> None:
    """Status 'expired' for each row, audited, in one unit of work."""
    with db.unit_of_work(session):
        for row in rows:
            row.status = "expired"
            row.updated_at = now
            session.add(row)
            audit.record(session, "lifecycle.expire", kind, row.id, f"verlopen op {row.expires_at}")


def absolute_url(path: str) -> str:
    # BASE_URL only: a request's Host header is the sender's to forge.
    return setting("BASE_URL").rstrip("/") + path


def render_mail(locale: str | None, template: str, subject, expires: date | None = None,
                **context) -> tuple[str, str]:
    """(subject, body) of a plain-text mail in the reader's language."""
    with force_locale(locale or "nl"):
        if expires is not None:
            context["day"] = format_date(expires, "d MMMM")
        return str(subject), render_template(template, **context)
