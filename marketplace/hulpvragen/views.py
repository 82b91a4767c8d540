"""Routes of the 'hulpvragen' blueprint: list, nearby, detail, the guided form, withdraw, renew."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import areas, contact_details, visibility
from ..access import get_or_404, roles_required
from ..categories import all_categories
from ..db import get_session, unit_of_work
from ..extensions import posting_limits
from ..models import HelpRequest
from ..params import flag, int_id, page_number
from ..koppelingen.services import request_panel
from . import bp
from . import services as svc
from .examples import DEFAULT_EXAMPLES, EXAMPLES
from ..forms import members_form
from .forms import ConfirmForm, request_form


def _page_arg() -> int:
    return page_number(request.args.get("page"))


@bp.route("/")
def index():
    session = get_session()
    category = request.args.get("categorie") or None
    wijk_id = int_id(request.args.get("wijk"))
    rows, pages = svc.open_public(session, category, wijk_id, _page_arg())
    point = svc.viewer_points(session, current_user)
    return render_template(
        "hulpvragen/index.html", rows=rows, pages=pages, page=min(_page_arg(), pages),
        categories=all_categories(session, include_professional_only=False), wijken=areas.wijken(session),
        chosen_category=category, chosen_wijk=wijk_id,
        distances={r.id: svc.distance_words(point, r) for r in rows}, urgency_words=svc.URGENCY_WORDS)


@bp.route("/dichtbij")
@roles_required("vrijwilliger")
def nearby():
    session = get_session()
    found = svc.nearby_for(session, current_user, _page_arg())
    return render_template("hulpvragen/nearby.html", found=found.rows, page=found.page, pages=found.pages,
                           rough=svc.rough_distance, urgency_words=svc.URGENCY_WORDS)


@bp.route("/<int:id>")
def detail(id: int):
    session = get_session()
    row = session.get(HelpRequest, id, options=svc.CARD_LOADS) or abort(404)
    if not svc.may_see(session, row, current_user):
        abort(404)  # a pending or hidden request does not exist for others
    return render_template(
        "hulpvragen/detail.html", r=row,
        private=svc.private_for(session, row, current_user), manages=svc.manages(row, current_user),
        # Not for the poster: an ambassadeur's own postcode says nothing about the client's place.
        distance=None if svc.manages(row, current_user) else svc.distance_words(svc.viewer_points(session, current_user), row),
        status_words=svc.STATUS_WORDS, status_badge=svc.STATUS_BADGE, urgency_words=svc.URGENCY_WORDS,
        days_left=svc.days_left(row), confirm=members_form(ConfirmForm),
        can_renew=svc.renewal_offered(row), can_withdraw=row.status in svc.WITHDRAWABLE,
        can_undo_withdraw=svc.can_undo_withdraw(row),
        panel=request_panel(session, row, current_user, complete=flag(request.args.get("alle"))),
        can_review_safety=visibility.may_review_safety(session, current_user, row))


@bp.route("/nieuw", methods=["GET", "POST"])
@login_required
@posting_limits
def new():
    session = get_session()
    categories = all_categories(session)
    can_ask_for_others = current_user.has_role(*svc.ON_BEHALF_ROLES, "beheerder")
    form = request_form(categories, can_ask_for_others,
                        postcode=current_user.postcode if request.method == "GET" else None)
    if request.method == "GET":
        _prefill(form, can_ask_for_others)
    if form.validate_on_submit():
        try:
            with unit_of_work(session):
                row = svc.create_request(session, current_user, _new_request(form),
                                         current_app.config["REQUEST_LIFETIME_DAYS"])
        except svc.RequestError as error:
            form.postcode.errors.append(str(error))
        else:
            flash(_("Uw vraag is opgeslagen.") if row.moderation == "approved" else
                  _("Uw vraag is opgeslagen. Uw vraag wordt eerst bekeken door de buurtmakelaar."), "success")
            if contact_details.find(" ".join((form.title.data or "", form.description.data or ""))):
                flash(_("We hebben een telefoonnummer of e-mailadres in uw vraag verborgen. Zo kan niet iedereen "
                        "het zien. Wie u helpt, krijgt uw nummer pas als u dat allebei goed vindt."), "info")
            return redirect(url_for("hulpvragen.detail", id=row.id))
    return render_template("hulpvragen/new.html", form=form, categories=categories,
                           can_ask_for_others=can_ask_for_others,
                           examples=EXAMPLES, default_examples=DEFAULT_EXAMPLES), (422 if form.errors else 200)


def _prefill(form, can_ask_for_others: bool) -> None:
    """From the advice view: the client's question and postcode come along (?voor=ander&vraag=&postcode=)."""
    text = (request.args.get("vraag") or "").strip()[:4000]
    if text:
        form.description.data = text
    if can_ask_for_others and request.args.get("voor") == "ander":
        form.on_behalf.data = True
        form.postcode.data = (request.args.get("postcode") or "").strip()[:10]


def _new_request(form) -> svc.NewRequest:
    on_behalf = bool(getattr(form, "on_behalf", None) and form.on_behalf.data)
    extra = {}
    if on_behalf:
        extra = {"contact_first_name": form.contact_first_name.data, "contact_name": form.contact_name.data,
                 "contact_phone": form.contact_phone.data}
    return svc.NewRequest(
        title=form.title.data, description=form.description.data,
        category_slug=(form.category.slugs() or [None])[0], more_category_slugs=form.category.slugs()[1:],
        urgency=form.urgency.data, wanted_time=form.wanted_time.data, wanted_from=form.wanted_from.data,
        wanted_until=form.wanted_until.data, postcode=form.postcode.data, address=form.address.data,
        languages=form.languages.data, on_behalf=on_behalf, **extra)


def _managed_request(id: int) -> HelpRequest:
    row = get_or_404(HelpRequest, id, lambda r: svc.manages(r, current_user))
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return row


@bp.route("/<int:id>/intrekken", methods=["POST"])
@login_required
def withdraw(id: int):
    """First a question ("Weet u het zeker?"), then the withdrawal, which can be undone for a week."""
    row = _managed_request(id)
    if request.form.get("zeker") != "ja":
        return render_template("hulpvragen/withdraw_confirm.html", r=row, confirm=ConfirmForm(),
                               undo_days=svc.UNDO_DAYS)
    try:
        with unit_of_work():
            svc.withdraw(get_session(), row)
        flash(_("Uw vraag is ingetrokken. Niemand ziet hem nu nog. Was dat een vergissing? "
                "U kunt hem %(n)s dagen lang terugzetten.", n=svc.UNDO_DAYS), "success")
    except svc.RequestError as error:
        flash(str(error), "error")
    return redirect(url_for("hulpvragen.detail", id=id))


@bp.route("/<int:id>/terugzetten", methods=["POST"])
@login_required
def undo_withdraw(id: int):
    row = _managed_request(id)
    try:
        with unit_of_work():
            svc.undo_withdraw(get_session(), row, current_app.config["REQUEST_LIFETIME_DAYS"])
        flash(_("Uw vraag staat weer open."), "success")
    except svc.RequestError as error:
        flash(str(error), "error")
    return redirect(url_for("hulpvragen.detail", id=id))


@bp.route("/<int:id>/verlengen", methods=["POST"])
@login_required
def renew(id: int):
    row = _managed_request(id)
    try:
        with unit_of_work():
            svc.renew(get_session(), row, current_app.config["REQUEST_LIFETIME_DAYS"])
        flash(_("Uw vraag is verlengd."), "success")
    except svc.RequestError as error:
        flash(str(error), "error")
    return redirect(url_for("hulpvragen.detail", id=id))


@bp.route("/<int:id>/veiligheid", methods=["POST"])
@roles_required("professional", "preventiemakelaar")
def review_safety(id: int):
    """A professional decides whether volunteers may see a request that may be unsafe."""
    session = get_session()
    row = session.get(HelpRequest, id) or abort(404)
    if not svc.may_see(session, row, current_user):
        abort(404)
    try:
        with unit_of_work(session):
            svc.review_safety(session, row, current_user, request.form.get("besluit", ""))
    except PermissionError:
        abort(403)
    except svc.RequestError as error:
        flash(str(error), "error")
        return redirect(url_for("hulpvragen.detail", id=id))
    flash(_("Vrijwilligers kunnen deze vraag nu zien.") if row.safety == "none" else
          _("Deze vraag blijft alleen voor professionals."), "success")
    return redirect(url_for("hulpvragen.detail", id=id))
