"""The volunteer-offer form: what, when (a weekly grid of checkboxes), how far, how often."""

from __future__ import annotations

from datetime import time

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import InputRequired, Length

from ..formatting import lazy_weekday_name
from ..forms import BaseForm, REQUIRED, at_least_one, MultiCheckboxField, valid_postcode
from ..hulpvragen.forms import LANGUAGE_CHOICES

WEEKDAY_NAMES = [lazy_weekday_name(i) for i in range(7)]  # 0 = Monday, in the reader's language
# Part of the day → (start, end, word). Slots are stored as AvailabilitySlot rows.
DAY_PARTS = {
    "ochtend": (time(9), time(12), _l("ochtend")),
    "middag": (time(13), time(17), _l("middag")),
    "avond": (time(18), time(21), _l("avond")),
}
# Labels come from the grid in the template (a day row × a day-part column).
SLOT_CHOICES = [SelectChoice(f"{day}-{part}") for day in range(7) for part in DAY_PARTS]
RADIUS_CHOICES = [SelectChoice(500, _l("500 meter")), SelectChoice(1000, _l("1 kilometer")),
                  SelectChoice(2000, _l("2 kilometer")), SelectChoice(5000, _l("5 kilometer")),
                  SelectChoice(10000, _l("10 kilometer"))]
FREQUENCY_CHOICES = [SelectChoice(1, _l("1 keer per maand")), SelectChoice(2, _l("2 keer per maand")),
                     SelectChoice(4, _l("4 keer per maand (ongeveer elke week)")),
                     SelectChoice(8, _l("8 keer per maand (ongeveer 2 keer per week)"))]


class OfferForm(BaseForm):
    # Rendered as pictogram tiles; choices (without professional-only ones) are set by the view.
    categories = MultiCheckboxField(_l("Waarmee kunt u helpen?"), choices=[],
                                    invalid_choice_message=_l("Kies alleen onderwerpen uit de lijst."),
                                    validators=[at_least_one(_l("Kies minstens één onderwerp."))])
    title = StringField(_l("Uw aanbod in een paar woorden"), validators=[
        InputRequired(REQUIRED), Length(min=5, max=160, message=_l("Schrijf 5 tot 160 tekens."))])
    description = TextAreaField(_l("Vertel wat u kunt en wilt doen"), validators=[
        InputRequired(REQUIRED), Length(min=10, max=4000, message=_l("Schrijf 10 tot 4000 tekens."))])
    slots = MultiCheckboxField(_l("Wanneer kunt u?"), choices=SLOT_CHOICES,
                               invalid_choice_message=_l("Kies alleen dagdelen uit de tabel."))
    radius_m = SelectField(_l("Hoe ver wilt u gaan?"), coerce=int, choices=RADIUS_CHOICES, default=2000,
                           invalid_choice_message=_l("Kies een afstand uit de lijst."))
    languages = MultiCheckboxField(_l("Welke talen spreekt u?"), choices=LANGUAGE_CHOICES, default=["nl"],
                                   validators=[at_least_one(_l("Kies minstens één taal."))])
    max_matches_per_month = SelectField(_l("Hoe vaak wilt u helpen?"), coerce=int, choices=FREQUENCY_CHOICES,
                                        default=4, invalid_choice_message=_l("Kies hoe vaak uit de lijst."))
    postcode = StringField(_l("Uw postcode"), validators=[InputRequired(REQUIRED), valid_postcode])
    submit = SubmitField(_l("Aanbod opslaan"))


class ConfirmForm(BaseForm):
    """Only the CSRF token, for the pause and resume buttons."""


def offer_form(categories, **kwargs) -> OfferForm:
    form = OfferForm(**kwargs)
    form.categories.choices = [SelectChoice(c.slug, c.name_nl) for c in categories if not c.professional_only]
    return form
