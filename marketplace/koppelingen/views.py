"""Routes of the match lifecycle. Thin: each calls one service function."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlmodel import select

from .. import audit, matching_service, notifications, visibility
from ..access import roles_required
from ..db import get_session, unit_of_work
from ..extensions import limiter
from ..geocoding import OfflineGeocoder, normalise_postcode
from ..models import Conversation, HelpRequest, HelpRequestPrivate, Match, Message, User, VolunteerOffer
from ..params import flag, int_id
from . import bp
from .services import (MatchError, answerer_ids, ask_volunteer, asked_by_owner, complete, confirm_category, party_ids,
                       propose, request_owner_ids, respond, send_message, share_contact)

STATUS_WORDS = {
    "suggested": "Voorgesteld door Buurtplein", "proposed": "Wacht op antwoord",
    "accepted": "Afgesproken", "declined": "Niet doorgegaan", "completed": "Klaar",
}


def _match_for_party(match_id: int, act: bool = False) -> Match:
    """The parties of a match. Staff may look (``act=False``) at a match in their own wijk, and every
    such look is audited; only the parties act on it (answer, write, share contact, finish)."""
    session = get_session()
    match = session.get(Match, match_id) or abort(404)
    if current_user.id in party_ids(session, match):
        return match
    if act or not visibility.covers_request(session, current_user, session.get(HelpRequest, match.request_id)):
        abort(403)
    with unit_of_work(session):
        audit.record(session, "staff.view_match", "match", match.id, actor_id=current_user.id)
    return match


def _fail(error: MatchError, target: str):
    """The unit of work already rolled back: say why and go back."""
    flash(str(error), "error")
    return redirect(target)


@bp.route("/<int:match_id>")
@login_required
def detail(match_id: int):
    session = get_session()
    match = _match_for_party(match_id)
    help_request = session.get(HelpRequest, match.request_id)
    offer = session.get(VolunteerOffer, match.offer_id) if match.offer_id else None
    volunteer = session.get(User, offer.user_id) if offer else None
    conversation = session.exec(select(Conversation).where(Conversation.match_id == match.id)).first()
    messages = session.exec(select(Message).where(Message.conversation_id == conversation.id)
                            .order_by(Message.created_at)).all() if conversation else []
    senders = {u.id: u for u in (session.get(User, m.sender_id) for m in messages)}
    if current_user.id in party_ids(session, match):  # staff looking in read nothing on a party's behalf
        newest = max((m.created_at for m in messages if m.sender_id != current_user.id), default=None)
        with unit_of_work(session):
            notifications.mark_read(session, current_user.id, match.id, newest)
    shared = bool(conversation and conversation.contact_shared)
    poster = session.get(User, help_request.posted_by_id)
    private = session.get(HelpRequestPrivate, help_request.id) if shared else None
    return render_template("koppelingen/detail.html", match=match, help_request=help_request, offer=offer,
                           volunteer=volunteer, poster=poster, messages=messages, senders=senders, shared=shared,
                           private=private, status_words=STATUS_WORDS,
                           is_owner=current_user.id in request_owner_ids(help_request),
                           can_answer=current_user.id in answerer_ids(session, match),
                           asked_by_owner=asked_by_owner(session, match),
                           is_volunteer=volunteer is not None and volunteer.id == current_user.id)


@bp.route("/voorstellen", methods=["GET", "POST"])
@roles_required("vrijwilliger")
@limiter.limit("30 per hour", methods=["POST"])
def propose_help():
    """GET ?hulpvraag=<id>: choose which of my offers; POST: propose it."""
    session = get_session()
    if request.method == "GET":
        help_request = _get_or_404(HelpRequest, request.args.get("hulpvraag"))
        # Volunteers never see a sensitive request, whatever else may_see allows.
        if not visibility.may_see_request(session, help_request) or visibility.is_sensitive(session, help_request):
            abort(404)
        offers = session.exec(select(VolunteerOffer).where(
            VolunteerOffer.user_id == current_user.id, VolunteerOffer.status == "active")).all()
        return render_template("koppelingen/propose.html", help_request=help_request, offers=offers)
    help_request = _get_or_404(HelpRequest, request.form.get("request_id"))
    offer = _get_or_404(VolunteerOffer, request.form.get("offer_id"))
    back = url_for("koppelingen.propose_help", hulpvraag=help_request.id)
    try:
        with unit_of_work(session):
            match = propose(session, help_request, offer, current_user)
    except MatchError as error:
        return _fail(error, back)
    flash(_("Dank u wel! %(name)s krijgt bericht en laat weten of het past.", name=help_request.public_name), "success")
    return redirect(url_for("koppelingen.detail", match_id=match.id))


@bp.route("/vragen", methods=["POST"])
@login_required
@limiter.limit("30 per hour", methods=["POST"])
def ask():
    """From a suggestion on one's own request: ask this volunteer. The volunteer answers."""
    session = get_session()
    help_request = _get_or_404(HelpRequest, request.values.get("request_id"))
    if current_user.id not in request_owner_ids(help_request):
        abort(404 if not visibility.may_see_request(session, help_request) else 403)
    offer = _get_or_404(VolunteerOffer, request.form.get("offer_id"))
    try:
        with unit_of_work(session):
            match = ask_volunteer(session, help_request, offer, current_user)
    except MatchError as error:
        return _fail(error, url_for("hulpvragen.detail", id=help_request.id) + "#suggesties")
    volunteer = session.get(User, offer.user_id)
    flash(_("Gevraagd. %(name)s krijgt bericht en zegt ja of nee. U krijgt een e-mail met het antwoord.",
            name=volunteer.first_name), "success")
    return redirect(url_for("koppelingen.detail", match_id=match.id))


def _get_or_404(model, raw_id):
    ident = int_id(raw_id)
    if ident is None:
        abort(404)
    return get_session().get(model, ident) or abort(404)


@bp.route("/<int:match_id>/antwoord", methods=["POST"])
@login_required
def answer(match_id: int):
    match = _match_for_party(match_id, act=True)
    accept = request.form.get("antwoord") == "ja"
    try:
        with unit_of_work():
            respond(get_session(), match, current_user, accept)
    except MatchError as error:
        return _fail(error, url_for("koppelingen.detail", match_id=match_id))
    flash(_("Fijn! U kunt nu samen iets afspreken.") if accept else _("U heeft nee gezegd. Dat is goed."), "success")
    return redirect(url_for("koppelingen.detail", match_id=match_id))


@bp.route("/<int:match_id>/bericht", methods=["POST"])
@login_required
@limiter.limit("60 per hour", methods=["POST"])
def message(match_id: int):
    match = _match_for_party(match_id, act=True)
    body = request.form.get("body", "")
    try:
        with unit_of_work():
            sent = send_message(get_session(), match, current_user, body)
    except MatchError as error:
        return _fail(error, url_for("koppelingen.detail", match_id=match_id) + "#bericht")
    flash(_("Uw bericht is verstuurd."), "success")
    if sent.body != body.strip():
        flash(_("We hebben een telefoonnummer of e-mailadres in uw bericht verborgen. Wilt u elkaar bellen? "
                "Gebruik dan de knop 'Telefoonnummer delen'. Dat is veiliger."), "info")
    return redirect(url_for("koppelingen.detail", match_id=match_id) + "#berichten")


@bp.route("/<int:match_id>/contact-delen", methods=["POST"])
@login_required
def share(match_id: int):
    match = _match_for_party(match_id, act=True)
    try:
        with unit_of_work():
            both = share_contact(get_session(), match, current_user)
    except MatchError as error:
        return _fail(error, url_for("koppelingen.detail", match_id=match_id))
    flash(_("U ziet nu elkaars telefoonnummer.") if both else
          _("Gedaan. Als de ander ook ja zegt, ziet u elkaars telefoonnummer."), "success")
    return redirect(url_for("koppelingen.detail", match_id=match_id))


@bp.route("/<int:match_id>/afronden", methods=["POST"])
@login_required
def finish(match_id: int):
    match = _match_for_party(match_id, act=True)
    raw = request.form.get("rating", "")
    rating = {"1": 1, "-1": -1, "": None}.get(raw, 0)
    try:
        with unit_of_work():
            complete(get_session(), match, current_user, rating, request.form.get("feedback"))
    except MatchError as error:
        return _fail(error, url_for("koppelingen.detail", match_id=match_id))
    flash(_("Dank u wel! De hulp staat nu op klaar."), "success")
    return redirect(url_for("koppelingen.detail", match_id=match_id))


@bp.route("/advies", methods=["GET"])
@roles_required("professional", "ambassadeur")
def advice():
    """The wijkcoach's view: what is the lightest fitting help for this client's question?"""
    session = get_session()
    text = (request.args.get("vraag") or "").strip()
    postcode_raw = (request.args.get("postcode") or "").strip()
    errors, result = {}, None
    if request.args:
        if not text:
            errors["vraag"] = _("Beschrijf de vraag van uw cliënt.")
        elif len(text) > 1000:
            errors["vraag"] = _("Houd de vraag korter dan 1000 tekens.")
        postcode = normalise_postcode(postcode_raw)
        place = OfflineGeocoder(session).locate(postcode) if postcode else None
        if place is None:
            errors["postcode"] = _("Vul een postcode in uit de gemeente, zoals 7541 AB.")
        if not errors:
            result = matching_service.suggest_for_text(session, text, place.lat, place.lon, 10,
                                                       complete=flag(request.args.get("alle")))
    return render_template("koppelingen/advice.html", text=text, postcode=postcode_raw, errors=errors,
                           result=result, actions=_advice_actions(text, postcode_raw)), (422 if errors else 200)


# A suggestion's reasons speak to the resident ("300 m van u"); for someone who asks for a client
# they must speak of the client, whose postcode the distances are measured from. The pairs are
# translated, so an English page says "from the client" too. True: only at the end of the reason.
_FOR_CLIENT = ((_l("van u"), _l("van de cliënt"), True),
               (_l("uit uw buurt"), _l("uit de buurt van de cliënt"), False),
               (_l("bij uw vraag"), _l("bij de vraag"), False),
               (_l("de tijd die u wilt"), _l("de gevraagde tijd"), False))


@bp.app_template_filter("for_client")
def for_client(reason: str) -> str:
    for mine, theirs, at_end in _FOR_CLIENT:
        mine, theirs = str(mine), str(theirs)
        if at_end and reason.endswith(" " + mine):
            reason = reason[: -len(mine)] + theirs
        elif not at_end:
            reason = reason.replace(mine, theirs)
    return reason


def _advice_actions(text: str, postcode: str) -> dict:
    """From the advice view the question is carried along, so it is asked once (DOMAIN principle 8):
    a volunteer through a request for the client, a voorziening through a referral."""
    return {"ask_offer": False, "signup_self": False, "for_client": True, "client_name": _("uw cliënt"),
            "refer": current_user.has_role("professional"), "question": text,
            "new_request_url": url_for("hulpvragen.new", voor="ander", vraag=text, postcode=postcode)}





@bp.route("/onderwerp/<int:request_id>", methods=["POST"])
@login_required
def choose_category(request_id: int):
    """The resident confirms or corrects what their question is about."""
    session = get_session()
    help_request = session.get(HelpRequest, request_id) or abort(404)
    if current_user.id not in request_owner_ids(help_request):
        abort(404 if not visibility.may_see_request(session, help_request) else 403)
    try:
        with unit_of_work(session):
            confirm_category(session, help_request, current_user, request.form.getlist("slug"))
    except MatchError as error:
        return _fail(error, url_for("hulpvragen.detail", id=request_id))
    flash(_("Dank u wel. Nu zoeken we beter passende hulp."), "success")
    return redirect(url_for("hulpvragen.detail", id=request_id))
