"""Forms of the sociale kaart: the search/filter form (GET) and the aanbieder's edit forms."""

from __future__ import annotations

import re
from datetime import time

from flask_babel import lazy_gettext as _l
from wtforms import (BooleanField, FieldList, FormField, HiddenField, RadioField, SelectField, StringField,
                     SubmitField, TextAreaField)
from wtforms.fields import SelectChoice
from wtforms.validators import Email, InputRequired, Length, Optional, Regexp, URL, ValidationError

from ..formatting import language_choices, lazy_weekday_name
from ..forms import BaseForm, BaseSubForm, REQUIRED, at_least_one, MultiCheckboxField, valid_postcode
from ..models import WEEKDAYS
from ..params import bounded_int, finite_float

LANGUAGES = tuple(language_choices())  # formatting.LANGUAGES, names from Babel
DAYS = tuple((code, lazy_weekday_name(i)) for i, code in enumerate(WEEKDAYS))
TIME_RE = re.compile(r"^\s*([01]?\d|2[0-3])[:.]([0-5]\d)\s*$")
AGE_MESSAGE = _l("Vul een leeftijd in met alleen cijfers, bijvoorbeeld 65.")
PAGE_SIZE = 20


def parse_time(text: str | None) -> time | None:
    """'9:30', '09.30' → time(9, 30); None when empty or not a time."""
    match = TIME_RE.match(text or "")
    return time(int(match.group(1)), int(match.group(2))) if match else None


def parse_amount_cents(text: str | None) -> int | None:
    """'2,50' or '2.50' → 250."""
    if not text:
        return None
    euros, _sep, cents = text.strip().replace(",", ".").partition(".")
    return int(euros) * 100 + int((cents + "00")[:2])


def _age_field(label):
    return StringField(label, validators=[Optional(), Regexp(r"^\s*[0-9]{1,3}\s*$", message=AGE_MESSAGE)])


def _phone_field():
    return StringField(_l("Telefoonnummer"), validators=[
        Optional(), Regexp(r"^[0-9 +()-]{6,20}$", message=_l("Vul een telefoonnummer in met alleen cijfers."))])


def _email_field():
    return StringField(_l("E-mailadres"), validators=[
        Optional(), Length(max=254),
        Email(_l("Vul een geldig e-mailadres in, zoals naam@voorbeeld.nl."), check_deliverability=False)])


def _website_field():
    return StringField(_l("Website"), validators=[
        Optional(), Length(max=300), URL(message=_l("Vul een webadres in zoals https://www.voorbeeld.nl."))])


def _choices(pairs, empty=None):
    choices = [SelectChoice("", empty)] if empty is not None else []
    return choices + [SelectChoice(value, label) for value, label in pairs]


# --------------------------------------------------------------------------- search (GET)


class SearchForm(BaseForm):
    """The filters of the sociale kaart. Sent with GET, so links can be shared and bookmarked."""

    class Meta:
        csrf = False

    q = StringField(_l("Wat zoekt u?"), validators=[Optional(), Length(max=200)])
    wijk = SelectField(_l("Wijk"), validators=[Optional()], choices=[])
    postcode = StringField(_l("Uw postcode"), validators=[Optional(), valid_postcode])
    lat = HiddenField()
    lon = HiddenField()
    afstand = SelectField(_l("Hoe ver mag het zijn?"), validators=[Optional()], choices=_choices(
        (("1", _l("Tot 1 km")), ("2", _l("Tot 2 km")), ("5", _l("Tot 5 km")), ("10", _l("Tot 10 km"))),
        empty=_l("Maakt niet uit")))
    gratis = BooleanField(_l("Alleen gratis of met U-pas"))
    indicatievrij = BooleanField(_l("Alleen zonder indicatie (u hoeft niets aan te vragen)"))
    taal = SelectField(_l("In welke taal wilt u geholpen worden?"), validators=[Optional()], choices=_choices(LANGUAGES, empty=_l("Alle talen")))
    leeftijd = _age_field(_l("Uw leeftijd"))
    sorteer = SelectField(_l("Sorteren op"), validators=[Optional()], choices=_choices(
        (("relevantie", _l("Past het best bij mijn zoekwoorden")), ("afstand", _l("Dichtbij eerst")),
         ("naam", _l("Naam (A tot Z)")))))
    weergave = HiddenField()

    def validate_lat(self, field) -> None:
        for value, limit in ((self.lat.data, 90), (self.lon.data, 180)):
            if value and finite_float(value, -limit, limit) is None:  # also no nan, inf or 1e400
                raise ValidationError(_l("Uw locatie kon niet worden gelezen. Vul uw postcode in."))

    def validate_leeftijd(self, field) -> None:
        if field.data and (bounded_int(field.data, 0, 999) or 0) > 120:
            raise ValidationError(AGE_MESSAGE)


# --------------------------------------------------------------------------- maintenance (POST)


class ScheduleRowForm(BaseSubForm):
    """One weekly opening time. An empty row is ignored."""

    byday = SelectField(_l("Dag"), validators=[Optional()], choices=_choices(DAYS, empty=_l("Geen dag")))
    opens = StringField(_l("Open vanaf"), validators=[Optional(), Length(max=5)])
    closes = StringField(_l("Open tot"), validators=[Optional(), Length(max=5)])

    def validate_opens(self, field) -> None:
        if not (self.byday.data or self.opens.data or self.closes.data):
            return
        if not self.byday.data:
            raise ValidationError(_l("Kies een dag bij deze tijden."))
        opens, closes = parse_time(self.opens.data), parse_time(self.closes.data)
        if opens is None or closes is None:
            raise ValidationError(_l("Vul de tijden in zoals 09:30 en 12:00."))
        if opens >= closes:
            raise ValidationError(_l("De begintijd moet voor de eindtijd liggen."))


class VoorzieningForm(BaseForm):
    organisation_id = SelectField(_l("Organisatie"), coerce=int, choices=[], validate_choice=True)
    name = StringField(_l("Naam van de voorziening"), validators=[
        InputRequired(REQUIRED), Length(min=3, max=160, message=_l("Vul een naam in van 3 tot 160 tekens."))])
    description = TextAreaField(_l("Wat is het? Beschrijf het in eenvoudige woorden"), validators=[
        InputRequired(REQUIRED), Length(min=20, max=5000, message=_l("Schrijf 20 tot 5000 tekens."))])
    categories = MultiCheckboxField(_l("Onderwerpen"), choices=[],
                                    validators=[at_least_one(_l("Kies minstens één onderwerp."))])
    tier = RadioField(_l("Voor wie is het bedoeld?"), default="nulde", validators=[InputRequired(REQUIRED)],
                      choices=_choices((
                          ("nulde", _l("Voor iedereen in de buurt (algemene voorziening)")),
                          ("eerste", _l("Hulp van een professional, zoals een wijkcoach")),
                          ("tweede", _l("Specialistische zorg")))))
    indicatievrij = BooleanField(_l("Mensen hebben geen indicatie of verwijzing nodig"), default=True)
    cost_kind = RadioField(_l("Wat kost het?"), default="gratis", validators=[InputRequired(REQUIRED)],
                           choices=_choices((("gratis", _l("Gratis")), ("bedrag", _l("Een bedrag")),
                                             ("upas", _l("Gratis of goedkoper met U-pas")))))
    cost_amount = StringField(_l("Bedrag in euro (alleen bij 'Een bedrag')"), validators=[
        Optional(), Regexp(r"^\s*[0-9]{1,4}([.,][0-9]{1,2})?\s*$", message=_l("Vul een bedrag in zoals 2,50."))])
    eligibility = TextAreaField(_l("Wie kan meedoen?"), validators=[Optional(), Length(max=500)])
    min_age = _age_field(_l("Vanaf leeftijd"))
    max_age = _age_field(_l("Tot en met leeftijd"))
    languages = MultiCheckboxField(_l("In welke talen kunnen mensen terecht?"), default=["nl"],
                                   validators=[at_least_one(_l("Kies minstens één taal."))],
                                   choices=_choices(LANGUAGES))
    accessibility = TextAreaField(_l("Toegankelijkheid (rolstoel, lift, gehoorlus)"),
                                  validators=[Optional(), Length(max=500)])
    phone = _phone_field()
    email = _email_field()
    website = _website_field()
    status = SelectField(_l("Loopt het nu?"), default="active", choices=_choices((
        ("active", _l("Ja, het loopt")), ("temporarily_closed", _l("Tijdelijk gesloten")),
        ("inactive", _l("Gestopt")))))
    location_name = StringField(_l("Naam van de plek, bijvoorbeeld Buurthuis De Velve"), validators=[
        InputRequired(REQUIRED), Length(max=160)])
    address = StringField(_l("Straat en huisnummer"), validators=[InputRequired(REQUIRED), Length(max=200)])
    postcode = StringField(_l("Postcode"), validators=[InputRequired(REQUIRED), valid_postcode])
    city = StringField(_l("Plaats"), default="Enschede", validators=[InputRequired(REQUIRED), Length(max=80)])
    schedule = FieldList(FormField(ScheduleRowForm), min_entries=4, max_entries=21)
    submit = SubmitField(_l("Opslaan"))

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        # Optional() stops the field's own checks when it is empty, so this rule lives here.
        if self.cost_kind.data == "bedrag" and not (self.cost_amount.data or "").strip():
            self.cost_amount.errors = [*self.cost_amount.errors, _l("Vul het bedrag in.")]
            ok = False
        return ok

    def validate_max_age(self, field) -> None:
        low, high = bounded_int(self.min_age.data, 0, 999), bounded_int(field.data, 0, 999)
        if low is not None and high is not None and low > high:
            raise ValidationError(_l("De hoogste leeftijd moet groter zijn dan de laagste."))


class OrganisationForm(BaseForm):
    name = StringField(_l("Naam van de organisatie"), validators=[
        InputRequired(REQUIRED), Length(min=2, max=160, message=_l("Vul een naam in van 2 tot 160 tekens."))])
    description = TextAreaField(_l("Wat doet uw organisatie?"), validators=[Optional(), Length(max=2000)])
    email = _email_field()
    phone = _phone_field()
    website = _website_field()
    submit = SubmitField(_l("Organisatie aanmelden"))


class ReviewForm(BaseForm):
    """A resident's short experience; the verdict in three plain choices, no stars to interpret."""
    verdict = RadioField(_l("Heeft het u geholpen?"), choices=[], validators=[InputRequired(_l("Kies of het u geholpen heeft."))],
                         validate_choice=True, invalid_choice_message=_l("Kies of het u geholpen heeft."))
    body = TextAreaField(_l("Vertel in een paar zinnen hoe het was"), validators=[
        InputRequired(REQUIRED), Length(min=10, max=500, message=_l("Schrijf 10 tot 500 tekens."))])
    submit = SubmitField(_l("Ervaring versturen"))
