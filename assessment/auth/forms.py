from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length

from assessment.forms import BaseForm


class LoginForm(BaseForm):
    email = EmailField(
        _l("E-mailadres"),
        validators=[InputRequired(_l("Vul uw e-mailadres in.")), Length(max=254)],
        render_kw={"autocomplete": "username", "spellcheck": "false"},
    )
    password = PasswordField(
        _l("Wachtwoord"),
        validators=[InputRequired(_l("Vul uw wachtwoord in.")), Length(max=1000)],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField(_l("Inloggen"))


class LogoutForm(BaseForm):
    submit = SubmitField(_l("Uitloggen"))


class IssueTokenForm(BaseForm):
    user_id = SelectField(_l("Account"), coerce=int, validators=[InputRequired(_l("Kies een account."))])
    name = StringField(
        _l("Naam van het token"),
        description=_l("Waarvoor is het? Bijvoorbeeld ‘Power BI dashboard staf CLAS’."),
        validators=[InputRequired(_l("Geef het token een naam.")), Length(max=100)],
    )
    submit = SubmitField(_l("Token maken"))


class LanguageForm(BaseForm):
    """Only the CSRF token: the switch's buttons carry the language, the page its own address."""


class RevokeTokenForm(BaseForm):
    submit = SubmitField(_l("Intrekken"))
