"""The base of every form: CSRF from Flask-WTF, WTForms' own messages in the page's language."""

from flask_wtf import FlaskForm

from assessment import i18n


class BaseForm(FlaskForm):
    class Meta:
        @property
        def locales(self) -> tuple[str, ...]:
            # WTForms' built-in messages ("Not a valid integer value.") follow the page; English
            # needs no catalogue, it is WTForms' own language.
            return ("nl_NL", "nl") if i18n.current() == "nl" else ("en",)
