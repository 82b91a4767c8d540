"""Forms of the referral route. Every form derives from BaseForm (CSRF, single-line rules)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from ..forms import REQUIRED, BaseForm, MultiCheckboxField
from ..hulpvragen.forms import LANGUAGE_CHOICES
from ..models import AGE_BANDS, CONSENT_METHODS, CONTACT_PREFERENCES, LEGAL_BASES, REFERRAL_REASONS
from . import services as svc

# Fields of steps 3 and 4 (shown only after a search): checked when the professional refers, not when searching.
REFER_FIELDS = ("voorzieningen", "consent_organisations", "purpose", "shared_fields", "valid_until", "method", "legal_basis")


class NewReferralForm(BaseForm):
    alias = StringField(_l("Voornaam of roepnaam van de cliënt"), validators=[
        InputRequired(REQUIRED), Length(max=40, message=_l("Schrijf hoogstens 40 tekens."))])
    buurt = SelectField(_l("Buurt"), coerce=int, choices=[], validate_choice=True)
    age_band = SelectField(_l("Leeftijdsgroep"), choices=[SelectChoice("", _l("Zeg ik liever niet"))] + [
        SelectChoice(b, svc.AGE_BAND_WORDS[b]) for b in AGE_BANDS], default="")
    languages = MultiCheckboxField(_l("Welke talen spreekt de cliënt?"), choices=LANGUAGE_CHOICES, default=["nl"])
    life_domains = MultiCheckboxField(_l("Leefgebieden (niet verplicht)"), choices=[
        SelectChoice(k, v) for k, v in svc.LIFE_DOMAINS.items()])
    contact_preference = RadioField(_l("Hoe wil de cliënt contact?"), choices=[
        SelectChoice(c, svc.CONTACT_WORDS[c]) for c in CONTACT_PREFERENCES], default="via_wijkcoach",
        invalid_choice_message=_l("Kies hoe de cliënt contact wil."))
    question = TextAreaField(_l("De vraag, zoals u die samen hebt afgesproken"), validators=[
        InputRequired(REQUIRED), Length(min=10, max=2000, message=_l("Schrijf 10 tot 2000 tekens."))])
    zoek = StringField(_l("Zoek zelf op de sociale kaart (niet verplicht)"),
                       validators=[Optional(), Length(max=100, message=_l("Schrijf hoogstens 100 tekens."))])
    voorzieningen = MultiCheckboxField(_l("Naar welke voorzieningen verwijst u?"), choices=[], coerce=int)
    legal_basis = RadioField(_l("Wettelijke grondslag (los van de toestemming)"), choices=[
        SelectChoice(b, svc.LEGAL_BASIS_WORDS[b]) for b in LEGAL_BASES], default="wmo_2015",
        invalid_choice_message=_l("Kies de wettelijke grondslag."))
    warm_handover = BooleanField(_l("Warme overdracht: ik stel de cliënt zelf voor aan de organisatie"))
    shared_fields = MultiCheckboxField(_l("Wat mag de organisatie zien?"), choices=[
        SelectChoice(k, v) for k, v in svc.SHARE_FIELDS.items()], default=["vraag", "voornaam"])
    purpose = StringField(_l("Waarvoor wordt het gedeeld?"), default=_l("Aanmelden bij de voorziening en de vraag samen oppakken."),
                          validators=[Length(max=300, message=_l("Schrijf hoogstens 300 tekens."))])
    valid_until = DateField(_l("Toestemming geldt tot"), validators=[InputRequired(REQUIRED)])
    method = RadioField(_l("Hoe gaf de cliënt toestemming?"), choices=[
        SelectChoice(m, svc.METHOD_WORDS[m]) for m in CONSENT_METHODS], default="mondeling",
        invalid_choice_message=_l("Kies hoe de cliënt toestemming gaf."))
    # Consent is per receiving organisation: the client may agree to one and not to another.
    consent_organisations = MultiCheckboxField(
        _l("De cliënt heeft de toestemmingstekst gehoord of gelezen en geeft toestemming om te delen met:"),
        choices=[], coerce=int)
    search = SubmitField(_l("Zoek passende hulp"))
    refer = SubmitField(_l("Verwijzen"))

    referring = False  # set by the view when the 'Verwijzen' button was pressed

    def validate_voorzieningen(self, field) -> None:
        if self.referring and not field.data:
            raise ValidationError(_l("Kies minstens één voorziening."))

    def validate_consent_organisations(self, field) -> None:
        if self.referring and not field.data:
            raise ValidationError(_l("Zonder toestemming van de cliënt deelt Buurtplein niets met de organisatie."))

    def validate_purpose(self, field) -> None:
        if self.referring and not (field.data or "").strip():
            raise ValidationError(_l("Schrijf op waarvoor het gedeeld wordt."))

    def validate_shared_fields(self, field) -> None:
        if self.referring and "vraag" not in (field.data or []):
            raise ValidationError(_l("Deel in elk geval de vraag: anders kan de organisatie niets doen."))


class StatusForm(BaseForm):
    """The organisation's answer, the team's withdrawal, and a report for the client."""
    reason = SelectField(_l("Reden"), choices=[SelectChoice("", _l("Kies een reden"))] + [
        SelectChoice(r, svc.REASON_WORDS[r]) for r in REFERRAL_REASONS], default="")
    feedback = StringField(_l("Terugkoppeling aan de wijkcoach, in één zin (niet verplicht)"),
                           validators=[Optional(), Length(max=300, message=_l("Schrijf hoogstens 300 tekens."))])


class ClientReportForm(BaseForm):
    reason = SelectField(_l("Wat ging er mis? (niet verplicht)"), choices=[SelectChoice("", _l("Zeg ik liever niet"))] + [
        SelectChoice(r, svc.REASON_WORDS[r]) for r in ("niet_bereikt", "geen_plek", "past_niet", "geen_interesse",
                                                        "anders")], default="")


class ConfirmForm(BaseForm):
    """Only the CSRF token."""
