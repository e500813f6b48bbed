"""Password guessing slowed down, with Flask-Limiter.

Only failed guesses count: a wrong password at login or at a password change, an API token that
does not open anything. The view says so with ``guess_failed()``; the limiter deducts after the
response. Before every attempt the limiter tests the counts, so once a limit is reached even the
right password is refused (429 with ``Retry-After``) until the window has moved on.

The limits (moving windows, so "10 per minute" means "in any 60 seconds"); each is a config key
with Flask-Limiter's notation, so a site can choose its own:

- ``THROTTLE_ACCOUNT_LIMITS`` per account (the e-mail address tried, or the logged-in user's at a
  password change), ``10/minute;30/hour``: ten typing errors cost a minute's wait; whoever keeps
  guessing waits up to an hour after the 30th, which stops a guesser at about 720 a day.
- ``THROTTLE_ADDRESS_LIMITS`` per client address, over all accounts, ``30/minute;100/hour``: one
  guesser trying many accounts. Higher than the account's, since an office may share an address.
- ``THROTTLE_TOKEN_LIMITS`` API requests with a token that is not valid, per address,
  ``20/minute;100/hour``.

Storage (``RATELIMIT_STORAGE_URI``, Flask-Limiter's own key): Redis at ``REDIS_URL`` when that is
set, so every app server shares the counts; otherwise the memory of this process (the embedded
default runs one). When Redis does not answer, each process counts in its own memory meanwhile.
``RATELIMIT_ENABLED=False`` turns throttling off (the test suite does, except in its own tests).

The address is ``request.remote_addr``: the client itself, or behind ``PROXY_COUNT`` proxies the
address they forward (``assessment.hardening``).
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, g, jsonify, render_template, request
from flask_babel import format_timedelta
from flask_babel import gettext as _
from flask_limiter import Limiter, RateLimitExceeded
from flask_login import current_user

from assessment.audit.services import record
from assessment.auth.forms import LoginForm
from assessment.auth.services import normalise_email
from assessment.db import keep_changes_on_error

ACCOUNT_LIMITS = "10/minute;30/hour"
ADDRESS_LIMITS = "30/minute;100/hour"
API_LIMITS = "20/minute;100/hour"

# The views that take a password guess (endpoint names, not secrets).
LOGIN = "auth.login"
CHANGE = "auth.password"


def init_app(app: Flask) -> None:
    """A limiter of this app's own (Flask-Limiter keeps its storage and switch per instance, and
    tests run apps with and without throttling side by side); call after the blueprints are
    registered, since it wraps their views."""
    config = app.config
    config["RATELIMIT_STORAGE_URI"] = (
        config.get("RATELIMIT_STORAGE_URI") or config.get("REDIS_URL") or "memory://"
    )
    config.setdefault("RATELIMIT_STRATEGY", "moving-window")
    config.setdefault("RATELIMIT_KEY_PREFIX", "dts-throttle")
    config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    limiter = Limiter(key_func=client_address)
    limiter.init_app(app)
    app.extensions["throttle"] = limiter

    def setting(name: str, default: str) -> Callable[[], str]:
        return lambda: str(config.get(name) or default)

    # One count per account and one per address, shared by every view that takes a password.
    per_account = limiter.shared_limit(
        setting("THROTTLE_ACCOUNT_LIMITS", ACCOUNT_LIMITS),
        scope="password-account",
        key_func=_account_tried,
        methods=["POST"],
        deduct_when=_guess_failed,
    )
    per_address = limiter.shared_limit(
        setting("THROTTLE_ADDRESS_LIMITS", ADDRESS_LIMITS),
        scope="password-address",
        key_func=client_address,
        methods=["POST"],
        deduct_when=_guess_failed,
    )
    for endpoint in (LOGIN, CHANGE):
        app.view_functions[endpoint] = per_address(per_account(app.view_functions[endpoint]))
    limiter.shared_limit(
        setting("THROTTLE_TOKEN_LIMITS", API_LIMITS),
        scope="api-token",
        key_func=client_address,
        exempt_when=lambda: not _sends_token(),
        deduct_when=_guess_failed,
    )(app.blueprints["api"])
    app.register_error_handler(RateLimitExceeded, _too_many_attempts)


def guess_failed() -> None:
    """Count this request's password or token as a failed guess (after the response)."""
    g._throttle_guess_failed = True


def client_address() -> str:
    return request.remote_addr or "-"


def _guess_failed(_response: Any) -> bool:
    return bool(g.get("_throttle_guess_failed"))


def _account_tried() -> str:
    if request.endpoint == LOGIN:
        email = normalise_email((request.form.get("email") or "")[:254])
    else:
        email = current_user.email if current_user.is_authenticated else ""
    return email or "-"  # Flask-Limiter skips a limit whose key is empty


def _sends_token() -> bool:
    return request.headers.get("Authorization", "").lower().startswith("bearer ")


def _seconds_to_wait() -> int:
    breached = current_app.extensions["throttle"].current_limit
    if breached is None:
        return 60
    return max(1, math.ceil(breached.window.reset_time - time.time()))


def _too_many_attempts(_error: RateLimitExceeded) -> Any:
    """429 with ``Retry-After``: on the login page for a login, as JSON in the API, else on the
    error page. Recorded in the audit trail, as the failed attempts before it were."""
    seconds = _seconds_to_wait()
    wait = format_timedelta(dt.timedelta(seconds=seconds), threshold=1.5, add_direction=False)
    message = _("Te veel mislukte pogingen. Wacht %(wait)s en probeer het dan opnieuw.", wait=wait)
    attempt = {"address": client_address(), "page": request.path}
    if request.endpoint == LOGIN:
        attempt["email"] = (request.form.get("email") or "")[:254]
    record("auth.throttled", ("user", "-"), new=attempt)
    keep_changes_on_error()
    if request.path.startswith("/api/"):
        response = jsonify(status=429, message=message)
    elif request.endpoint == LOGIN:
        response = current_app.make_response(
            render_template("auth/login.html", form=LoginForm(), error=message)
        )
    else:
        response = current_app.make_response(
            render_template("error.html", code=429, title=_("Te veel pogingen"), message=message)
        )
    response.status_code = 429
    response.headers["Retry-After"] = str(seconds)
    return response
