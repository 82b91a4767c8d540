"""Volunteers' offers near and past their end: a reminder to the volunteer, then status 'expired'.

Run by the lifecycle job (``flask --app wsgi lifecycle``, see ``moderatie/lifecycle.py``).
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from .. import emails
from ..models import VolunteerOffer
from ..reminders import expire_rows, remind_due, reminder_window
from ..timeutil import to_local

LIVE = ("active", "paused")


def remind_offers(session: Session, now: datetime, summary, dry_run: bool) -> None:
    today, last_day = reminder_window(now)
    rows = session.exec(select(VolunteerOffer).where(
        VolunteerOffer.status.in_(LIVE), VolunteerOffer.moderation != "hidden",
        VolunteerOffer.expires_at > today, VolunteerOffer.expires_at <= last_day).order_by(VolunteerOffer.id)).all()
    remind_due(session, rows, "offer", lambda r: r.user_id,
               lambda s, to, r: emails.send_offer_reminder(s, to, offer=r), summary.offer_reminders, now, dry_run)


def expire_offers(session: Session, now: datetime, summary, dry_run: bool) -> None:
    today = to_local(now).date()
    rows = session.exec(select(VolunteerOffer).where(
        VolunteerOffer.status.in_(LIVE), VolunteerOffer.expires_at <= today).order_by(VolunteerOffer.id)).all()
    summary.offers_expired = [o.id for o in rows]
    if not dry_run:
        expire_rows(session, rows, "offer", now)
