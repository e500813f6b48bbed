"""Figures of assessments and rounds, as plain data, for every page, the API, exports and PDFs.

A round's figures are built in a fixed number of queries, whatever the number of units or
rounds, and kept per round until ``Round.results_version`` moves. A rebuild scores again only
the assessments whose own version (or targets) changed: a save costs one assessment's scoring,
not the round's.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Protocol

from sqlalchemy import func, literal, or_, select, union_all

from assessment import scoring
from assessment.assessments.models import Answer, Assessment, AssessmentStatus
from assessment.db import session
from assessment.results import questionnaire as plain
from assessment.results.cache import results_cache
from assessment.rounds.models import Round, RoundTarget, Target
from assessment.units.models import Unit

COUNTED = (AssessmentStatus.SUBMITTED, AssessmentStatus.APPROVED)
MIN_UNITS_FOR_MEDIAN = 3  # below this, a median would single out a unit


def shown_median(distribution: scoring.Distribution) -> float | None:
    """The median, or None when fewer than MIN_UNITS_FOR_MEDIAN units are in it, so that no
    single unit can be recognised in a Defensie-wide figure."""
    return distribution.median if distribution.n >= MIN_UNITS_FOR_MEDIAN else None


def shown_medians(distributions: Mapping[str, scoring.Distribution]) -> dict[str, float | None]:
    return {key: shown_median(d) for key, d in distributions.items()}


class RoundRef(Protocol):
    """What the read side needs of a round: a ``Round`` row does."""

    id: int
    questionnaire_id: int
    results_version: int


@dataclass(frozen=True)
class ScoredAssessment:
    """One assessment's scores (no per-question details), free of any database session."""

    assessment_id: int
    unit_id: int
    unit_code: str
    unit_name: str
    status: AssessmentStatus
    version: int
    result: scoring.AssessmentResult


@dataclass(frozen=True)
class RoundFigures:
    """Every assessment of one round with its scores, the targets, and the Defensie benchmark."""

    round_id: int
    results_version: int
    questionnaire: plain.Questionnaire
    default_targets: Mapping[str, float]
    unit_targets: Mapping[int, Mapping[str, float]]
    assessments: tuple[ScoredAssessment, ...]  # every status, by assessment id

    def scored(self, statuses: Iterable[AssessmentStatus] = COUNTED) -> tuple[ScoredAssessment, ...]:
        wanted = set(statuses)
        return tuple(s for s in self.assessments if s.status in wanted)

    @cached_property
    def benchmark(self) -> scoring.Benchmark:
        """Defensie-wide figures over the submitted and approved assessments; computed once."""
        return scoring.benchmark([s.result for s in self.scored(COUNTED)])

    @cached_property
    def by_unit(self) -> dict[int, ScoredAssessment]:
        return {s.unit_id: s for s in self.assessments}

    def targets_for(self, unit_id: int) -> dict[str, float]:
        """The unit's target per speerpunt key: its own where set, else the round's default."""
        return scoring.resolve_targets(self.default_targets, self.unit_targets.get(unit_id, {}))


def round_figures(round_: RoundRef, language: str = "nl") -> RoundFigures:
    """Return the figures of one round (see ``figures_for_rounds``)."""
    return figures_for_rounds([round_], language)[round_.id]


def figures_for_rounds(rounds: Sequence[RoundRef], language: str = "nl") -> dict[int, RoundFigures]:
    """Return the figures of every round in ``rounds``, by round id.

    A round whose cached figures carry its current ``results_version`` costs no query. The others
    are rebuilt together in at most three queries (assessments, targets, the answers of the
    assessments that changed), however many rounds and units there are.
    """
    store = results_cache()
    found: dict[int, RoundFigures] = {}
    stale: list[RoundRef] = []
    for round_ in rounds:
        cached = store.rounds.get((round_.id, language))
        if (
            cached is not None
            and cached.results_version == round_.results_version
            and cached.questionnaire.id == round_.questionnaire_id
        ):
            found[round_.id] = cached
        else:
            stale.append(round_)
    if stale:
        for figures in _build(stale, language):
            store.rounds[(figures.round_id, language)] = figures
            found[figures.round_id] = figures
    return found


def _build(rounds: Sequence[RoundRef], language: str) -> list[RoundFigures]:
    store = results_cache()
    ids = [r.id for r in rounds]
    rows = session.execute(
        select(
            Assessment.id,
            Assessment.round_id,
            Assessment.unit_id,
            Unit.code,
            Unit.name,
            Assessment.status,
            Assessment.version,
        )
        .join(Unit, Unit.id == Assessment.unit_id)
        .where(Assessment.round_id.in_(ids))
        .order_by(Assessment.id)
    ).all()
    defaults: dict[int, dict[int, float]] = {i: {} for i in ids}
    own: dict[int, dict[int, dict[int, float]]] = {i: {} for i in ids}
    for round_id, unit_id, theme_id, level in session.execute(
        union_all(
            select(
                RoundTarget.round_id, literal(None).label("unit_id"), RoundTarget.theme_id, RoundTarget.level
            ).where(RoundTarget.round_id.in_(ids)),
            select(Target.round_id, Target.unit_id, Target.theme_id, Target.level).where(
                Target.round_id.in_(ids)
            ),
        )
    ):
        if unit_id is None:
            defaults[round_id][theme_id] = float(level)
        else:
            own[round_id].setdefault(unit_id, {})[theme_id] = float(level)

    questionnaires = {r.id: plain.load(r.questionnaire_id, language) for r in rounds}
    targets: dict[int, dict[str, float]] = {}  # by assessment id
    keys: dict[int, tuple[object, ...]] = {}
    kept: dict[int, scoring.AssessmentResult] = {}
    missing: list[int] = []
    for assessment_id, round_id, unit_id, _code, _name, _status, version in rows:
        data = questionnaires[round_id]
        by_id = data.theme_keys_by_id
        resolved = scoring.resolve_targets(
            {by_id[t]: v for t, v in defaults[round_id].items() if t in by_id},
            {by_id[t]: v for t, v in own[round_id].get(unit_id, {}).items() if t in by_id},
        )
        targets[assessment_id] = resolved
        keys[assessment_id] = (assessment_id, version, data.id, language, tuple(sorted(resolved.items())))
        found = store.assessment_result(keys[assessment_id])
        if found is None:
            missing.append(assessment_id)
        else:
            kept[assessment_id] = found
    question_keys = {
        qid: key for data in questionnaires.values() for qid, key in data.question_keys_by_id.items()
    }
    answers = answer_data(missing, question_keys)

    scored: dict[int, list[ScoredAssessment]] = {i: [] for i in ids}
    for assessment_id, round_id, unit_id, code, name, status, version in rows:
        result = kept.get(assessment_id)
        if result is None:
            result = scoring.score_assessment(
                questionnaires[round_id].scoring,
                answers.get(assessment_id, {}),
                targets[assessment_id],
                details=False,
            )
            store.keep_assessment_result(keys[assessment_id], result)
        scored[round_id].append(
            ScoredAssessment(assessment_id, unit_id, code, name, AssessmentStatus(status), version, result)
        )

    built = []
    for round_ in rounds:
        by_id = questionnaires[round_.id].theme_keys_by_id
        built.append(
            RoundFigures(
                round_id=round_.id,
                results_version=round_.results_version,
                questionnaire=questionnaires[round_.id],
                default_targets={by_id[t]: v for t, v in defaults[round_.id].items() if t in by_id},
                unit_targets={
                    unit_id: {by_id[t]: v for t, v in levels.items() if t in by_id}
                    for unit_id, levels in own[round_.id].items()
                },
                assessments=tuple(scored[round_.id]),
            )
        )
    return built


def answer_data(
    assessment_ids: Iterable[int], question_keys: Mapping[int, str]
) -> dict[int, dict[str, scoring.AnswerData]]:
    """Return per assessment id its answers keyed by question key (``question_keys`` maps ids to
    keys), in one query; none for no ids."""
    ids = list(assessment_ids)
    result: dict[int, dict[str, scoring.AnswerData]] = {i: {} for i in ids}
    if not ids:
        return result
    rows = session.execute(
        select(Answer.assessment_id, Answer.question_id, Answer.level, Answer.is_not_applicable).where(
            Answer.assessment_id.in_(ids)
        )
    )
    for assessment_id, question_id, level, not_applicable in rows:
        key = question_keys.get(question_id)
        if key is not None:
            result[assessment_id][key] = scoring.AnswerData(level, not_applicable)
    return result


# -- one assessment ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredAnswer:
    """One stored answer as the fill-in pages and the PDF show it."""

    level: int | None
    not_applicable: bool
    comment: str
    updated_by_id: int | None

    @property
    def is_answered(self) -> bool:
        return self.level is not None or self.not_applicable

    @property
    def choice(self) -> str:
        """The answer as the form's radio value: "3", "nvt" or "" (no answer yet)."""
        if self.not_applicable:
            return "nvt"
        return str(self.level) if self.level is not None else ""


def stored_answers(assessment_id: int) -> dict[int, StoredAnswer]:
    """Return the assessment's answers by question id, in one query."""
    return stored_answers_of([assessment_id])[assessment_id]


def stored_answers_of(assessment_ids: Iterable[int]) -> dict[int, dict[int, StoredAnswer]]:
    """Return per assessment id its answers by question id, in one query (none for no ids)."""
    ids = list(assessment_ids)
    out: dict[int, dict[int, StoredAnswer]] = {i: {} for i in ids}
    if not ids:
        return out
    for assessment_id, question_id, level, not_applicable, comment, updated_by_id in session.execute(
        select(
            Answer.assessment_id,
            Answer.question_id,
            Answer.level,
            Answer.is_not_applicable,
            Answer.comment,
            Answer.updated_by_id,
        ).where(Answer.assessment_id.in_(ids))
    ):
        out[assessment_id][question_id] = StoredAnswer(level, not_applicable, comment or "", updated_by_id)
    return out


@dataclass(frozen=True)
class Progress:
    answered: int
    total: int

    @property
    def is_complete(self) -> bool:
        return self.answered >= self.total

    @property
    def fraction(self) -> float:
        return self.answered / self.total if self.total else 0.0


def theme_progress(data: plain.Questionnaire, answers: Mapping[int, StoredAnswer]) -> dict[str, Progress]:
    """Return answered / total per speerpunt key (n.v.t. counts as answered)."""
    return {
        theme.key: Progress(
            sum(1 for q in theme.questions if q.id in answers and answers[q.id].is_answered),
            len(theme.questions),
        )
        for theme in data.themes
    }


def progress_for(assessments: Iterable[Assessment]) -> dict[int, Progress]:
    """Return answered / total per assessment id: one query whatever the number (the totals come
    from the cached questionnaires)."""
    assessments = list(assessments)
    answered = answered_counts([a.id for a in assessments])
    return {
        a.id: Progress(answered.get(a.id, 0), plain.load(a.round.questionnaire_id).question_count)
        for a in assessments
    }


def answered_counts(assessment_ids: list[int]) -> dict[int, int]:
    """How many questions each assessment has answered (n.v.t. counts), in one query."""
    if not assessment_ids:
        return {}
    rows = session.execute(
        select(Answer.assessment_id, func.count())
        .where(Answer.assessment_id.in_(assessment_ids))
        .where(or_(Answer.level.is_not(None), Answer.is_not_applicable))
        .group_by(Answer.assessment_id)
    )
    return {row[0]: row[1] for row in rows}


def total_progress(per_theme: Mapping[str, Progress]) -> Progress:
    return Progress(sum(p.answered for p in per_theme.values()), sum(p.total for p in per_theme.values()))


# -- the way through the questionnaire ----------------------------------------------------------


@dataclass(frozen=True)
class OpenQuestion:
    """Where "Ga verder" leads: an unanswered question and its speerpunt."""

    theme: plain.Theme
    question: plain.Question


def answered_ids(answers: Mapping[int, StoredAnswer]) -> set[int]:
    """The ids of the questions with a level or n.v.t. among ``answers``."""
    return {question_id for question_id, answer in answers.items() if answer.is_answered}


def next_open_question(
    data: plain.Questionnaire, answered: Container[int], *, after: plain.Theme | None = None
) -> OpenQuestion | None:
    """Return the first unanswered question of the first unfinished speerpunt, or None.

    Without ``after`` the speerpunten are searched from the first; with it, from the one after
    ``after`` round to the one before it (``after`` itself is left out: "Opslaan en volgende").
    """
    themes = data.themes
    if after is not None:
        position = themes.index(after)
        themes = themes[position + 1 :] + themes[:position]
    for theme in themes:
        for question in theme.questions:
            if question.id not in answered:
                return OpenQuestion(theme, question)
    return None


def open_questions_of(assessments: Iterable[Assessment]) -> dict[int, OpenQuestion | None]:
    """Return per assessment id where its "Ga verder" leads (None: all answered), in one query
    whatever the number of assessments (the questionnaires are cached)."""
    assessments = list(assessments)
    if not assessments:
        return {}
    answered: dict[int, set[int]] = {a.id: set() for a in assessments}
    rows = session.execute(
        select(Answer.assessment_id, Answer.question_id)
        .where(Answer.assessment_id.in_(list(answered)))
        .where(or_(Answer.level.is_not(None), Answer.is_not_applicable))
    )
    for assessment_id, question_id in rows:
        answered[assessment_id].add(question_id)
    return {
        a.id: next_open_question(plain.load(a.round.questionnaire_id), answered[a.id]) for a in assessments
    }


def assessment_result(
    assessment_id: int,
    unit_id: int,
    figures: RoundFigures,
    answers: Mapping[int, StoredAnswer] | None = None,
) -> scoring.AssessmentResult:
    """Return every figure of one assessment, recommendations and per-question results included,
    with the unit's targets for the round. ``answers`` saves the query when the caller has them."""
    data = figures.questionnaire
    if answers is None:
        answers = stored_answers(assessment_id)
    keys = data.question_keys_by_id
    return scoring.score_assessment(
        data.scoring,
        {
            keys[qid]: scoring.AnswerData(a.level, a.not_applicable)
            for qid, a in answers.items()
            if qid in keys
        },
        figures.targets_for(unit_id),
    )


@dataclass(frozen=True)
class Earlier:
    """The same unit's assessment in an earlier round, with that round's figures."""

    assessment_id: int
    round_code: str
    figures: RoundFigures

    @property
    def scored(self) -> ScoredAssessment | None:
        return next((s for s in self.figures.assessments if s.assessment_id == self.assessment_id), None)


def previous_assessment(
    unit_id: int, assessment_id: int, before: Round, language: str = "nl"
) -> Earlier | None:
    """Return the unit's assessment in the latest earlier round that counts (submitted or
    approved), with that round's figures; None when there is none. One query, plus the earlier
    round's figures when they are not cached."""
    row = session.execute(
        select(Assessment.id, Round)
        .join(Round, Round.id == Assessment.round_id)
        .where(
            Assessment.unit_id == unit_id,
            Assessment.id != assessment_id,
            Round.created_at < before.created_at,
            Assessment.status.in_(list(COUNTED)),
        )
        .order_by(Round.created_at.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    earlier_id, earlier_round = row
    return Earlier(earlier_id, earlier_round.code, round_figures(earlier_round, language))


def question_changes_since(
    earlier: Earlier, unit_id: int, result: scoring.AssessmentResult
) -> list[scoring.Change]:
    """Return per question of ``result`` that the earlier assessment also had (matched by key,
    so across questionnaire versions the kept keys) its level then and now, in ``result``'s order.
    One query: the earlier answers."""
    before = assessment_result(earlier.assessment_id, unit_id, earlier.figures)
    changes = scoring.question_changes(before, result)
    return [changes[key] for key in result.questions if key in changes]
