"""Residents' experiences with a voorziening (issue 11, horizontale verantwoording).

A review is short, always moderated before anyone else sees it (moderatie treats it as a listing of
kind "review"), and never carries contact details: they are masked when written, like every post.
One review per person per voorziening; the organisation's own staff cannot review themselves.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, func, select

from .. import audit, contact_details
from ..models import REVIEW_VERDICTS, Voorziening, VoorzieningReview
from .services import staff_ids

VERDICT_WORDS = {"helped": _l("Het hielp mij"), "partly": _l("Het hielp een beetje"),
                 "not_helped": _l("Het hielp mij niet")}
SHOWN = 20  # the newest approved reviews on the page


class ReviewError(ValueError):
    """A user-facing (Dutch) reason why a review cannot be saved."""


@dataclass
class Reviews:
    shown: list[VoorzieningReview]
    counts: dict[str, int]  # approved reviews per verdict
    total: int
    own: VoorzieningReview | None  # the viewer's own review, in any moderation state


def may_review(session: Session, user, v: Voorziening) -> bool:
    return bool(user.is_authenticated) and user.id not in staff_ids(session, v.organisation_id)


def add_review(session: Session, user, v: Voorziening, verdict: str, body: str) -> VoorzieningReview:
    if not may_review(session, user, v):
        raise ReviewError(_l("U kunt geen ervaring schrijven bij uw eigen voorziening."))
    if verdict not in REVIEW_VERDICTS:
        raise ReviewError(_l("Kies of het u geholpen heeft."))
    exists = session.exec(select(VoorzieningReview.id).where(VoorzieningReview.voorziening_id == v.id,
                                                            VoorzieningReview.author_id == user.id)).first()
    if exists is not None:
        raise ReviewError(_l("U schreef al eerder over deze voorziening. Dank u wel!"))
    review = VoorzieningReview(voorziening_id=v.id, author_id=user.id, verdict=verdict,
                               body=contact_details.mask(body.strip()))
    session.add(review)
    session.flush()
    audit.record(session, "review.create", "review", review.id, actor_id=user.id)
    return review


def for_page(session: Session, v: Voorziening, viewer) -> Reviews:
    approved = (VoorzieningReview.voorziening_id == v.id) & (VoorzieningReview.moderation == "approved")
    shown = list(session.exec(select(VoorzieningReview).where(approved)
                              .order_by(VoorzieningReview.created_at.desc(), VoorzieningReview.id.desc())
                              .limit(SHOWN)).all())
    counts = Counter(dict(session.exec(select(VoorzieningReview.verdict, func.count())
                                       .where(approved).group_by(VoorzieningReview.verdict)).all()))
    own = None
    if viewer.is_authenticated:
        own = session.exec(select(VoorzieningReview).where(VoorzieningReview.voorziening_id == v.id,
                                                           VoorzieningReview.author_id == viewer.id)).first()
    return Reviews(shown=shown, counts={k: counts.get(k, 0) for k in REVIEW_VERDICTS},
                   total=sum(counts.values()), own=own)

_l("Ervaring")  # the moderation queue's label of kind "review" (moderatie.services.KIND_LABELS)
