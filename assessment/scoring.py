"""Scores, gaps, recommendations, benchmarks and trends: the single source of every number.

Pure functions on plain data (frozen dataclasses in, frozen dataclasses out): no Flask, no
database. The web pages, the API, the exports and the PDF reports all call this module, so the
same assessment gives the same figures everywhere.

The rules (see DESIGN.md, "Scoring"):

* Capability score: the weighted mean (question weights) of its answered question levels;
  n.v.t. and empty answers are left out. Speerpunt (theme) score: the weighted mean (capability
  weights) of its capability scores. Overall score: the weighted mean (theme weights) of the
  theme scores. A scope with no answered question has no score (None, shown as "–").
* Attained level of a scope: the highest level L such that every answered question in the scope
  is at L or above, i.e. the lowest answered level (cumulative, as in C2M2 and CMMI). The
  questions that hold it down are those at that lowest level, unless it is the top of the scale.
* Completeness: answered questions (n.v.t. counts as answered) / all questions.
* Gap of a theme: max(0, target − score). Gap of a question: max(0, target of its theme − level).
* Percentage tot doel: 1 − Σ question gaps / Σ (target − lowest scale level), both over the
  questions answered with a level; 100% when no question is below its target; None when no
  question has a level (only n.v.t. or empty answers).
* Recommendations: for every answered question below its target, the next steps from its level
  up to the target; priority = question gap × question weight × capability weight × theme
  weight; sorted by priority (high first), then theme order, then question order.
* Benchmark: per theme and capability, over the given results: n, median, first and third
  quartile, min and max (see ``quartiles`` for the method).
* Trend: results of one unit over rounds, matched by theme key; questions are matched across
  questionnaire versions by their key.

Nothing here assumes five themes or five levels: both come from the questionnaire.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

# -- input ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScaleLevel:
    level: int
    label: str


@dataclass(frozen=True)
class QuestionData:
    key: str
    text: str
    weight: float = 1.0
    # Next step from level L to L + 1, for every level below the top.
    next_steps: Mapping[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class CapabilityData:
    key: str
    title: str
    questions: tuple[QuestionData, ...]
    weight: float = 1.0


@dataclass(frozen=True)
class ThemeData:
    key: str
    title: str
    capabilities: tuple[CapabilityData, ...]
    weight: float = 1.0

    @property
    def questions(self) -> tuple[QuestionData, ...]:
        return tuple(q for c in self.capabilities for q in c.questions)


@dataclass(frozen=True)
class QuestionnaireData:
    scale: tuple[ScaleLevel, ...]
    themes: tuple[ThemeData, ...]

    @property
    def lowest_level(self) -> int:
        return self.scale[0].level

    @property
    def top_level(self) -> int:
        return self.scale[-1].level

    def label(self, level: int | None) -> str | None:
        """The scale's name for ``level`` (e.g. "Gedefinieerd")."""
        return next((s.label for s in self.scale if s.level == level), None)

    def question_numbers(self) -> dict[str, str]:
        """ "2.3" for the third question of the second theme, by question key: the number that
        pages, reports and exports all print, short enough to say aloud."""
        return {
            question.key: f"{t}.{q}"
            for t, theme in enumerate(self.themes, start=1)
            for q, question in enumerate(theme.questions, start=1)
        }


@dataclass(frozen=True)
class AnswerData:
    """A level, or n.v.t.; an absent answer is simply not in the mapping."""

    level: int | None = None
    not_applicable: bool = False

    @property
    def is_answered(self) -> bool:
        return self.level is not None or self.not_applicable


NO_ANSWER = AnswerData()


# -- output ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionResult:
    key: str
    theme_key: str
    capability_key: str
    level: int | None
    not_applicable: bool
    target: float
    gap: float | None  # None when the question has no level


@dataclass(frozen=True)
class CapabilityResult:
    key: str
    title: str
    score: float | None
    attained_level: int | None
    answered: int
    total: int
    limited_by: tuple[str, ...] = ()  # keys of the questions that hold the attained level down

    @property
    def completeness(self) -> float:
        return self.answered / self.total if self.total else 0.0


@dataclass(frozen=True)
class ThemeResult:
    key: str
    title: str
    score: float | None
    attained_level: int | None
    answered: int
    total: int
    target: float
    gap: float | None
    percent_to_target: float | None
    capabilities: tuple[CapabilityResult, ...]
    limited_by: tuple[str, ...] = ()  # keys of the questions that hold the attained level down

    @property
    def completeness(self) -> float:
        return self.answered / self.total if self.total else 0.0


@dataclass(frozen=True)
class Step:
    from_level: int
    to_level: int
    text: str


@dataclass(frozen=True)
class Recommendation:
    theme_key: str
    capability_key: str
    question_key: str
    question_text: str
    level: int
    target: float
    gap: float
    priority: float
    steps: tuple[Step, ...]
    order: tuple[int, int]  # (theme position, question position in the questionnaire)


@dataclass(frozen=True)
class AssessmentResult:
    score: float | None
    attained_level: int | None
    answered: int
    total: int
    percent_to_target: float | None
    themes: tuple[ThemeResult, ...]
    questions: Mapping[str, QuestionResult]
    recommendations: tuple[Recommendation, ...]
    limited_by: tuple[str, ...] = ()  # keys of the questions that hold the attained level down

    @property
    def completeness(self) -> float:
        return self.answered / self.total if self.total else 0.0

    def theme(self, key: str) -> ThemeResult | None:
        return next((t for t in self.themes if t.key == key), None)


# -- scoring --------------------------------------------------------------------------------------


def weighted_mean(pairs: Iterable[tuple[float | None, float]]) -> float | None:
    """Return Σ value × weight / Σ weight over the pairs with a value; None if there are none."""
    total = weights = 0.0
    for value, weight in pairs:
        if value is not None:
            total += value * weight
            weights += weight
    return total / weights if weights else None


def resolve_targets(
    defaults: Mapping[str, float], overrides: Mapping[str, float] | None = None
) -> dict[str, float]:
    """Return the target per theme key: the round's default, replaced by the unit's own."""
    result = dict(defaults)
    result.update(overrides or {})
    return result


def limiting_questions(levels: Iterable[tuple[str, int]], top_level: int) -> tuple[str, ...]:
    """Return the keys of the questions that hold a scope's attained level down, in the given order.

    ``levels`` are (question key, level) of the scope's questions answered with a level. The
    attained level is the lowest of them, so the questions at that level are the ones to raise
    for the scope to reach a higher level. None when no question has a level, and none when the
    lowest level is the top of the scale: then nothing holds the level down.
    """
    pairs = list(levels)
    lowest = min((level for _key, level in pairs), default=None)
    if lowest is None or lowest >= top_level:
        return ()
    return tuple(key for key, level in pairs if level == lowest)


def score_assessment(
    questionnaire: QuestionnaireData,
    answers: Mapping[str, AnswerData],
    targets: Mapping[str, float],
    *,
    details: bool = True,
) -> AssessmentResult:
    """Return every figure of one assessment; ``answers`` and ``targets`` are keyed by key.

    A theme without a target gets the top level as its target (nothing is ever "done"); answers
    to questions the questionnaire does not have are ignored. With ``details=False`` the
    per-question results and the recommendations are left empty: the scores are the same, at a
    fraction of the cost (for benchmarks over hundreds of units).
    """
    lowest = questionnaire.lowest_level
    top = questionnaire.top_level
    themes: list[ThemeResult] = []
    questions: dict[str, QuestionResult] = {}
    recommendations: list[Recommendation] = []
    all_levels: list[tuple[str, int]] = []
    gap_sum = room_sum = 0.0
    any_level = False
    position = 0

    for theme_position, theme in enumerate(questionnaire.themes):
        target = float(targets.get(theme.key, questionnaire.top_level))
        capability_results = []
        theme_levels: list[tuple[str, int]] = []
        theme_gaps = theme_room = 0.0
        theme_answered = 0
        for capability in theme.capabilities:
            levels: list[tuple[float | None, float]] = []
            capability_levels: list[tuple[str, int]] = []
            answered = 0
            for question in capability.questions:
                answer = answers.get(question.key, NO_ANSWER)
                level = answer.level if not answer.not_applicable else None
                gap = max(0.0, target - level) if level is not None else None
                if details:
                    questions[question.key] = QuestionResult(
                        key=question.key,
                        theme_key=theme.key,
                        capability_key=capability.key,
                        level=level,
                        not_applicable=answer.not_applicable,
                        target=target,
                        gap=gap,
                    )
                answered += answer.is_answered
                if level is not None and gap is not None:
                    levels.append((float(level), question.weight))
                    capability_levels.append((question.key, level))
                    theme_gaps += gap
                    theme_room += max(0.0, target - lowest)
                    if gap > 0 and details:
                        recommendations.append(
                            _recommendation(
                                theme, capability, question, level, target, gap, (theme_position, position)
                            )
                        )
                position += 1
            capability_results.append(
                CapabilityResult(
                    key=capability.key,
                    title=capability.title,
                    score=weighted_mean(levels),
                    attained_level=min((level for _key, level in capability_levels), default=None),
                    answered=answered,
                    total=len(capability.questions),
                    limited_by=limiting_questions(capability_levels, top),
                )
            )
            theme_levels += capability_levels
            theme_answered += answered
        score = weighted_mean(
            (c.score, cap.weight) for c, cap in zip(capability_results, theme.capabilities, strict=True)
        )
        themes.append(
            ThemeResult(
                key=theme.key,
                title=theme.title,
                score=score,
                attained_level=min((level for _key, level in theme_levels), default=None),
                answered=theme_answered,
                total=sum(c.total for c in capability_results),
                target=target,
                gap=max(0.0, target - score) if score is not None else None,
                percent_to_target=_percent(theme_gaps, theme_room) if theme_levels else None,
                capabilities=tuple(capability_results),
                limited_by=limiting_questions(theme_levels, top),
            )
        )
        all_levels += theme_levels
        gap_sum += theme_gaps
        room_sum += theme_room
        any_level = any_level or bool(theme_levels)

    recommendations.sort(key=lambda r: (-r.priority, r.order))
    return AssessmentResult(
        score=weighted_mean(
            (t.score, theme.weight) for t, theme in zip(themes, questionnaire.themes, strict=True)
        ),
        attained_level=min((level for _key, level in all_levels), default=None),
        answered=sum(t.answered for t in themes),
        total=sum(t.total for t in themes),
        percent_to_target=_percent(gap_sum, room_sum) if any_level else None,
        themes=tuple(themes),
        questions=questions,
        recommendations=tuple(recommendations),
        limited_by=limiting_questions(all_levels, top),
    )


def _percent(gaps: float, room: float) -> float:
    # room is 0 only when every target sits at the lowest level: then nothing is below target.
    return 1.0 if room == 0 else max(0.0, 1.0 - gaps / room)


def _recommendation(
    theme: ThemeData,
    capability: CapabilityData,
    question: QuestionData,
    level: int,
    target: float,
    gap: float,
    order: tuple[int, int],
) -> Recommendation:
    steps = tuple(
        Step(step, step + 1, question.next_steps[step])
        for step in range(level, math.ceil(target))
        if step in question.next_steps
    )
    return Recommendation(
        theme_key=theme.key,
        capability_key=capability.key,
        question_key=question.key,
        question_text=question.text,
        level=level,
        target=target,
        gap=gap,
        priority=gap * question.weight * capability.weight * theme.weight,
        steps=steps,
        order=order,
    )


# -- benchmark ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Distribution:
    n: int
    median: float | None
    q1: float | None
    q3: float | None
    minimum: float | None
    maximum: float | None

    def quartile_of(self, value: float | None) -> int | None:
        """1..4: the quartile ``value`` falls in (1 = lowest quarter); None without data."""
        if value is None or self.n == 0 or self.q1 is None or self.median is None or self.q3 is None:
            return None
        if value < self.q1:
            return 1
        if value < self.median:
            return 2
        if value < self.q3:
            return 3
        return 4


EMPTY = Distribution(0, None, None, None, None, None)


def quartiles(values: Sequence[float]) -> Distribution:
    """Return n, median, Q1, Q3, min and max of ``values``.

    Quartiles use the "inclusive" method (linear interpolation between order statistics, as
    Excel's QUARTILE.INC and numpy's default): with the values sorted x[0..n-1], quantile p sits
    at position p × (n − 1). One value gives that value for every figure; none gives EMPTY.
    """
    data = sorted(values)
    if not data:
        return EMPTY
    if len(data) == 1:
        only = data[0]
        return Distribution(1, only, only, only, only, only)
    q1, median, q3 = statistics.quantiles(data, n=4, method="inclusive")
    return Distribution(len(data), median, q1, q3, data[0], data[-1])


@dataclass(frozen=True)
class Benchmark:
    n: int
    overall: Distribution
    themes: Mapping[str, Distribution]
    capabilities: Mapping[str, Distribution]  # by capability key


def benchmark(results: Sequence[AssessmentResult]) -> Benchmark:
    """Return the distribution of scores per theme and per capability over ``results``.

    Callers pass only the assessments that count (submitted and approved). A scope in which a
    result has no score is left out of that scope's distribution, so ``n`` can differ per scope.
    """
    themes: dict[str, list[float]] = {}
    capabilities: dict[str, list[float]] = {}
    for result in results:
        for theme in result.themes:
            bucket = themes.setdefault(theme.key, [])
            if theme.score is not None:
                bucket.append(theme.score)
            for capability in theme.capabilities:
                cap_bucket = capabilities.setdefault(capability.key, [])
                if capability.score is not None:
                    cap_bucket.append(capability.score)
    return Benchmark(
        n=len(results),
        overall=quartiles([r.score for r in results if r.score is not None]),
        themes={key: quartiles(values) for key, values in themes.items()},
        capabilities={key: quartiles(values) for key, values in capabilities.items()},
    )


# -- change and trend -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    key: str
    before: float | None
    after: float | None

    @property
    def delta(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


def theme_changes(before: AssessmentResult, after: AssessmentResult) -> dict[str, Change]:
    """Return per theme key of ``after`` the score before and after (themes matched by key)."""
    return {theme.key: Change(theme.key, _score_of(before, theme.key), theme.score) for theme in after.themes}


def question_changes(before: AssessmentResult, after: AssessmentResult) -> dict[str, Change]:
    """Return per question key in both results the level before and after.

    Questions are matched by key, so a reworded question in a new questionnaire version keeps
    its history; a question that is new or dropped has no change.
    """
    return {
        key: Change(
            key,
            float(old.level) if old.level is not None else None,
            float(new.level) if new.level is not None else None,
        )
        for key, new in after.questions.items()
        if (old := before.questions.get(key)) is not None
    }


@dataclass(frozen=True)
class TrendPoint:
    label: str
    overall: float | None
    themes: Mapping[str, float | None]


def trend(series: Sequence[tuple[str, AssessmentResult]]) -> list[TrendPoint]:
    """Return one point per (round label, result), in the given order, themes by key."""
    return [
        TrendPoint(label, result.score, {theme.key: theme.score for theme in result.themes})
        for label, result in series
    ]


def _score_of(result: AssessmentResult, theme_key: str) -> float | None:
    theme = result.theme(theme_key)
    return theme.score if theme else None
