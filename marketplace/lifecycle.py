"""Lifecycle jobs: expiry of requests and offers, reminders, and the half-yearly
"Klopt uw informatie nog?" check for organisations.

Run by cron through ``flask --app wsgi lifecycle`` (registered by the moderation
blueprint). Every step is idempotent: running twice on the same day sends nothing twice.

Config (read with defaults, so config.py needs no change):
REMINDER_DAYS_BEFORE_EXPIRY (3), VERIFY_INTERVAL_MONTHS (6), VERIFY_GRACE_DAYS (30),
VERIFY_TOKEN_MAX_AGE_DAYS (90), BASE_URL (links in mail sent from the command line).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Callable

from flask import current_app, render_template
from flask_babel import force_locale, format_date
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlmodel import Session, select

from . import audit, db
from .mail import send_mail
from .models import (AuditEvent, HelpRequest, Organisation, User, UserOrganisation, VolunteerOffer, Voorziening,
                     utcnow)
from .timeutil import to_local

DEFAULTS = {
    "REMINDER_DAYS_BEFORE_EXPIRY": 3,
    "VERIFY_INTERVAL_MONTHS": 6,
    "VERIFY_GRACE_DAYS": 30,
    "VERIFY_TOKEN_MAX_AGE_DAYS": 90,  # nosec B105
    "BASE_URL": "http://127.0.0.1:5000",
}
VERIFY_REMINDER_ACTION = "lifecycle.verify_reminder"
# A signing namespace, not a secret (that is SECRET_KEY).
TOKEN_SALT = "buurtplein-confirm-listing"  # nosec B105


def setting(name: str, config=None):
    config = current_app.config if config is None else config
    return config.get(name, DEFAULTS[name])


def aware(moment: datetime | None) -> datetime | None:
    # SQLite may hand back naive datetimes; everything in the database is UTC.
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment


def add_months(moment: datetime, months: int) -> datetime:
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def verification_due_at(row, config=None) -> datetime:
    """When an organisation or voorziening should next be asked to confirm its information."""
    since = aware(row.last_verified_at or row.created_at)
    return add_months(since, int(setting("VERIFY_INTERVAL_MONTHS", config)))


def is_possibly_outdated(row, now: datetime | None = None, config=None) -> bool:
    """True when an organisation or voorziening was not confirmed within the grace period
    after its verification reminder ("mogelijk verouderd")."""
    now = aware(now) or utcnow()
    grace = timedelta(days=int(setting("VERIFY_GRACE_DAYS", config)))
    return now >= verification_due_at(row, config) + grace


# --------------------------------------------------------------------------- tokens


def _serializer(config=None) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(setting_secret(config), salt=TOKEN_SALT)


def setting_secret(config=None) -> str:
    return (current_app.config if config is None else config)["SECRET_KEY"]


def make_confirm_token(organisation: Organisation, config=None) -> str:
    return _serializer(config).dumps({"org": organisation.id})


def organisation_for_token(session: Session, token: str, config=None) -> Organisation | None:
    """The organisation a confirm link belongs to; None for a forged, broken or old link."""
    max_age = int(setting("VERIFY_TOKEN_MAX_AGE_DAYS", config)) * 86400
    try:
        data = _serializer(config).loads(token, max_age=max_age)
    except (BadSignature, SignatureExpired):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("org"), int):
        return None
    return session.get(Organisation, data["org"])


def confirm_organisation(session: Session, organisation: Organisation, now: datetime | None = None,
                         actor_id: int | None = None) -> int:
    """The organisation says its information is still right: reset the clock for it and its voorzieningen."""
    now = now or utcnow()
    organisation.last_verified_at = now
    session.add(organisation)
    voorzieningen = session.exec(select(Voorziening).where(Voorziening.organisation_id == organisation.id)).all()
    for v in voorzieningen:
        v.last_verified_at = now
        session.add(v)
    audit.record(session, "listing.confirm", "organisation", organisation.id,
                 f"{len(voorzieningen)} voorzieningen bevestigd", actor_id=actor_id)
    return len(voorzieningen)


# --------------------------------------------------------------------------- the job


@dataclass
class Summary:
    request_reminders: list[int] = field(default_factory=list)
    offer_reminders: list[int] = field(default_factory=list)
    requests_expired: list[int] = field(default_factory=list)
    offers_expired: list[int] = field(default_factory=list)
    verify_mails: list[int] = field(default_factory=list)
    mail_errors: int = 0

    def lines(self, dry_run: bool = False) -> list[str]:
        verb = "Zou doen" if dry_run else "Gedaan"
        return [
            f"{verb}:",
            f"  herinnering hulpvraag verstuurd: {len(self.request_reminders)} {_ids(self.request_reminders)}",
            f"  herinnering aanbod verstuurd: {len(self.offer_reminders)} {_ids(self.offer_reminders)}",
            f"  hulpvragen verlopen: {len(self.requests_expired)} {_ids(self.requests_expired)}",
            f"  aanbod verlopen: {len(self.offers_expired)} {_ids(self.offers_expired)}",
            f"  organisaties gevraagd of hun informatie klopt: {len(self.verify_mails)} {_ids(self.verify_mails)}",
        ] + ([f"  e-mails die niet verstuurd konden worden: {self.mail_errors}"] if self.mail_errors else [])


def _ids(ids: list[int]) -> str:
    return "(" + ", ".join(str(i) for i in ids) + ")" if ids else ""


def run(session: Session, now: datetime | None = None, dry_run: bool = False,
        send: Callable[[str, str, str], None] = send_mail) -> Summary:
    """One pass of every lifecycle step. Each change is its own unit of work (``db.unit_of_work``),
    committed after its mail was sent: a mail that fails leaves only its own row for the next run."""
    now = aware(now) or utcnow()
    summary = Summary()
    remind_requests(session, now, summary, dry_run, send)
    remind_offers(session, now, summary, dry_run, send)
    expire(session, now, summary, dry_run)
    ask_organisations_to_verify(session, now, summary, dry_run, send)
    return summary


def _reminder_window(now: datetime) -> tuple[date, date]:
    today = to_local(now).date()
    return today, today + timedelta(days=int(setting("REMINDER_DAYS_BEFORE_EXPIRY")))


def _needs_reminder(row, now: datetime) -> bool:
    # A reminder sent before this expiry date's window belongs to an earlier period (renewed since).
    if row.reminder_sent_at is None:
        return True
    window_start = row.expires_at - timedelta(days=int(setting("REMINDER_DAYS_BEFORE_EXPIRY")))
    return to_local(aware(row.reminder_sent_at)).date() < window_start


def remind_requests(session, now, summary, dry_run, send) -> None:
    today, last_day = _reminder_window(now)
    rows = session.exec(select(HelpRequest).where(
        HelpRequest.status == "open", HelpRequest.moderation != "hidden",
        HelpRequest.expires_at > today, HelpRequest.expires_at <= last_day).order_by(HelpRequest.id)).all()
    for row in rows:
        if not _needs_reminder(row, now):
            continue
        owner = session.get(User, row.posted_by_id)
        summary.request_reminders.append(row.id)
        if dry_run:
            continue
        mail = render_mail(owner.locale, "email/request_reminder.txt", _l("Uw hulpvraag stopt bijna"),
                           name=owner.first_name, title=row.title, expires=row.expires_at,
                           link=absolute_url(f"/hulpvragen/{row.id}"))
        _mail_then_mark(session, row, owner.email, mail, now, summary, send)


def remind_offers(session, now, summary, dry_run, send) -> None:
    today, last_day = _reminder_window(now)
    rows = session.exec(select(VolunteerOffer).where(
        VolunteerOffer.status.in_(("active", "paused")), VolunteerOffer.moderation != "hidden",
        VolunteerOffer.expires_at > today, VolunteerOffer.expires_at <= last_day).order_by(VolunteerOffer.id)).all()
    for row in rows:
        if not _needs_reminder(row, now):
            continue
        owner = session.get(User, row.user_id)
        summary.offer_reminders.append(row.id)
        if dry_run:
            continue
        mail = render_mail(owner.locale, "email/offer_reminder.txt", _l("Uw hulpaanbod stopt bijna"),
                           name=owner.first_name, title=row.title, expires=row.expires_at,
                           link=absolute_url(f"/aanbod/{row.id}"))
        _mail_then_mark(session, row, owner.email, mail, now, summary, send)


def _mail_then_mark(session, row, to, mail, now, summary, send) -> None:
    # Mark only after the mail went out: a failed mail is tried again on the next run.
    try:
        send(to, *mail)
    except Exception:  # noqa: BLE001  one bad address must not stop the whole job
        current_app.logger.exception("Reminder mail to %s failed", to)
        summary.mail_errors += 1
        return
    with db.unit_of_work(session):
        row.reminder_sent_at = now
        session.add(row)
        audit.record(session, "lifecycle.reminder", _kind(row), row.id, f"verloopt op {row.expires_at}")


def expire(session, now, summary, dry_run) -> None:
    today = to_local(now).date()
    requests = session.exec(select(HelpRequest).where(
        HelpRequest.status == "open", HelpRequest.expires_at <= today).order_by(HelpRequest.id)).all()
    offers = session.exec(select(VolunteerOffer).where(
        VolunteerOffer.status.in_(("active", "paused")), VolunteerOffer.expires_at <= today)
        .order_by(VolunteerOffer.id)).all()
    summary.requests_expired = [r.id for r in requests]
    summary.offers_expired = [o.id for o in offers]
    if dry_run:
        return
    with db.unit_of_work(session):
        for row in [*requests, *offers]:
            row.status = "expired"
            row.updated_at = now
            session.add(row)
            audit.record(session, "lifecycle.expire", _kind(row), row.id, f"verlopen op {row.expires_at}")


def ask_organisations_to_verify(session, now, summary, dry_run, send) -> None:
    organisations = session.exec(select(Organisation).where(Organisation.moderation == "approved")
                                 .order_by(Organisation.id)).all()
    for org in organisations:
        if verification_due_at(org) > now or _verify_reminder_sent(session, org):
            continue
        recipients = organisation_recipients(session, org)
        if not recipients:
            continue
        summary.verify_mails.append(org.id)
        if dry_run:
            continue
        link = absolute_url(f"/moderatie/bevestigen/{make_confirm_token(org)}")
        mail = render_mail("nl", "email/verify_listing.txt", _l("Klopt uw informatie nog?"),
                           name=org.name, link=link, days=int(setting("VERIFY_GRACE_DAYS")))
        sent = 0
        for to in recipients:
            try:
                send(to, *mail)
                sent += 1
            except Exception:  # noqa: BLE001
                current_app.logger.exception("Verification mail to %s failed", to)
                summary.mail_errors += 1
        if sent:
            # No column for "asked at" on organisation: the audit log remembers it (see report).
            with db.unit_of_work(session):
                audit.record(session, VERIFY_REMINDER_ACTION, "organisation", org.id, f"{sent} e-mails")


def _verify_reminder_sent(session, org) -> bool:
    since = aware(org.last_verified_at or org.created_at)
    events = session.exec(select(AuditEvent).where(
        AuditEvent.action == VERIFY_REMINDER_ACTION, AuditEvent.target_kind == "organisation",
        AuditEvent.target_id == org.id)).all()
    return any(aware(e.created_at) > since for e in events)


def organisation_recipients(session, org) -> list[str]:
    """The organisation's own address and those of its aanbieders, each once."""
    staff = session.exec(select(User.email).join(UserOrganisation, UserOrganisation.user_id == User.id)
                         .where(UserOrganisation.organisation_id == org.id, User.is_active.is_(True))).all()
    seen: list[str] = []
    for address in [org.email, *staff]:
        if address and address.lower() not in seen:
            seen.append(address.lower())
    return seen


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


def _kind(row) -> str:
    return "request" if isinstance(row, HelpRequest) else "offer"


