"""Beheerder: accounts and roles."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlmodel import select
from wtforms.fields import SelectChoice

from .. import areas
from ..account import services as accounts
from ..access import roles_required
from ..db import get_session, unit_of_work
from ..forms import RolesForm
from ..models import ROLES, Organisation, User, UserOrganisation, UserWijk

bp = Blueprint("admin", __name__, url_prefix="/beheer")

ROLE_LABELS = {
    "bewoner": "Bewoner", "vrijwilliger": "Vrijwilliger", "ambassadeur": "Ambassadeur",
    "professional": "Professional (wijkcoach)", "aanbieder": "Aanbieder (organisatie)",
    "preventiemakelaar": "Preventiemakelaar", "beheerder": "Beheerder (gemeente)",
}


@bp.route("/gebruikers")
@roles_required("beheerder")
def users():
    query = (request.args.get("q") or "").strip().lower()
    stmt = select(User).order_by(User.email)
    if query:
        stmt = stmt.where(User.email.contains(query) | User.display_name.contains(query))
    return render_template("admin/users.html", users=get_session().exec(stmt.limit(200)).all(),
                           q=query, role_labels=ROLE_LABELS)


@bp.route("/gebruikers/<int:user_id>/rollen", methods=["GET", "POST"])
@roles_required("beheerder")
def user_roles(user_id: int):
    session = get_session()
    user = session.get(User, user_id) or abort(404)
    form = RolesForm(
        roles=sorted(user.role_names),
        organisations=list(session.exec(select(UserOrganisation.organisation_id).where(UserOrganisation.user_id == user.id))),
        wijken=list(session.exec(select(UserWijk.wijk_id).where(UserWijk.user_id == user.id))))
    form.roles.choices = [SelectChoice(r, _(ROLE_LABELS[r])) for r in ROLES]
    form.organisations.choices = [SelectChoice(o.id, o.name) for o in
                                  session.exec(select(Organisation).order_by(Organisation.name))]
    form.wijken.choices = [SelectChoice(w.id, w.name) for w in areas.wijken(session)]
    if form.validate_on_submit():
        with unit_of_work(session):
            accounts.set_roles(session, user, set(form.roles.data or []))
            accounts.set_links(session, user, set(form.organisations.data or []), set(form.wijken.data or []))
        flash(_("De rollen van %(name)s zijn opgeslagen.", name=user.display_name), "success")
        return redirect(url_for("admin.users"))
    return render_template("admin/user_roles.html", form=form, user=user), (422 if form.errors else 200)
