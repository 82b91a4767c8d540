"""Support from the preventiemakelaar: an activity's owner asks, the wijk's makelaar answers."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from .. import audit, emails
from ..activiteiten.errors import ActivityError
from ..activiteiten.services import activity_place
from ..areas import wijk_id_of_buurt
from ..models import Activity, SupportRequest, User, UserRole, UserWijk, utcnow


# --------------------------------------------------------------------------- support from the preventiemakelaar

SUPPORT_STATUS_TEXT = {
    "open": _l("Verstuurd, nog niet bekeken"),
    "in_progress": _l("De buurtmakelaar helpt u"),
    "done": _l("Afgerond"),
}


def support_status_text(status: str) -> str:
    return str(SUPPORT_STATUS_TEXT.get(status, status))


def support_requests_for(session: Session, activity_id: int) -> list[SupportRequest]:
    return list(session.exec(select(SupportRequest).where(SupportRequest.activity_id == activity_id).order_by(
        SupportRequest.created_at.desc(), SupportRequest.id.desc())).all())


def activity_wijk_id(session: Session, activity: Activity) -> int | None:
    location, _buurt = activity_place(session, activity)
    return wijk_id_of_buurt(session, location.buurt_id) if location is not None else None


def preventiemakelaars_of_wijk(session: Session, wijk_id: int | None) -> list[User]:
    if wijk_id is None:
        return []
    return list(session.exec(select(User).join(UserWijk, UserWijk.user_id == User.id).join(
        UserRole, UserRole.user_id == User.id).where(
        UserWijk.wijk_id == wijk_id, UserRole.role == "preventiemakelaar", User.is_active.is_(True))).all())


def ask_support(session: Session, activity: Activity, user, question: str) -> SupportRequest:
    """The owner asks the wijk's preventiemakelaar(s) for support; they get an e-mail."""
    support = SupportRequest(activity_id=activity.id, asked_by_id=user.id, question=question.strip())
    session.add(support)
    session.flush()
    audit.record(session, "support.create", "support_request", support.id, detail=f"activity {activity.id}")
    emails.send_activity_support_asked(session, preventiemakelaars_of_wijk(session, activity_wijk_id(session, activity)),
                                       activity=activity, asker=user, question=support.question)
    return support


def can_answer_support(session: Session, user, activity: Activity) -> bool:
    """Beheerders, and preventiemakelaars of the activity's wijk."""
    if user.has_role("beheerder"):
        return True
    if not user.has_role("preventiemakelaar"):
        return False
    wijk_id = activity_wijk_id(session, activity)
    return wijk_id is not None and session.get(UserWijk, (user.id, wijk_id)) is not None


def answer_support_request(session: Session, support_id: int, user, answer: str | None,
                           status: str) -> SupportRequest:
    """For the moderation queue: set status (and answer); the asker gets an e-mail after the commit.

    Raises LookupError (unknown id), PermissionError (not this wijk's preventiemakelaar)
    or ActivityError (bad status, or 'done' without an answer).
    """
    support = session.get(SupportRequest, support_id)
    activity = session.get(Activity, support.activity_id) if support is not None else None
    if support is None or activity is None:
        raise LookupError(support_id)
    if not can_answer_support(session, user, activity):
        raise PermissionError(support_id)
    if status not in ("open", "in_progress", "done"):
        raise ActivityError(_("Kies een geldige status."))
    answer = (answer or "").strip() or None
    if status == "done" and not (answer or support.answer):
        raise ActivityError(_("Schrijf een antwoord voordat u de vraag afrondt."))
    support.status, support.handled_by_id, support.updated_at = status, user.id, utcnow()
    support.answer = answer or support.answer
    session.add(support)
    audit.record(session, "support.answer", "support_request", support.id, detail=status, actor_id=user.id)
    asker = session.get(User, support.asked_by_id)
    emails.send_activity_support_answered(session, asker, activity=activity, status=status,
                                          answer=support.answer or "")
    return support
