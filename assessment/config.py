"""Configuration from the environment, with an embedded default that needs no set-up.

``DATABASE_URL``  SQLAlchemy URL; default SQLite in the instance folder.
                  ``postgresql://user@host/db`` uses psycopg 3.
``SECRET_KEY``    signs sessions and CSRF tokens; default a random key generated once
                  and kept in ``instance/secret_key`` (readable by the owner only).
``REPORT_MARKING`` marking line on every page of a PDF report (default empty).
``REDIS_URL``     the job queue in Redis instead of the database (see ``assessment.jobs``), and
                  the count of failed logins, shared by every app server (``assessment.throttle``).
``PROXY_COUNT``   reverse proxies in front of the app that set ``X-Forwarded-For`` (default 0:
                  the header is not believed; see ``assessment.hardening``).
``REPORT_JOB_KEEP_DAYS`` days a finished report job's ZIP is kept (default 7).
``SESSION_LIFETIME_HOURS`` a login ends this many hours after it began (default 12);
``SESSION_IDLE_MINUTES``   and after this many minutes without a request (default 60).
``EXCHANGE_KEY_FILE`` this installation's signing key for exchange packages (default
                  ``instance/exchange_key.pem``, made on first use, mode 0600).
``SMTP_*``        e-mail for invitation links, when ``SMTP_HOST`` is set (see ``assessment.mail``).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask


def load_config(app: Flask, overrides: dict[str, Any] | None = None) -> None:
    instance = Path(app.instance_path)
    config = app.config
    config.update(
        DATABASE_URL=os.environ.get("DATABASE_URL") or f"sqlite:///{instance / 'assessment.sqlite3'}",
        REPORT_MARKING=os.environ.get("REPORT_MARKING", ""),
        REDIS_URL=os.environ.get("REDIS_URL", ""),
        JOB_QUEUE_FILE=os.environ.get("JOB_QUEUE_FILE", ""),
        REPORT_JOB_KEEP_DAYS=float(os.environ.get("REPORT_JOB_KEEP_DAYS") or 7),
        REPORT_ITEM_TIMEOUT=int(os.environ.get("REPORT_ITEM_TIMEOUT") or 600),
        EXCHANGE_KEY_FILE=os.environ.get("EXCHANGE_KEY_FILE", ""),
        SMTP_HOST=os.environ.get("SMTP_HOST", ""),
        SMTP_PORT=int(os.environ.get("SMTP_PORT") or 25),
        SMTP_FROM=os.environ.get("SMTP_FROM", ""),
        SMTP_USER=os.environ.get("SMTP_USER", ""),
        SMTP_PASSWORD=os.environ.get("SMTP_PASSWORD", ""),
        SMTP_STARTTLS=os.environ.get("SMTP_STARTTLS", "") == "1",
        PROXY_COUNT=int(os.environ.get("PROXY_COUNT") or 0),
        SESSION_LIFETIME_HOURS=float(os.environ.get("SESSION_LIFETIME_HOURS") or 12),
        SESSION_IDLE_MINUTES=float(os.environ.get("SESSION_IDLE_MINUTES") or 60),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=os.environ.get("SESSION_COOKIE_SECURE", "") == "1",
        WTF_I18N_ENABLED=False,  # WTForms' own Dutch messages (see forms.BaseForm)
        WTF_CSRF_TIME_LIMIT=None,  # a long form must not expire while a user writes
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        TEMPLATES_AUTO_RELOAD=None,
    )
    if overrides:
        config.update(overrides)
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = os.environ.get("SECRET_KEY") or _instance_secret_key(instance)


def _instance_secret_key(instance: Path) -> str:
    """Return the key in instance/secret_key, creating it (mode 0600) on first use."""
    path = instance / "secret_key"
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key)
    return key
