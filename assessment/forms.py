"""The base of every form: CSRF from Flask-WTF, WTForms' own messages in Dutch."""

from flask_wtf import FlaskForm


class BaseForm(FlaskForm):
    class Meta:
        locales = ("nl_NL", "nl")
