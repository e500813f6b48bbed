"""A loaded questionnaire version: never edited; a change is a new version."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assessment.db import Base, utcnow


class Localised:
    """Columns ``<name>_nl`` and ``<name>_en``; English falls back to Dutch."""

    def text(self, name: str, language: str = "nl") -> str | None:
        if language == "en":
            english = getattr(self, f"{name}_en", None)
            if english:
                return str(english)
        value = getattr(self, f"{name}_nl", None)
        return None if value is None else str(value)


class Questionnaire(Localised, Base):
    __tablename__ = "questionnaires"
    __table_args__ = (UniqueConstraint("key", "version"),)
    __repr_attrs__ = ("key", "version")

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64))
    version: Mapped[int]
    title_nl: Mapped[str] = mapped_column(Text)
    title_en: Mapped[str | None] = mapped_column(Text)
    description_nl: Mapped[str | None] = mapped_column(Text)
    description_en: Mapped[str | None] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    # The file as it was loaded, so that an exchange package can carry it; None for a version
    # loaded before this was kept (and not the shipped file): it cannot be exported.
    source_yaml: Mapped[str | None] = mapped_column(Text)
    # Since format version 2: the glossary, [{"term", "nl", "en"}], and the kinds of unit that
    # questions are tagged with, [{"key", "nl", "en"}]; None for a file without them.
    terms: Mapped[list[Any] | None] = mapped_column(JSON)
    profiles: Mapped[list[Any] | None] = mapped_column(JSON)
    loaded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    scale: Mapped[list[ScaleLevel]] = relationship(order_by="ScaleLevel.level", cascade="all, delete-orphan")
    themes: Mapped[list[Theme]] = relationship(
        back_populates="questionnaire", order_by="Theme.position", cascade="all, delete-orphan"
    )

    @property
    def label(self) -> str:
        return f"{self.key}@{self.version}"

    @property
    def top_level(self) -> int:
        return self.scale[-1].level


class ScaleLevel(Localised, Base):
    __tablename__ = "scale_levels"
    __table_args__ = (UniqueConstraint("questionnaire_id", "level"),)
    __repr_attrs__ = ("level", "label_nl")

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("questionnaires.id", ondelete="CASCADE"))
    level: Mapped[int]
    label_nl: Mapped[str] = mapped_column(String(100))
    label_en: Mapped[str | None] = mapped_column(String(100))
    description_nl: Mapped[str] = mapped_column(Text)
    description_en: Mapped[str | None] = mapped_column(Text)


class Theme(Localised, Base):
    """A speerpunt."""

    __tablename__ = "themes"
    __table_args__ = (UniqueConstraint("questionnaire_id", "key"),)
    __repr_attrs__ = ("key",)

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("questionnaires.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    position: Mapped[int]
    title_nl: Mapped[str] = mapped_column(Text)
    title_en: Mapped[str | None] = mapped_column(Text)
    description_nl: Mapped[str | None] = mapped_column(Text)
    description_en: Mapped[str | None] = mapped_column(Text)
    weight: Mapped[float] = mapped_column(default=1.0)
    default_target: Mapped[int]

    questionnaire: Mapped[Questionnaire] = relationship(back_populates="themes")
    capabilities: Mapped[list[Capability]] = relationship(
        back_populates="theme", order_by="Capability.position", cascade="all, delete-orphan"
    )

    @property
    def questions(self) -> list[Question]:
        return [q for c in self.capabilities for q in c.questions]


class Capability(Localised, Base):
    __tablename__ = "capabilities"
    __table_args__ = (UniqueConstraint("theme_id", "key"),)
    __repr_attrs__ = ("key",)

    id: Mapped[int] = mapped_column(primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    position: Mapped[int]
    title_nl: Mapped[str] = mapped_column(Text)
    title_en: Mapped[str | None] = mapped_column(Text)
    description_nl: Mapped[str | None] = mapped_column(Text)
    description_en: Mapped[str | None] = mapped_column(Text)
    weight: Mapped[float] = mapped_column(default=1.0)

    theme: Mapped[Theme] = relationship(back_populates="capabilities")
    questions: Mapped[list[Question]] = relationship(
        back_populates="capability", order_by="Question.position", cascade="all, delete-orphan"
    )


class Question(Localised, Base):
    __tablename__ = "questions"
    __table_args__ = (UniqueConstraint("capability_id", "key"),)
    __repr_attrs__ = ("key",)

    id: Mapped[int] = mapped_column(primary_key=True)
    capability_id: Mapped[int] = mapped_column(ForeignKey("capabilities.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64), index=True)
    position: Mapped[int]
    text_nl: Mapped[str] = mapped_column(Text)
    text_en: Mapped[str | None] = mapped_column(Text)
    help_nl: Mapped[str | None] = mapped_column(Text)
    help_en: Mapped[str | None] = mapped_column(Text)
    weight: Mapped[float] = mapped_column(default=1.0)
    allow_not_applicable: Mapped[bool] = mapped_column(default=False)
    # Since format version 2, all optional (see questionnaires/README.md).
    why_nl: Mapped[str | None] = mapped_column(Text)
    why_en: Mapped[str | None] = mapped_column(Text)
    source_theme_key: Mapped[str | None] = mapped_column(String(64))
    source_nl: Mapped[str | None] = mapped_column(Text)
    source_en: Mapped[str | None] = mapped_column(Text)
    respondent: Mapped[str | None] = mapped_column(String(40))
    profiles: Mapped[list[str] | None] = mapped_column(JSON)  # None: every kind of unit
    evidence: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # {"3": {"nl": ..., "en": ...}}

    capability: Mapped[Capability] = relationship(back_populates="questions")
    levels: Mapped[list[QuestionLevel]] = relationship(
        order_by="QuestionLevel.level", cascade="all, delete-orphan"
    )


class QuestionLevel(Localised, Base):
    """What a level looks like for one question, and the next step from it to the level above."""

    __tablename__ = "question_levels"
    __table_args__ = (UniqueConstraint("question_id", "level"),)
    __repr_attrs__ = ("level",)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"))
    level: Mapped[int]
    descriptor_nl: Mapped[str] = mapped_column(Text)
    descriptor_en: Mapped[str | None] = mapped_column(Text)
    next_step_nl: Mapped[str | None] = mapped_column(Text)  # none at the top level
    next_step_en: Mapped[str | None] = mapped_column(Text)
