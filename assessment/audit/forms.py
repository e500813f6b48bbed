"""The audit trail's filter: a GET form (it changes nothing), so no CSRF token."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from assessment.audit.services import AuditFilter
from assessment.forms import BaseForm


class AuditFilterForm(BaseForm):
    class Meta:
        csrf = False

    wie = StringField(
        _l("Wie"), description=_l("(een deel van) het e-mailadres"), validators=[Length(max=254)]
    )
    soort = SelectField(_l("Soort"), validators=[Optional()], validate_choice=True)
    object = StringField(_l("Nummer of code"), validators=[Optional(), Length(max=60)])
    van = DateField(_l("Van"), validators=[Optional()])
    tot = DateField(_l("Tot en met"), validators=[Optional()])

    def validate_tot(self, field: DateField) -> None:
        if field.data and self.van.data and field.data < self.van.data:
            raise ValidationError(_l("Deze datum ligt vóór de datum bij ‘Van’."))

    def chosen(self) -> AuditFilter:
        return AuditFilter(
            who=(self.wie.data or "").strip(),
            object_type=self.soort.data or "",
            object_id=(self.object.data or "").strip(),
            since=self.van.data,
            until=self.tot.data,
        )
