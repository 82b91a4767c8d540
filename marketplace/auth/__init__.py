"""Log in, log out, register, reset a forgotten password."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from .. import accounts
from ..db import get_session
from ..extensions import limiter
from ..forms import LoginForm, RegisterForm, ResetPasswordForm, ResetRequestForm
from ..geocoding import normalise_postcode
from ..mail import absolute_url, send_mail

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str:
    """Only same-site paths: no open redirect."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("account.profile")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("account.profile"))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(get_session(), form.email.data, form.password.data)
        if user is None:
            form.password.errors.append(_("Dit e-mailadres en wachtwoord horen niet bij elkaar. Probeer het opnieuw."))
        else:
            login_user(user)
            flash(_("Welkom, %(name)s. U bent ingelogd.", name=user.first_name), "success")
            return redirect(safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form), (422 if form.errors else 200)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    # Ends this user's sessions on the server too: a copied session cookie is worthless afterwards.
    accounts.log_out(get_session(), current_user._get_current_object())
    logout_user()
    flash(_("U bent uitgelogd. Tot ziens!"), "info")
    return redirect(url_for("main.index"))


@bp.route("/registreren", methods=["GET", "POST"])
@limiter.limit("5 per minute", methods=["POST"])
def register():
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = accounts.register_user(
                get_session(), form.email.data, form.password.data, form.display_name.data,
                roles=tuple(form.wants.data or ["bewoner"]),
                postcode=normalise_postcode(form.postcode.data) if form.postcode.data else None)
        except accounts.AccountError as error:
            get_session().rollback()
            form.email.errors.append(str(error))
        else:
            login_user(user)
            flash(_("Uw account is gemaakt. Welkom bij Buurtplein!"), "success")
            return redirect(url_for("account.profile"))
    return render_template("auth/register.html", form=form), (422 if form.errors else 200)


@bp.route("/wachtwoord-vergeten", methods=["GET", "POST"])
@limiter.limit("5 per minute", methods=["POST"])
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        user = accounts.find_by_email(get_session(), form.email.data)
        if user is not None:
            token = accounts.make_reset_token(user, current_app.config["SECRET_KEY"])
            link = absolute_url("auth.reset_password", token=token)
            send_mail(user.email, _("Nieuw wachtwoord voor Buurtplein"), _(
                "Hallo %(name)s,\n\nU vroeg om een nieuw wachtwoord. Klik op deze link:\n%(link)s\n\n"
                "De link werkt 2 uur. Vroeg u dit niet? Dan hoeft u niets te doen.\n\nBuurtplein",
                name=user.first_name, link=link))
        # Same answer either way: nobody learns which addresses have an account.
        flash(_("Als dit e-mailadres bij ons bekend is, krijgt u binnen enkele minuten een e-mail."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_request.html", form=form), (422 if form.errors else 200)


@bp.route("/wachtwoord-herstellen/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    session = get_session()
    user = accounts.user_for_reset_token(session, token, current_app.config["SECRET_KEY"],
                                         current_app.config["PASSWORD_RESET_MAX_AGE"])
    if user is None:
        flash(_("Deze link werkt niet meer. Vraag een nieuwe link aan."), "error")
        return redirect(url_for("auth.reset_request"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        accounts.set_password(session, user, form.password.data)
        flash(_("Uw nieuwe wachtwoord is opgeslagen. U kunt nu inloggen."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form), (422 if form.errors else 200)
