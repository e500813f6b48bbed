from wtforms import EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length

from assessment.forms import BaseForm


class LoginForm(BaseForm):
    email = EmailField(
        "E-mailadres",
        validators=[InputRequired("Vul uw e-mailadres in."), Length(max=254)],
        render_kw={"autocomplete": "username", "spellcheck": "false"},
    )
    password = PasswordField(
        "Wachtwoord",
        validators=[InputRequired("Vul uw wachtwoord in."), Length(max=1000)],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField("Inloggen")


class LogoutForm(BaseForm):
    submit = SubmitField("Uitloggen")


class IssueTokenForm(BaseForm):
    user_id = SelectField("Account", coerce=int, validators=[InputRequired("Kies een account.")])
    name = StringField(
        "Naam van het token",
        description="Waarvoor is het? Bijvoorbeeld ‘Power BI dashboard staf CLAS’.",
        validators=[InputRequired("Geef het token een naam."), Length(max=100)],
    )
    submit = SubmitField("Token maken")


class LanguageForm(BaseForm):
    """Only the CSRF token: the switch's buttons carry the language, the page its own address."""


class RevokeTokenForm(BaseForm):
    submit = SubmitField("Intrekken")
