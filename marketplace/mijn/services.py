"""Mijn Buurtplein: everything a user asked, offered and joined, each with its next step in words."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timezone

from flask_babel import lazy_gettext as _l
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, or_
from sqlmodel import Session, select

from ..aanbod import services as offers
from ..hulpvragen import services as requests
from ..models import (Activity, ActivityOccurrence, ActivitySignup, HelpRequest, HelpRequestPrivate, Match, User,
                      VolunteerOffer, Voorziening, utcnow)
from ..formatting import date_in_words, day_in_words, names_in_words
from ..timeutil import to_local

MATCH_WORDS = {"suggested": _l("Voorstel"), "proposed": _l("Voorgesteld: wacht op antwoord"),
               "accepted": _l("Afgesproken"), "declined": _l("Gaat niet door"), "completed": _l("Afgerond")}


@dataclass
class Item:
    row: object
    status: str
    next_step: str
    can_renew: bool = False
    extra: dict = field(default_factory=dict)


def request_next_step(row: HelpRequest, helpers: list[str] = (), asked: list[str] = ()) -> tuple[str, bool]:
    """(what happens next, may renew) for one of my requests. ``helpers``: first names of the
    volunteers who proposed and wait for my answer; ``asked``: volunteers I asked, who still answer."""
    if row.safety == "danger" and row.status in ("open", "escalated"):
        return _("Een professional neemt contact met u op. Bij direct gevaar: bel 112."), False
    if row.safety == "possible" and row.status == "open":
        return _("Een professional van de wijk kijkt eerst naar uw vraag en neemt zo nodig contact op."), False
    if helpers and row.status == "open" and row.on_behalf:
        return ngettext("%(names)s wil %(client)s helpen. Kijk wie het is en zeg ja of nee.",
                        "%(names)s willen %(client)s helpen. Kijk wie het zijn en zeg ja of nee.",
                        len(helpers), names=names_in_words(helpers), client=row.public_name), False
    if helpers and row.status == "open":
        return ngettext("%(names)s wil u helpen. Kijk wie het is en zeg ja of nee.",
                        "%(names)s willen u helpen. Kijk wie het zijn en zeg ja of nee.",
                        len(helpers), names=names_in_words(helpers)), False
    if asked and row.status == "open":
        return _("U vroeg %(names)s om hulp. U krijgt een e-mail als er antwoord is.",
                 names=names_in_words(asked)), False
    if row.moderation == "pending":
        return _("Uw vraag wordt eerst bekeken door de buurtmakelaar."), False
    if row.moderation == "hidden":
        return _("De buurtmakelaar heeft deze vraag verborgen. U krijgt daarover bericht."), False
    days = requests.days_left(row)
    if row.status == "expired" or (row.status == "open" and days < 0):
        return _("Verlopen. Wilt u de vraag verlengen?"), True
    if requests.renewal_offered(row):  # open, near its end
        return ngettext("Verloopt over %(num)d dag — verlengen?", "Verloopt over %(num)d dagen — verlengen?",
                        days), True
    return {
        "open": _("Wacht op reactie van een vrijwilliger."),
        "matched": _("Er is iemand gevonden. U hoort snel meer."),
        "done": _("Klaar. Fijn dat het gelukt is!"),
        "withdrawn": _("U heeft deze vraag ingetrokken."),
        "escalated": _("Een professional neemt contact met u op."),
    }.get(row.status, ""), False


def my_requests(session: Session, user) -> list[Item]:
    rows = session.exec(select(HelpRequest).where(or_(HelpRequest.posted_by_id == user.id,
                                                      HelpRequest.requester_id == user.id))
                        .order_by(HelpRequest.created_at.desc(), HelpRequest.id.desc())).all()
    privates = {p.request_id: p for p in session.exec(select(HelpRequestPrivate).where(
        HelpRequestPrivate.request_id.in_([r.id for r in rows]))).all()} if rows else {}
    waiting = _proposals_waiting(session, [r.id for r in rows])
    asked = _proposals_waiting(session, [r.id for r in rows], asked_by_me=True)
    items = []
    for row in rows:
        step, renew = request_next_step(row, [name for name, _m in waiting.get(row.id, [])],
                                        [name for name, _m in asked.get(row.id, [])])
        items.append(Item(row, str(requests.STATUS_WORDS[row.status]), step, renew,
                          {"private": privates.get(row.id), "proposals": waiting.get(row.id, [])}))
    return items


def _proposals_waiting(session: Session, request_ids: list[int],
                       asked_by_me: bool = False) -> dict[int, list[tuple[str, int]]]:
    """Per request: (volunteer's first name, match id) of every proposal that waits for my answer,
    or (``asked_by_me``) of every volunteer the request's side asked, who still has to answer."""
    if not request_ids:
        return {}
    by_volunteer = or_(Match.proposed_by_id.is_(None), Match.proposed_by_id == VolunteerOffer.user_id)
    rows = session.exec(select(Match.request_id, Match.id, User.display_name)
                        .join(VolunteerOffer, VolunteerOffer.id == Match.offer_id)
                        .join(User, User.id == VolunteerOffer.user_id)
                        .where(Match.request_id.in_(request_ids), Match.status == "proposed",
                               ~by_volunteer if asked_by_me else by_volunteer)
                        .order_by(Match.created_at)).all()
    found: dict[int, list[tuple[str, int]]] = {}
    for request_id, match_id, name in rows:
        found.setdefault(request_id, []).append(((name or "").split(" ")[0], match_id))
    return found


def my_offers(session: Session, user) -> list[Item]:
    rows = session.exec(select(VolunteerOffer).where(VolunteerOffer.user_id == user.id)
                        .order_by(VolunteerOffer.created_at.desc(), VolunteerOffer.id.desc())).all()
    items = []
    for row in rows:
        if row.moderation == "pending":
            step = _("Uw aanbod wordt eerst bekeken door de buurtmakelaar.")
        elif row.status == "active":
            step = _("Buren kunnen u vinden. Kijk welke vragen bij u passen.")
        elif row.status == "paused":
            step = _("Uw aanbod staat op pauze. Zet het weer aan als u tijd heeft.")
        else:
            step = _("Verlopen. Maak een nieuw aanbod als u weer wilt helpen.")
        items.append(Item(row, str(offers.STATUS_WORDS[row.status]), step))
    return items


def my_signups(session: Session, user) -> list[Item]:
    rows = session.exec(select(ActivitySignup, Activity).join(Activity, Activity.id == ActivitySignup.activity_id)
                        .where(ActivitySignup.user_id == user.id, ActivitySignup.status != "signed_off")
                        .order_by(ActivitySignup.created_at.desc())).all()
    items = []
    for signup, activity in rows:
        if signup.status == "waiting_list":
            place = waiting_place(session, signup)
            status, step = _("Op de wachtlijst"), _("U staat op plek %(n)d van de wachtlijst.", n=place)
        else:
            status, step = _("Aangemeld"), _("U bent aangemeld. Tot dan!")
        items.append(Item(signup, status, step, extra={"activity": activity,
                                                       "next": _when(next_occurrence(session, activity.id))}))
    return items


def waiting_place(session: Session, signup: ActivitySignup) -> int:
    """1-based place on the waiting list (position orders it; ties by sign-up time)."""
    ahead = session.exec(select(ActivitySignup).where(
        ActivitySignup.activity_id == signup.activity_id, ActivitySignup.status == "waiting_list",
        ActivitySignup.id != signup.id)).all()
    return 1 + sum(1 for s in ahead if (s.position, s.id) < (signup.position, signup.id))


def next_occurrence(session: Session, activity_id: int) -> ActivityOccurrence | None:
    return session.exec(select(ActivityOccurrence).where(
        ActivityOccurrence.activity_id == activity_id, ActivityOccurrence.cancelled.is_(False),
        ActivityOccurrence.starts_at >= utcnow()).order_by(ActivityOccurrence.starts_at)).first()


def _when(occurrence: ActivityOccurrence | None) -> str | None:
    if occurrence is None:
        return None
    start = occurrence.starts_at
    if start.tzinfo is None:  # SQLite hands back naive UTC
        start = start.replace(tzinfo=timezone.utc)
    return f"{day_in_words(start)}, {to_local(start):%H:%M}"  # 'woensdag 25 november, 14:00'


def my_matches(session: Session, user) -> list[Item]:
    """Matches on my requests or on my offers (the matching area fills this table)."""
    mine = select(HelpRequest.id).where(or_(HelpRequest.posted_by_id == user.id, HelpRequest.requester_id == user.id))
    my_offer_ids = select(VolunteerOffer.id).where(VolunteerOffer.user_id == user.id)
    rows = session.exec(select(Match, HelpRequest).join(HelpRequest, HelpRequest.id == Match.request_id)
                        .where(or_(Match.request_id.in_(mine), Match.offer_id.in_(my_offer_ids)))
                        .order_by(Match.created_at.desc())).all()
    items = []
    for match, request in rows:
        items.append(Item(match, str(MATCH_WORDS.get(match.status, match.status)),
                          _match_step(session, match, request, user),
                          extra={"request": request, "with": _other_party(session, match, request, user)}))
    return items


def _other_party(session: Session, match: Match, request: HelpRequest, user) -> str:
    """Who the match is with, seen from me: the volunteer sees the person helped (first name, as
    public on the request), the resident sees the volunteer or the listing."""
    if match.kind == "offer" and match.offer_id:
        offer = session.get(VolunteerOffer, match.offer_id)
        if offer is not None and offer.user_id == user.id:
            return request.public_name
        volunteer = session.get(User, offer.user_id) if offer else None
        return volunteer.first_name if volunteer else ""
    return _match_target(session, match)


def _match_step(session: Session, match: Match, request: HelpRequest, user) -> str:
    if match.status == "proposed":
        from ..koppelingen.services import answerer_ids, asked_by_owner
        if user.id in answerer_ids(session, match):
            if asked_by_owner(session, match):
                return _("%(name)s vraagt of u wilt helpen. Kijk en zeg ja of nee.", name=request.public_name)
            return _("Kijk wie het is en zeg ja of nee.")
    return {"suggested": _("Bekijk het voorstel."), "proposed": _("Wacht op antwoord."),
            "accepted": _("Maak samen een afspraak."), "declined": _("We zoeken verder."),
            "completed": _("Klaar. Dank u wel!")}.get(match.status, "")


def _match_target(session: Session, match: Match) -> str:
    if match.kind == "offer" and match.offer_id:
        offer = session.get(VolunteerOffer, match.offer_id)
        return offer.title if offer else ""
    if match.kind == "voorziening" and match.voorziening_id:
        row = session.get(Voorziening, match.voorziening_id)
        return row.name if row else ""
    row = session.get(Activity, match.activity_id) if match.activity_id else None
    return row.title if row else ""


# --------------------------------------------------------------------------- aanbieder


OPEN_REFERRALS = ("referred", "signed_up", "waiting_list")


def my_voorzieningen(session: Session, user) -> list[Item]:
    """The voorzieningen of my organisations (aanbieder): is the information still right, and
    how many referrals wait for an answer. Counts only; the referrals themselves stay behind
    their own access rule (verwijzingen.services.access)."""
    from ..models import Referral, UserOrganisation
    from ..voorzieningen.verification import is_possibly_outdated, verification_due_at
    if not user.has_role("aanbieder"):
        return []
    org_ids = select(UserOrganisation.organisation_id).where(UserOrganisation.user_id == user.id)
    rows = session.exec(select(Voorziening).where(Voorziening.organisation_id.in_(org_ids))
                        .order_by(Voorziening.name)).all()
    waiting = dict(session.exec(select(Referral.voorziening_id, func.count(Referral.id)).where(
        Referral.voorziening_id.in_([r.id for r in rows]), Referral.status.in_(OPEN_REFERRALS))
        .group_by(Referral.voorziening_id)).all()) if rows else {}
    items = []
    for row in rows:
        if row.moderation == "pending":
            status, step = _("Wordt nog bekeken"), _("De buurtmakelaar bekijkt deze voorziening eerst.")
        elif is_possibly_outdated(row):
            status, step = _("Mogelijk verouderd"), _("Lang niet gecontroleerd. Kijk of alles nog klopt en sla op.")
        else:
            due = date_in_words(verification_due_at(row))
            status, step = _("Actueel"), _("Klopt alles nog? Graag controleren vóór %(date)s.", date=due)
        items.append(Item(row, status, step, extra={"referrals": waiting.get(row.id, 0),
                                                    "badge": "success" if status == _("Actueel") else "waiting"}))
    return items

