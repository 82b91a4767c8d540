"""Who may see a listing, and how a new post starts: the moderation rules in one place.

A listing (organisation, voorziening, activity, volunteer offer, help request) is public
when ``moderation == "approved"``. New organisations and voorzieningen, and the first
post of a new account, start as ``pending`` until a preventiemakelaar approves them;
posts by trusted accounts (and by ambassadeurs, professionals, preventiemakelaars and
beheerders) are approved at once. ``hidden`` is a moderator's decision.
"""

from __future__ import annotations

from flask_login import current_user
from sqlalchemy import and_, func, not_, or_, true
from sqlmodel import select

from .models import Area, Category, HelpRequest, Match, RequestCategory, UserWijk, VolunteerOffer

STAFF_ROLES = ("ambassadeur", "professional", "preventiemakelaar", "beheerder")


def initial_moderation_for_post(user) -> str:
    """Moderation state of a new request, offer or activity by ``user``."""
    if user.trusted or user.has_role(*STAFF_ROLES):
        return "approved"
    return "pending"


def initial_moderation_for_organisation_content(user) -> str:
    """New organisations and voorzieningen always wait for a preventiemakelaar, unless staff made them."""
    return "approved" if user.has_role("preventiemakelaar", "beheerder") else "pending"


def public(model):
    """SQL condition: visible to everyone."""
    return model.moderation == "approved"


def is_moderator(user=None) -> bool:
    user = user or current_user
    return bool(user and user.is_authenticated and user.has_role("preventiemakelaar", "beheerder"))


def moderates(session, user, kind: str, row) -> bool:
    """Beheerders everywhere; a preventiemakelaar only in their own wijken (items without a
    wijk, such as organisations, belong to every preventiemakelaar)."""
    from .moderatie.services import check_scope  # the moderation area knows where items lie

    if not is_moderator(user):
        return False
    return user.has_role("beheerder") or check_scope(session, user, kind, row)


def can_see(row, owner_ids: tuple[int | None, ...] = (), user=None, kind: str | None = None) -> bool:
    """Approved rows for all; pending/hidden ones for their owners and the moderators of their wijk."""
    from .db import get_session

    user = user or current_user
    if row.moderation == "approved":
        return True
    if not (user and user.is_authenticated):
        return False
    if user.id in owner_ids:
        return True
    if kind is None:
        return bool(user.has_role("beheerder"))
    return moderates(get_session(), user, kind, row)


# --------------------------------------------------------------------------- help requests
#
# The one rule for who may see a help request. Every page, list, board, digest, batch,
# map, API and export that reads requests goes through ``requests_visible_to`` (SQL) or
# ``may_see_request`` (one row). Sensitive requests (a professional-only category such
# as veiligheid, or danger found in the text) are for professionals, the wijk's
# preventiemakelaar and the person who posted them: never for volunteers, the public or
# the printed board.

PUBLIC_REQUEST_STATUSES = ("open", "matched", "done")  # withdrawn, expired, escalated: not public
SAFETY_LEVELS = ("none", "possible", "danger")
MATCH_PARTY_STATUSES = ("proposed", "accepted", "completed")


def staff_wijk_ids(session, user) -> set[int] | None:
    """The wijken a staff member works in; ``None`` means all of them (beheerder).

    Preventiemakelaars and professionals are linked to wijken by the beheerder
    (user_wijk). A professional without any link works for the whole municipality
    (a central wijkcoach team); a preventiemakelaar without a link moderates nothing.
    """
    if user is None or not user.is_authenticated:
        return set()
    if user.has_role("beheerder"):
        return None
    ids = set(session.exec(select(UserWijk.wijk_id).where(UserWijk.user_id == user.id)).all())
    if not ids and user.has_role("professional") and not user.has_role("preventiemakelaar"):
        return None
    return ids


def _sensitive_request_ids():
    return (select(RequestCategory.request_id).join(Category, Category.id == RequestCategory.category_id)
            .where(Category.professional_only.is_(True)))


def sensitive_request():
    """SQL condition: the request is for professionals only."""
    return or_(HelpRequest.safety != "none", HelpRequest.id.in_(_sensitive_request_ids()))


def public_request():
    """SQL condition: anyone may see the request, also without an account and on the board."""
    return and_(HelpRequest.moderation == "approved", HelpRequest.status.in_(PUBLIC_REQUEST_STATUSES),
                not_(sensitive_request()))


def _in_wijken(wijk_ids: set[int] | None):
    if wijk_ids is None:
        return true()
    return HelpRequest.buurt_id.in_(select(Area.id).where(Area.parent_id.in_(wijk_ids or {-1})))


def requests_visible_to(session, user):
    """SQL condition over HelpRequest: the rows ``user`` may see (any state)."""
    condition = public_request()
    if user is None or not user.is_authenticated:
        return condition
    own = or_(HelpRequest.posted_by_id == user.id, HelpRequest.requester_id == user.id)
    helping = HelpRequest.id.in_(
        select(Match.request_id).join(VolunteerOffer, VolunteerOffer.id == Match.offer_id)
        .where(VolunteerOffer.user_id == user.id, Match.status.in_(MATCH_PARTY_STATUSES)))
    parts = [condition, own, and_(helping, ~sensitive_request())]
    scope = staff_wijk_ids(session, user)
    if user.has_role("preventiemakelaar"):
        parts.append(_in_wijken(scope))  # everything in their own wijken, to moderate it
    if user.has_role("beheerder"):
        parts.append(~sensitive_request())  # moderation, but no need to read danger
    if user.has_role("professional"):
        parts.append(and_(HelpRequest.moderation != "hidden", HelpRequest.status != "withdrawn",
                          sensitive_request(), _in_wijken(scope)))
    return or_(*parts)


def covers_request(session, user, request) -> bool:
    """Staff who may act on a request's matches: the beheerder and the preventiemakelaar of its wijk."""
    if not is_moderator(user):
        return False
    return moderates(session, user, "request", request)


def may_see_request(session, request, user=None) -> bool:
    """One row through the same rule as every list."""
    user = user if user is not None else current_user
    found = session.exec(select(func.count()).select_from(HelpRequest).where(
        HelpRequest.id == request.id, requests_visible_to(session, user))).one()
    return bool(found)


def is_sensitive(session, request) -> bool:
    return bool(session.exec(select(func.count()).select_from(HelpRequest).where(
        HelpRequest.id == request.id, sensitive_request())).one())


def may_review_safety(session, user, request) -> bool:
    """Who clears a request that may be unsafe: a professional or preventiemakelaar who may see it."""
    return (bool(user and user.is_authenticated and user.has_role("professional", "preventiemakelaar"))
            and may_see_request(session, request, user))
