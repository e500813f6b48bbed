"""Forms of the accounts pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, Optional

from assessment.forms import BaseForm


class UserFilterForm(BaseForm):
    class Meta:
        csrf = False

    rol = SelectField(_l("Rol"), validators=[Optional()])
    eenheid = SelectField(_l("Eenheid"), validators=[Optional()])
    zoek = StringField(_l("Naam of e-mailadres"), validators=[Optional(), Length(max=254)])


class AccountForm(BaseForm):
    """Role and units; the choices are those the person who fills it in may give."""

    role = SelectField(_l("Rol"), validate_choice=False, validators=[InputRequired(_l("Kies een rol."))])
    units = SelectMultipleField(
        _l("Vertegenwoordigt"),
        coerce=int,
        validate_choice=False,
        description=_l("Alleen voor een eenheidsvertegenwoordiger: de eenheden waarvoor hij invult."),
    )


class NewUserForm(AccountForm):
    email = EmailField(
        _l("E-mailadres"),
        validators=[InputRequired(_l("Vul het e-mailadres in.")), Length(max=254)],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    name = StringField(
        _l("Naam"),
        description=_l("Zoals anderen hem zien, bijvoorbeeld ‘Kapitein J. de Vries’."),
        validators=[InputRequired(_l("Vul de naam in.")), Length(max=200)],
    )
    submit = SubmitField(_l("Account maken"))


class EditUserForm(AccountForm):
    is_active = BooleanField(
        _l("Account actief"),
        description=_l(
            "Zet u dit uit, dan werken de sessies en API-tokens van het account meteen niet meer."
        ),
    )
    submit = SubmitField(_l("Wijzigingen opslaan"))


class ResetForm(BaseForm):
    submit = SubmitField(_l("Nieuwe link maken"))


class EndSessionsForm(BaseForm):
    submit = SubmitField(_l("Overal uitloggen"))
