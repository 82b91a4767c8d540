"""Who wants which journey mail, and which messages a user has not read yet.

Both are kept as audit events (no extra table): a preference change and a read match are
things a user did. The latest ``mail.preference`` event of a user names the kinds they turned
off; a ``match.read`` event marks the moment a party last opened a match with new messages.
"""

from __future__ import annotations

import functools
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, bindparam, func, or_
from sqlmodel import Session, select

from . import audit
from .models import AuditEvent, Conversation, HelpRequest, Match, Message, VolunteerOffer

# One mail per step the other side takes; each can be turned off on the profile page.
MAIL_KINDS = {
    "voorstel": _l("Iemand wil mij helpen, of vraagt mij om hulp"),
    "antwoord": _l("Iemand zegt ja of nee op een voorstel"),
    "bericht": _l("Er is een nieuw bericht voor mij"),
    "klaar": _l("De hulp is afgerond"),
}


def muted_kinds(session: Session, user_id: int) -> set[str]:
    latest = session.exec(select(AuditEvent.detail).where(
        AuditEvent.action == "mail.preference", AuditEvent.target_kind == "user",
        AuditEvent.target_id == user_id).order_by(AuditEvent.id.desc())).first()
    return {k for k in (latest or "").split(",") if k in MAIL_KINDS}


def wants_mail(session: Session, user_id: int, kind: str | None) -> bool:
    return kind is None or kind not in muted_kinds(session, user_id)


def set_muted(session: Session, user_id: int, kinds: set[str]) -> None:
    """Record the kinds this user turned off (only when they changed)."""
    kinds = {k for k in kinds if k in MAIL_KINDS}
    if kinds != muted_kinds(session, user_id):
        audit.record(session, "mail.preference", "user", user_id, detail=",".join(sorted(kinds)), actor_id=user_id)


# --------------------------------------------------------------------------- unread messages


def _my_match_ids(user_id):
    mine = select(HelpRequest.id).where(or_(HelpRequest.posted_by_id == user_id, HelpRequest.requester_id == user_id))
    my_offers = select(VolunteerOffer.id).where(VolunteerOffer.user_id == user_id)
    return select(Match.id).where(or_(Match.request_id.in_(mine), Match.offer_id.in_(my_offers)))


def _last_read(user_id):
    return (select(func.max(AuditEvent.created_at)).where(
        AuditEvent.action == "match.read", AuditEvent.target_kind == "match",
        AuditEvent.target_id == Conversation.match_id, AuditEvent.actor_id == user_id)
        .correlate(Conversation).scalar_subquery())


@functools.cache
def _unread_statement():
    """Built once: the menu asks on every page a signed-in user opens, and building the
    statement cost more than running it."""
    user_id = bindparam("user_id")
    last_read = _last_read(user_id)
    return (select(Conversation.match_id, func.count(Message.id))
            .join(Message, Message.conversation_id == Conversation.id)
            .where(Conversation.match_id.in_(_my_match_ids(user_id)), Message.sender_id != user_id,
                   or_(last_read.is_(None), Message.created_at > last_read))
            .group_by(Conversation.match_id))


def unread_by_match(session: Session, user_id: int) -> dict[int, int]:
    """Per match of mine: how many messages from others came after I last opened it."""
    rows = session.exec(_unread_statement(), params={"user_id": user_id}).all()
    return {match_id: n for match_id, n in rows}


def unread_count(session: Session, user_id: int) -> int:
    return sum(unread_by_match(session, user_id).values())


def mark_read(session: Session, user_id: int, match_id: int, newest: datetime | None) -> bool:
    """Note that this party saw the match's messages up to now; only when something new came in,
    so the audit log grows with the messages, not with page views. True if an event was added."""
    if newest is None:
        return False
    last = session.exec(select(func.max(AuditEvent.created_at)).where(and_(
        AuditEvent.action == "match.read", AuditEvent.target_kind == "match",
        AuditEvent.target_id == match_id, AuditEvent.actor_id == user_id))).one()
    if last is not None and _aware(last) >= _aware(newest):
        return False
    audit.record(session, "match.read", "match", match_id, actor_id=user_id)
    return True


def _aware(moment: datetime) -> datetime:
    from datetime import timezone
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
