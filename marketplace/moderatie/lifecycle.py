"""The lifecycle job: expiry of requests and offers, their reminders, and listing verification.

``flask --app wsgi lifecycle [--dry-run]`` (``moderatie/cli.py``, for cron) runs each area's step
in turn; the rules live in the areas (``hulpvragen/expiry.py``, ``aanbod/expiry.py``,
``voorzieningen/verification.py``), what they share in ``reminders.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from sqlmodel import Session

from ..aanbod.expiry import expire_offers, remind_offers
from ..hulpvragen.expiry import expire_requests, remind_requests
from ..models import utcnow
from ..reminders import aware
from ..voorzieningen.verification import ask_organisations_to_verify


@dataclass
class Summary:
    request_reminders: list[int] = field(default_factory=list)
    offer_reminders: list[int] = field(default_factory=list)
    requests_expired: list[int] = field(default_factory=list)
    offers_expired: list[int] = field(default_factory=list)
    verify_mails: list[int] = field(default_factory=list)

    def lines(self, dry_run: bool = False) -> list[str]:
        verb = "Zou doen" if dry_run else "Gedaan"
        return [
            f"{verb}:",
            f"  herinnering hulpvraag verstuurd: {len(self.request_reminders)} {_ids(self.request_reminders)}",
            f"  herinnering aanbod verstuurd: {len(self.offer_reminders)} {_ids(self.offer_reminders)}",
            f"  hulpvragen verlopen: {len(self.requests_expired)} {_ids(self.requests_expired)}",
            f"  aanbod verlopen: {len(self.offers_expired)} {_ids(self.offers_expired)}",
            f"  organisaties gevraagd of hun informatie klopt: {len(self.verify_mails)} {_ids(self.verify_mails)}",
        ]


def _ids(ids: list[int]) -> str:
    return "(" + ", ".join(str(i) for i in ids) + ")" if ids else ""


def run(session: Session, now: datetime | None = None, dry_run: bool = False) -> Summary:
    """One pass of every step. Each change is its own unit of work (``db.unit_of_work``), with
    its mail queued in it (sent after the commit; a mail server that is down: kept for retry)."""
    now = aware(now) or utcnow()
    summary = Summary()
    remind_requests(session, now, summary, dry_run)
    remind_offers(session, now, summary, dry_run)
    expire_requests(session, now, summary, dry_run)
    expire_offers(session, now, summary, dry_run)
    ask_organisations_to_verify(session, now, summary, dry_run)
    return summary
