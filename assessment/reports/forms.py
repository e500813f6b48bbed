from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectChoice, SelectField, SubmitField

from assessment import i18n
from assessment.forms import BaseForm


class ReportJobForm(BaseForm):
    """Which units' reports to make, and in which language."""

    scope = SelectField(_l("Welke eenheden"), choices=[], validate_choice=True)
    language = RadioField(
        _l("Taal van de rapporten"),
        choices=[SelectChoice(code, name) for code, name in i18n.LANGUAGES.items()],
    )
    submit = SubmitField(_l("Maak de rapporten"))
