"""Who may do what with an activity: owners (initiator or organisation staff) and moderators."""

from __future__ import annotations

from sqlmodel import Session, select

from ..models import Activity, Organisation, UserOrganisation
from ..visibility import moderates


def organisations_of(session: Session, user) -> list[Organisation]:
    return list(session.exec(select(Organisation).join(
        UserOrganisation, UserOrganisation.organisation_id == Organisation.id).where(
        UserOrganisation.user_id == user.id).order_by(Organisation.name)).all())


def is_staff_of(session: Session, user, organisation_id: int | None) -> bool:
    if organisation_id is None or not getattr(user, "is_authenticated", False):
        return False
    return session.get(UserOrganisation, (user.id, organisation_id)) is not None


def is_owner(session: Session, user, activity: Activity) -> bool:
    """The initiator, or staff of the organising organisation: they keep ownership."""
    if not getattr(user, "is_authenticated", False):
        return False
    return activity.owner_user_id == user.id or is_staff_of(session, user, activity.organisation_id)


def can_manage(session: Session, user, activity: Activity) -> bool:
    """Edit or cancel: owners, and moderators (who may need to correct a listing)."""
    return is_owner(session, user, activity) or moderates(session, user, "activity", activity)


def can_view(session: Session, user, activity: Activity) -> bool:
    """Approved activities for all; pending or hidden ones only for owners and moderators."""
    return activity.moderation == "approved" or can_manage(session, user, activity)
