"""Account forms (Flask-WTF: CSRF on every form, server-side validation, Dutch messages)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectMultipleField, StringField, SubmitField
from wtforms.fields import SelectChoice
from wtforms.validators import Email, EqualTo, InputRequired, Length, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from .geocoding import normalise_postcode

REQUIRED = _l("Dit veld is verplicht.")


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def at_least_one(message):
    """Validator for multiple-choice fields: one ticked box is the minimum."""
    def check(_form, field) -> None:
        if not field.data:
            raise ValidationError(message)
    return check


def valid_postcode(_form, field) -> None:
    if field.data and normalise_postcode(field.data) is None:
        raise ValidationError(_l("Vul een postcode in zoals 7511 AB of 7511."))


def email_field(label):
    return EmailField(label, validators=[
        InputRequired(REQUIRED), Length(max=254),
        Email(_l("Vul een geldig e-mailadres in, zoals naam@voorbeeld.nl."), check_deliverability=False)])


def new_password_fields():
    password = PasswordField(_l("Wachtwoord"), validators=[
        InputRequired(REQUIRED), Length(min=10, max=200, message=_l("Kies een wachtwoord van minstens 10 tekens."))])
    confirm = PasswordField(_l("Herhaal het wachtwoord"), validators=[
        InputRequired(REQUIRED), EqualTo("password", message=_l("De twee wachtwoorden zijn niet gelijk."))])
    return password, confirm


class LoginForm(FlaskForm):
    email = email_field(_l("E-mailadres"))
    password = PasswordField(_l("Wachtwoord"), validators=[InputRequired(REQUIRED), Length(max=200)])
    submit = SubmitField(_l("Inloggen"))


class RegisterForm(FlaskForm):
    display_name = StringField(_l("Uw naam"), validators=[
        InputRequired(REQUIRED), Length(min=2, max=80, message=_l("Vul een naam in van 2 tot 80 tekens."))])
    email = email_field(_l("E-mailadres"))
    password, confirm = new_password_fields()
    postcode = StringField(_l("Postcode (mag leeg blijven)"), validators=[Optional(), valid_postcode])
    wants = MultiCheckboxField(_l("Wat wilt u doen?"), choices=[
        SelectChoice("bewoner", _l("Hulp vragen en activiteiten vinden")),
        SelectChoice("vrijwilliger", _l("Anderen helpen als vrijwilliger")),
    ], default=["bewoner"])
    submit = SubmitField(_l("Account maken"))


class ResetRequestForm(FlaskForm):
    email = email_field(_l("E-mailadres"))
    submit = SubmitField(_l("Stuur mij een link"))


class ResetPasswordForm(FlaskForm):
    password, confirm = new_password_fields()
    submit = SubmitField(_l("Wachtwoord opslaan"))


class ProfileForm(FlaskForm):
    display_name = StringField(_l("Uw naam"), validators=[
        InputRequired(REQUIRED), Length(min=2, max=80, message=_l("Vul een naam in van 2 tot 80 tekens."))])
    phone = StringField(_l("Telefoonnummer (alleen zichtbaar na uw toestemming)"), validators=[
        Optional(), Regexp(r"^[0-9 +()-]{6,20}$", message=_l("Vul een telefoonnummer in met alleen cijfers."))])
    postcode = StringField(_l("Postcode"), validators=[Optional(), valid_postcode])
    digest_opt_in = BooleanField(_l("Stuur mij elke week een e-mail met nieuwe hulpvragen in de buurt"))
    submit = SubmitField(_l("Opslaan"))


class RolesForm(FlaskForm):
    roles = MultiCheckboxField(_l("Rollen"), choices=[])
    organisations = MultiCheckboxField(_l("Werkt voor organisatie (voor aanbieders)"), choices=[], coerce=int)
    wijken = MultiCheckboxField(_l("Modereert wijken (voor preventiemakelaars)"), choices=[], coerce=int)
    submit = SubmitField(_l("Rollen opslaan"))
