from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, RadioField, SelectChoice, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from assessment.forms import BaseForm


class TrustForm(BaseForm):
    name = StringField(
        _l("Naam van de installatie"),
        description=_l("Bijvoorbeeld het schip of de staf die het pakket maakt."),
        validators=[DataRequired(_l("Geef een naam.")), Length(max=100)],
    )
    public_key = StringField(
        _l("Publieke sleutel"),
        description=_l("De regel die 'assessment exchange key' daar toont; hij begint met ed25519:"),
        validators=[DataRequired(_l("Plak de publieke sleutel."))],
    )
    submit = SubmitField(_l("Sleutel vertrouwen"))


class ImportForm(BaseForm):
    file = FileField(
        _l("Uitwisselpakket (.dtsx)"),
        description=_l("U ziet eerst wat er verandert; pas na uw bevestiging wordt iets opgeslagen."),
    )
    package = HiddenField()  # after the check: the same package, to import on confirmation
    prefer = RadioField(
        _l("Bij een conflict"),
        choices=[
            SelectChoice("here", _l("houd wat hier staat")),
            SelectChoice("package", _l("neem het pakket over")),
        ],
        default="here",
    )
    unverified = BooleanField(
        _l("Ook inlezen als de afzender niet vertrouwd is (wordt vastgelegd in het logboek)")
    )
    check = SubmitField(_l("Controleren"))
    confirm = SubmitField(_l("Inlezen"))
