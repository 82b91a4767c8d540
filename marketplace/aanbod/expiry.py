"""Volunteers' offers near and past their end: a reminder to the volunteer, then status 'expired'.

Run by the lifecycle job (``flask --app wsgi lifecycle``, see ``moderatie/lifecycle.py``).
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from ..models import User, VolunteerOffer
from ..reminders import absolute_url, expire_rows, mail_then_mark, needs_reminder, reminder_window, render_mail
from ..timeutil import to_local

LIVE = ("active", "paused")


def remind_offers(session: Session, now: datetime, summary, dry_run: bool, send) -> None:
    today, last_day = reminder_window(now)
    rows = session.exec(select(VolunteerOffer).where(
        VolunteerOffer.status.in_(LIVE), VolunteerOffer.moderation != "hidden",
        VolunteerOffer.expires_at > today, VolunteerOffer.expires_at <= last_day).order_by(VolunteerOffer.id)).all()
    for row in rows:
        if not needs_reminder(row, now):
            continue
        owner = session.get(User, row.user_id)
        summary.offer_reminders.append(row.id)
        if dry_run:
            continue
        mail = render_mail(owner.locale, "email/offer_reminder.txt", _l("Uw hulpaanbod stopt bijna"),
                           name=owner.first_name, title=row.title, expires=row.expires_at,
                           link=absolute_url(f"/aanbod/{row.id}"))
        mail_then_mark(session, row, "offer", owner.email, mail, now, summary, send)


def expire_offers(session: Session, now: datetime, summary, dry_run: bool) -> None:
    today = to_local(now).date()
    rows = session.exec(select(VolunteerOffer).where(
        VolunteerOffer.status.in_(LIVE), VolunteerOffer.expires_at <= today).order_by(VolunteerOffer.id)).all()
    summary.offers_expired = [o.id for o in rows]
    if not dry_run:
        expire_rows(session, rows, "offer", now)
