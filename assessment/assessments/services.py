"""Filling in, submitting and deciding on assessments. Services flush; the caller commits."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import selectinload

from assessment import scoring
from assessment.assessments.models import (
    COMMENT_MAX_LENGTH,
    Answer,
    Assessment,
    AssessmentStatus,
)
from assessment.audit.services import record
from assessment.auth.models import User
from assessment.db import session, utcnow
from assessment.questionnaires.models import Capability, Question, Questionnaire, Theme
from assessment.rounds.models import Round, RoundTarget, Target


class AssessmentError(Exception):
    """The change cannot be made; the message says why, in Dutch, for the user."""


class StaleAssessment(AssessmentError):
    """Someone else changed the assessment after this page was loaded."""

    def __init__(self) -> None:
        super().__init__(
            "Iemand anders heeft deze vragenlijst gewijzigd nadat u de pagina opende. "
            "Uw wijzigingen zijn niet opgeslagen."
        )


class NotEditable(AssessmentError):
    def __init__(self, status: AssessmentStatus) -> None:
        super().__init__(f"Deze vragenlijst is {status.label} en kan niet meer worden gewijzigd.")


@dataclass(frozen=True)
class AnswerInput:
    """What the user chose for one question."""

    level: int | None = None
    not_applicable: bool = False
    comment: str = ""

    def __post_init__(self) -> None:
        if self.level is not None and self.not_applicable:
            raise ValueError("an answer is a level or n.v.t., not both")
        if len(self.comment) > COMMENT_MAX_LENGTH:
            raise ValueError("comment too long")

    @classmethod
    def of(cls, answer: Answer | None) -> AnswerInput:
        if answer is None:
            return cls()
        return cls(answer.level, answer.is_not_applicable, answer.comment)

    def as_audit(self) -> dict[str, object]:
        return {"level": "n.v.t." if self.not_applicable else self.level, "comment": self.comment}


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


def get_assessment(assessment_id: int) -> Assessment | None:
    return session.get(
        Assessment,
        assessment_id,
        options=[
            selectinload(Assessment.round).selectinload(Round.questionnaire),
            selectinload(Assessment.unit),
        ],
    )


def load_themes(questionnaire_id: int) -> list[Theme]:
    """Return the questionnaire's themes with capabilities, questions and levels, in order."""
    return list(
        session.scalars(
            select(Theme)
            .where(Theme.questionnaire_id == questionnaire_id)
            .order_by(Theme.position)
            .options(
                selectinload(Theme.capabilities)
                .selectinload(Capability.questions)
                .selectinload(Question.levels)
            )
        )
    )


def answers_by_question(assessment: Assessment) -> dict[int, Answer]:
    return {
        answer.question_id: answer
        for answer in session.scalars(select(Answer).where(Answer.assessment_id == assessment.id))
    }


def theme_progress(themes: Iterable[Theme], answers: Mapping[int, Answer]) -> dict[int, Progress]:
    """Return answered / total per theme id (n.v.t. counts as answered)."""
    result = {}
    for theme in themes:
        questions = theme.questions
        answered = sum(1 for q in questions if q.id in answers and answers[q.id].is_answered)
        result[theme.id] = Progress(answered, len(questions))
    return result


def total_progress(per_theme: Mapping[int, Progress]) -> Progress:
    return Progress(sum(p.answered for p in per_theme.values()), sum(p.total for p in per_theme.values()))


def _answered_counts(assessment_ids: list[int]) -> dict[int, int]:
    if not assessment_ids:
        return {}
    return dict(
        session.execute(
            select(Answer.assessment_id, func.count())
            .where(Answer.assessment_id.in_(assessment_ids))
            .where(or_(Answer.level.is_not(None), Answer.is_not_applicable))
            .group_by(Answer.assessment_id)
        ).all()
    )


def _question_totals(questionnaire_ids: Iterable[int]) -> dict[int, int]:
    return dict(
        session.execute(
            select(Theme.questionnaire_id, func.count(Question.id))
            .join(Capability, Capability.theme_id == Theme.id)
            .join(Question, Question.capability_id == Capability.id)
            .where(Theme.questionnaire_id.in_(list(questionnaire_ids)))
            .group_by(Theme.questionnaire_id)
        ).all()
    )


def progress_for(assessments: Iterable[Assessment]) -> dict[int, Progress]:
    """Return answered / total per assessment id, in two queries whatever the number."""
    assessments = list(assessments)
    if not assessments:
        return {}
    answered = _answered_counts([a.id for a in assessments])
    totals = _question_totals({a.round.questionnaire_id for a in assessments})
    return {
        a.id: Progress(answered.get(a.id, 0), totals.get(a.round.questionnaire_id, 0)) for a in assessments
    }


def progress_for_ids(round_: Round, assessment_ids: Iterable[int]) -> dict[int, Progress]:
    """Return answered / total per assessment id of one round, in two queries."""
    ids = list(assessment_ids)
    answered = _answered_counts(ids)
    total = _question_totals([round_.questionnaire_id]).get(round_.questionnaire_id, 0)
    return {i: Progress(answered.get(i, 0), total) for i in ids}


def _advance(
    assessment: Assessment,
    expected_version: int,
    *,
    allowed: Iterable[AssessmentStatus],
    **values: object,
) -> None:
    """Raise the version (and set ``values``) only if nobody changed it since ``expected_version``.

    One UPDATE ... WHERE version = expected AND status IN allowed: two requests at the same
    moment, on one server or several, cannot both pass.
    """
    allowed = tuple(allowed)
    if assessment.status not in allowed:
        raise NotEditable(assessment.status)
    result = session.execute(
        update(Assessment)
        .where(
            Assessment.id == assessment.id,
            Assessment.version == expected_version,
            Assessment.status.in_(allowed),
        )
        .values(version=expected_version + 1, updated_at=utcnow(), **values)
        .execution_options(synchronize_session="fetch")
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        session.refresh(assessment)
        raise StaleAssessment()


EDITABLE = (AssessmentStatus.DRAFT, AssessmentStatus.RETURNED)


def save_answers(
    assessment: Assessment,
    inputs: Mapping[int, AnswerInput],
    *,
    expected_version: int,
    user: User,
) -> int:
    """Store the answers that changed and return how many; all or nothing.

    Raises NotEditable for a submitted or approved assessment and StaleAssessment when the
    page was loaded before someone else's save.
    """
    existing = answers_by_question(assessment)
    changed = {
        question_id: given
        for question_id, given in inputs.items()
        if given != AnswerInput.of(existing.get(question_id))
    }
    if not changed:
        if not assessment.status.is_editable:
            raise NotEditable(assessment.status)
        return 0
    _advance(assessment, expected_version, allowed=EDITABLE)
    now = utcnow()
    keys = dict(session.execute(select(Question.id, Question.key).where(Question.id.in_(changed))).all())
    old, new = {}, {}
    for question_id, given in changed.items():
        answer = existing.get(question_id)
        old[keys[question_id]] = AnswerInput.of(answer).as_audit()
        new[keys[question_id]] = given.as_audit()
        if answer is None:
            answer = Answer(assessment_id=assessment.id, question_id=question_id)
            session.add(answer)
        answer.level = given.level
        answer.is_not_applicable = given.not_applicable
        answer.comment = given.comment
        answer.updated_at = now
        answer.updated_by_id = user.id
    session.flush()
    record("assessment.answers", assessment, old=old, new=new, actor=user)
    return len(changed)


def submit(assessment: Assessment, *, expected_version: int, user: User) -> None:
    """Hand the assessment in; after this only a coordinator can return it for changes."""
    old_status = assessment.status
    _advance(
        assessment,
        expected_version,
        allowed=EDITABLE,
        status=AssessmentStatus.SUBMITTED,
        submitted_at=utcnow(),
        submitted_by_id=user.id,
    )
    record(
        "assessment.submit",
        assessment,
        old={"status": old_status.value},
        new={"status": AssessmentStatus.SUBMITTED.value},
        actor=user,
    )


def approve(assessment: Assessment, *, expected_version: int, user: User) -> None:
    _advance(
        assessment,
        expected_version,
        allowed=(AssessmentStatus.SUBMITTED,),
        status=AssessmentStatus.APPROVED,
        decided_at=utcnow(),
        decided_by_id=user.id,
    )
    record(
        "assessment.approve", assessment, old={"status": "submitted"}, new={"status": "approved"}, actor=user
    )


def return_for_changes(assessment: Assessment, *, reason: str, expected_version: int, user: User) -> None:
    """Give a submitted assessment back to the unit, with the reason it must read."""
    reason = reason.strip()
    if not reason:
        raise AssessmentError("Geef een reden op, zodat de eenheid weet wat er moet gebeuren.")
    _advance(
        assessment,
        expected_version,
        allowed=(AssessmentStatus.SUBMITTED,),
        status=AssessmentStatus.RETURNED,
        return_reason=reason,
        decided_at=utcnow(),
        decided_by_id=user.id,
    )
    record(
        "assessment.return",
        assessment,
        old={"status": "submitted"},
        new={"status": "returned", "reason": reason},
        actor=user,
    )


def assessments_for(user: User, *, round_ids: Iterable[int] | None = None) -> list[Assessment]:
    """Return the assessments the user may see, newest round first."""
    query = (
        select(Assessment)
        .join(Assessment.round)
        .options(selectinload(Assessment.round), selectinload(Assessment.unit))
        .order_by(Round.created_at.desc(), Assessment.id)
    )
    if not user.sees_all_units:
        query = query.where(Assessment.unit_id.in_(user.unit_ids or {-1}))
    if round_ids is not None:
        query = query.where(Assessment.round_id.in_(list(round_ids)))
    return list(session.scalars(query))


# -- results: from the database to plain data for assessment.scoring ----------------------------

COUNTED = (AssessmentStatus.SUBMITTED, AssessmentStatus.APPROVED)
MIN_UNITS_FOR_MEDIAN = 3  # below this, a median would single out a unit


def shown_median(distribution: scoring.Distribution) -> float | None:
    """The median, or None when fewer than MIN_UNITS_FOR_MEDIAN units are in it, so that no
    single unit can be recognised in a Defensie-wide figure."""
    return distribution.median if distribution.n >= MIN_UNITS_FOR_MEDIAN else None


def shown_medians(distributions: Mapping[str, scoring.Distribution]) -> dict[str, float | None]:
    return {key: shown_median(d) for key, d in distributions.items()}


_questionnaire_cache: dict[tuple[str, str], scoring.QuestionnaireData] = {}


def questionnaire_data(questionnaire: Questionnaire, language: str = "nl") -> scoring.QuestionnaireData:
    """Return the questionnaire as plain data for scoring.

    A loaded version never changes, so the result is kept per content hash: after the first
    request a results page needs no queries for the questionnaire itself.
    """
    cache_key = (questionnaire.content_hash, language)
    cached = _questionnaire_cache.get(cache_key)
    if cached is not None:
        return cached
    themes = load_themes(questionnaire.id)
    data = scoring.QuestionnaireData(
        scale=tuple(
            scoring.ScaleLevel(s.level, s.text("label", language) or str(s.level))
            for s in questionnaire.scale
        ),
        themes=tuple(
            scoring.ThemeData(
                key=theme.key,
                title=theme.text("title", language) or theme.key,
                weight=theme.weight,
                capabilities=tuple(
                    scoring.CapabilityData(
                        key=capability.key,
                        title=capability.text("title", language) or capability.key,
                        weight=capability.weight,
                        questions=tuple(
                            scoring.QuestionData(
                                key=question.key,
                                text=question.text("text", language) or question.key,
                                weight=question.weight,
                                next_steps={
                                    level.level: step
                                    for level in question.levels
                                    if (step := level.text("next_step", language))
                                },
                            )
                            for question in capability.questions
                        ),
                    )
                    for capability in theme.capabilities
                ),
            )
            for theme in themes
        ),
    )
    _questionnaire_cache[cache_key] = data
    return data


def answer_data(assessment_ids: Iterable[int]) -> dict[int, dict[str, scoring.AnswerData]]:
    """Return per assessment id its answers keyed by question key, in one query."""
    ids = list(assessment_ids)
    result: dict[int, dict[str, scoring.AnswerData]] = {i: {} for i in ids}
    if not ids:
        return result
    rows = session.execute(
        select(Answer.assessment_id, Question.key, Answer.level, Answer.is_not_applicable)
        .join(Question, Question.id == Answer.question_id)
        .where(Answer.assessment_id.in_(ids))
    )
    for assessment_id, key, level, not_applicable in rows:
        result[assessment_id][key] = scoring.AnswerData(level, not_applicable)
    return result


def round_default_targets(round_id: int) -> dict[str, float]:
    return {
        key: float(level)
        for key, level in session.execute(
            select(Theme.key, RoundTarget.level)
            .join(Theme, Theme.id == RoundTarget.theme_id)
            .where(RoundTarget.round_id == round_id)
        )
    }


def unit_targets(round_id: int, unit_ids: Iterable[int]) -> dict[int, dict[str, float]]:
    """Return the units' own targets per theme key (only where a coordinator set one)."""
    ids = list(unit_ids)
    result: dict[int, dict[str, float]] = {i: {} for i in ids}
    if not ids:
        return result
    rows = session.execute(
        select(Target.unit_id, Theme.key, Target.level)
        .join(Theme, Theme.id == Target.theme_id)
        .where(Target.round_id == round_id, Target.unit_id.in_(ids))
    )
    for unit_id, key, level in rows:
        result[unit_id][key] = float(level)
    return result


def result_for(assessment: Assessment, language: str = "nl") -> scoring.AssessmentResult:
    """Return every figure of one assessment, with the unit's targets for its round."""
    targets = scoring.resolve_targets(
        round_default_targets(assessment.round_id),
        unit_targets(assessment.round_id, [assessment.unit_id])[assessment.unit_id],
    )
    return scoring.score_assessment(
        questionnaire_data(assessment.round.questionnaire, language),
        answer_data([assessment.id])[assessment.id],
        targets,
    )


def round_results(
    round_: Round,
    statuses: Iterable[AssessmentStatus] = COUNTED,
    language: str = "nl",
    *,
    details: bool = True,
) -> dict[int, tuple[Assessment, scoring.AssessmentResult]]:
    """Return per assessment id of the round (in the given statuses) the assessment and its result.

    A fixed number of queries whatever the number of units: the answers come in one query and
    are scored in Python. ``details=False``: scores only (see scoring.score_assessment).
    """
    assessments = list(
        session.scalars(
            select(Assessment)
            .where(Assessment.round_id == round_.id, Assessment.status.in_(list(statuses)))
            .options(selectinload(Assessment.unit))
        )
    )
    data = questionnaire_data(round_.questionnaire, language)
    defaults = round_default_targets(round_.id)
    own = unit_targets(round_.id, [a.unit_id for a in assessments])
    answers = answer_data([a.id for a in assessments])
    return {
        a.id: (
            a,
            scoring.score_assessment(
                data, answers[a.id], scoring.resolve_targets(defaults, own[a.unit_id]), details=details
            ),
        )
        for a in assessments
    }


@dataclass(frozen=True)
class ScoredAssessment:
    """One assessment's scores (without per-question details), free of any database session."""

    assessment_id: int
    unit_id: int
    status: AssessmentStatus
    result: scoring.AssessmentResult


_scores_cache: dict[tuple[object, ...], tuple[tuple[object, ...], tuple[ScoredAssessment, ...]]] = {}


def round_scores(
    round_: Round, statuses: Iterable[AssessmentStatus] = COUNTED
) -> tuple[ScoredAssessment, ...]:
    """Return the scores of every assessment of the round in ``statuses`` (default: submitted and
    approved), ordered by assessment id.

    Scoring every unit of a large round takes a moment, and the scores change only when an
    assessment in the set changes (every save and status change raises its version) or a target
    changes. So they are kept per round and set of statuses with a fingerprint of both, read from
    the database on every call: each app server recomputes after a change, none serves old
    figures, and the cache holds plain data only.
    """
    wanted = sorted({AssessmentStatus(s) for s in statuses}, key=lambda s: s.value)
    assessments = session.execute(
        select(
            func.count(Assessment.id),
            func.coalesce(func.sum(Assessment.id), 0),
            func.coalesce(func.sum(Assessment.version), 0),
            func.max(Assessment.updated_at),
        ).where(Assessment.round_id == round_.id, Assessment.status.in_(wanted))
    ).one()
    targets = session.execute(
        select(func.count(Target.id), func.coalesce(func.sum(Target.level * Target.id), 0)).where(
            Target.round_id == round_.id
        )
    ).one()
    fingerprint = (*assessments, *targets, round_.questionnaire.content_hash)
    cache_key = (str(session.get_bind().engine.url), round_.id, tuple(s.value for s in wanted))
    cached = _scores_cache.get(cache_key)
    if cached is not None and cached[0] == fingerprint:
        return cached[1]
    scored = tuple(
        ScoredAssessment(assessment.id, assessment.unit_id, assessment.status, result)
        for assessment, result in sorted(
            round_results(round_, wanted, details=False).values(), key=lambda p: p[0].id
        )
    )
    _scores_cache[cache_key] = (fingerprint, scored)
    return scored


def round_benchmark(round_: Round) -> scoring.Benchmark:
    """Return the Defensie-wide figures of the round: submitted and approved assessments only."""
    return scoring.benchmark([scored.result for scored in round_scores(round_, COUNTED)])


def previous_assessment(assessment: Assessment) -> Assessment | None:
    """Return the same unit's assessment in the latest earlier round that has answers to compare."""
    current = assessment.round
    earlier = (
        select(Assessment)
        .join(Assessment.round)
        .where(
            Assessment.unit_id == assessment.unit_id,
            Assessment.id != assessment.id,
            Round.created_at < current.created_at,
            Assessment.status.in_(list(COUNTED)),
        )
        .order_by(Round.created_at.desc())
        .limit(1)
        .options(selectinload(Assessment.round).selectinload(Round.questionnaire))
    )
    return session.scalar(earlier)
