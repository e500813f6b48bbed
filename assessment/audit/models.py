from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assessment.auth.models import User
from assessment.db import Base, utcnow


class AuditEvent(Base):
    """Append-only: who did what to which object, and what it was before and after."""

    __tablename__ = "audit_events"
    __repr_attrs__ = ("action", "object_type", "object_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    # RESTRICT, not SET NULL: the database refuses every change of an event (a trigger, see the
    # migration "audit append only"), so an account with events is deactivated, never deleted.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    # Kept as text too, so the record says who it was on its own; ``cli:<os user>`` for a command.
    actor_email: Mapped[str | None] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str] = mapped_column(String(60))
    old: Mapped[Any | None] = mapped_column(JSON)
    new: Mapped[Any | None] = mapped_column(JSON)
    # The client's address (request.remote_addr) when the event comes from a request.
    client_address: Mapped[str | None] = mapped_column(String(45))

    actor: Mapped[User | None] = relationship()
