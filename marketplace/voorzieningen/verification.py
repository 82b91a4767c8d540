"""Listing verification: the half-yearly "Klopt uw informatie nog?" check for organisations.

An organisation is asked by mail (a signed link, no account needed) to confirm its information
and that of its voorzieningen; unconfirmed within the grace period, they are "mogelijk verouderd"
in the moderation queue. The mails go out from the lifecycle job (``moderatie/lifecycle.py``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func
from sqlmodel import Session, select

from .. import audit, db, emails, tokens
from ..formatting import add_months
from ..models import AuditEvent, Organisation, User, UserOrganisation, Voorziening, utcnow
from ..reminders import aware, setting

VERIFY_REMINDER_ACTION = "lifecycle.verify_reminder"


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


def maybe_outdated(model, now: datetime | None = None, config=None):
    """SQL condition holding every row ``is_possibly_outdated`` holds, and a few more: months are
    28 to 31 days, so rows within those days of the limit come along; keep only the ones
    ``is_possibly_outdated`` says (the one rule). Plain date arithmetic on both engines."""
    now = aware(now) or utcnow()
    grace = timedelta(days=int(setting("VERIFY_GRACE_DAYS", config)))
    shortest = timedelta(days=28 * int(setting("VERIFY_INTERVAL_MONTHS", config)))
    return func.coalesce(model.last_verified_at, model.created_at) <= now - grace - shortest


# --------------------------------------------------------------------------- tokens


def setting_secret(config=None) -> str:
    return (current_app.config if config is None else config)["SECRET_KEY"]


def make_confirm_token(organisation: Organisation, config=None) -> str:
    return tokens.make_token(setting_secret(config), tokens.CONFIRM_LISTING, {"org": organisation.id})


def organisation_for_token(session: Session, token: str, config=None) -> Organisation | None:
    """The organisation a confirm link belongs to; None for a forged, broken or old link."""
    max_age = int(setting("VERIFY_TOKEN_MAX_AGE_DAYS", config)) * 86400
    data = tokens.read_token(setting_secret(config), tokens.CONFIRM_LISTING, token, max_age, "org")
    return session.get(Organisation, data["org"]) if data else None


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


# --------------------------------------------------------------------------- the job's step


def ask_organisations_to_verify(session: Session, now: datetime, summary, dry_run: bool) -> None:
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
        with db.unit_of_work(session):  # the mails and the note that they were sent, together
            sent = emails.send_verify_listing(session, [emails.Recipient(to) for to in recipients], organisation=org,
                                              token=make_confirm_token(org), days=int(setting("VERIFY_GRACE_DAYS")))
            # No column for "asked at" on organisation: the audit log remembers it (see report).
            audit.record(session, VERIFY_REMINDER_ACTION, "organisation", org.id, f"{sent} e-mails")


def _verify_reminder_sent(session: Session, org: Organisation) -> bool:
    since = aware(org.last_verified_at or org.created_at)
    events = session.exec(select(AuditEvent).where(
        AuditEvent.action == VERIFY_REMINDER_ACTION, AuditEvent.target_kind == "organisation",
        AuditEvent.target_id == org.id)).all()
    return any(aware(e.created_at) > since for e in events)


def organisation_recipients(session: Session, org: Organisation) -> list[str]:
    """The organisation's own address and those of its aanbieders, each once."""
    staff = session.exec(select(User.email).join(UserOrganisation, UserOrganisation.user_id == User.id)
                         .where(UserOrganisation.organisation_id == org.id, User.is_active.is_(True))).all()
    seen: list[str] = []
    for address in [org.email, *staff]:
        if address and address.lower() not in seen:
            seen.append(address.lower())
    return seen
