"""Routes of the 'aanbod' blueprint: list, detail, new, edit, pause, resume."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import areas
from ..access import get_or_404
from ..categories import all_categories
from ..db import get_session, unit_of_work
from ..extensions import limiter, posting_limits
from ..models import VolunteerOffer
from ..params import int_id, page_number
from ..visibility import can_see
from . import bp
from . import services as svc
from .forms import DAY_PARTS, WEEKDAY_NAMES, ConfirmForm, offer_form


@bp.route("/")
def index():
    session = get_session()
    category = request.args.get("categorie") or None
    wijk_id = int_id(request.args.get("wijk"))
    page = page_number(request.args.get("page"))
    rows, pages = svc.active_public(session, category, wijk_id, page)
    return render_template(
        "aanbod/index.html", rows=rows, pages=pages, page=min(page, pages),
        categories=all_categories(session, include_professional_only=False), wijken=areas.wijken(session),
        chosen_category=category, chosen_wijk=wijk_id)


@bp.route("/<int:id>")
def detail(id: int):
    session = get_session()
    offer = session.get(VolunteerOffer, id, options=svc.CARD_LOADS) or abort(404)
    if not can_see(offer, owner_ids=(offer.user_id,), kind="offer"):
        abort(404)
    return render_template(
        "aanbod/detail.html", o=offer,
        when=svc.availability_words(svc.slots_of(session, offer.id)),
        owner=current_user.is_authenticated and current_user.id == offer.user_id,
        status_words=svc.STATUS_WORDS, public_status_words=svc.PUBLIC_STATUS_WORDS,
        status_badge=svc.STATUS_BADGE, confirm=ConfirmForm())


@bp.route("/nieuw", methods=["GET", "POST"])
@login_required
@posting_limits
def new():
    session = get_session()
    categories = all_categories(session, include_professional_only=False)
    form = offer_form(categories, postcode=current_user.postcode if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            with unit_of_work(session):
                offer = svc.create_offer(session, current_user, _offer_data(form),
                                         current_app.config["OFFER_LIFETIME_DAYS"])
        except svc.OfferError as error:
            form.postcode.errors.append(str(error))
        else:
            flash(_("Uw aanbod is opgeslagen. Dank u wel!") if offer.moderation == "approved" else
                  _("Uw aanbod is opgeslagen. Het wordt eerst bekeken door de buurtmakelaar."), "success")
            return redirect(url_for("aanbod.detail", id=offer.id))
    return _form_page(form, categories, None)


@bp.route("/<int:id>/bewerken", methods=["GET", "POST"])
@login_required
@limiter.limit("40 per hour", methods=["POST"])
def edit(id: int):
    session = get_session()
    offer = _own_offer(id)
    categories = all_categories(session, include_professional_only=False)
    if request.method == "GET":
        slots = svc.slots_of(session, offer.id)
        form = offer_form(categories, obj=offer, data={
            "categories": [c.slug for c in offer.categories],
            "slots": svc.slot_keys(slots), "languages": [x for x in offer.languages.split(",") if x],
            "postcode": svc.postcode_for(session, offer, current_user)})
    else:
        form = offer_form(categories)
    if form.validate_on_submit():
        try:
            with unit_of_work(session):
                svc.update_offer(session, offer, _offer_data(form))
        except svc.OfferError as error:
            form.postcode.errors.append(str(error))
        else:
            flash(_("Uw aanbod is bijgewerkt."), "success")
            return redirect(url_for("aanbod.detail", id=offer.id))
    return _form_page(form, categories, offer)


def _form_page(form, categories, offer):
    return render_template("aanbod/form.html", form=form, categories=categories, offer=offer,
                           weekdays=WEEKDAY_NAMES, day_parts=DAY_PARTS), (422 if form.errors else 200)


def _offer_data(form) -> svc.OfferData:
    return svc.OfferData(
        title=form.title.data, description=form.description.data, category_slugs=form.categories.data,
        slots=form.slots.data or [], radius_m=form.radius_m.data, languages=form.languages.data,
        max_matches_per_month=form.max_matches_per_month.data, postcode=form.postcode.data)


def _own_offer(id: int) -> VolunteerOffer:
    return get_or_404(VolunteerOffer, id, lambda o: o.user_id == current_user.id)


@bp.route("/<int:id>/pauzeren", methods=["POST"])
@login_required
def pause(id: int):
    return _change_status(id, svc.pause, _("Uw aanbod staat op pauze. Niemand ziet het nu."))


@bp.route("/<int:id>/hervatten", methods=["POST"])
@login_required
def resume(id: int):
    return _change_status(id, svc.resume, _("Uw aanbod staat weer aan."))


def _change_status(id: int, action, message: str):
    offer = _own_offer(id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        with unit_of_work():
            action(get_session(), offer)
        flash(message, "success")
    except svc.OfferError as error:
        flash(str(error), "error")
    return redirect(url_for("aanbod.detail", id=id))
