"""Forms of the moderation area (server-side validation, Dutch messages)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField, RadioField, SubmitField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import AnyOf, InputRequired, Length, Optional

from ..forms import BaseForm
from .services import ACTIONS, MODELS, REPORT_REASONS

REQUIRED = _l("Dit veld is verplicht.")


class ReportForm(BaseForm):
    reason = RadioField(_l("Wat is er mis?"), choices=[
        SelectChoice(key, _l(label)) for key, label in REPORT_REASONS.items()],
        validators=[InputRequired(_l("Kies wat er mis is."))])
    details = TextAreaField(_l("Wilt u iets uitleggen? (mag leeg blijven)"), validators=[
        Optional(), Length(max=800, message=_l("Schrijf niet meer dan 800 tekens."))])
    submit = SubmitField(_l("Melding versturen"))

    def validate(self, extra_validators=None) -> bool:
        # Checked here, not inline: Optional() on details stops inline validators on empty input.
        ok = super().validate(extra_validators)
        if self.reason.data == "anders" and not (self.details.data or "").strip():
            self.details.errors = [*self.details.errors, _l("U koos 'Anders'. Schrijf kort wat er mis is.")]
            return False
        return ok


class DecideForm(BaseForm):
    """One moderator decision; the queue renders it as small forms with hidden fields."""

    kind = HiddenField(validators=[InputRequired(), AnyOf([*MODELS, "report", "support"])])
    target_id = IntegerField(validators=[InputRequired()])
    action = HiddenField(validators=[InputRequired(), AnyOf(ACTIONS)])
    reason = TextAreaField(_l("Reden"), validators=[
        Optional(), Length(max=1000, message=_l("Schrijf niet meer dan 1000 tekens."))])


class ConfirmListingForm(BaseForm):
    submit = SubmitField(_l("Ja, het klopt"))
