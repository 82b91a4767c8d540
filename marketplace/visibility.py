"""Who may see a listing, and how a new post starts: the moderation rules in one place.

A listing (organisation, voorziening, activity, volunteer offer, help request) is public
when ``moderation == "approved"``. New organisations and voorzieningen, and the first
post of a new account, start as ``pending`` until a preventiemakelaar approves them;
posts by trusted accounts (and by ambassadeurs, professionals, preventiemakelaars and
beheerders) are approved at once. ``hidden`` is a moderator's decision.
"""

from __future__ import annotations

from flask_login import current_user

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


def can_see(row, owner_ids: tuple[int | None, ...] = (), user=None) -> bool:
    """Approved rows for all; pending/hidden ones for their owners and moderators."""
    user = user or current_user
    if row.moderation == "approved":
        return True
    if not (user and user.is_authenticated):
        return False
    return is_moderator(user) or user.id in owner_ids
