"""Every e-mail Buurtplein sends, one function each (warehouse's ``@_email("password-reset")``).

A mail function only returns its template context. The decorator renders
``templates/email/<name>/subject.txt`` and ``body.txt`` in each recipient's own language and
queues the result on the session with ``mail.queue_mail``: it goes out after that session's commit
and never after a rollback. Call it as ``send_x(session, recipients, **values)``; recipients are
users, ``Recipient``s or plain addresses (Dutch), one or a list. It returns how many were queued.

A journey mail passes ``kind=`` (one of ``notifications.MAIL_KINDS``): users who turned that kind
off on their profile are skipped, and the others get a line saying how to turn it off.

Links come only from ``mail.absolute_url`` (BASE_URL), never from the request's Host header.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Callable

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from . import notifications
from .formatting import day_and_month
from .mail import absolute_url, queue_mail

DEFAULT_LOCALE = "nl"


@dataclass(frozen=True)
class Recipient:
    address: str
    locale: str = DEFAULT_LOCALE
    name: str = ""  # the first name in "Hallo ...,"; empty for an organisation's address
    user_id: int | None = None  # set for a user: their mail settings apply


def recipient(who) -> Recipient:
    if isinstance(who, Recipient):
        return who
    if isinstance(who, str):
        return Recipient(who)
    return Recipient(who.email, getattr(who, "locale", None) or DEFAULT_LOCALE, who.first_name,
                     getattr(who, "id", None))


def _recipients(to) -> list[Recipient]:
    if to is None:
        return []
    many = to if isinstance(to, (list, tuple, set, frozenset)) else [to]
    return [recipient(who) for who in many if who is not None]


def render(name: str, context: dict) -> tuple[str, str]:
    """(subject, body) of mail ``name`` in the current locale."""
    env = current_app.jinja_env
    subject = env.get_template(f"email/{name}/subject.txt").render(context)
    body = env.get_template(f"email/{name}/body.txt").render(context)
    return " ".join(subject.split()), body


def _email(name: str) -> Callable:
    def decorate(context_of: Callable[..., dict]) -> Callable[..., int]:
        @functools.wraps(context_of)
        def send(session, to, *, kind: str | None = None, **values) -> int:
            queued = 0
            for person in _recipients(to):
                if kind and person.user_id and not notifications.wants_mail(session, person.user_id, kind):
                    continue
                with force_locale(person.locale):
                    context = {"name": person.name, **context_of(person, **values),
                               "optout": absolute_url("account.profile") if kind else ""}
                    subject, body = render(name, context)
                queue_mail(session, person.address, subject, body)
                queued += 1
            return queued

        send.template = name
        return send

    return decorate


# --------------------------------------------------------------------------- accounts


@_email("account-welcome")
def send_welcome(person: Recipient, *, token: str) -> dict:
    return {"link": absolute_url("auth.confirm_email", token=token)}


@_email("account-exists")
def send_account_exists(person: Recipient) -> dict:
    return {"login": absolute_url("auth.login"), "reset": absolute_url("auth.reset_request")}


@_email("password-reset")
def send_password_reset(person: Recipient, *, token: str) -> dict:
    return {"link": absolute_url("auth.reset_password", token=token)}


def request_password_reset(session, address: str) -> None:
    """The reset form writes this one row for every address typed, known or not; the sender looks
    the account up and writes the mail, or drops the row. So the answer takes as long either way."""
    queue_mail(session, address, "", "", kind="password-reset")


def write_deferred(kind: str, address: str) -> tuple[str, str, str] | None:
    """(to, subject, body) of a mail the sender writes itself (``kind`` in DEFERRED); None: drop it."""
    return DEFERRED[kind](address)


def _write_password_reset(address: str) -> tuple[str, str, str] | None:
    from sqlmodel import Session

    from . import db
    from .account import services as accounts
    with Session(db.bind_of(current_app._get_current_object())) as session:
        user = accounts.find_by_email(session, address)
        if user is None:
            return None
        person = recipient(user)
        token = accounts.make_reset_token(user, current_app.config["SECRET_KEY"])
    with force_locale(person.locale):
        subject, body = render("password-reset", {"name": person.name,
                                                  **send_password_reset.__wrapped__(person, token=token)})
    return person.address, subject, body


DEFERRED = {"password-reset": _write_password_reset}


# --------------------------------------------------------------------------- matches (koppelingen)


def _match_link(match) -> str:
    return absolute_url("koppelingen.detail", match_id=match.id)


@_email("match-proposed")
def send_match_proposed(person: Recipient, *, match, request, volunteer) -> dict:
    return {"volunteer": volunteer.first_name, "title": request.title, "link": _match_link(match)}


@_email("match-asked")
def send_match_asked(person: Recipient, *, match, request) -> dict:
    return {"asker": request.public_name, "title": request.title, "link": _match_link(match)}


@_email("match-accepted")
def send_match_accepted(person: Recipient, *, match, request) -> dict:
    return {"asker": request.public_name, "title": request.title, "link": _match_link(match)}


@_email("match-declined")
def send_match_declined(person: Recipient, *, request) -> dict:
    return {"asker": request.public_name, "title": request.title}


@_email("match-volunteer-accepted")
def send_match_volunteer_accepted(person: Recipient, *, match, request, volunteer) -> dict:
    return {"volunteer": volunteer.first_name, "title": request.title, "link": _match_link(match)}


@_email("match-volunteer-declined")
def send_match_volunteer_declined(person: Recipient, *, request, volunteer) -> dict:
    return {"volunteer": volunteer.first_name, "title": request.title,
            "link": absolute_url("hulpvragen.detail", id=request.id)}


@_email("match-completed")
def send_match_completed(person: Recipient, *, match, request, by) -> dict:
    return {"by": by.first_name, "title": request.title, "link": _match_link(match)}


@_email("match-message")
def send_match_message(person: Recipient, *, match, sender) -> dict:
    return {"sender": sender.first_name, "link": _match_link(match)}


@_email("match-reminder")
def send_match_reminder(person: Recipient, *, match, request) -> dict:
    return {"title": request.title, "link": _match_link(match)}


@_email("match-reminder-asked")
def send_match_reminder_asked(person: Recipient, *, match, request) -> dict:
    return {"asker": request.public_name, "title": request.title, "link": _match_link(match)}


@_email("match-escalated")
def send_match_escalated(person: Recipient, *, match, request) -> dict:
    return {"title": request.title, "link": _match_link(match)}


@_email("weekly-digest")
def send_weekly_digest(person: Recipient, *, requests) -> dict:
    return {"requests": [{"title": r.title, "who": r.public_name,
                          "link": absolute_url("hulpvragen.detail", id=r.id)} for r in requests],
            "profile": absolute_url("account.profile")}


# --------------------------------------------------------------------------- listings (lifecycle)


@_email("request-reminder")
def send_request_reminder(person: Recipient, *, request) -> dict:
    return {"title": request.title, "day": day_and_month(request.expires_at),
            "link": absolute_url("hulpvragen.detail", id=request.id)}


@_email("offer-reminder")
def send_offer_reminder(person: Recipient, *, offer) -> dict:
    return {"title": offer.title, "day": day_and_month(offer.expires_at),
            "link": absolute_url("aanbod.detail", id=offer.id)}


@_email("verify-listing")
def send_verify_listing(person: Recipient, *, organisation, token: str, days: int) -> dict:
    return {"organisation": organisation.name, "days": days,
            "link": absolute_url("moderatie.confirm_listing", token=token)}


# --------------------------------------------------------------------------- moderation


@_email("moderation-decision")
def send_moderation_decision(person: Recipient, *, what, title: str, action: str, reason: str = "") -> dict:
    return {"what": _(what).lower(), "title": title, "action": action, "reason": reason}


# --------------------------------------------------------------------------- referrals (verwijzingen)


def _referral_link(referral) -> str:
    return absolute_url("verwijzingen.detail", id=referral.id)


@_email("referral-new")
def send_referral_new(person: Recipient, *, referral, voorziening, days: int) -> dict:
    return {"ref": referral.reference, "voorziening": voorziening.name, "days": days,
            "link": _referral_link(referral)}


@_email("referral-reminder")
def send_referral_reminder(person: Recipient, *, referral) -> dict:
    return {"ref": referral.reference, "link": _referral_link(referral)}


@_email("referral-status")
def send_referral_status(person: Recipient, *, referral, voorziening, status_word, feedback: str = "") -> dict:
    return {"ref": referral.reference, "voorziening": voorziening.name if voorziening else "",
            "status": str(status_word), "feedback": feedback, "link": _referral_link(referral)}


@_email("referral-client-report")
def send_referral_client_report(person: Recipient, *, referral, went: bool) -> dict:
    return {"ref": referral.reference, "went": went, "link": _referral_link(referral)}


# --------------------------------------------------------------------------- activities


@_email("activity-cancelled")
def send_activity_cancelled(person: Recipient, *, activity) -> dict:
    return {"title": activity.title, "link": absolute_url("activiteiten.index")}


@_email("activity-place-free")
def send_activity_place_free(person: Recipient, *, activity) -> dict:
    return {"title": activity.title, "link": absolute_url("activiteiten.detail", id=activity.id)}


@_email("activity-volunteer-interest")
def send_activity_volunteer_interest(person: Recipient, *, activity, volunteer) -> dict:
    return {"title": activity.title, "volunteer": volunteer.display_name, "email": volunteer.email}


@_email("activity-support-asked")
def send_activity_support_asked(person: Recipient, *, activity, asker, question: str) -> dict:
    return {"title": activity.title, "asker": asker.display_name, "question": question,
            "link": absolute_url("activiteiten.detail", id=activity.id)}


@_email("activity-support-answered")
def send_activity_support_answered(person: Recipient, *, activity, status: str, answer: str) -> dict:
    from .moderatie.support import support_status_text  # the words the page shows too
    return {"title": activity.title, "status": support_status_text(status), "answer": answer,
            "link": absolute_url("activiteiten.detail", id=activity.id)}
