"""The guided help-request form (one page, numbered steps, no JavaScript needed)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, Regexp, ValidationError

from ..formatting import language_choices
from ..forms import BaseForm, REQUIRED, MultiCheckboxField, valid_postcode

UNKNOWN_CATEGORY = "weet-niet"

# Languages people can choose (formatting.LANGUAGES, names from Babel); codes are stored comma-separated.
LANGUAGE_CHOICES = [SelectChoice(code, name) for code, name in language_choices()]

URGENCY_CHOICES = [
    SelectChoice("1-2 dagen", _l("Snel: binnen 1 of 2 dagen")),
    SelectChoice("deze week", _l("Deze week")),
    SelectChoice("geen haast", _l("Geen haast")),
]

PHONE = Regexp(r"^[0-9 +()-]{6,20}$", message=_l("Vul een telefoonnummer in met alleen cijfers."))


CHOOSE_CATEGORY = _l("Kies een onderwerp. Of kies: Ik weet het niet.")


class CategoriesField(MultiCheckboxField):
    """One or more categories, as pictogram checkboxes; 'weet-niet' only counts when nothing else is ticked."""

    def pre_validate(self, form) -> None:
        known = {c[0] if isinstance(c, tuple) else c.value for c in self.choices}
        if not self.data or any(value not in known for value in self.data):
            raise ValidationError(CHOOSE_CATEGORY)

    def slugs(self) -> list[str]:
        return [value for value in (self.data or []) if value != UNKNOWN_CATEGORY]


class HelpRequestForm(BaseForm):
    # Rendered as pictogram tiles; choices are set from the Category table by the view.
    category = CategoriesField(_l("Waar heeft u hulp bij nodig?"), choices=[])
    title = StringField(_l("Uw vraag in een paar woorden"), validators=[
        InputRequired(REQUIRED), Length(min=5, max=160, message=_l("Schrijf 5 tot 160 tekens."))])
    description = TextAreaField(_l("Vertel in uw eigen woorden"), validators=[
        InputRequired(REQUIRED), Length(min=10, max=4000, message=_l("Schrijf 10 tot 4000 tekens."))])
    urgency = RadioField(_l("Hoe snel heeft u hulp nodig?"), choices=URGENCY_CHOICES, default="geen haast",
                         invalid_choice_message=_l("Kies hoe snel u hulp nodig heeft."))
    wanted_time = StringField(_l("Wanneer komt het u goed uit? (niet verplicht)"),
                              validators=[Optional(), Length(max=120, message=_l("Schrijf hoogstens 120 tekens."))])
    wanted_from = DateField(_l("Vanaf welke datum? (niet verplicht)"), validators=[Optional()])
    wanted_until = DateField(_l("Tot welke datum? (niet verplicht)"), validators=[Optional()])
    postcode = StringField(_l("Postcode"), validators=[InputRequired(REQUIRED), valid_postcode])
    address = StringField(_l("Straat en huisnummer (niet verplicht)"),
                          validators=[Optional(), Length(max=200, message=_l("Schrijf hoogstens 200 tekens."))])
    languages = MultiCheckboxField(_l("Welke talen spreekt u?"), choices=LANGUAGE_CHOICES, default=["nl"])
    # On behalf (ambassadeur, professional); removed from the form for everyone else.
    on_behalf = BooleanField(_l("Ja, ik vraag dit voor iemand anders"))
    contact_first_name = StringField(_l("Voornaam van de bewoner"),
                                     validators=[Length(max=40, message=_l("Schrijf hoogstens 40 tekens."))])
    contact_name = StringField(_l("Volledige naam van de bewoner (niet verplicht)"),
                               validators=[Optional(), Length(max=120, message=_l("Schrijf hoogstens 120 tekens."))])
    contact_phone = StringField(_l("Telefoonnummer van de bewoner (niet verplicht)"), validators=[Optional(), PHONE])
    submit = SubmitField(_l("Vraag versturen"))

    def validate_wanted_until(self, field) -> None:
        if field.data and self.wanted_from.data and field.data < self.wanted_from.data:
            raise ValidationError(_l("Deze datum moet na de eerste datum liggen."))

    def validate_contact_first_name(self, field) -> None:
        if self.on_behalf.data and not (field.data or "").strip():
            raise ValidationError(_l("Vul de voornaam van de bewoner in."))


class ConfirmForm(BaseForm):
    """An empty form: only the CSRF token, for the withdraw and renew buttons."""


def request_form(categories, can_ask_for_others: bool, **kwargs) -> HelpRequestForm:
    form = HelpRequestForm(**kwargs)
    form.category.choices = [SelectChoice(c.slug, c.name_nl) for c in categories] + [
        SelectChoice(UNKNOWN_CATEGORY, _l("Ik weet het niet, ik schrijf het op"))]
    if not can_ask_for_others:
        for name in ("on_behalf", "contact_first_name", "contact_name", "contact_phone"):
            delattr(form, name)
    return form
