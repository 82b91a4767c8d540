"""Log in, log out, register, reset a forgotten password."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from .. import emails
from ..account import services as accounts
from ..db import get_session, unit_of_work
from ..extensions import (LOGIN_PER_ACCOUNT, LOGIN_PER_IP, REGISTER_PER_ACCOUNT, REGISTER_PER_IP,
                          RESET_PER_ACCOUNT, RESET_PER_IP, limiter, per_account)
from ..forms import LoginForm, RegisterForm, ResetPasswordForm, ResetRequestForm
from ..geocoding import normalise_postcode, outside_municipality
from ..timeutil import to_local
from . import throttle

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str:
    """Only same-site paths: no open redirect."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("account.profile")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(LOGIN_PER_IP, methods=["POST"])
@limiter.limit(LOGIN_PER_ACCOUNT, key_func=per_account, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("account.profile"))
    form = LoginForm()
    if form.validate_on_submit():
        wait = throttle.locked_for(form.email.data)
        if wait:
            return _locked(form, wait)
        with unit_of_work():
            user = accounts.authenticate(get_session(), form.email.data, form.password.data)
        if user is None:
            wait = throttle.record_failure(form.email.data)
            if wait:
                return _locked(form, wait)
            # One message for a wrong password, an unknown address and an unconfirmed account.
            form.password.errors.append(_("Dit e-mailadres en wachtwoord horen niet bij elkaar. Probeer het opnieuw. "
                                          "Heeft u net een account gemaakt? Klik dan eerst op de link in uw e-mail."))
        else:
            throttle.record_success(form.email.data)
            login_user(user)
            flash(_("Welkom, %(name)s. U bent ingelogd.", name=user.first_name), "success")
            return redirect(safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form), (422 if form.errors else 200)


def _locked(form: LoginForm, wait: int):
    """Too many wrong passwords for this address: the same answer whether or not it has an account."""
    until = to_local(datetime.now(timezone.utc) + timedelta(seconds=wait))
    form.password.errors.append(_(
        "Er is te vaak een verkeerd wachtwoord ingevuld voor dit e-mailadres. Probeer het na %(time)s "
        "opnieuw. Wachtwoord vergeten? Vraag dan een nieuw wachtwoord aan.", time=until.strftime("%H:%M")))
    return render_template("auth/login.html", form=form), 429, {"Retry-After": str(wait)}


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    # Ends this user's sessions on the server too: a copied session cookie is worthless afterwards.
    with unit_of_work():
        accounts.log_out(get_session(), current_user._get_current_object())
    logout_user()
    flash(_("U bent uitgelogd. Tot ziens!"), "info")
    return redirect(url_for("main.index"))


@bp.route("/registreren", methods=["GET", "POST"])
@limiter.limit(REGISTER_PER_IP, methods=["POST"])
@limiter.limit(REGISTER_PER_ACCOUNT, key_func=per_account, methods=["POST"])
def register():
    # An address that already has an account gets the same answer as a new one (same status,
    # redirect and message, one mail to the address): the form tells nobody who has an account.
    form = RegisterForm()
    if form.validate_on_submit() and _postcode_in_municipality(form):
        session = get_session()
        try:
            with unit_of_work(session):
                user = accounts.register_user(
                    session, form.email.data, form.password.data, form.display_name.data,
                    roles=tuple(form.wants.data or ["bewoner"]),
                    postcode=normalise_postcode(form.postcode.data) if form.postcode.data else None)
        except accounts.EmailTaken:
            owner = accounts.find_by_email(session, form.email.data)
            if owner is not None:
                _mail_existing_owner(owner)
        except accounts.AccountError as error:
            form.email.errors.append(str(error))
            return render_template("auth/register.html", form=form), 422
        else:
            _mail_welcome(user)
        # Nobody is logged in here, new address or not: the first login is by the link in the mail.
        flash(_("Kijk in uw e-mail om verder te gaan."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/register.html", form=form), (422 if form.errors else 200)


def _postcode_in_municipality(form) -> bool:
    """Said at sign-up, not found out later: help and distances need a place in the municipality."""
    message = outside_municipality(get_session(), form.postcode.data)
    if message:
        form.postcode.errors = [*form.postcode.errors, message]
    return message is None


def _mail_welcome(user) -> None:
    with unit_of_work() as session:
        emails.send_welcome(session, user, token=accounts.make_confirm_token(user, current_app.config["SECRET_KEY"]))


@bp.route("/account-bevestigen/<token>")
def confirm_email(token: str):
    """The link in the welcome mail: confirms the address and logs the new resident in."""
    with unit_of_work():
        user = accounts.confirm_email(get_session(), token, current_app.config["SECRET_KEY"],
                                      current_app.config.get("EMAIL_CONFIRM_MAX_AGE", 7 * 24 * 3600))
    if user is None:
        flash(_("Deze link werkt niet meer. Log in, of vraag een nieuw wachtwoord aan."), "error")
        return redirect(url_for("auth.login"))
    login_user(user)
    flash(_("Uw e-mailadres is bevestigd. Welkom bij Buurtplein, %(name)s!", name=user.first_name), "success")
    return redirect(url_for("account.profile"))


def _mail_existing_owner(user) -> None:
    with unit_of_work() as session:
        emails.send_account_exists(session, user)


@bp.route("/wachtwoord-vergeten", methods=["GET", "POST"])
@limiter.limit(RESET_PER_IP, methods=["POST"])
@limiter.limit(RESET_PER_ACCOUNT, key_func=per_account, methods=["POST"])
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        # One outbox row for any address: the sender looks the account up (no timing difference here).
        with unit_of_work() as session:
            emails.request_password_reset(session, form.email.data)
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
        with unit_of_work(session):
            accounts.set_password(session, user, form.password.data)
        flash(_("Uw nieuwe wachtwoord is opgeslagen. U kunt nu inloggen."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form), (422 if form.errors else 200)
