"""The application factory."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, g, jsonify, request
from sqlalchemy import text

from assessment import db, errors, formatting, hardening, i18n, input_filter, jobs, throttle
from assessment.admin.views import bp as admin_bp
from assessment.api.views import bp as api_bp
from assessment.assessments.views import bp as assessments_bp
from assessment.audit import requests as audit_requests
from assessment.audit.views import bp as audit_bp
from assessment.auth import access
from assessment.auth.cli import user_group
from assessment.auth.views import bp as auth_bp
from assessment.compare.views import bp as compare_bp
from assessment.config import load_config
from assessment.exchange.cli import exchange_group
from assessment.exchange.views import bp as exchange_bp
from assessment.extensions import csrf, login_manager
from assessment.questionnaires.cli import questionnaire_group
from assessment.questionnaires.views import bp as questionnaires_bp
from assessment.reports.cli import report_group
from assessment.reports.views import bp as reports_bp
from assessment.results import cache as results_cache
from assessment.rounds.cli import round_group
from assessment.rounds.views import bp as rounds_bp
from assessment.setup_cli import init_command
from assessment.units.cli import unit_group
from assessment.units.views import bp as units_bp

SECURITY_HEADERS = {
    # Everything is served by the app itself: Defensie networks are closed.
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = errors.Application("assessment", instance_relative_config=True)
    # No constant folding: Jinja would run a filter on a literal (``4000|decimal(0)``) once, when
    # the template compiles, and keep the first request's language for every later one.
    app.jinja_options = {**app.jinja_options, "optimized": False}
    load_config(app, config)

    db.init_app(app)
    audit_requests.init_app(app)
    jobs.init_app(app)
    results_cache.init_app(app)
    login_manager.init_app(app)
    i18n.babel.init_app(
        app,
        default_locale=i18n.DEFAULT,
        default_timezone="Europe/Amsterdam",
        locale_selector=i18n.select_locale,
    )
    csrf.init_app(app)
    input_filter.init_app(app)  # before the blueprints: their routes use its <id:...>

    app.register_blueprint(auth_bp)
    app.register_blueprint(assessments_bp)
    app.register_blueprint(rounds_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(compare_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(audit_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(units_bp)
    app.register_blueprint(questionnaires_bp)
    app.register_blueprint(exchange_bp)
    throttle.init_app(app)  # wraps the views that take a password: after the blueprints
    hardening.init_app(app)

    for command in (
        init_command,
        questionnaire_group,
        unit_group,
        round_group,
        user_group,
        report_group,
        exchange_group,
    ):
        app.cli.add_command(command)

    app.add_template_filter(formatting.decimal, "decimal")
    app.add_template_filter(formatting.percentage, "percentage")
    app.add_template_filter(formatting.date, "date")
    app.add_template_filter(formatting.datetime, "datetime")
    app.add_template_filter(formatting.css_string, "css_string")
    app.add_template_filter(formatting.joined, "joined")

    app.context_processor(
        lambda: {
            "access": access,
            "language": i18n.current(),
            "languages": i18n.LANGUAGES,
            "this_page": i18n.this_page,
        }
    )
    app.add_url_rule("/healthz", "healthz", healthz)
    app.after_request(_security_headers)
    app.after_request(_user_for_access_log)
    errors.init_app(app)
    return app


def healthz() -> Any:
    """200 with ``{"status": "ok", "database": "ok", "queue": "ok"}``; 503 when the database or the
    job queue does not answer, naming which."""
    parts = {"database": "ok", "queue": "ok"}
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any driver error means: not reachable
        db.session.rollback()
        parts["database"] = "unreachable"
    if not jobs.queue(current_app).available():
        parts["queue"] = "unreachable"
    healthy = all(value == "ok" for value in parts.values())
    response = jsonify(status="ok" if healthy else "error", **parts)
    response.headers["Cache-Control"] = "no-store"
    return response, 200 if healthy else 503


def _user_for_access_log(response: Any) -> Any:
    """The logged-in user's id in the WSGI environ: gunicorn's access log prints it
    (``%({dts.user_id}e)s`` in ``assessment/gunicorn_conf.py``)."""
    user = g.get("_login_user")  # only a user this request loaded anyway: no query for static files
    if user is not None and user.is_authenticated:
        request.environ["dts.user_id"] = str(user.id)
    return response


def _security_headers(response: Any) -> Any:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response
