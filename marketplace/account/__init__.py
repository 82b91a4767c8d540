"""The signed-in user's own profile."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import audit, notifications
from ..db import get_session, unit_of_work
from ..forms import ProfileForm
from ..geocoding import OfflineGeocoder, normalise_postcode, outside_municipality
from ..models import Area

bp = Blueprint("account", __name__)


@bp.route("/profiel", methods=["GET", "POST"])
@login_required
def profile():
    session = get_session()
    user = current_user
    form = ProfileForm(obj=user)
    form.mail_kinds.choices = list(notifications.MAIL_KINDS.items())
    if request.method == "GET":
        form.mail_kinds.data = [k for k in notifications.MAIL_KINDS if k not in notifications.muted_kinds(session, user.id)]
    outside = outside_municipality(session, form.postcode.data) if form.is_submitted() else None
    if outside:
        form.validate()
        form.postcode.errors = [*form.postcode.errors, outside]
    elif form.validate_on_submit():
        user.display_name = form.display_name.data.strip()
        user.phone = (form.phone.data or "").strip() or None
        user.postcode = normalise_postcode(form.postcode.data) if form.postcode.data else None
        place = OfflineGeocoder(session).locate(user.postcode) if user.postcode else None
        user.buurt_id = place.buurt_id if place else None
        user.digest_opt_in = bool(form.digest_opt_in.data)
        with unit_of_work(session):
            notifications.set_muted(session, user.id, set(notifications.MAIL_KINDS) - set(form.mail_kinds.data or []))
            session.add(user)
            audit.record(session, "account.profile", "user", user.id)
        flash(_("Uw gegevens zijn opgeslagen."), "success")
        return redirect(url_for("account.profile"))
    buurt = session.get(Area, user.buurt_id) if user.buurt_id else None
    return render_template("account/profile.html", form=form, buurt=buurt), (422 if form.errors else 200)
