"""Error answers: pages in the layout and JSON for the API, in the language of the request.

A 4xx gets the layout page (or, under ``/api/``, ``{"status": …, "message": …}``) with the
headers the error carries (``Allow`` on a 405, ``Retry-After`` on a 429). A 5xx or an exception
that no view handled rolls the request's transaction back and is logged with a short reference
(8 hex characters) that the user sees too, so a report can be matched with its log line. Where
the request would have changed something (any method but GET, HEAD or OPTIONS) the page says that
nothing was saved. Drawing that page needs no database: the user loaded earlier in the request
is kept for the header, the language is settled first, and when the layout still fails a plain
page without it answers.
"""

from __future__ import annotations

import logging
import secrets
from contextlib import suppress
from types import TracebackType
from typing import Any

from flask import Flask, g, jsonify, render_template, request
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from werkzeug.exceptions import HTTPException, InternalServerError

from assessment import db, i18n
from assessment.audit import requests as audit_requests
from assessment.extensions import login_manager

logger = logging.getLogger("assessment.errors")

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

ERROR_TEXTS = {
    400: (_l("Verzoek niet begrepen"), _l("De gegevens in het verzoek kloppen niet.")),
    403: (_l("Geen toegang"), _l("U hebt geen toegang tot deze pagina.")),
    404: (_l("Pagina niet gevonden"), _l("Deze pagina bestaat niet, of u hebt er geen toegang toe.")),
    405: (_l("Niet toegestaan"), _l("Deze handeling kan hier niet.")),
    413: (_l("Te groot"), _l("Wat u verstuurde is te groot.")),
    429: (
        _l("Te veel verzoeken"),
        _l("U stuurde te veel verzoeken achter elkaar. Wacht even en probeer het opnieuw."),
    ),
}


class Application(Flask):
    """Flask, with the error reference in the log line of an unhandled exception."""

    def log_exception(
        self, exc_info: tuple[type, BaseException, TracebackType] | tuple[None, None, None]
    ) -> None:
        self.logger.error(
            "Exception on %s [%s], reference %s", request.path, request.method, reference(), exc_info=exc_info
        )


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    # Also what Flask turns any unhandled exception into (when exceptions do not propagate).
    app.register_error_handler(InternalServerError, _server_error)


def reference() -> str:
    """This request's error reference: 8 hex characters, the same every time it is asked."""
    if "error_reference" not in g:
        g.error_reference = secrets.token_hex(4)
    return str(g.error_reference)


def _is_api() -> bool:
    return request.path.startswith("/api/")


def _headers(error: HTTPException) -> list[tuple[str, str]]:
    """The error's own headers (``Allow``, ``Retry-After``, ``WWW-Authenticate``), not its type."""
    return [(name, value) for name, value in error.get_headers() if name.lower() != "content-type"]


def _csrf_error(error: CSRFError) -> Any:
    audit_requests.csrf_refused()
    return render_template(
        "error.html",
        code=400,
        title=_("Formulier niet geaccepteerd"),
        message=_(
            "Het formulier was verlopen of niet geldig. Er is niets opgeslagen. "
            "Ga terug, laad de pagina opnieuw en probeer het nog eens."
        ),
    ), 400


def _http_error(error: HTTPException) -> Any:
    code = error.code or 500
    if code >= 500:
        return _server_error(error)
    title, message = ERROR_TEXTS.get(code, (error.name, error.description or ""))
    if _is_api():
        text = str(getattr(error, "api_message", None) or message)
        return jsonify(status=code, message=text), code, _headers(error)
    message = getattr(error, "user_message", None) or message
    return render_template("error.html", code=code, title=title, message=message), code, _headers(error)


def _server_error(error: HTTPException) -> Any:
    """The answer to a 5xx: nothing of the request kept, logged with a reference, shown in the
    layout when it can be drawn and as a plain page when it cannot."""
    code = error.code if error.code and error.code >= 500 else 500
    ref = reference()
    if getattr(error, "original_exception", None) is None:  # Flask logged real exceptions already
        logger.error("%s on %s [%s], reference %s", code, request.path, request.method, ref)
    language = _language()
    user = g.get("_login_user")
    try:
        if user is not None and user in db.session:
            db.session.expunge(user)  # keeps what the header shows; the rollback would expire it
        db.session.rollback()
    except Exception:  # a database that is gone: the request's changes are gone with it
        logger.warning("rollback after error %s failed", ref, exc_info=True)
    if user is None:  # loading him now would need the database
        g._login_user = login_manager.anonymous_user()
    with force_locale(language):
        title = _("Er ging iets mis")
        message = _("Er ging iets mis aan onze kant. Probeer het later opnieuw.")
        unsaved = _("Er is niets opgeslagen.") if request.method not in SAFE_METHODS else ""
        noted = _("Noem deze code als u het probleem meldt: %(reference)s", reference=ref)
        if _is_api():
            text = " ".join(part for part in (message, unsaved, noted) if part)
            return jsonify(status=code, message=text, reference=ref), code
        try:
            page = render_template(
                "error.html", code=code, title=title, message=message, unsaved=unsaved, reference=noted
            )
        except Exception:
            logger.warning("error page %s drawn without the layout", ref, exc_info=True)
            page = _plain_page(language, title, message, unsaved, noted)
    return page, code


def _language() -> str:
    """The request's language; without the user's choice when finding it fails (the user is read
    from the database)."""
    try:
        return i18n.current()
    except Exception:
        with suppress(Exception):
            db.session.rollback()
        chosen = i18n.requested(request.args.get("lang"))
        return chosen or request.accept_languages.best_match(i18n.LANGUAGES.keys(), default=i18n.DEFAULT)


def _plain_page(language: str, *texts: str) -> str:
    title, *lines = texts
    paragraphs = "".join(f"<p>{escape(line)}</p>" for line in lines if line)
    return (
        f'<!doctype html><html lang="{escape(language)}"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title></head><body><main><h1>{escape(title)}</h1>{paragraphs}"
        '<p><a href="/">DTS Volwassenheidsscan</a></p></main></body></html>'
    )
