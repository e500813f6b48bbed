from __future__ import annotations

import datetime as dt
import enum

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import Column, ForeignKey, String, Table, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assessment.db import Base, enum_column, utcnow
from assessment.units.models import Unit


class Role(enum.StrEnum):
    REPRESENTATIVE = "representative"
    LEAD = "lead"
    COORDINATOR = "coordinator"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.REPRESENTATIVE: _l("eenheidsvertegenwoordiger"),
    Role.LEAD: _l("transformatieleider"),
    Role.COORDINATOR: _l("coördinator"),
    Role.ADMIN: _l("beheerder"),
}


user_units = Table(
    "user_units",
    Base.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", ForeignKey("units.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class User(UserMixin, Base):
    __tablename__ = "users"
    __repr_attrs__ = ("email", "role")

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored in lower case
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"))
    is_active: Mapped[bool] = mapped_column(default=True, server_default=true())
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[dt.datetime | None]
    language: Mapped[str | None] = mapped_column(String(8))  # the interface language he chose

    units: Mapped[list[Unit]] = relationship(secondary=user_units, order_by=Unit.code)

    @property
    def unit_ids(self) -> set[int]:
        return {unit.id for unit in self.units}


class Invitation(Base):
    """A one-time link with which a user sets his own password: for a new account ("invite") or
    after a reset by an admin ("reset"). Only a hash of the link's secret is stored."""

    __tablename__ = "invitations"
    __repr_attrs__ = ("user_id", "purpose")

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class ApiToken(Base):
    """A personal token for the read-only JSON API, issued and revoked by an admin.

    Only a SHA-256 hash is stored; the token itself is shown once, when it is made.
    """

    __tablename__ = "api_tokens"
    __repr_attrs__ = ("user_id", "name", "prefix")

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(12))  # the first characters, to recognise it
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    last_used_at: Mapped[dt.datetime | None]
    expires_at: Mapped[dt.datetime | None]  # none: valid until revoked
    revoked_at: Mapped[dt.datetime | None]

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def has_expired(self, now: dt.datetime) -> bool:
        return self.expires_at is not None and self.expires_at <= now


class UserSession(Base):
    """One login: the server's record of it, which logout, a password change, deactivation and an
    admin's "log out everywhere" delete. The browser's cookie holds the secret; only its SHA-256
    hash is stored (see ``assessment.auth.sessions``)."""

    __tablename__ = "user_sessions"
    __repr_attrs__ = ("user_id", "created_at")

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    client_address: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str] = mapped_column(String(200), default="")

    user: Mapped[User] = relationship()
