"""What every response and every request gets, whatever the page: caching rules, HSTS, and the
client's address behind a reverse proxy.

- ``Cache-Control: no-store`` on every answer the app makes (pages, API, exports, PDFs, redirects,
  error pages): they hold one user's data, a CSRF token or both, and a browser's back button or a
  shared proxy must not show them to the next person at the desk. Static files stay cacheable.
- ``Strict-Transport-Security`` when the session cookie is marked secure (the site runs on HTTPS).
- ``PROXY_COUNT`` reverse proxies in front of the app: werkzeug's ``ProxyFix`` takes the client's
  address from the last ``PROXY_COUNT`` entries of ``X-Forwarded-For``, which those proxies set.
  With 0 (the default) the header is not believed. Either way the header is removed once read, so
  nothing further on (Flask-Login's session check reads it on its own) trusts what a client sent.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from flask import Flask, current_app, request
from werkzeug.middleware.proxy_fix import ProxyFix

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

HSTS = "max-age=31536000; includeSubDomains"


def init_app(app: Flask) -> None:
    proxies = int(app.config.get("PROXY_COUNT") or 0)
    wsgi_app: WSGIApplication = _ForwardedForRemoved(app.wsgi_app)
    if proxies > 0:
        wsgi_app = ProxyFix(wsgi_app, x_for=proxies, x_proto=proxies)
    app.wsgi_app = wsgi_app  # type: ignore[method-assign]
    app.after_request(_no_store_and_hsts)


class _ForwardedForRemoved:
    """Runs after ``ProxyFix`` (which keeps the original header in its own environ key): the
    application sees ``X-Forwarded-For`` neither from a client nor from a proxy."""

    def __init__(self, wsgi_app: WSGIApplication) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        environ.pop("HTTP_X_FORWARDED_FOR", None)
        return self.wsgi_app(environ, start_response)


def _no_store_and_hsts(response: Any) -> Any:
    if not _is_static_file() and not response.cache_control.no_store:
        response.headers["Cache-Control"] = "no-store"  # replaces any max-age a view gave
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def _is_static_file() -> bool:
    endpoint = request.endpoint or ""
    return endpoint == "static" or endpoint.endswith(".static")
