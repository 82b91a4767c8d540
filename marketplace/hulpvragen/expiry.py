"""Help requests near and past their end: a reminder to the poster, then status 'expired'.

Run by the lifecycle job (``flask --app wsgi lifecycle``, see ``moderatie/lifecycle.py``).
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from ..models import HelpRequest, User
from ..reminders import absolute_url, expire_rows, mail_then_mark, needs_reminder, reminder_window, render_mail
from ..timeutil import to_local


def remind_requests(session: Session, now: datetime, summary, dry_run: bool, send) -> None:
    today, last_day = reminder_window(now)
    rows = session.exec(select(HelpRequest).where(
        HelpRequest.status == "open", HelpRequest.moderation != "hidden",
        HelpRequest.expires_at > today, HelpRequest.expires_at <= last_day).order_by(HelpRequest.id)).all()
    for row in rows:
        if not needs_reminder(row, now):
            continue
        owner = session.get(User, row.posted_by_id)
        summary.request_reminders.append(row.id)
        if dry_run:
            continue
        mail = render_mail(owner.locale, "email/request_reminder.txt", _l("Uw hulpvraag stopt bijna"),
                           name=owner.first_name, title=row.title, expires=row.expires_at,
                           link=absolute_url(f"/hulpvragen/{row.id}"))
        mail_then_mark(session, row, "request", owner.email, mail, now, summary, send)


def expire_requests(session: Session, now: datetime, summary, dry_run: bool) -> None:
    today = to_local(now).date()
    rows = session.exec(select(HelpRequest).where(
        HelpRequest.status == "open", HelpRequest.expires_at <= today).order_by(HelpRequest.id)).all()
    summary.requests_expired = [r.id for r in rows]
    if not dry_run:
        expire_rows(session, rows, "request", now)
