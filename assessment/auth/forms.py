from flask_babel import lazy_gettext as _l
from wtforms import DateField, EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import EqualTo, InputRequired, Length, Optional

from assessment.auth.passwords import MAX_PASSWORD_LENGTH
from assessment.forms import BaseForm

# The same limit as everywhere else (assessment.auth.passwords): no account gets a password that
# the login form would not take.
_NOT_TOO_LONG = Length(
    max=MAX_PASSWORD_LENGTH,
    message=_l("Het wachtwoord mag hoogstens %(max)d tekens hebben."),
)


class LoginForm(BaseForm):
    email = EmailField(
        _l("E-mailadres"),
        validators=[InputRequired(_l("Vul uw e-mailadres in.")), Length(max=254)],
        render_kw={"autocomplete": "username", "spellcheck": "false"},
    )
    password = PasswordField(
        _l("Wachtwoord"),
        validators=[InputRequired(_l("Vul uw wachtwoord in.")), _NOT_TOO_LONG],
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
    valid_through = DateField(
        _l("Geldig tot en met (niet verplicht)"),
        description=_l("Na deze dag werkt het token niet meer. Leeg: tot u het intrekt."),
        validators=[Optional()],
    )
    submit = SubmitField(_l("Token maken"))


class LanguageForm(BaseForm):
    """Only the CSRF token: the switch's buttons carry the language, the page its own address."""


class RevokeTokenForm(BaseForm):
    submit = SubmitField(_l("Intrekken"))


class NewPasswordForm(BaseForm):
    """A password chosen by the user himself, typed twice."""

    password = PasswordField(
        _l("Nieuw wachtwoord"),
        description=_l(
            "Minstens 12 tekens, hoogstens 128. Een zin van een paar woorden is sterk en goed te onthouden. "
            "Veelgebruikte wachtwoorden worden geweigerd."
        ),
        validators=[InputRequired(_l("Vul een nieuw wachtwoord in.")), _NOT_TOO_LONG],
        render_kw={"autocomplete": "new-password"},
    )
    repeat = PasswordField(
        _l("Nieuw wachtwoord nog eens"),
        validators=[
            InputRequired(_l("Vul het nieuwe wachtwoord nog eens in.")),
            EqualTo("password", _l("De twee wachtwoorden zijn niet gelijk.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Wachtwoord instellen"))


class ChangePasswordForm(NewPasswordForm):
    current = PasswordField(
        _l("Huidig wachtwoord"),
        validators=[InputRequired(_l("Vul uw huidige wachtwoord in.")), _NOT_TOO_LONG],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField(_l("Wachtwoord wijzigen"))
