"""Logins the server can end: one ``UserSession`` row per login.

Flask-Login keeps in the (signed) session cookie whatever identifies the login and hands it back
to the user loader on every request. Here that is a random secret, never the user id; the
database holds only its SHA-256 hash. Deleting the row ends the login at once, on every app
server: a copy of the cookie made before logout opens nothing afterwards.

A login ends after ``SESSION_LIFETIME_HOURS`` (12) whatever happens, and after
``SESSION_IDLE_MINUTES`` (60) without a request. ``last_seen_at`` is written at most once a
minute, so a page view is not a database write.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from flask import current_app, g, request
from flask import session as cookie
from flask_login import login_user, logout_user
from sqlalchemy import delete, or_, select
from sqlalchemy.orm import joinedload

from assessment import db
from assessment.audit.services import record
from assessment.auth.models import User, UserSession
from assessment.db import session, utcnow

LAST_SEEN_RESOLUTION = dt.timedelta(minutes=1)
_COOKIE_KEY = "_user_id"  # Flask-Login's key; it holds the session secret, not the user id


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _lifetime() -> dt.timedelta:
    return dt.timedelta(hours=float(current_app.config["SESSION_LIFETIME_HOURS"]))


def _idle() -> dt.timedelta:
    return dt.timedelta(minutes=float(current_app.config["SESSION_IDLE_MINUTES"]))


def _has_ended(record_: UserSession, now: dt.datetime) -> bool:
    return now - record_.created_at >= _lifetime() or now - record_.last_seen_at >= _idle()


def log_in(user: User) -> None:
    """Log ``user`` in with a new session record; the cookie gets its secret. Records of anyone
    that have ended meanwhile are removed at the same time."""
    now = utcnow()
    session.execute(
        delete(UserSession).where(
            or_(UserSession.created_at <= now - _lifetime(), UserSession.last_seen_at <= now - _idle())
        )
    )
    secret = secrets.token_urlsafe(32)
    session.add(
        UserSession(
            user_id=user.id,
            secret_hash=_hash(secret),
            created_at=now,
            last_seen_at=now,
            client_address=(request.remote_addr or "")[:64] or None,
            user_agent=request.user_agent.string[:200],
        )
    )
    session.flush()
    login_user(user)
    cookie[_COOKIE_KEY] = secret  # Flask-Login wrote the user id there; see the module docstring


def current_secret() -> str | None:
    """The secret of this request's login, if any."""
    value = cookie.get(_COOKIE_KEY)
    return value if isinstance(value, str) else None


def log_out() -> None:
    """End this request's login: its record is deleted and the cookie forgets it."""
    secret = current_secret()
    if secret:
        session.execute(delete(UserSession).where(UserSession.secret_hash == _hash(secret)))
    logout_user()


def user_for_session(secret: str) -> User | None:
    """The active user of the login with this secret, or None when there is no such login or it
    has ended (too old, or idle too long; its record is then removed)."""
    if not secret or len(secret) > 100:
        return None
    found = (
        session.execute(
            select(UserSession)
            .where(UserSession.secret_hash == _hash(secret))
            # The units come along in the same query: access checks ask for them on most pages.
            .options(joinedload(UserSession.user).joinedload(User.units))
        )
        .unique()
        .scalar_one_or_none()
    )
    if found is None:
        return None
    now = utcnow()
    if _has_ended(found, now) or not found.user.is_active:
        g.session_ended = found.user.is_active  # the login page then says why
        db.begin_writing()
        session.delete(found)
        return None
    if now - found.last_seen_at >= LAST_SEEN_RESOLUTION:
        db.begin_writing()
        found.last_seen_at = now  # committed with the request (db.py), like every change
    return found.user


def end_sessions(user: User, *, keep: str | None = None) -> int:
    """End every login of ``user`` but the one with secret ``keep``; return how many ended."""
    query = delete(UserSession).where(UserSession.user_id == user.id)
    if keep:
        query = query.where(UserSession.secret_hash != _hash(keep))
    return session.execute(query).rowcount or 0  # type: ignore[attr-defined]


def open_sessions(user: User) -> list[UserSession]:
    """The logins of ``user`` that have not ended, newest first."""
    now = utcnow()
    found = session.scalars(
        select(UserSession)
        .where(UserSession.user_id == user.id)
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
    )
    return [s for s in found if not _has_ended(s, now)]


def log_out_everywhere(user: User, *, by: User) -> int:
    """An admin's "log out everywhere": every login of ``user`` ends, recorded in the audit trail.
    Return how many ended."""
    ended = end_sessions(user)
    record("user.logout_everywhere", user, old={"sessions": ended}, new={"sessions": 0}, actor=by)
    return ended
