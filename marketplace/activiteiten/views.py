"""Routes of the 'activiteiten' blueprint: thin views over the area's services."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields import SelectChoice

from .. import areas
from ..access import get_or_404
from ..categories import all_categories
from ..db import get_session, unit_of_work
from ..extensions import limiter, posting_limits
from ..models import Activity, Organisation
from ..moderatie import support as support_requests
from ..params import int_id, page_number
from ..timeutil import local_today
from . import bp, calendar, permissions, services, signups
from .dates import format_day
from .errors import ActivityError
from ..forms import members_form
from .forms import REPEAT_INTERVALS, ActivityForm, SupportForm

POST_LIMIT = "30 per hour"


def _activity_or_404(activity_id: int) -> Activity:
    activity = get_session().get(Activity, activity_id, options=services.PAGE_LOADS)
    if activity is None or not permissions.can_view(get_session(), current_user, activity):
        abort(404)
    return activity


# --------------------------------------------------------------------------- calendar


@bp.route("/")
def index():
    session = get_session()
    week = calendar.parse_week(request.args.get("week"))
    wijk_id = _wijk_filter(session)
    categories = all_categories(session, include_professional_only=False)
    category = request.args.get("onderwerp") or None
    if category not in {c.slug for c in categories}:
        category = None
    wijken = areas.wijken(session)
    first, last = calendar.week_days(week)
    found = calendar.calendar(session, week, wijk_id, category,
                              page_number(request.args.get("page")))
    return render_template(
        "activiteiten/index.html", days=found.rows, page=found.page, pages=found.pages, week=week,
        wijken=wijken, wijk=next((w for w in wijken if w.id == wijk_id), None), categories=categories,
        category=category, first_label=format_day(first), last_label=format_day(last))


def _wijk_filter(session) -> int | None:
    """?wijk= (empty: all wijken); without the parameter, the user's own wijk."""
    if "wijk" not in request.args:
        return services.default_wijk_id(session, current_user)
    return int_id(request.args.get("wijk"))


# --------------------------------------------------------------------------- detail


@bp.route("/<int:id>")
def detail(id: int):
    session = get_session()
    activity = _activity_or_404(id)
    return render_template("activiteiten/detail.html", **_detail_context(session, activity),
                           support_form=members_form(SupportForm))


def _detail_context(session, activity: Activity) -> dict:
    location, buurt = services.activity_place(session, activity)
    taken = signups.taken_counts(session, [activity.id]).get(activity.id, 0)
    waiting = signups.taken_counts(session, [activity.id], "waiting_list").get(activity.id, 0)
    signup = rank = None
    if current_user.is_authenticated:
        signup = signups.my_signup(session, activity.id, current_user.id)
        if signup is not None and signup.status == "waiting_list":
            rank = signups.waiting_rank(session, signup)
    owner = permissions.is_owner(session, current_user, activity)
    left = signups.places_left(activity.capacity, taken)
    return {
        "activity": activity, "location": location, "buurt": buurt,
        "organiser": services.organiser_text(session, activity),
        "categories": activity.categories,
        "dates": calendar.occurrence_labels(calendar.upcoming_occurrences(session, activity.id)),
        "taken": taken, "waiting": waiting, "left": left, "places_text": signups.places_text(left),
        "signup": signup, "rank": rank, "is_owner": owner,
        "can_manage": permissions.can_manage(session, current_user, activity),
        "supports": support_requests.support_requests_for(session, activity.id) if owner else [],
        "participants": signups.participants(session, activity.id) if owner else [],
        "support_status_text": support_requests.support_status_text,
    }


# --------------------------------------------------------------------------- sign-up


@bp.route("/<int:id>/aanmelden", methods=["POST"])
@login_required
@limiter.limit(POST_LIMIT, methods=["POST"])
def signup(id: int):
    session = get_session()
    _activity_or_404(id)
    try:
        with unit_of_work(session):
            result = signups.sign_up(session, id, current_user)
    except ActivityError as error:
        flash(str(error), "error")
        return redirect(url_for("activiteiten.detail", id=id))
    if result.status == "signed_up":
        flash(_("U bent aangemeld. Tot dan!"), "success")
    else:
        flash(_("Het is vol. U staat op plek %(rank)s op de wachtlijst. Komt er een plek vrij? "
                "Dan krijgt u een e-mail.", rank=signups.waiting_rank(session, result)), "info")
    return redirect(url_for("activiteiten.detail", id=id))


@bp.route("/<int:id>/afmelden", methods=["POST"])
@login_required
@limiter.limit(POST_LIMIT, methods=["POST"])
def signoff(id: int):
    _activity_or_404(id)
    try:
        with unit_of_work():
            signups.sign_off(get_session(), id, current_user)
    except ActivityError as error:
        flash(str(error), "error")
        return redirect(url_for("activiteiten.detail", id=id))
    flash(_("U bent afgemeld."), "success")
    return redirect(url_for("activiteiten.detail", id=id))


@bp.route("/<int:id>/helpen", methods=["POST"])
@login_required
@limiter.limit(POST_LIMIT, methods=["POST"])
def volunteer(id: int):
    activity = _activity_or_404(id)
    if activity.volunteers_wanted <= 0 or activity.status != "published":
        abort(404)
    with unit_of_work():
        new = signups.register_volunteer_interest(get_session(), activity, current_user)
    if new:
        flash(_("Dank u wel! De organisator krijgt uw naam en e-mailadres en neemt contact met u op."), "success")
    else:
        flash(_("U heeft al laten weten dat u wilt helpen. De organisator neemt contact met u op."), "info")
    return redirect(url_for("activiteiten.detail", id=id))


@bp.route("/<int:id>/aanwezig", methods=["POST"])
@login_required
@limiter.limit("30 per hour", methods=["POST"])
def attendance(id: int):
    """The organiser ticks who came (the dashboard counts sign-ups and attendance)."""
    session = get_session()
    activity = _activity_or_404(id)
    if not permissions.is_owner(session, current_user, activity):
        abort(403)
    present = {int(value) for value in request.form.getlist("aanwezig") if value.isdigit()}
    with unit_of_work(session):
        came = signups.record_attendance(session, activity, present)
    flash(_("Opgeslagen: %(n)s aanwezig.", n=came), "success")
    return redirect(url_for("activiteiten.detail", id=id, _anchor="aanwezigheid"))


# --------------------------------------------------------------------------- create, edit, cancel


@bp.route("/nieuw", methods=["GET", "POST"])
@login_required
@posting_limits
def new():
    session = get_session()
    form = _activity_form(session)
    if form.validate_on_submit():
        activity = _save(session, form)
        if activity is not None:
            flash(_saved_message(activity), "success")
            return redirect(url_for("activiteiten.detail", id=activity.id))
    return _render_form(session, form, None)


@bp.route("/<int:id>/bewerken", methods=["GET", "POST"])
@login_required
@limiter.limit("20 per hour", methods=["POST"])
def edit(id: int):
    session = get_session()
    activity = _manageable_or_403(id)
    form = _activity_form(session, activity)
    if form.validate_on_submit():
        if _save(session, form, activity) is not None:
            flash(_("De wijzigingen zijn opgeslagen."), "success")
            return redirect(url_for("activiteiten.detail", id=id))
    return _render_form(session, form, activity)


@bp.route("/<int:id>/annuleren", methods=["GET", "POST"])
@login_required
@limiter.limit("20 per hour", methods=["POST"])
def cancel(id: int):
    session = get_session()
    activity = _manageable_or_403(id)
    if request.method == "POST" and activity.status != "cancelled":
        with unit_of_work(session):
            told = services.cancel_activity(session, activity, current_user)
        flash(_("De activiteit gaat niet door. %(n)s deelnemers krijgen een e-mail.", n=told), "success")
        return redirect(url_for("activiteiten.detail", id=id))
    return render_template("activiteiten/cancel.html", activity=activity)


def _manageable_or_403(activity_id: int) -> Activity:
    return get_or_404(Activity, activity_id, lambda a: permissions.can_manage(get_session(), current_user, a))


def _activity_form(session, activity: Activity | None = None) -> ActivityForm:
    schedule = services.schedule_of(session, activity) if activity is not None else {}
    form = ActivityForm(obj=None, data=_initial_data(session, activity, schedule) if activity else None,
                        check_past=activity is None)
    form.categories.choices = [SelectChoice(c.slug, c.name_nl)
                               for c in all_categories(session, include_professional_only=False)]
    orgs = permissions.organisations_of(session, current_user)
    if activity is not None and activity.organisation_id and activity.organisation_id not in {o.id for o in orgs}:
        orgs.append(session.get(Organisation, activity.organisation_id))  # a moderator edits
    if orgs:
        form.organisation.choices = [SelectChoice("", _("Ikzelf: een initiatief van bewoners"))] + [
            SelectChoice(str(o.id), o.name) for o in orgs]
    else:
        del form.organisation
    return form


def _initial_data(session, activity: Activity, schedule: dict) -> dict:
    location, _buurt = services.activity_place(session, activity)
    interval = schedule.get("interval_weeks", 1)
    return {
        "title": activity.title, "description": activity.description,
        "categories": [c.slug for c in activity.categories],
        "organisation": str(activity.organisation_id or ""),
        "place_name": location.name if location else "", "address": location.address if location else "",
        "postcode": location.postcode if location else "",
        "first_date": schedule.get("first_date"), "start_time": schedule.get("start_time"),
        "end_time": schedule.get("end_time"),
        "repeat": {0: "once", 2: "biweekly"}.get(interval, "weekly"), "times": schedule.get("times"),
        "capacity": activity.capacity, "volunteers_wanted": activity.volunteers_wanted,
        "cost_kind": activity.cost_kind,
    }


def _save(session, form: ActivityForm, activity: Activity | None = None) -> Activity | None:
    """Run the service; a rule it reports becomes a field error (nothing was written)."""
    org = getattr(form, "organisation", None)
    interval = REPEAT_INTERVALS[form.repeat.data]
    data = services.ActivityData(
        title=form.title.data, description=form.description.data, categories=form.categories.data,
        organisation_id=int(org.data) if org is not None and org.data else None,
        place_name=form.place_name.data, address=form.address.data, postcode=form.postcode.data,
        first_date=form.first_date.data, start_time=form.start_time.data, end_time=form.end_time.data,
        interval_weeks=interval, times=(form.times.data or 1) if interval else 1,
        capacity=form.capacity.data, volunteers_wanted=form.volunteers_wanted.data or 0,
        cost_kind=form.cost_kind.data)
    if activity is not None and services.schedule_changed(session, activity, data) and \
            data.first_date and data.first_date < local_today():
        form.first_date.errors.append(_("Deze datum is al voorbij. Kies vandaag of later."))
        return None
    try:
        with unit_of_work(session):
            return services.save_activity(session, current_user, data, activity)
    except ActivityError as error:
        form[error.field or "title"].errors.append(str(error))
        return None


def _saved_message(activity: Activity) -> str:
    if activity.moderation == "approved":
        return _("Uw activiteit staat op Buurtplein.")
    return _("Uw activiteit is opgeslagen. Een buurtmakelaar kijkt er eerst naar. Daarna ziet iedereen haar.")


def _render_form(session, form: ActivityForm, activity: Activity | None):
    categories = all_categories(session, include_professional_only=False)
    return render_template("activiteiten/form.html", form=form, activity=activity, categories=categories), \
        (422 if form.errors else 200)


# --------------------------------------------------------------------------- support


@bp.route("/<int:id>/steun", methods=["GET", "POST"])
@login_required
@limiter.limit("10 per hour", methods=["POST"])
def support(id: int):
    session = get_session()
    activity = _activity_or_404(id)
    if not permissions.is_owner(session, current_user, activity):
        abort(403)
    form = SupportForm()
    if form.validate_on_submit():
        with unit_of_work(session):
            support_requests.ask_support(session, activity, current_user, form.question.data)
        flash(_("Uw vraag is verstuurd naar de buurtmakelaar. U ziet het antwoord op deze pagina."), "success")
        return redirect(url_for("activiteiten.detail", id=id) + "#steun")
    return render_template("activiteiten/support.html", activity=activity, form=form), \
        (422 if form.errors else 200)
