"""Forms of the activities area (server-side validation, Dutch messages)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, RadioField, SelectField, StringField, SubmitField, TextAreaField, TimeField
from wtforms.fields import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from ..forms import BaseForm, REQUIRED, at_least_one, MultiCheckboxField, valid_postcode
from ..timeutil import local_today

MAX_TIMES = 26
# repeat choice → weeks between dates (0: once)
REPEAT_INTERVALS = {"weekly": 1, "biweekly": 2, "once": 0}


class ActivityForm(BaseForm):
    title = StringField(_l("Naam van de activiteit"), validators=[
        InputRequired(REQUIRED), Length(min=3, max=160, message=_l("Vul een naam in van 3 tot 160 tekens."))])
    description = TextAreaField(_l("Wat gaan jullie doen?"), validators=[
        InputRequired(REQUIRED), Length(min=10, max=4000, message=_l("Schrijf 10 tot 4000 tekens."))])
    categories = MultiCheckboxField(_l("Onderwerp"), choices=[], validate_choice=True,
                                    validators=[at_least_one(_l("Kies minstens één onderwerp."))])
    organisation = SelectField(_l("Wie organiseert het?"), choices=[])
    place_name = StringField(_l("Naam van de plek"), validators=[
        InputRequired(REQUIRED), Length(max=160, message=_l("Dat is te lang."))])
    address = StringField(_l("Straat en huisnummer"), validators=[
        InputRequired(REQUIRED), Length(max=200, message=_l("Dat is te lang."))])
    postcode = StringField(_l("Postcode"), validators=[InputRequired(REQUIRED), valid_postcode])
    first_date = DateField(_l("Eerste datum"), validators=[InputRequired(REQUIRED)])
    start_time = TimeField(_l("Begintijd"), validators=[InputRequired(REQUIRED)])
    end_time = TimeField(_l("Eindtijd"), validators=[InputRequired(REQUIRED)])
    repeat = RadioField(_l("Hoe vaak is het?"), default="weekly", choices=[
        SelectChoice("weekly", _l("Elke week")),
        SelectChoice("biweekly", _l("Om de week")),
        SelectChoice("once", _l("Eenmalig")),
    ], validators=[InputRequired(_l("Kies hoe vaak het is."))])
    times = IntegerField(_l("Aantal keer (1 tot 26)"), default=8, validators=[
        Optional(), NumberRange(min=1, max=MAX_TIMES, message=_l("Kies een aantal van 1 tot 26."))])
    capacity = IntegerField(_l("Hoeveel mensen kunnen meedoen? (leeg: geen grens)"), validators=[
        Optional(), NumberRange(min=1, max=1000, message=_l("Vul 1 of meer in. Laat het leeg als er geen grens is."))])
    volunteers_wanted = IntegerField(_l("Hoeveel vrijwilligers zoekt u? (0 tot 20)"), default=0, validators=[
        Optional(), NumberRange(min=0, max=20, message=_l("Kies een aantal van 0 tot 20."))])
    cost_kind = RadioField(_l("Kost het geld?"), default="gratis", choices=[
        SelectChoice("gratis", _l("Nee, het is gratis")),
        SelectChoice("bedrag", _l("Ja, het kost een klein bedrag")),
        SelectChoice("upas", _l("Met de U-pas is het gratis of goedkoper")),
    ], validators=[InputRequired(_l("Kies of het geld kost."))])
    submit = SubmitField(_l("Opslaan"))

    def __init__(self, *args, check_past=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.check_past = check_past

    def validate_first_date(self, field) -> None:
        if self.check_past and field.data and field.data < local_today():
            raise ValidationError(_l("Deze datum is al voorbij. Kies vandaag of later."))

    def validate_end_time(self, field) -> None:
        if field.data and self.start_time.data and field.data <= self.start_time.data:
            raise ValidationError(_l("De eindtijd moet na de begintijd liggen."))

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        # Optional() stops the field's own chain, so "required unless once" is checked here.
        if self.repeat.data in ("weekly", "biweekly") and self.times.data is None and not self.times.errors:
            self.times.errors = [*self.times.errors, _l("Vul in hoe vaak het is: 1 tot 26 keer.")]
            ok = False
        return ok


class SupportForm(BaseForm):
    question = TextAreaField(_l("Waar heeft u hulp bij nodig?"), validators=[
        InputRequired(REQUIRED), Length(min=10, max=2000, message=_l("Schrijf 10 tot 2000 tekens."))])
    submit = SubmitField(_l("Vraag om hulp"))
