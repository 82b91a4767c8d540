"""Routes of the 'moderatie' blueprint: queue, decisions, reports, confirm links."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..voorzieningen import verification
from ..access import roles_required
from ..db import get_session, unit_of_work
from ..extensions import limiter
from ..models import Activity, Report, SupportRequest
from ..paging import paginate_list
from ..params import int_id, page_number
from . import bp
from . import services as svc
from .forms import ConfirmListingForm, DecideForm, ReportForm


QUEUE_PER_PAGE = 20
# Each part of the queue pages on its own; its page number travels in its own parameter.
PAGE_PARAMS = {"pending": "page", "reports": "page_meldingen", "support": "page_steun",
               "outdated": "page_verouderd", "hidden": "page_verborgen"}


@bp.route("/")
@roles_required("preventiemakelaar")
def queue():
    session = get_session()
    choices = svc.wijk_choices(session, current_user)
    raw_wijk = request.args.get("wijk") or None
    wijk_id = int_id(raw_wijk)
    wrong_wijk = raw_wijk is not None and wijk_id not in {w.id for w in choices}
    if wrong_wijk:
        wijk_id = None  # never another wijk's items: show all of one's own instead, and say so
    found = svc.build_queue(session, current_user, wijk_id=wijk_id)
    pages = {name: paginate_list(getattr(found, name), page_number(request.args.get(param)), QUEUE_PER_PAGE)
             for name, param in PAGE_PARAMS.items()}
    svc.note_first_posts(session, pages["pending"].rows)
    return render_template("moderatie/queue.html", queue=found, pages=pages, page_params=PAGE_PARAMS,
                           labels=svc.KIND_LABELS, wijken=choices, chosen_wijk=wijk_id, wrong_wijk=wrong_wijk)


@bp.route("/besluit", methods=["POST"])
@roles_required("preventiemakelaar")
def decide():
    form = DecideForm()
    if not form.validate_on_submit():
        abort(400)
    session = get_session()
    kind, target_id, action = form.kind.data, form.target_id.data, form.action.data
    subject, item_kind, item = _load_target(session, kind, target_id)
    if not svc.check_scope(session, current_user, item_kind, item):
        abort(403)
    try:
        with unit_of_work(session):
            _apply(session, kind, subject, action, form.reason.data or "")
    except svc.ScopeError:
        abort(403)
    except svc.ModerationError as error:
        form.reason.errors = [str(error)]
        return render_template("moderatie/decide.html", form=form, item=svc.make_item(item_kind, item),
                               labels=svc.KIND_LABELS), 422
    flash(_("Uw keuze is opgeslagen."), "success")
    return redirect(url_for("moderatie.queue"))


def _load_target(session, kind, target_id):
    """(what the decision is about, kind of the listing, the listing) — 404 when unknown."""
    if kind == "report":
        report = session.get(Report, target_id) or abort(404)
        return report, report.target_kind, svc.get_item(session, report.target_kind, report.target_id) or abort(404)
    if kind == "support":
        support = session.get(SupportRequest, target_id) or abort(404)
        return support, "activity", session.get(Activity, support.activity_id) or abort(404)
    item = svc.get_item(session, kind, target_id) or abort(404)
    return item, kind, item


def _apply(session, kind, subject, action, reason):
    if kind == "report":
        if action != "dismiss":
            raise svc.ModerationError(_("Deze keuze kan hier niet."))
        svc.dismiss_report(session, current_user, subject, reason)
        return
    if kind == "support":
        if action != "answer":
            raise svc.ModerationError(_("Deze keuze kan hier niet."))
        svc.answer_support(session, current_user, subject, reason, request.form.get("status", "done"))
        return
    if action == "verify" and kind not in ("organisation", "voorziening"):
        raise svc.ModerationError(_("Deze keuze kan hier niet."))
    svc.decide(session, current_user, kind, subject, action, reason)


@bp.route("/melden", methods=["GET", "POST"])
@limiter.limit("5 per hour", methods=["POST"])
def report():
    session = get_session()
    kind = request.args.get("soort", "")
    item_id = int_id(request.args.get("id"))
    item = svc.reportable(session, kind, item_id, current_user) if item_id is not None else None
    if item is None:
        abort(404)
    form = ReportForm()
    if form.validate_on_submit():
        with unit_of_work(session):
            svc.create_report(session, kind, item.id, form.reason.data, form.details.data or "", current_user)
        return render_template("moderatie/report_done.html", item=item, kind=kind,
                               link=svc.public_path(kind, item.id))
    return render_template("moderatie/report.html", form=form, title=svc.title_of(item),
                           label=svc.KIND_LABELS[kind]), (422 if form.errors else 200)


@bp.route("/bevestigen/<token>", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def confirm_listing(token: str):
    session = get_session()
    organisation = verification.organisation_for_token(session, token)
    if organisation is None:
        return render_template("moderatie/confirm_invalid.html"), 404
    form = ConfirmListingForm()
    # GET only shows the button: mail scanners that open links must not confirm anything.
    if form.validate_on_submit():
        with unit_of_work(session):
            verification.confirm_organisation(session, organisation,
                                           actor_id=current_user.id if current_user.is_authenticated else None)
        return render_template("moderatie/confirm_done.html", organisation=organisation)
    return render_template("moderatie/confirm.html", form=form, organisation=organisation,
                           voorzieningen=svc.organisation_voorzieningen(session, organisation))
