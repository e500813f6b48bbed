from __future__ import annotations

import datetime as dt
import getpass
import os
from dataclasses import dataclass
from typing import Any

import click
from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import Select, func, select

from assessment import db, formatting
from assessment.audit.models import AuditEvent
from assessment.auth.models import User
from assessment.db import session


def record(
    action: str,
    obj: Any,
    *,
    old: Any = None,
    new: Any = None,
    actor: User | None = None,
    flush: bool = True,
) -> AuditEvent:
    """Return a new audit event for ``action`` on ``obj``; the actor defaults to the logged-in user.

    ``obj`` is a model (its table name and id are recorded) or a ``(type, id)`` pair. In a
    request the event gets the client's address; a command (no request, inside a click command)
    has no user and records ``cli:<os user>`` as its actor.
    """
    in_request = has_request_context()
    if in_request:
        db.begin_writing()  # a record of a download or a refusal is written by a GET too
    if actor is None and in_request and current_user.is_authenticated:
        actor = current_user._get_current_object()
    if isinstance(obj, tuple):
        object_type, object_id = obj
    else:
        object_type, object_id = obj.__tablename__, obj.id
    actor_email = actor.email if actor else None
    if actor is None and not in_request and click.get_current_context(silent=True) is not None:
        actor_email = cli_actor()
    event = AuditEvent(
        actor_id=actor.id if actor else None,
        actor_email=actor_email,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        old=old,
        new=new,
        client_address=request.remote_addr[:45] if in_request and request.remote_addr else None,
    )
    session.add(event)
    if flush:  # many events at once: flush=False, and the caller flushes once (one INSERT)
        session.flush()
    return event


def cli_actor() -> str:
    """``cli:<user name of the operating system>``: who ran a command that changed data."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container): the uid says who it was
        name = str(os.getuid())
    return f"cli:{name}"[:254]


# -- reading the trail ----------------------------------------------------------------------------

PAGE_SIZE = 50
EXPORT_LIMIT = 50_000  # rows in one CSV export; a narrower filter gives the rest


@dataclass(frozen=True)
class AuditFilter:
    """What the reader chose; every field is optional."""

    who: str = ""  # part of the actor's e-mail address
    object_type: str = ""
    object_id: str = ""
    since: dt.date | None = None
    until: dt.date | None = None  # inclusive


def _query(chosen: AuditFilter, allowed_types: frozenset[str] | None) -> Select[tuple[AuditEvent]]:
    query = select(AuditEvent)
    if allowed_types is not None:
        query = query.where(AuditEvent.object_type.in_(sorted(allowed_types)))
    if chosen.who:
        query = query.where(func.lower(AuditEvent.actor_email).contains(chosen.who.lower(), autoescape=True))
    if chosen.object_type:
        query = query.where(AuditEvent.object_type == chosen.object_type)
    if chosen.object_id:
        query = query.where(AuditEvent.object_id == chosen.object_id)
    zone = formatting.local_zone()
    if chosen.since:
        start = dt.datetime.combine(chosen.since, dt.time(), zone).astimezone(dt.UTC)
        query = query.where(AuditEvent.created_at >= start)
    if chosen.until:
        end = dt.datetime.combine(chosen.until + dt.timedelta(days=1), dt.time(), zone).astimezone(dt.UTC)
        query = query.where(AuditEvent.created_at < end)
    return query


def events(
    chosen: AuditFilter, allowed_types: frozenset[str] | None, *, page: int = 1
) -> tuple[list[AuditEvent], int]:
    """One page of the events that match, newest first, and how many match in all."""
    query = _query(chosen, allowed_types)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        .limit(PAGE_SIZE)
        .offset((max(page, 1) - 1) * PAGE_SIZE)
    )
    return list(rows), total


def all_events(chosen: AuditFilter, allowed_types: frozenset[str] | None) -> list[AuditEvent]:
    """Every event that matches (up to EXPORT_LIMIT), newest first: the CSV export."""
    query = _query(chosen, allowed_types).order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    return list(session.scalars(query.limit(EXPORT_LIMIT)))


def object_types(allowed_types: frozenset[str] | None) -> list[str]:
    """The kinds of object that have events, for the filter's choice."""
    query = select(AuditEvent.object_type).distinct().order_by(AuditEvent.object_type)
    found = list(session.scalars(query))
    return [t for t in found if allowed_types is None or t in allowed_types]
