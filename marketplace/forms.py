"""Account forms, and the rules every form of Buurtplein shares.

Flask-WTF: CSRF on every form, server-side validation, Dutch messages. Every form derives from
``BaseForm`` (sub-forms from ``BaseSubForm``), whose Meta adds to each field, first in its chain:

- single-line text fields (StringField and its kinds, not passwords): ``single_line`` — no line
  breaks or other control characters, which would otherwise reach e-mail headers and the like;
- TextAreaFields: ``multi_line`` — line breaks and tabs are fine, other control characters not;
- DateFields: ``date_in_range`` — years 2000 to 2100;
- IntegerFields: ``id_sized`` — a number the database can store.
"""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, EmailField, Form, IntegerField, PasswordField, SelectMultipleField,
                     StringField, SubmitField, TextAreaField)
from wtforms.fields import SelectChoice
from wtforms.meta import DefaultMeta
from wtforms.validators import Email, EqualTo, InputRequired, Length, Optional, Regexp, StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from .geocoding import normalise_postcode
from .params import MAX_DATE, MAX_ID, MIN_DATE

REQUIRED = _l("Dit veld is verplicht.")

_NOT_SINGLE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_NOT_MULTI_LINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")  # \t \n \r are fine


def single_line(_form, field) -> None:
    """One line of text: no line breaks, tabs or other control characters."""
    if isinstance(field.data, str) and _NOT_SINGLE_LINE.search(field.data):
        # StopValidation: Optional() further on would otherwise accept '\n' as empty and clear this.
        raise StopValidation(_l("Schrijf dit op één regel, zonder Enter of tab."))


def multi_line(_form, field) -> None:
    """Text with line breaks, but without other control characters."""
    if isinstance(field.data, str) and _NOT_MULTI_LINE.search(field.data):
        raise StopValidation(_l("Deze tekst bevat een teken dat niet mag. Typ de tekst opnieuw of plak hem zonder opmaak."))


def date_in_range(_form, field) -> None:
    if field.data is not None and not MIN_DATE <= field.data <= MAX_DATE:
        raise StopValidation(_l("Kies een datum tussen %(first)s en %(last)s.", first=MIN_DATE.year,
                                last=MAX_DATE.year))


def id_sized(_form, field) -> None:
    if field.data is not None and not -MAX_ID <= field.data <= MAX_ID:
        raise StopValidation(_l("Dit getal is te groot."))


def _rule_for(field) -> object | None:
    if isinstance(field, TextAreaField):
        return multi_line
    if isinstance(field, PasswordField):
        return None  # passwords are never shown or mailed; refusing a character could lock someone out
    if isinstance(field, StringField):
        return single_line
    if isinstance(field, DateField):
        return date_in_range
    if isinstance(field, IntegerField):
        return id_sized
    return None


def _counter_instead_of_maxlength(field) -> None:
    """A maxlength attribute silently cuts what a resident pastes; show a counter instead
    (static/js/counter.js) and let the Length validator say it plainly on the server."""
    limit = getattr(field.flags, "maxlength", None)
    if limit and isinstance(field, (StringField, TextAreaField)) and not isinstance(field, PasswordField):
        delattr(field.flags, "maxlength")
        field.render_kw = {**(field.render_kw or {}), "data-max": limit}


class _SharedRules:
    """Meta mixin: puts the rule for the field's kind first in every field's validators."""

    def bind_field(self, form, unbound_field, options):
        field = super().bind_field(form, unbound_field, options)
        rule = _rule_for(field)
        if rule is not None:
            field.validators = [rule, *field.validators]
        _counter_instead_of_maxlength(field)
        return field


class BaseForm(FlaskForm):
    """The base of every Buurtplein form (CSRF from Flask-WTF, the shared rules above)."""

    class Meta(_SharedRules, FlaskForm.Meta):
        pass


class BaseSubForm(Form):
    """The base of forms nested with FormField (no CSRF of their own)."""

    class Meta(_SharedRules, DefaultMeta):
        pass


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


class LoginForm(BaseForm):
    email = email_field(_l("E-mailadres"))
    password = PasswordField(_l("Wachtwoord"), validators=[InputRequired(REQUIRED), Length(max=200)])
    submit = SubmitField(_l("Inloggen"))


class RegisterForm(BaseForm):
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


class ResetRequestForm(BaseForm):
    email = email_field(_l("E-mailadres"))
    submit = SubmitField(_l("Stuur mij een link"))


class ResetPasswordForm(BaseForm):
    password, confirm = new_password_fields()
    submit = SubmitField(_l("Wachtwoord opslaan"))


class ProfileForm(BaseForm):
    display_name = StringField(_l("Uw naam"), validators=[
        InputRequired(REQUIRED), Length(min=2, max=80, message=_l("Vul een naam in van 2 tot 80 tekens."))])
    phone = StringField(_l("Telefoonnummer (alleen zichtbaar na uw toestemming)"), validators=[
        Optional(), Regexp(r"^[0-9 +()-]{6,20}$", message=_l("Vul een telefoonnummer in met alleen cijfers."))])
    postcode = StringField(_l("Postcode"), validators=[Optional(), valid_postcode])
    digest_opt_in = BooleanField(_l("Stuur mij elke week een e-mail met nieuwe hulpvragen in de buurt"))
    # Choices from notifications.MAIL_KINDS (set by the view); a kind left unticked is turned off.
    mail_kinds = MultiCheckboxField(_l("Stuur mij een e-mail als:"), choices=[])
    submit = SubmitField(_l("Opslaan"))


class RolesForm(BaseForm):
    roles = MultiCheckboxField(_l("Rollen"), choices=[])
    organisations = MultiCheckboxField(_l("Werkt voor organisatie (voor aanbieders)"), choices=[], coerce=int)
    wijken = MultiCheckboxField(_l("Modereert wijken (voor preventiemakelaars)"), choices=[], coerce=int)
    submit = SubmitField(_l("Rollen opslaan"))


def members_form(form_class, **kwargs):
    """A form a page makes for every viewer but shows only to signed-in members (confirm, review,
    support buttons): for a visitor without its CSRF token, so making it writes no token into the
    session and sets no cookie, and the page stays the same for every visitor (page_cache). The
    POST routes make and check their own forms with the token."""
    from flask_login import current_user
    if current_user.is_authenticated:
        return form_class(**kwargs)
    return form_class(meta={"csrf": False}, **kwargs)
