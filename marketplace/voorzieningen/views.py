"""Routes of the 'voorzieningen' blueprint: the sociale kaart, one voorziening, and maintenance by aanbieders."""

from __future__ import annotations

from datetime import datetime

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup
from flask_login import current_user, login_required
from wtforms.fields import SelectChoice

from ..access import get_or_404, roles_required
from .. import areas
from ..categories import all_categories
from ..db import get_session, unit_of_work
from ..extensions import limiter
from ..models import Organisation, Voorziening
from ..params import bounded_int, page_number
from ..formatting import current_locale
from ..timeutil import LOCAL_TZ
from ..visibility import can_see
from .. import result_cache
from . import bp, finding, presentation, reviews, services
from ..forms import members_form
from .forms import OrganisationForm, ReviewForm, SearchForm, VoorzieningForm


# --------------------------------------------------------------------------- finding


def _search(session, categories=None):
    """Read the GET filters; returns (form, filters, chosen category slugs, errors?)."""
    form = SearchForm(formdata=request.args)
    form.wijk.choices = [SelectChoice("", _("Alle wijken"))] + [SelectChoice(w.code, w.name)
                                                                for w in areas.wijken(session)]
    known = {c.slug for c in (categories if categories is not None else all_categories(session))}
    chosen = [slug for slug in request.args.getlist("categorie") if slug in known]
    ok = form.validate() if request.args else True
    origin = None
    if ok:
        origin = finding.locate(session, form.postcode.data, form.lat.data, form.lon.data)
        if form.postcode.data and origin is None:
            form.postcode.errors.append(_("Deze postcode kennen wij niet. Kijk of hij klopt."))
            ok = False
    filters = finding.Filters(
        q=(form.q.data or "") if ok else "", categories=chosen, wijk=(form.wijk.data or "") if ok else "",
        origin=origin, max_km=bounded_int(form.afstand.data, 1, 10) if ok else None,  # " " passes Optional()
        free=bool(form.gratis.data) and ok, indicatievrij=bool(form.indicatievrij.data) and ok,
        language=(form.taal.data or "") if ok else "",
        age=bounded_int(form.leeftijd.data, 0, 120) if ok else None,
        sort=form.sorteer.data or "", page=page_number(request.args.get("page")))
    return form, filters, chosen, not ok


def _filter_args(chosen) -> dict:
    """The current filters as URL arguments (for paging and the map/list switch)."""
    args = {k: v for k, v in request.args.items() if k not in ("page", "categorie") and v}
    if chosen:
        args["categorie"] = chosen
    return args


def _this_minute() -> datetime:
    """Now, local, at the start of the minute: a card's 'open today' changes only at whole minutes
    (opening times are hours and minutes), so a list rendered for this minute is right all of it."""
    return datetime.now(LOCAL_TZ).replace(second=0, microsecond=0)


def _rendered_list(session, results: finding.Results, args: dict, moment: datetime) -> Markup:
    """The cards and paging, from the cache when this answer was rendered in this language and
    minute (the cards hold only public fields, the same for every visitor)."""
    asked = {**results.question, "args": args, "locale": str(current_locale()), "minute": moment.isoformat()}
    return Markup(result_cache.cached(  # nosec B704 - our own template's output, rendered with autoescape
        session, "kaart-list", asked,
        lambda: render_template("voorzieningen/_results.html", results=results, args=args)))


def _rendered_form(session, form, categories, chosen: list[str], show_map: bool) -> Markup:
    """The search form, from the cache when the same query string was rendered in this language
    with the same categories and wijken (the form holds nothing else); with errors, rendered now."""
    def render() -> str:
        return render_template("voorzieningen/_search_form.html", form=form, categories=categories,
                               chosen=chosen, show_map=show_map)
    if form.errors:
        return Markup(render())  # nosec B704 - our own template's output, rendered with autoescape
    asked = {"args": list(request.args.items(multi=True)), "locale": str(current_locale()),
             "wijken": [(c.value, c.label) for c in form.wijk.choices],
             "categories": [(c.slug, c.name_nl, c.name_en, c.icon, c.sort_order) for c in categories]}
    return Markup(result_cache.cached(session, "kaart-form", asked, render, kinds=()))  # nosec B704


def _markers(session, filters: finding.Filters, results: finding.Results, moment: datetime) -> list[dict]:
    """The map's markers (the first MAP_LIMIT matches), cached like the list."""
    asked = {**finding.question(filters, results.sort, with_page=False), "shown": results.map_ids,
             "locale": str(current_locale()), "minute": moment.isoformat()}
    return result_cache.cached(session, "kaart-markers", asked, lambda: finding.map_markers(
        results.all_cards, lambda vid: url_for(".detail", id=vid)))


@bp.route("/")
def index():
    session = get_session()
    categories = all_categories(session)
    form, filters, chosen, has_errors = _search(session, categories)
    moment = _this_minute()
    results = finding.find(session, filters, now=moment)
    show_map = request.args.get("weergave") == "kaart"
    markers = _markers(session, filters, results, moment) if show_map and not has_errors else []
    args = _filter_args(chosen)
    return render_template(
        "voorzieningen/index.html", form=form, results=results, categories=categories,
        search_form_html=_rendered_form(session, form, categories, chosen, show_map),
        results_html=None if has_errors else _rendered_list(session, results, args, moment),
        chosen=chosen, args=args,
        list_args={k: v for k, v in _filter_args(chosen).items() if k != "weergave"}, show_map=show_map, markers=markers,
        outlines=areas.outlines(session) if show_map else None,
        tile_url=current_app.config.get("MAP_TILE_URL", ""), searched=bool(request.args),
        has_errors=has_errors,  # then no list at all: an unfiltered list would look filtered
    ), (422 if has_errors else 200)


@bp.route("/kaart.json")
def map_data():
    session = get_session()
    form, filters, chosen, has_errors = _search(session)
    if has_errors:
        return jsonify({"error": _("Kijk de zoekvelden na."), "markers": []}), 422
    moment = _this_minute()
    results = finding.find(session, filters, now=moment)
    return jsonify({"markers": _markers(session, filters, results, moment), "total": results.total})


def _visible_voorziening(session, id: int) -> Voorziening:
    v = session.get(Voorziening, id)
    if v is None:
        abort(404)
    org = session.get(Organisation, v.organisation_id)
    owners = services.staff_ids(session, v.organisation_id)
    if not (can_see(v, owners, kind="voorziening") and can_see(org, owners, kind="organisation")):
        abort(404)  # a pending or hidden listing does not exist for the public
    return v


def _review_form() -> ReviewForm:
    form = members_form(ReviewForm)
    form.verdict.choices = [SelectChoice(k, word) for k, word in reviews.VERDICT_WORDS.items()]
    return form


def _render_detail(session, v: Voorziening, form: ReviewForm | None = None, status: int = 200):
    info = presentation.detail(session, v, int(current_app.config.get("VERIFY_INTERVAL_MONTHS", 6)))
    return render_template("voorzieningen/detail.html", d=info, v=v,
                           can_edit=services.can_edit(session, current_user, v),
                           reviews=reviews.for_page(session, v, current_user),
                           may_review=reviews.may_review(session, current_user, v),
                           review_form=form or _review_form(), verdict_words=reviews.VERDICT_WORDS), status


@bp.route("/<int:id>")
def detail(id: int):
    session = get_session()
    return _render_detail(session, _visible_voorziening(session, id))


@bp.route("/<int:id>/ervaring", methods=["POST"])
@login_required
@limiter.limit("10 per hour", methods=["POST"])
def review(id: int):
    session = get_session()
    v = _visible_voorziening(session, id)
    form = _review_form()
    if form.validate_on_submit():
        try:
            with unit_of_work(session):
                reviews.add_review(session, current_user, v, form.verdict.data, form.body.data)
        except reviews.ReviewError as error:
            form.body.errors = [str(error)]
        else:
            flash(_("Dank u wel. Een preventiemakelaar leest uw ervaring eerst. Daarna staat die hier."), "success")
            return redirect(url_for("voorzieningen.detail", id=v.id, _anchor="ervaringen"))
    return _render_detail(session, v, form, 422)


# --------------------------------------------------------------------------- maintenance


def _prepare(form: VoorzieningForm, session, organisations) -> None:
    form.organisation_id.choices = [SelectChoice(o.id, o.name) for o in organisations]
    form.categories.choices = [SelectChoice(c.slug, c.name_nl) for c in all_categories(session)]


def _save(form: VoorzieningForm, session, v=None):
    """Validate and save; returns the saved listing or None (form errors set, nothing written)."""
    if not form.validate_on_submit():
        return None
    try:
        with unit_of_work(session):
            return services.save_voorziening(session, current_user, form, v)
    except services.SaveError as error:
        getattr(form, error.field_name).errors.append(str(error))
        return None


@bp.route("/nieuw", methods=["GET", "POST"])
@roles_required("aanbieder")
@limiter.limit("20 per hour", methods=["POST"])
def new():
    session = get_session()
    organisations = services.user_organisations(session, current_user)
    if not organisations:
        flash(_("Meld eerst uw organisatie aan. Daarna kunt u voorzieningen toevoegen."), "info")
        return redirect(url_for(".new_organisation"))
    form = VoorzieningForm()
    _prepare(form, session, organisations)
    if len(organisations) == 1:
        form.organisation_id.data = organisations[0].id
    saved = _save(form, session)
    if saved is not None:
        if saved.moderation == "approved":
            flash(_("De voorziening staat op de sociale kaart."), "success")
        else:
            flash(_("Dank u. Een preventiemakelaar kijkt de voorziening na. Daarna staat hij op de sociale kaart."),
                  "success")
        return redirect(url_for(".detail", id=saved.id))
    return render_template("voorzieningen/form.html", form=form, categories=all_categories(session), v=None,
                           choose_organisation=len(organisations) > 1), (422 if form.errors else 200)


@bp.route("/<int:id>/bewerken", methods=["GET", "POST"])
@roles_required("aanbieder")
@limiter.limit("20 per hour", methods=["POST"])
def edit(id: int):
    session = get_session()
    v = get_or_404(Voorziening, id, lambda row: services.can_edit(session, current_user, row))
    org = session.get(Organisation, v.organisation_id)
    form = VoorzieningForm(data=None if request.method == "POST" else services.form_data_from(session, v))
    _prepare(form, session, [org])
    form.organisation_id.data = v.organisation_id  # a listing does not move to another organisation here
    if request.method == "GET":
        for _extra in range(2):  # room to add opening times, no JavaScript needed
            form.schedule.append_entry()
    if _save(form, session, v) is not None:
        flash(_("De wijzigingen zijn opgeslagen."), "success")
        return redirect(url_for(".detail", id=v.id))
    return render_template("voorzieningen/form.html", form=form, categories=all_categories(session), v=v,
                           choose_organisation=False), (422 if form.errors else 200)


@bp.route("/organisatie/nieuw", methods=["GET", "POST"])
@login_required
@limiter.limit("10 per hour", methods=["POST"])
def new_organisation():
    form = OrganisationForm()
    if form.validate_on_submit():
        with unit_of_work():
            org = services.create_organisation(get_session(), current_user, form)
        if org.moderation == "approved":
            flash(_("Uw organisatie is aangemeld. U kunt nu voorzieningen toevoegen."), "success")
            return redirect(url_for(".new"))
        flash(_("Dank u. Een preventiemakelaar kijkt uw aanmelding na. Is die goedgekeurd? Dan krijgt u een "
                "e-mail en kunt u voorzieningen toevoegen."), "success")
        return redirect(url_for("mijn.index"))
    return render_template("voorzieningen/organisation_form.html", form=form), (422 if form.errors else 200)
