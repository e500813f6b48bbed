"""The audit trail cannot be rewritten: the database itself refuses to change or delete an event,
whoever asks (the application's own connection included), on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import DBAPIError

from assessment.audit.models import AuditEvent
from assessment.auth.models import Role, User


@pytest.fixture
def event(factory, db_session) -> AuditEvent:
    actor = factory.user(Role.COORDINATOR)
    row = AuditEvent(
        actor_id=actor.id,
        actor_email=actor.email,
        action="assessment.approve",
        object_type="assessments",
        object_id="7",
        old={"status": "submitted"},
        new={"status": "approved"},
    )
    db_session.add(row)
    db_session.commit()
    return row


def refused(db_session, statement) -> str:  # type: ignore[no-untyped-def]
    """Run ``statement`` in a savepoint (a failed statement ends a PostgreSQL transaction) and
    return the database's message."""
    with pytest.raises(DBAPIError) as error, db_session.begin_nested():
        db_session.execute(statement)
    return str(error.value.orig)


def as_stored(db_session, event: AuditEvent) -> tuple[object, ...]:
    db_session.expire_all()
    row = db_session.get(AuditEvent, event.id)
    return row.action, row.actor_email, row.old, row.new


def test_an_audit_event_cannot_be_changed(db_session, event):
    before = as_stored(db_session, event)
    message = refused(
        db_session, update(AuditEvent).where(AuditEvent.id == event.id).values(new={"status": "returned"})
    )
    assert "append-only" in message
    assert as_stored(db_session, event) == before


def test_an_audit_event_cannot_be_deleted(db_session, event):
    assert "append-only" in refused(db_session, delete(AuditEvent).where(AuditEvent.id == event.id))
    assert "append-only" in refused(db_session, text("DELETE FROM audit_events"))
    assert db_session.scalar(select(func.count()).where(AuditEvent.id == event.id)) == 1


def test_the_audit_table_cannot_be_emptied_with_truncate(db_session, event):
    if db_session.get_bind().dialect.name != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    assert "append-only" in refused(db_session, text("TRUNCATE audit_events"))
    assert db_session.scalar(select(func.count()).select_from(AuditEvent)) >= 1


def test_an_account_with_events_cannot_be_deleted_so_its_events_keep_their_actor(db_session, event):
    refused(db_session, delete(User).where(User.id == event.actor_id))
    assert db_session.get(User, event.actor_id) is not None
    assert as_stored(db_session, event)[1] == event.actor_email


def test_new_events_can_still_be_added(db_session, event):
    db_session.add(AuditEvent(action="auth.login", object_type="users", object_id="1"))
    db_session.commit()
    assert db_session.scalar(select(func.count()).select_from(AuditEvent)) >= 2
