"""Sign-up with waiting list, and volunteers who offer to help.

Actions whose rule depends on counts (places left, the waiting list) lock the activity row first
(``db.lock_for_write``), so simultaneous sign-ups are handled one after the other. E-mails are
queued on the session and go out after the commit.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func
from sqlmodel import Session, select

from .. import audit, db, emails
from ..models import Activity, ActivitySignup, Organisation, User, utcnow
from .errors import ActivityError


# --------------------------------------------------------------------------- places left


def taken_counts(session: Session, activity_ids: list[int], status: str = "signed_up") -> dict[int, int]:
    if not activity_ids:
        return {}
    rows = session.exec(select(ActivitySignup.activity_id, func.count()).where(
        ActivitySignup.activity_id.in_(activity_ids), ActivitySignup.status == status).group_by(
        ActivitySignup.activity_id)).all()
    return {activity_id: count for activity_id, count in rows}


def places_left(capacity: int | None, taken: int) -> int | None:
    """None means no limit. Never negative, also after the capacity was lowered."""
    if capacity is None:
        return None
    return max(0, capacity - taken)


def places_text(left: int | None) -> str:
    if left is None:
        return _("iedereen welkom")
    if left == 0:
        return _("vol — wachtlijst")
    return ngettext("nog %(num)d plek vrij", "nog %(num)d plekken vrij", left)



# --------------------------------------------------------------------------- sign-up and waiting list


def my_signup(session: Session, activity_id: int, user_id: int) -> ActivitySignup | None:
    return session.exec(select(ActivitySignup).where(ActivitySignup.activity_id == activity_id,
                                                     ActivitySignup.user_id == user_id)).first()


def waiting_rank(session: Session, signup: ActivitySignup) -> int:
    """1-based place on the waiting list (ordered by position, then id)."""
    ahead = session.exec(select(func.count()).select_from(ActivitySignup).where(
        ActivitySignup.activity_id == signup.activity_id, ActivitySignup.status == "waiting_list",
        (ActivitySignup.position < signup.position)
        | ((ActivitySignup.position == signup.position) & (ActivitySignup.id < signup.id)))).one()
    return ahead + 1


def _lock_activity(session: Session, activity_id: int) -> Activity | None:
    # Sign-ups, sign-offs and capacity changes of one activity wait for each other here
    # (FOR UPDATE on PostgreSQL, the write lock on SQLite); capacity and status are read fresh.
    return db.lock_for_write(session, Activity, activity_id)


def _next_position(session: Session, activity_id: int) -> int:
    last = session.exec(select(func.max(ActivitySignup.position)).where(
        ActivitySignup.activity_id == activity_id)).one()
    return (last if last is not None else -1) + 1


def _taken(session: Session, activity_id: int) -> int:
    return taken_counts(session, [activity_id]).get(activity_id, 0)


def promote_waiting(session: Session, activity: Activity) -> list[ActivitySignup]:
    """Move the first people on the waiting list up while places are free (in the caller's unit of work)."""
    if activity.status != "published":
        return []
    session.flush()
    free = places_left(activity.capacity, _taken(session, activity.id))
    waiting = session.exec(select(ActivitySignup).where(
        ActivitySignup.activity_id == activity.id, ActivitySignup.status == "waiting_list").order_by(
        ActivitySignup.position, ActivitySignup.id)).all()
    promoted = list(waiting) if free is None else list(waiting[:free])
    for signup in promoted:
        signup.status, signup.updated_at = "signed_up", utcnow()
        session.add(signup)
        audit.record(session, "activity.promote", "activity", activity.id,
                     detail=f"user {signup.user_id} van wachtlijst naar aangemeld")
    return promoted


def sign_up(session: Session, activity_id: int, user) -> ActivitySignup:
    """aangemeld if a place is free, else wachtlijst at the end. Twice is harmless."""
    activity = _lock_activity(session, activity_id)
    if activity is None:
        raise LookupError(activity_id)
    if activity.status != "published" or activity.moderation != "approved":
        raise ActivityError(_("U kunt zich voor deze activiteit niet aanmelden."))
    existing = my_signup(session, activity_id, user.id)
    if existing is not None and existing.status in ("signed_up", "waiting_list"):
        return existing
    promoted = promote_waiting(session, activity)  # people already waiting go first
    signup = existing or ActivitySignup(activity_id=activity_id, user_id=user.id)
    free = places_left(activity.capacity, _taken(session, activity_id))
    signup.status = "signed_up" if free is None or free > 0 else "waiting_list"
    signup.position, signup.updated_at = _next_position(session, activity_id), utcnow()
    session.add(signup)
    audit.record(session, "activity.signup", "activity", activity_id, detail=signup.status)
    notify_promoted(session, activity, promoted)
    try:
        db.flush(session)
    except db.WriteConflict:
        # A double submit won the race: its row stands, this one is dropped (flush rolled it back).
        again = my_signup(session, activity_id, user.id)
        if again is None:
            raise ActivityError(_("Er meldden zich net veel mensen tegelijk aan. Probeer het nog eens.")) from None
        return again
    return signup


def sign_off(session: Session, activity_id: int, user) -> ActivitySignup | None:
    """afgemeld; a freed place goes to the first on the waiting list in the same transaction."""
    activity = _lock_activity(session, activity_id)
    if activity is None:
        raise LookupError(activity_id)
    signup = my_signup(session, activity_id, user.id)
    if signup is None or signup.status == "signed_off":
        return signup
    signup.status, signup.updated_at = "signed_off", utcnow()
    session.add(signup)
    audit.record(session, "activity.signoff", "activity", activity_id)
    promoted = promote_waiting(session, activity)
    notify_promoted(session, activity, promoted)
    db.flush(session, ActivityError(_("Dat lukte niet, want er veranderde net iets. Probeer het nog eens.")))
    return signup


def notify_promoted(session: Session, activity: Activity, promoted: list[ActivitySignup]) -> None:
    """Queue the 'a place is free for you' mails; they go out when the unit of work commits."""
    people = [session.get(User, signup.user_id) for signup in promoted]
    emails.send_activity_place_free(session, [p for p in people if p is not None], activity=activity)


# --------------------------------------------------------------------------- volunteers


def register_volunteer_interest(session: Session, activity: Activity, user) -> bool:
    """'Ik wil helpen': an audit event and an e-mail to the owner. False when already said."""
    from ..models import AuditEvent
    activity = db.lock_for_write(session, Activity, activity.id) or activity  # 'once' also for a double click
    known = session.exec(select(AuditEvent).where(
        AuditEvent.action == "activity.volunteer_interest", AuditEvent.target_id == activity.id,
        AuditEvent.actor_id == user.id)).first()
    if known is not None:
        return False
    audit.record(session, "activity.volunteer_interest", "activity", activity.id, actor_id=user.id)
    emails.send_activity_volunteer_interest(session, owner_recipients(session, activity), activity=activity,
                                            volunteer=user)
    return True


def owner_recipients(session: Session, activity: Activity) -> list:
    """The owner (in their language), else the organisation's address (in Dutch)."""
    if activity.owner_user_id:
        owner = session.get(User, activity.owner_user_id)
        if owner is not None:
            return [owner]
    org = session.get(Organisation, activity.organisation_id) if activity.organisation_id else None
    return [emails.Recipient(org.email)] if org is not None and org.email else []


# --------------------------------------------------------------------------- attendance


def participants(session: Session, activity_id: int) -> list[tuple[ActivitySignup, str]]:
    """Who is signed up, by first name only: enough for the organiser to tick who came."""
    rows = session.exec(select(ActivitySignup, User.display_name).join(User, User.id == ActivitySignup.user_id)
                        .where(ActivitySignup.activity_id == activity_id, ActivitySignup.status == "signed_up")
                        .order_by(ActivitySignup.id)).all()
    return [(signup, (name or "").split(" ")[0]) for signup, name in rows]


def record_attendance(session: Session, activity: Activity, present: set[int]) -> int:
    """Everyone signed up is marked as there or not; returns how many came. Counted on the dashboard."""
    came = 0
    for signup, _name in participants(session, activity.id):
        signup.attended = signup.id in present
        came += signup.attended
        session.add(signup)
    session.flush()
    audit.record(session, "activity.attendance", "activity", activity.id, detail=f"aanwezig={came}")
    return came
