"""Help requests near and past their end: a reminder to the poster, then status 'expired'.

Run by the lifecycle job (``flask --app wsgi lifecycle``, see ``moderatie/lifecycle.py``).
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from .. import emails
from ..models import HelpRequest
from ..reminders import expire_rows, remind_due, reminder_window
from ..timeutil import to_local


def remind_requests(session: Session, now: datetime, summary, dry_run: bool) -> None:
    today, last_day = reminder_window(now)
    rows = session.exec(select(HelpRequest).where(
        HelpRequest.status == "open", HelpRequest.moderation != "hidden",
        HelpRequest.expires_at > today, HelpRequest.expires_at <= last_day).order_by(HelpRequest.id)).all()
    remind_due(session, rows, "request", lambda r: r.posted_by_id,
               lambda s, to, r: emails.send_request_reminder(s, to, request=r), summary.request_reminders, now, dry_run)


def expire_requests(session: Session, now: datetime, summary, dry_run: bool) -> None:
    today = to_local(now).date()
    rows = session.exec(select(HelpRequest).where(
        HelpRequest.status == "open", HelpRequest.expires_at <= today).order_by(HelpRequest.id)).all()
    summary.requests_expired = [r.id for r in rows]
    if not dry_run:
        expire_rows(session, rows, "request", now)
