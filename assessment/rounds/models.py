from __future__ import annotations

import datetime as dt
import enum

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assessment.codes import CODE_CHECK
from assessment.db import Base, enum_column, utcnow
from assessment.questionnaires.models import Questionnaire, Theme
from assessment.units.models import Unit


class RoundStatus(enum.StrEnum):
    PLANNED = "planned"
    OPEN = "open"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return str(ROUND_STATUS_LABELS[self])


ROUND_STATUS_LABELS = {
    RoundStatus.PLANNED: _l("gepland"),
    RoundStatus.OPEN: _l("open"),
    RoundStatus.CLOSED: _l("gesloten"),
}


class Round(Base):
    """A meetronde: one questionnaire version, answered by every active unit."""

    __tablename__ = "rounds"
    __repr_attrs__ = ("code", "status")
    __table_args__ = (CheckConstraint(CODE_CHECK, name="code_ascii"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaires.id", ondelete="RESTRICT"), index=True
    )
    status: Mapped[RoundStatus] = mapped_column(
        enum_column(RoundStatus, "round_status"), default=RoundStatus.PLANNED
    )
    opens_on: Mapped[dt.date | None]
    closes_on: Mapped[dt.date | None]
    # The part of the tree that takes part (this unit and everything under it); None: every unit.
    scope_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Raised in the same transaction by every service that changes an input of the round's
    # figures (answers, statuses, targets, units); the read side's caches are keyed on it.
    results_version: Mapped[int] = mapped_column(default=1)

    questionnaire: Mapped[Questionnaire] = relationship()
    scope_unit: Mapped[Unit | None] = relationship()
    default_targets: Mapped[list[RoundTarget]] = relationship(
        back_populates="round", cascade="all, delete-orphan"
    )

    @property
    def is_open(self) -> bool:
        return self.status is RoundStatus.OPEN


class RoundTarget(Base):
    """The round's default target level for one speerpunt."""

    __tablename__ = "round_targets"
    __table_args__ = (
        UniqueConstraint("round_id", "theme_id"),
        CheckConstraint("level >= 1", name="level_positive"),
    )
    __repr_attrs__ = ("round_id", "theme_id", "level")

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id", ondelete="RESTRICT"), index=True)
    level: Mapped[int]

    round: Mapped[Round] = relationship(back_populates="default_targets")
    theme: Mapped[Theme] = relationship()


class Target(Base):
    """A unit's own target for one speerpunt in one round, instead of the round's default."""

    __tablename__ = "targets"
    __table_args__ = (
        UniqueConstraint("round_id", "unit_id", "theme_id"),
        CheckConstraint("level >= 1", name="level_positive"),
    )
    __repr_attrs__ = ("round_id", "unit_id", "theme_id", "level")

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id", ondelete="RESTRICT"), index=True)
    level: Mapped[int]

    unit: Mapped[Unit] = relationship()
    theme: Mapped[Theme] = relationship()
