"""Forms of the units pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length

from assessment.forms import BaseForm


class UnitForm(BaseForm):
    name = StringField(_l("Naam"), validators=[InputRequired(_l("Vul een naam in.")), Length(max=200)])
    kind = StringField(
        _l("Soort"),
        description=_l("Bijvoorbeeld brigade, commando of bureau."),
        validators=[InputRequired(_l("Vul een soort in.")), Length(max=40)],
    )
    parent = SelectField(_l("Valt onder"), validate_choice=True)


class NewUnitForm(UnitForm):
    code = StringField(
        _l("Code"),
        description=_l("Uniek en kort, bijvoorbeeld CLAS-13LTBRIG. Letters A–Z, cijfers, - en _."),
        validators=[InputRequired(_l("Vul een code in.")), Length(max=40)],
    )
    submit = SubmitField(_l("Eenheid maken"))


class EditUnitForm(UnitForm):
    # The kinds of unit that questionnaires tag questions with (their `profiles`); choices are
    # set by the view from the loaded questionnaires.
    profile = SelectField(
        _l("Soort eenheid voor de vragen"),
        description=_l("Vragen die voor een andere soort eenheid bedoeld zijn, krijgen een opmerking."),
        validate_choice=True,
    )
    is_active = BooleanField(
        _l("Eenheid actief"),
        description=_l(
            "Een eenheid die niet actief is, doet niet mee aan nieuwe meetrondes. Wat zij invulde, blijft."
        ),
    )
    submit = SubmitField(_l("Wijzigingen opslaan"))


class ImportForm(BaseForm):
    file = FileField(
        _l("CSV-bestand"),
        description=_l(
            "Kolommen code;name;kind;parent_code, gescheiden door een puntkomma, UTF-8 (zoals Excel "
            "‘CSV UTF-8’ bewaart). Alles of niets: bij één fout wordt niets opgeslagen."
        ),
        validators=[FileRequired(_l("Kies een bestand."))],
    )
    submit = SubmitField(_l("Inlezen"))
