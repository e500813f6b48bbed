"""The public keys of other installations whose exchange packages this one accepts."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assessment.auth.models import User
from assessment.db import Base, utcnow


class TrustedKey(Base):
    __tablename__ = "trusted_keys"
    __repr_attrs__ = ("name",)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    # ``ed25519:`` and the 32 raw bytes in base64, as ``assessment exchange key`` prints it.
    public_key: Mapped[str] = mapped_column(String(100), unique=True)
    added_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    added_by: Mapped[User | None] = relationship()
