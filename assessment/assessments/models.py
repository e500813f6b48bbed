from __future__ import annotations

import datetime as dt
import enum

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assessment.auth.models import User
from assessment.db import Base, enum_column, utcnow
from assessment.questionnaires.models import Question
from assessment.rounds.models import Round
from assessment.units.models import Unit

COMMENT_MAX_LENGTH = 4000


class AssessmentStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self])

    @property
    def is_editable(self) -> bool:
        """Only a draft or a returned assessment can be changed."""
        return self in (AssessmentStatus.DRAFT, AssessmentStatus.RETURNED)


STATUS_LABELS = {
    AssessmentStatus.DRAFT: _l("concept"),
    AssessmentStatus.SUBMITTED: _l("ingediend"),
    AssessmentStatus.RETURNED: _l("teruggegeven"),
    AssessmentStatus.APPROVED: _l("goedgekeurd"),
}


class Assessment(Base):
    """One unit's answers for one round."""

    __tablename__ = "assessments"
    __table_args__ = (UniqueConstraint("round_id", "unit_id"),)
    __repr_attrs__ = ("round_id", "unit_id", "status")

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"), index=True)
    status: Mapped[AssessmentStatus] = mapped_column(
        enum_column(AssessmentStatus, "assessment_status"), default=AssessmentStatus.DRAFT
    )
    # Raised by every change; a save that names an older version is refused (lost update).
    version: Mapped[int] = mapped_column(default=1)
    return_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[dt.datetime | None]
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[dt.datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    round: Mapped[Round] = relationship()
    unit: Mapped[Unit] = relationship()
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    answers: Mapped[list[Answer]] = relationship(back_populates="assessment", cascade="all, delete-orphan")


class Answer(Base):
    """A level, or n.v.t., or nothing yet; and a toelichting."""

    __tablename__ = "answers"
    __table_args__ = (
        UniqueConstraint("assessment_id", "question_id"),
        CheckConstraint("NOT (is_not_applicable AND level IS NOT NULL)", name="level_or_not_applicable"),
        CheckConstraint("level IS NULL OR level >= 1", name="level_positive"),
    )
    __repr_attrs__ = ("assessment_id", "question_id", "level", "is_not_applicable")

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="RESTRICT"), index=True)
    level: Mapped[int | None]
    is_not_applicable: Mapped[bool] = mapped_column(default=False)
    comment: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Who gave the answer when that person has no account here (an imported exchange package).
    updated_by_email: Mapped[str | None] = mapped_column(String(254))

    assessment: Mapped[Assessment] = relationship(back_populates="answers")
    question: Mapped[Question] = relationship()
    updated_by: Mapped[User | None] = relationship()

    @property
    def is_answered(self) -> bool:
        """n.v.t. counts as answered for completeness."""
        return self.level is not None or self.is_not_applicable
