"""Match lifecycle: suggest → propose → accept / decline → complete, with messages.

The matcher advises; people decide (DOMAIN principle 2): a volunteer proposes or
accepts a suggestion, the resident (or whoever posted for them) accepts or declines.
Phone and e-mail stay hidden until both parties agree to share them.

Every decision about a request (propose, accept, decline, complete) first locks the request row
(``db.lock_for_write``), so two decisions about one request never overlap; partial unique indexes
(one accepted match per request, one live match per offer and request) back that up, and a race
they still catch becomes a MatchError in Dutch. Mail is queued and goes out after the commit.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func
from sqlmodel import Session, select

from matching.batch import assign

from .. import audit, contact_details, db, emails, matching_service, visibility
from ..models import (Activity, AuditEvent, Category, Conversation, HelpRequest, Match, Message, RequestCategory,
                      User, VolunteerOffer, Voorziening, utcnow)

ACTIVE = ("suggested", "proposed", "accepted")


class MatchError(ValueError):
    """A Dutch, user-facing reason why a match action is not possible."""


# --------------------------------------------------------------------------- who is who


def request_owner_ids(request: HelpRequest) -> set[int]:
    """The resident and whoever posted for them decide about the request."""
    return {i for i in (request.posted_by_id, request.requester_id) if i is not None}


def volunteer_id(session: Session, match: Match) -> int | None:
    offer = session.get(VolunteerOffer, match.offer_id) if match.offer_id else None
    return offer.user_id if offer else None


def party_ids(session: Session, match: Match) -> set[int]:
    request = session.get(HelpRequest, match.request_id)
    ids = request_owner_ids(request)
    vid = volunteer_id(session, match)
    return ids | ({vid} if vid else set())


def answerer_ids(session: Session, match: Match) -> set[int]:
    """Who says yes or no to a proposal: the other side than the one who proposed. A resident
    (or whoever posted for them) who asked a volunteer waits for the volunteer, and vice versa."""
    owners = request_owner_ids(session.get(HelpRequest, match.request_id))
    if match.proposed_by_id is not None and match.proposed_by_id in owners:
        vid = volunteer_id(session, match)
        return {vid} if vid else set()
    return owners


def asked_by_owner(session: Session, match: Match) -> bool:
    return match.proposed_by_id is not None and match.proposed_by_id in request_owner_ids(
        session.get(HelpRequest, match.request_id))


def _month_load(session: Session, offer: VolunteerOffer) -> int:
    start = utcnow().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return session.exec(select(func.count()).select_from(Match).where(
        Match.offer_id == offer.id, Match.status.in_(("proposed", "accepted", "completed")),
        Match.created_at >= start)).one()


# --------------------------------------------------------------------------- lifecycle


def _live_match(session: Session, request: HelpRequest, offer: VolunteerOffer) -> Match | None:
    return session.exec(select(Match).where(Match.request_id == request.id, Match.offer_id == offer.id,
                                            Match.status.in_(ACTIVE))
                        .execution_options(populate_existing=True)).first()


def _start(session: Session, request: HelpRequest, offer: VolunteerOffer, by: User, check, taken: str
           ) -> tuple[Match, HelpRequest, VolunteerOffer]:
    """Propose a match of ``offer`` to ``request`` on behalf of ``by``, after ``check`` allowed it:
    once before the locks (an early answer), once under them (now nobody else can change it)."""
    existing = check(session, request, offer, by)
    # The matcher may take a moment: score before locking, so others do not wait for it.
    score = existing.score if existing is not None else _score(session, request, offer)
    with db.flushing(session, MatchError(taken)):
        request = db.lock_for_write(session, HelpRequest, request.id)
        offer = db.lock_for_write(session, VolunteerOffer, offer.id)  # the monthly limit, across requests
        existing = check(session, request, offer, by)
        match = existing or Match(request_id=request.id, kind="offer", offer_id=offer.id, score=score)
        match.status, match.proposed_by_id, match.updated_at = "proposed", by.id, utcnow()
        session.add(match)
        session.flush()
        if session.exec(select(Conversation).where(Conversation.match_id == match.id)).first() is None:
            session.add(Conversation(match_id=match.id))
            session.flush()
    return match, request, offer


def _check_open(session: Session, request: HelpRequest | None, offer: VolunteerOffer | None,
                refusals: dict[str, str]) -> Match | None:
    """What both sides check before a match is proposed (the words differ per side); returns the live
    match of this offer and request, if any."""
    if request is None or request.status != "open" or request.moderation != "approved":
        raise MatchError(_("Deze hulpvraag staat niet meer open."))
    if visibility.is_sensitive(session, request):
        raise MatchError(refusals["sensitive"])
    if offer is None or offer.status != "active" or offer.moderation != "approved":
        raise MatchError(refusals["unavailable"])
    existing = _live_match(session, request, offer)
    if existing is not None and existing.status != "suggested":
        raise MatchError(refusals["already"])
    if _month_load(session, offer) >= offer.max_matches_per_month:
        raise MatchError(refusals["full"])
    return existing


def _check_proposal(session: Session, request: HelpRequest | None, offer: VolunteerOffer | None,
                    by: User) -> Match | None:
    """Refuse what a volunteer may not propose, in the volunteer's words."""
    if offer is None or offer.user_id != by.id:
        raise MatchError(_("U kunt alleen met uw eigen aanbod helpen."))
    return _check_open(session, request, offer, {
        "sensitive": _("Bij deze vraag helpt een professional. Vrijwilligers kunnen hier niet op reageren."),
        "unavailable": _("Uw aanbod staat op pauze of is nog niet goedgekeurd."),
        "already": _("U heeft al gereageerd op deze hulpvraag."),
        "full": _("U heeft deze maand al zoveel mensen geholpen als u wilde. Dank u wel!")})


def propose(session: Session, request: HelpRequest, offer: VolunteerOffer, by: User) -> Match:
    """A volunteer offers to help with a request (or accepts a suggested pairing)."""
    match, request, _offer = _start(session, request, offer, by, _check_proposal,
                                    _("U heeft al gereageerd op deze hulpvraag."))
    audit.record(session, "match.propose", "match", match.id, actor_id=by.id)
    emails.send_match_proposed(session, _people(session, request_owner_ids(request)), kind="voorstel",
                               match=match, request=request, volunteer=by)
    return match


def _check_ask(session: Session, request: HelpRequest | None, offer: VolunteerOffer | None,
               by: User) -> Match | None:
    """Refuse what a resident may not ask of a volunteer, in the resident's words."""
    if request is None or by.id not in request_owner_ids(request):
        raise MatchError(_("Alleen wie de vraag stelde kan een vrijwilliger vragen."))
    return _check_open(session, request, offer, {
        "sensitive": _("Bij deze vraag helpt een professional. Vrijwilligers zien deze vraag niet."),
        "unavailable": _("Deze vrijwilliger helpt nu even niet. Kies een andere."),
        "already": _("U heeft deze vrijwilliger al gevraagd. U krijgt bericht als er antwoord is."),
        "full": _("Deze vrijwilliger helpt deze maand al genoeg mensen. Kies een andere.")})


def ask_volunteer(session: Session, request: HelpRequest, offer: VolunteerOffer, by: User) -> Match:
    """The resident (or whoever posted for them) asks a suggested volunteer; the volunteer answers."""
    match, request, offer = _start(session, request, offer, by, _check_ask,
                                   _("U heeft deze vrijwilliger al gevraagd. U krijgt bericht als er antwoord is."))
    audit.record(session, "match.ask", "match", match.id, actor_id=by.id)
    emails.send_match_asked(session, _people(session, {offer.user_id}), kind="voorstel", match=match, request=request)
    return match


def _score(session: Session, request: HelpRequest, offer: VolunteerOffer) -> float:
    result = matching_service.suggest_for_request(session, request, limit=50)
    for s in result.suggestions:
        if s.kind == "offer" and s.id == offer.id:
            return round(float(s.score), 4)
    return 0.0


def _lock_match(session: Session, match: Match) -> tuple[HelpRequest, Match]:
    """Lock the match's request (all decisions about it wait for each other), then read the match fresh."""
    request = db.lock_for_write(session, HelpRequest, match.request_id)
    fresh = session.exec(select(Match).where(Match.id == match.id)
                         .execution_options(populate_existing=True)).first()
    if request is None or fresh is None:
        raise MatchError(_("Deze hulpvraag bestaat niet meer."))
    return request, fresh


def respond(session: Session, match: Match, user: User, accept: bool) -> Match:
    with db.flushing(session, MatchError(_("Deze vraag heeft al hulp. U kunt maar één aanbod aannemen."))):
        request, match = _lock_match(session, match)
        if user.id not in answerer_ids(session, match):
            raise MatchError(_("Alleen wie gevraagd is kan dit beslissen."))
        if match.status != "proposed":
            raise MatchError(_("Hierover is al beslist."))
        if accept and asked_by_owner(session, match) and visibility.is_sensitive(session, request):
            raise MatchError(_("Bij deze vraag helpt een professional. Vrijwilligers kunnen hier niet op reageren."))
        if accept and request.status not in ("open", "escalated"):
            raise MatchError(_("Deze vraag heeft al hulp. U kunt maar één aanbod aannemen."))
        match.status, match.updated_at = ("accepted" if accept else "declined"), utcnow()
        if accept:
            request.status, request.updated_at = "matched", utcnow()
            session.add(request)
        session.add(match)
        audit.record(session, "match.accept" if accept else "match.decline", "match", match.id, actor_id=user.id)
        _notify_answer(session, match, request, user, accept)
    return match


def _notify_answer(session: Session, match: Match, request: HelpRequest, user: User, accept: bool) -> None:
    """Tell the side that proposed what the other side answered."""
    if asked_by_owner(session, match):  # the volunteer answered the resident
        to = _people(session, request_owner_ids(request))
        if accept:
            emails.send_match_volunteer_accepted(session, to, kind="antwoord", match=match, request=request,
                                                 volunteer=user)
        else:
            emails.send_match_volunteer_declined(session, to, kind="antwoord", request=request, volunteer=user)
        return
    to = _people(session, {volunteer_id(session, match)})
    if accept:
        emails.send_match_accepted(session, to, kind="antwoord", match=match, request=request)
    else:
        emails.send_match_declined(session, to, kind="antwoord", request=request)


def send_message(session: Session, match: Match, user: User, body: str) -> Message:
    body = (body or "").strip()
    if not body:
        raise MatchError(_("Schrijf eerst een bericht."))
    if len(body) > 2000:
        raise MatchError(_("Uw bericht is te lang. Houd het korter dan 2000 tekens."))
    if match.status not in ("proposed", "accepted"):
        raise MatchError(_("U kunt hier geen berichten meer sturen."))
    conversation = session.exec(select(Conversation).where(Conversation.match_id == match.id)).one()
    if not conversation.contact_shared:  # numbers travel only through the contact-sharing step
        body = contact_details.mask(body)
    message = Message(conversation_id=conversation.id, sender_id=user.id, body=body)
    session.add(message)
    emails.send_match_message(session, _people(session, party_ids(session, match) - {user.id}), kind="bericht",
                              match=match, sender=user)
    session.flush()
    return message


def share_contact(session: Session, match: Match, user: User) -> bool:
    """Record that ``user`` agrees to share contact details; True once both sides agreed."""
    _request, match = _lock_match(session, match)  # both sides saying yes at once: the second sees the first
    if user.id not in party_ids(session, match):
        raise MatchError(_("U hoort niet bij deze afspraak."))
    if match.status != "accepted":
        raise MatchError(_("Contactgegevens delen kan pas als de hulp is afgesproken."))
    if not _agreed(session, match, user.id):
        audit.record(session, "match.share_contact", "match", match.id, actor_id=user.id)
        session.flush()
    conversation = session.exec(select(Conversation).where(Conversation.match_id == match.id)).one()
    conversation.contact_shared = all(_agreed(session, match, pid) for pid in _deciders(session, match))
    session.add(conversation)
    session.flush()
    return conversation.contact_shared


def _deciders(session: Session, match: Match) -> set[int]:
    """One person per side: the poster for the request side, the volunteer for the other."""
    request = session.get(HelpRequest, match.request_id)
    return {request.posted_by_id, volunteer_id(session, match)}


def _agreed(session: Session, match: Match, user_id: int) -> bool:
    return session.exec(select(AuditEvent).where(
        AuditEvent.action == "match.share_contact", AuditEvent.target_kind == "match",
        AuditEvent.target_id == match.id, AuditEvent.actor_id == user_id)).first() is not None


def complete(session: Session, match: Match, user: User, rating: int | None, feedback: str | None) -> Match:
    _request, match = _lock_match(session, match)  # finished once, also when both sides click at once
    if user.id not in party_ids(session, match):
        raise MatchError(_("U hoort niet bij deze afspraak."))
    if match.status != "accepted":
        raise MatchError(_("Alleen afgesproken hulp kan worden afgerond."))
    if rating not in (None, -1, 1):
        raise MatchError(_("Kies duim omhoog of duim omlaag."))
    if feedback and len(feedback) > 1000:
        raise MatchError(_("Uw reactie is te lang. Houd het korter dan 1000 tekens."))
    request = session.get(HelpRequest, match.request_id)
    match.status, match.feedback_rating, match.updated_at = "completed", rating, utcnow()
    match.feedback_text = (feedback or "").strip() or None
    request.status, request.updated_at = "done", utcnow()
    session.add_all([match, request])
    audit.record(session, "match.complete", "match", match.id, actor_id=user.id, detail=f"rating={rating}")
    emails.send_match_completed(session, _people(session, party_ids(session, match) - {user.id}), kind="klaar",
                                match=match, request=request, by=user)
    db.flush(session, MatchError(_("Hierover is al beslist.")))
    return match


# --------------------------------------------------------------------------- jobs


def remind_and_escalate(session: Session, now: datetime | None = None, days: int | None = None) -> dict[str, int]:
    """No answer to a proposal within N days → one reminder; N days later → to the wijk's
    preventiemakelaar (request status 'escalated'). Bounded: never more than that."""
    now = now or datetime.now(timezone.utc)
    days = days or current_app.config.get("MATCH_ANSWER_DAYS", 3)
    counts = {"herinnerd": 0, "doorgezet": 0}
    waiting = session.exec(select(Match).where(Match.status == "proposed", Match.reminder_count < 2)).all()
    for match in waiting:
        age = now - match.updated_at
        request = session.get(HelpRequest, match.request_id)
        if match.reminder_count == 0 and age >= timedelta(days=days):
            if asked_by_owner(session, match):
                emails.send_match_reminder_asked(session, _people(session, answerer_ids(session, match)),
                                                 kind="voorstel", match=match, request=request)
            else:
                emails.send_match_reminder(session, _people(session, request_owner_ids(request)),
                                           kind="voorstel", match=match, request=request)
            match.reminder_count = 1
            counts["herinnerd"] += 1
        elif match.reminder_count == 1 and age >= timedelta(days=2 * days):
            request.status, request.updated_at = "escalated", utcnow()
            emails.send_match_escalated(session, _people(session, _brokers_for(session, request)),
                                        match=match, request=request)
            match.reminder_count = 2
            session.add(request)
            audit.record(session, "match.escalate", "match", match.id)
            counts["doorgezet"] += 1
        session.add(match)
    session.flush()
    return counts


def _brokers_for(session: Session, request: HelpRequest) -> set[int]:
    from ..areas import wijk_id_of_buurt
    from ..moderatie.support import preventiemakelaars_of_wijk
    wijk_id = wijk_id_of_buurt(session, request.buurt_id) if request.buurt_id else None
    return {user.id for user in preventiemakelaars_of_wijk(session, wijk_id)}


def run_batch(session: Session, dry_run: bool = True):
    """Propose one-to-one request ↔ volunteer pairs for all open requests (cron-able)."""
    requests = session.exec(select(HelpRequest).where(
        visibility.public_request(), HelpRequest.status == "open").order_by(HelpRequest.id)).all()
    busy = set(session.exec(select(Match.request_id).where(Match.status.in_(ACTIVE))).all())
    inputs = [matching_service.request_input(session, r) for r in requests if r.id not in busy]
    result = assign(inputs, matching_service.get_matcher(session), now=utcnow())
    if not dry_run:
        for request_id, offer_id, score in result.pairs:
            session.add(Match(request_id=request_id, kind="offer", offer_id=offer_id, score=score,
                              reasons=json.dumps(["voorgesteld door de koppelhulp"]), status="suggested"))
        audit.record(session, "match.batch", detail=f"{len(result.pairs)} voorstellen")
        session.flush()
    return result


def weekly_digest(session: Session, now: datetime | None = None) -> int:
    """Opt-in e-mail to volunteers: new open requests of the last week for which the matcher would
    suggest one of their active offers (the same matching as the request's own page)."""
    now = now or datetime.now(timezone.utc)
    new = session.exec(select(HelpRequest).where(
        visibility.public_request(), HelpRequest.status == "open",
        HelpRequest.created_at >= now - timedelta(days=7)).order_by(HelpRequest.id)).all()
    fitting = matching_service.offers_for_requests(session, new, now=now) if new else {}
    sent = 0
    for user in session.exec(select(User).where(User.digest_opt_in.is_(True), User.is_active.is_(True))).all():
        mine = set(session.exec(select(VolunteerOffer.id).where(VolunteerOffer.user_id == user.id,
                                                                VolunteerOffer.status == "active")).all())
        near = [r for r in new if fitting.get(r.id, set()) & mine and r.posted_by_id != user.id]
        if not near:
            continue
        sent += emails.send_weekly_digest(session, user, requests=near[:15])
    return sent  # queued: they go out after the job's commit


# --------------------------------------------------------------------------- mail


def _people(session: Session, user_ids: set[int | None]) -> list[User]:
    """The active users among ``user_ids``, in a fixed order: who a journey mail goes to."""
    users = (session.get(User, uid) for uid in sorted(i for i in user_ids if i))
    return [user for user in users if user is not None and user.is_active]


# --------------------------------------------------------------------------- the request page


def request_panel(session: Session, request: HelpRequest, user, complete: bool = False) -> dict:
    """What the matching part of a request page shows to this viewer (``complete``: every
    suggestion, not only the first answer).

    Managers (the resident or whoever posted for them), professionals, ambassadeurs and
    moderators see suggestions, lightest help first; a volunteer sees an 'Ik wil helpen'
    button; a manager of a request without category is asked to confirm the guess.
    """
    signed_in = bool(user and user.is_authenticated)
    manager = signed_in and user.id in request_owner_ids(request)
    advisor = signed_in and user.has_role("professional", "ambassadeur", "preventiemakelaar", "beheerder")
    open_request = request.status == "open" and request.moderation == "approved"
    panel = {"suggestions": None, "can_volunteer": False, "matches": [], "guess": None}
    if (manager or advisor) and request.status in ("open", "escalated"):
        panel["suggestions"] = matching_service.suggest_for_request(session, request, limit=6, complete=complete)
    if manager and not _has_category(session, request):
        result = panel["suggestions"] or matching_service.suggest_for_request(session, request, limit=1)
        categories = session.exec(select(Category).order_by(Category.sort_order)).all()
        by_slug = {c.slug: c for c in categories}
        # A guess is shown as a guess: the recognised needs only, none pre-selected; not understood:
        # every category, so the resident chooses instead of the machine.
        panel["guess"] = [by_slug[s] for s in result.needs if s in by_slug]
        panel["all_categories"] = categories
        panel["confident"] = result.confident
    if signed_in and not manager and user.has_role("vrijwilliger") and open_request:
        panel["can_volunteer"] = not visibility.is_sensitive(session, request)
    if manager or (signed_in and visibility.covers_request(session, user, request)):
        panel["matches"] = session.exec(select(Match).where(Match.request_id == request.id)
                                        .order_by(Match.created_at)).all()
        panel["match_titles"] = {m.id: _match_title(session, m) for m in panel["matches"]}
    if panel["suggestions"] is not None:
        panel["actions"] = suggestion_actions(session, request, user, manager, panel["matches"])
    return panel


def suggestion_actions(session: Session, request: HelpRequest, user, manager: bool, matches: list[Match]) -> dict:
    """What this viewer can do from each suggestion on a request page (see _suggestions.html)."""
    from ..models import ActivitySignup
    open_request = request.status == "open" and request.moderation == "approved"
    signed_up = set(session.exec(select(ActivitySignup.activity_id).where(
        ActivitySignup.user_id == user.id, ActivitySignup.status != "signed_off")).all())
    return {
        "request_id": request.id,
        # Asking a volunteer: the request's own side, for a question volunteers may see.
        "ask_offer": manager and open_request and not visibility.is_sensitive(session, request),
        "asked_offer_ids": {m.offer_id for m in matches if m.offer_id and m.status in ("proposed", "accepted")},
        # Signing oneself up: only for one's own question; for a client, the activity page says how.
        "signup_self": manager and not request.on_behalf,
        "signed_up_ids": signed_up,
        "refer": user.has_role("professional"),
        "question": request.description,
        "for_client": request.on_behalf,
        "client_name": request.public_name,
    }


def _match_title(session: Session, match: Match) -> str | None:
    """What a reply is (the offer, voorziening or activity, all public), so the list names it."""
    model, key = {"offer": (VolunteerOffer, match.offer_id), "voorziening": (Voorziening, match.voorziening_id),
                  "activity": (Activity, match.activity_id)}.get(match.kind, (None, None))
    row = session.get(model, key) if model and key else None
    return None if row is None else getattr(row, "title", None) or getattr(row, "name", None)


def _has_category(session: Session, request: HelpRequest) -> bool:
    return session.exec(select(RequestCategory).where(RequestCategory.request_id == request.id)).first() is not None


MAX_CHOSEN_CATEGORIES = 5  # a question about more than this is a question for a wijkcoach


def confirm_category(session: Session, request: HelpRequest, user, slugs) -> None:
    """The resident confirms the guess or chooses other categories (one or more, the first is the
    main one); each choice is kept as a training example."""
    slugs = list(dict.fromkeys([slugs] if isinstance(slugs, str) else slugs))
    if user.id not in request_owner_ids(request):
        raise MatchError(_("Alleen wie de vraag stelde kan het onderwerp kiezen."))
    if _has_category(session, request):
        raise MatchError(_("Deze vraag heeft al een onderwerp."))
    if not slugs or slugs == [""]:
        raise MatchError(_("Kies minstens één onderwerp."))
    if len(slugs) > MAX_CHOSEN_CATEGORIES:
        raise MatchError(_("Kies hoogstens %(n)s onderwerpen: de belangrijkste.", n=MAX_CHOSEN_CATEGORIES))
    found = {c.slug: c for c in session.exec(select(Category).where(Category.slug.in_(slugs))).all()}
    if len(found) != len(slugs):
        raise MatchError(_("Kies een onderwerp uit de lijst."))
    for position, slug in enumerate(slugs):  # kept in the order chosen: the first is the main need
        session.add(RequestCategory(request_id=request.id, category_id=found[slug].id, position=position))
        matching_service.record_category_choice(session, f"{request.title}. {request.description}", slug)
    audit.record(session, "request.category", "request", request.id, actor_id=user.id, detail=",".join(slugs))
