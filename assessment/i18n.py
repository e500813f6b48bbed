"""Languages: Dutch (the source language of every message) and English, through Flask-Babel.

The language of a request, in this order: ``?lang=`` on the URL (that request only: links and the
API), the choice a logged-in user made (stored with his account), the choice a visitor made (in
the session), the browser's ``Accept-Language``, Dutch. A third language needs a catalogue in
``translations/`` and an entry in ``LANGUAGES``, nothing else.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import has_request_context, request, session
from flask_babel import Babel, get_locale
from flask_login import current_user

DEFAULT = "nl"
# Code → the language's own name, shown on the switch in that language.
LANGUAGES = {"nl": "Nederlands", "en": "English"}

babel = Babel()


def requested(value: str | None) -> str | None:
    """``value`` when it names a language that the app speaks, else None."""
    value = (value or "").strip().lower()[:2]
    return value if value in LANGUAGES else None


def select_locale() -> str:
    if not has_request_context():
        return DEFAULT
    from_url = requested(request.args.get("lang"))
    if from_url:
        return from_url
    if not request.path.startswith("/api/"):  # the API: ?lang= or Accept-Language, per request
        user_choice = getattr(current_user, "language", None) if current_user.is_authenticated else None
        chosen = requested(user_choice) or requested(session.get("language"))
        if chosen:
            return chosen
    return request.accept_languages.best_match(LANGUAGES.keys(), default=DEFAULT)


def this_page() -> str:
    """This page's address without ``?lang=``: where the switch returns to."""
    args = [(key, value) for key, value in request.args.items(multi=True) if key != "lang"]
    return request.path + (f"?{urlencode(args)}" if args else "")


def current() -> str:
    """The language code of this request (``nl`` outside a request)."""
    return str(get_locale() or DEFAULT)
