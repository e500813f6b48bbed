"""A questionnaire version as plain, immutable data, built once per process per version and
language and shared by every request: the fill-in pages, results, exports and PDFs render from
it, and ``scoring`` computes with its ``scoring`` view. No request loads the tree through the ORM
once the version is cached."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from assessment import scoring
from assessment.db import session
from assessment.questionnaires import models
from assessment.results.cache import results_cache
from assessment.results.glossary import mark_terms


@dataclass(frozen=True, slots=True)
class ScaleLevel:
    level: int
    label: str
    description: str


@dataclass(frozen=True, slots=True)
class Level:
    """What ``level`` looks like for one question, and the next step from it (none at the top)."""

    level: int
    label: str
    descriptor: str
    next_step: str | None
    evidence: str | None = None  # what shows this level (format version 2)
    marked_descriptor: Markup | None = None  # the descriptor with glossary terms marked


@dataclass(frozen=True)
class Question:
    id: int
    key: str
    number: str  # "2.3": speerpunt 2, third question of that speerpunt
    text: str
    help: str | None
    weight: float
    allow_not_applicable: bool
    levels: tuple[Level, ...]
    # Since format version 2 (None or empty in a version 1 file): why it matters, who answers
    # best (a respondent key), the letter's passage and its speerpunt, the kinds of unit it
    # applies to (empty: every kind).
    why: str | None = None
    respondent: str | None = None
    source: str | None = None
    source_theme_key: str | None = None
    profiles: tuple[str, ...] = ()
    # The text and help with glossary terms marked (<abbr>); escaped, ready for a template.
    marked_text: Markup | None = None
    marked_help: Markup | None = None

    def applies_to(self, profile: str | None) -> bool:
        """Whether the question is meant for a unit of ``profile`` (any profile: yes)."""
        return not self.profiles or profile is None or profile in self.profiles

    def level(self, level: int | None) -> Level | None:
        return next((lv for lv in self.levels if lv.level == level), None)


@dataclass(frozen=True)
class Capability:
    id: int
    key: str
    number: str  # "2.3": third capability of speerpunt 2
    title: str
    description: str | None
    weight: float
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Theme:
    """A speerpunt."""

    id: int
    key: str
    number: int  # 1-based position
    title: str
    description: str | None
    weight: float
    default_target: int
    capabilities: tuple[Capability, ...]

    @cached_property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for c in self.capabilities for q in c.questions)


@dataclass(frozen=True, slots=True)
class Term:
    term: str
    explanation: str


@dataclass(frozen=True, slots=True)
class Profile:
    key: str
    label: str


@dataclass(frozen=True)
class Questionnaire:
    id: int
    key: str
    version: int
    content_hash: str
    language: str
    title: str
    scale: tuple[ScaleLevel, ...]
    themes: tuple[Theme, ...]
    scoring: scoring.QuestionnaireData = field(repr=False)
    terms: tuple[Term, ...] = ()  # the glossary, by term
    profiles: tuple[Profile, ...] = ()

    @property
    def label(self) -> str:
        return f"{self.key}@{self.version}"

    @property
    def top_level(self) -> int:
        return self.scale[-1].level

    @cached_property
    def themes_by_key(self) -> dict[str, Theme]:
        return {t.key: t for t in self.themes}

    @cached_property
    def theme_keys_by_id(self) -> dict[int, str]:
        return {t.id: t.key for t in self.themes}

    @cached_property
    def questions_by_key(self) -> dict[str, Question]:
        return {q.key: q for t in self.themes for q in t.questions}

    @cached_property
    def question_keys_by_id(self) -> dict[int, str]:
        return {q.id: q.key for t in self.themes for q in t.questions}

    @cached_property
    def numbers(self) -> dict[str, str]:
        """The printed number of every question ("2.3"), by question key."""
        return {q.key: q.number for t in self.themes for q in t.questions}

    @property
    def question_count(self) -> int:
        return len(self.questions_by_key)

    def theme(self, key: str) -> Theme | None:
        return self.themes_by_key.get(key)

    @cached_property
    def respondents(self) -> tuple[str, ...]:
        """The respondent keys the questions name, in order of first use."""
        return tuple(dict.fromkeys(q.respondent for t in self.themes for q in t.questions if q.respondent))

    def sources(self, theme_key: str) -> tuple[str, ...]:
        """The passages of the letter cited for speerpunt ``theme_key``, each once, in file order:
        a question's source names its speerpunt (the question's own theme when it names none)."""
        return tuple(
            dict.fromkeys(
                q.source
                for t in self.themes
                for q in t.questions
                if q.source and (q.source_theme_key or t.key) == theme_key
            )
        )

    def scale_label(self, level: int | None) -> str | None:
        return next((s.label for s in self.scale if s.level == level), None)


def load(questionnaire_id: int, language: str = "nl") -> Questionnaire:
    """Return questionnaire version ``questionnaire_id`` as plain data in ``language`` (English
    falls back to Dutch per text). Loaded from the database once per process; a stored version
    is never edited, so the copy cannot go stale."""
    return results_cache().once(  # type: ignore[no-any-return]
        ("questionnaire", questionnaire_id, language), lambda: _build(questionnaire_id, language)
    )


def _build(questionnaire_id: int, language: str) -> Questionnaire:
    stored = session.scalar(
        select(models.Questionnaire)
        .where(models.Questionnaire.id == questionnaire_id)
        .options(
            selectinload(models.Questionnaire.scale),
            selectinload(models.Questionnaire.themes)
            .selectinload(models.Theme.capabilities)
            .selectinload(models.Capability.questions)
            .selectinload(models.Question.levels),
        )
    )
    if stored is None:
        raise LookupError(f"questionnaire {questionnaire_id} does not exist")
    scale = tuple(
        ScaleLevel(s.level, s.text("label", language) or str(s.level), s.text("description", language) or "")
        for s in stored.scale
    )
    labels = {s.level: s.label for s in scale}
    terms = tuple(
        Term(item["term"], (item.get("en") if language == "en" else None) or item["nl"])
        for item in sorted(stored.terms or (), key=lambda item: str(item["term"]).casefold())
    )
    glossary = {t.term: t.explanation for t in terms}
    themes = []
    for t_number, theme in enumerate(stored.themes, start=1):
        capabilities = []
        q_number = 0
        for c_number, capability in enumerate(theme.capabilities, start=1):
            questions = []
            for question in capability.questions:
                q_number += 1
                text = question.text("text", language) or question.key
                help_ = question.text("help", language)
                descriptors = [lv.text("descriptor", language) or "" for lv in question.levels]
                marked_text, marked_help, *marked_levels = mark_terms([text, help_, *descriptors], glossary)
                evidence = question.evidence or {}
                questions.append(
                    Question(
                        id=question.id,
                        key=question.key,
                        number=f"{t_number}.{q_number}",
                        text=text,
                        help=help_,
                        weight=question.weight,
                        # A question meant for some kinds of unit only is n.v.t. for the others.
                        allow_not_applicable=question.allow_not_applicable or bool(question.profiles),
                        levels=tuple(
                            Level(
                                lv.level,
                                labels.get(lv.level, str(lv.level)),
                                descriptor,
                                lv.text("next_step", language),
                                evidence=_localised(evidence.get(str(lv.level)), language),
                                marked_descriptor=marked,
                            )
                            for lv, descriptor, marked in zip(
                                question.levels, descriptors, marked_levels, strict=True
                            )
                        ),
                        why=question.text("why", language),
                        respondent=question.respondent,
                        source=question.text("source", language),
                        source_theme_key=question.source_theme_key,
                        profiles=tuple(question.profiles or ()),
                        marked_text=marked_text,
                        marked_help=marked_help,
                    )
                )
            capabilities.append(
                Capability(
                    id=capability.id,
                    key=capability.key,
                    number=f"{t_number}.{c_number}",
                    title=capability.text("title", language) or capability.key,
                    description=capability.text("description", language),
                    weight=capability.weight,
                    questions=tuple(questions),
                )
            )
        themes.append(
            Theme(
                id=theme.id,
                key=theme.key,
                number=t_number,
                title=theme.text("title", language) or theme.key,
                description=theme.text("description", language),
                weight=theme.weight,
                default_target=theme.default_target,
                capabilities=tuple(capabilities),
            )
        )
    return Questionnaire(
        id=stored.id,
        key=stored.key,
        version=stored.version,
        content_hash=stored.content_hash,
        language=language,
        title=stored.text("title", language) or stored.key,
        scale=scale,
        themes=tuple(themes),
        scoring=_scoring_view(scale, themes),
        terms=terms,
        profiles=tuple(
            Profile(item["key"], (item.get("en") if language == "en" else None) or item["nl"])
            for item in stored.profiles or ()
        ),
    )


def _localised(texts: dict[str, str | None] | None, language: str) -> str | None:
    """``{"nl": ..., "en": ...}`` in ``language``; English falls back to Dutch."""
    if not texts:
        return None
    return (texts.get("en") if language == "en" else None) or texts.get("nl")


def _scoring_view(scale: tuple[ScaleLevel, ...], themes: list[Theme]) -> scoring.QuestionnaireData:
    return scoring.QuestionnaireData(
        scale=tuple(scoring.ScaleLevel(s.level, s.label) for s in scale),
        themes=tuple(
            scoring.ThemeData(
                key=t.key,
                title=t.title,
                weight=t.weight,
                capabilities=tuple(
                    scoring.CapabilityData(
                        key=c.key,
                        title=c.title,
                        weight=c.weight,
                        questions=tuple(
                            scoring.QuestionData(
                                key=q.key,
                                text=q.text,
                                weight=q.weight,
                                next_steps={lv.level: lv.next_step for lv in q.levels if lv.next_step},
                            )
                            for q in c.questions
                        ),
                    )
                    for c in t.capabilities
                ),
            )
            for t in themes
        ),
    )
