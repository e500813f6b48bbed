from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, String, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assessment.codes import CODE_CHECK
from assessment.db import Base

UNIT_KINDS = ("krijgsmachtdeel", "commando", "brigade", "eenheid", "dienst", "bureau")


class Unit(Base):
    """A part of Defensie that fills in its own assessment; units form a tree."""

    __tablename__ = "units"
    __repr_attrs__ = ("code",)
    __table_args__ = (CheckConstraint(CODE_CHECK, name="code_ascii"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    # The kind of unit a questionnaire's questions are tagged with (land, maritiem, lucht, staf,
    # ondersteuning: a profile key of the file); None: every question applies.
    profile: Mapped[str | None] = mapped_column(String(40))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"), index=True)
    is_active: Mapped[bool] = mapped_column(default=True, server_default=true())

    parent: Mapped[Unit | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Unit]] = relationship(back_populates="parent", order_by="Unit.code")

    @property
    def label(self) -> str:
        return f"{self.name} ({self.code})"
