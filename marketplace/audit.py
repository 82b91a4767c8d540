"""Audit log: who saw or changed what, when."""

from __future__ import annotations

from flask_login import current_user
from sqlmodel import Session

from .models import AuditEvent


def record(session: Session, action: str, target_kind: str | None = None,
           target_id: int | None = None, detail: str | None = None, actor_id: int | None = None) -> None:
    """Add an audit event to the caller's transaction (committed with the change it describes)."""
    if actor_id is None and current_user and current_user.is_authenticated:
        actor_id = current_user.id
    session.add(AuditEvent(actor_id=actor_id, action=action, target_kind=target_kind,
                           target_id=target_id, detail=(detail or "")[:1000] or None))
