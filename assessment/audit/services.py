from __future__ import annotations

from typing import Any

from flask import has_request_context
from flask_login import current_user

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
) -> AuditEvent:
    """Return a new audit event for ``action`` on ``obj``; the actor defaults to the logged-in user.

    ``obj`` is a model (its table name and id are recorded) or a ``(type, id)`` pair.
    """
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user._get_current_object()
    if isinstance(obj, tuple):
        object_type, object_id = obj
    else:
        object_type, object_id = obj.__tablename__, obj.id
    event = AuditEvent(
        actor_id=actor.id if actor else None,
        actor_email=actor.email if actor else None,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        old=old,
        new=new,
    )
    session.add(event)
    session.flush()
    return event
