"""The figures a unit sees on its results page: scores, attained levels, completeness, gaps,
percentage tot doel, prioritised recommendations, the Defensie benchmark and the change since an
earlier round. Worked examples carry the hand-computed numbers beside them; property-based tests
check the rules for any questionnaire (1–7 speerpunten, scales of 2–7 levels)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessment.scoring import (
    EMPTY,
    AnswerData,
    AssessmentResult,
    CapabilityData,
    Change,
    QuestionData,
    QuestionnaireData,
    ScaleLevel,
    Step,
    ThemeData,
    benchmark,
    limiting_questions,
    quartiles,
    question_changes,
    resolve_targets,
    score_assessment,
    theme_changes,
    trend,
)

DTS_LABELS = ("Initieel", "Herhaalbaar", "Gedefinieerd", "Beheerst", "Adaptief")
NVT = AnswerData(not_applicable=True)
EMPTY_ANSWER = AnswerData()  # saved without a choice: the same as no answer at all


def at(level: int) -> AnswerData:
    return AnswerData(level=level)


def step_text(key: str, level: int) -> str:
    return f"{key}: van {level} naar {level + 1}"


def question(key: str, weight: float = 1.0, *, levels: int = 5, text: str | None = None) -> QuestionData:
    return QuestionData(
        key=key,
        text=text or f"Vraag {key}",
        weight=weight,
        next_steps={level: step_text(key, level) for level in range(1, levels)},
    )


def capability(key: str, *questions: QuestionData, weight: float = 1.0) -> CapabilityData:
    return CapabilityData(key=key, title=f"Capability {key}", questions=questions, weight=weight)


def theme(key: str, *capabilities: CapabilityData, weight: float = 1.0) -> ThemeData:
    return ThemeData(key=key, title=f"Speerpunt {key}", capabilities=capabilities, weight=weight)


def questionnaire(*themes: ThemeData, labels: tuple[str, ...] = DTS_LABELS) -> QuestionnaireData:
    return QuestionnaireData(
        scale=tuple(ScaleLevel(level, label) for level, label in enumerate(labels, start=1)),
        themes=themes,
    )


# -- a worked example -----------------------------------------------------------------------------
#
# Speerpunt a (weight 1)                     Speerpunt b (weight 2)
#   capability a1 (weight 1)                   capability b1 (weight 1)
#     a1q1 (weight 1)  answered 2                b1q1 (weight 1)  answered 1
#     a1q2 (weight 2)  answered 4                b1q2 (weight 1)  n.v.t.
#   capability a2 (weight 3)                     b1q3 (weight 1)  saved empty
#     a2q1 (weight 1)  answered 3              capability b2 (weight 2)
#                                                b2q1 (weight 2)  answered 5
#
# Targets: the round says 3 for both, the unit's own target for a is 4.

WORKED = questionnaire(
    theme(
        "a",
        capability("a1", question("a1q1"), question("a1q2", weight=2)),
        capability("a2", question("a2q1"), weight=3),
    ),
    theme(
        "b",
        capability("b1", question("b1q1"), question("b1q2"), question("b1q3")),
        capability("b2", question("b2q1", weight=2), weight=2),
        weight=2,
    ),
)
WORKED_ANSWERS = {
    "a1q1": at(2),
    "a1q2": at(4),
    "a2q1": at(3),
    "b1q1": at(1),
    "b1q2": NVT,
    "b1q3": EMPTY_ANSWER,
    "b2q1": at(5),
}
ROUND_TARGETS = {"a": 3.0, "b": 3.0}
UNIT_TARGETS = {"a": 4.0}


def worked_result() -> AssessmentResult:
    return score_assessment(WORKED, WORKED_ANSWERS, resolve_targets(ROUND_TARGETS, UNIT_TARGETS))


def capability_scores(result: AssessmentResult) -> dict[str, float | None]:
    return {c.key: c.score for t in result.themes for c in t.capabilities}


def test_the_units_own_target_wins_over_the_rounds_default():
    assert resolve_targets(ROUND_TARGETS, UNIT_TARGETS) == {"a": 4.0, "b": 3.0}
    assert ROUND_TARGETS == {"a": 3.0, "b": 3.0}, "the round's defaults must stay as they were"


def test_without_own_targets_the_unit_gets_the_rounds_defaults():
    assert resolve_targets(ROUND_TARGETS) == ROUND_TARGETS
    assert resolve_targets(ROUND_TARGETS, {}) == ROUND_TARGETS


def test_a_capability_score_is_the_weighted_mean_of_its_answered_levels():
    assert capability_scores(worked_result()) == {
        "a1": pytest.approx(10 / 3),  # (2×1 + 4×2) / (1 + 2)
        "a2": pytest.approx(3.0),
        "b1": pytest.approx(1.0),  # n.v.t. and the empty answer are left out
        "b2": pytest.approx(5.0),
    }


def test_a_speerpunt_score_is_the_weighted_mean_of_its_capability_scores():
    result = worked_result()
    assert result.theme("a").score == pytest.approx(37 / 12)  # (10/3 × 1 + 3 × 3) / (1 + 3) ≈ 3.083
    assert result.theme("b").score == pytest.approx(11 / 3)  # (1 × 1 + 5 × 2) / (1 + 2) ≈ 3.667


def test_the_overall_score_is_the_weighted_mean_of_the_speerpunt_scores():
    # (37/12 × 1 + 11/3 × 2) / (1 + 2) = (37/12 + 88/12) / 3 = 125/36 ≈ 3.472
    assert worked_result().score == pytest.approx(125 / 36)


def test_the_attained_level_is_the_lowest_answered_level_of_the_scope():
    result = worked_result()
    assert {c.key: c.attained_level for t in result.themes for c in t.capabilities} == {
        "a1": 2,
        "a2": 3,
        "b1": 1,
        "b2": 5,
    }
    assert [t.attained_level for t in result.themes] == [2, 1]
    assert result.attained_level == 1
    assert WORKED.label(result.theme("a").attained_level) == "Herhaalbaar"


def test_the_questions_at_the_attained_level_are_the_ones_that_hold_it_down():
    result = worked_result()
    assert {c.key: c.limited_by for t in result.themes for c in t.capabilities} == {
        "a1": ("a1q1",),  # 2 and 4: the 2 holds a1 at level 2
        "a2": ("a2q1",),
        "b1": ("b1q1",),  # the n.v.t. and the empty answer hold nothing down
        "b2": (),  # 5 is the top: nothing holds it down
    }
    assert [t.limited_by for t in result.themes] == [("a1q1",), ("b1q1",)]
    assert result.limited_by == ("b1q1",)


def test_every_question_at_the_lowest_level_holds_it_down_in_questionnaire_order():
    assert limiting_questions([("2.1", 3), ("2.2", 1), ("2.3", 2), ("2.4", 1)], 5) == ("2.2", "2.4")
    assert limiting_questions([("2.1", 5), ("2.2", 5)], 5) == ()
    assert limiting_questions([], 5) == ()


def test_completeness_counts_nvt_as_answered_and_an_empty_answer_as_open():
    result = worked_result()
    b1 = result.theme("b").capabilities[0]
    assert (b1.answered, b1.total) == (2, 3)  # b1q1 and the n.v.t.; not the empty b1q3
    assert b1.completeness == pytest.approx(2 / 3)
    assert result.theme("a").completeness == 1.0  # 3 of 3
    assert result.theme("b").completeness == pytest.approx(3 / 4)
    assert (result.answered, result.total) == (6, 7)
    assert result.completeness == pytest.approx(6 / 7)


def test_gaps_per_speerpunt_and_per_question():
    result = worked_result()
    assert result.theme("a").target == 4.0  # the unit's own target
    assert result.theme("b").target == 3.0  # the round's default
    assert result.theme("a").gap == pytest.approx(11 / 12)  # 4 − 37/12
    assert result.theme("b").gap == 0.0  # 3 − 11/3 < 0
    assert {key: q.gap for key, q in result.questions.items()} == {
        "a1q1": 2.0,  # 4 − 2
        "a1q2": 0.0,  # 4 − 4
        "a2q1": 1.0,  # 4 − 3
        "b1q1": 2.0,  # 3 − 1
        "b1q2": None,  # n.v.t. has no level, so no gap
        "b1q3": None,
        "b2q1": 0.0,  # above its target: no negative gap
    }
    assert result.questions["b1q2"].not_applicable
    assert not result.questions["b1q3"].not_applicable


def test_percentage_tot_doel_per_speerpunt_and_overall():
    result = worked_result()
    # a: gaps 2 + 0 + 1 = 3; room 3 questions × (4 − 1) = 9; 1 − 3/9
    assert result.theme("a").percent_to_target == pytest.approx(2 / 3)
    # b: gaps 2 + 0 = 2 (n.v.t. and empty left out); room 2 × (3 − 1) = 4; 1 − 2/4
    assert result.theme("b").percent_to_target == pytest.approx(0.5)
    # overall: 1 − (3 + 2) / (9 + 4)
    assert result.percent_to_target == pytest.approx(8 / 13)


def test_recommendations_give_the_steps_up_to_the_target_most_important_first():
    recommendations = worked_result().recommendations
    # priority = gap × question weight × capability weight × speerpunt weight
    assert [(r.question_key, r.priority) for r in recommendations] == [
        ("b1q1", pytest.approx(4.0)),  # 2 × 1 × 1 × 2
        ("a2q1", pytest.approx(3.0)),  # 1 × 1 × 3 × 1
        ("a1q1", pytest.approx(2.0)),  # 2 × 1 × 1 × 1
    ]
    first = recommendations[0]
    assert (first.theme_key, first.capability_key, first.level, first.target, first.gap) == (
        "b",
        "b1",
        1,
        3.0,
        2.0,
    )
    assert first.question_text == "Vraag b1q1"
    assert first.steps == (Step(1, 2, step_text("b1q1", 1)), Step(2, 3, step_text("b1q1", 2)))
    assert recommendations[2].steps == (Step(2, 3, step_text("a1q1", 2)), Step(3, 4, step_text("a1q1", 3)))


def test_equal_priorities_follow_speerpunt_order_then_question_order():
    two = questionnaire(
        theme("x", capability("x1", question("x1q1"), question("x1q2"))),
        theme("y", capability("y1", question("y1q1"), question("y1q2", weight=2))),
    )
    # Every question at 1, target the top level 5: priorities 4, 4, 4 and 8 (y1q2 has weight 2).
    result = score_assessment(two, {key: at(1) for key in ("y1q1", "x1q2", "y1q2", "x1q1")}, {})
    assert [r.question_key for r in result.recommendations] == ["y1q2", "x1q1", "x1q2", "y1q1"]
    # Every question at 2 but y1q2, target 3: priorities 1, 1, 1.
    result = score_assessment(two, {key: at(2) for key in ("y1q1", "x1q2", "x1q1")}, {"x": 3, "y": 3})
    assert [r.question_key for r in result.recommendations] == ["x1q1", "x1q2", "y1q1"]


def test_answers_to_questions_the_questionnaire_does_not_have_are_ignored():
    answers = {**WORKED_ANSWERS, "retired-question": at(1)}
    result = score_assessment(WORKED, answers, resolve_targets(ROUND_TARGETS, UNIT_TARGETS))
    assert result == worked_result()


# -- edge cases -----------------------------------------------------------------------------------


def test_an_assessment_without_answers_has_no_scores_and_nothing_to_recommend():
    result = score_assessment(WORKED, {}, ROUND_TARGETS)
    assert result.score is None
    assert result.attained_level is None
    assert result.percent_to_target is None
    assert result.recommendations == ()
    assert result.completeness == 0.0
    for t in result.themes:
        assert (t.score, t.attained_level, t.gap, t.percent_to_target, t.completeness) == (
            None,
            None,
            None,
            None,
            0.0,
        )
        assert all(c.score is None and c.attained_level is None for c in t.capabilities)
    assert all(q.level is None and q.gap is None for q in result.questions.values())


def test_only_nvt_answers_give_no_score_but_a_complete_assessment():
    result = score_assessment(WORKED, dict.fromkeys(WORKED_ANSWERS, NVT), ROUND_TARGETS)
    assert result.completeness == 1.0
    assert [t.completeness for t in result.themes] == [1.0, 1.0]
    assert result.score is None
    assert result.attained_level is None
    assert result.percent_to_target is None
    assert [(t.score, t.gap, t.percent_to_target) for t in result.themes] == [(None, None, None)] * 2
    assert result.recommendations == ()


def test_a_target_below_the_score_leaves_no_gap_and_nothing_to_do():
    small = questionnaire(theme("x", capability("x1", question("q1"), question("q2"))))
    result = score_assessment(small, {"q1": at(4), "q2": at(5)}, {"x": 3})
    x = result.theme("x")
    assert x.score == 4.5
    assert x.gap == 0.0
    assert x.percent_to_target == 1.0  # nothing below the target
    assert result.percent_to_target == 1.0
    assert [result.questions[key].gap for key in ("q1", "q2")] == [0.0, 0.0]
    assert result.recommendations == ()


def test_a_question_below_target_is_recommended_even_when_its_speerpunt_scores_above_it():
    small = questionnaire(theme("x", capability("x1", question("q1"), question("q2"), question("q3"))))
    result = score_assessment(small, {"q1": at(2), "q2": at(5), "q3": at(5)}, {"x": 3})
    assert result.theme("x").score == 4.0  # (2 + 5 + 5) / 3
    assert result.theme("x").gap == 0.0
    assert result.theme("x").percent_to_target == pytest.approx(5 / 6)  # 1 − 1 / (3 × (3 − 1))
    assert [(r.question_key, r.gap, r.steps) for r in result.recommendations] == [
        ("q1", 1.0, (Step(2, 3, step_text("q1", 2)),))
    ]


def test_a_target_at_the_lowest_level_is_always_reached():
    small = questionnaire(theme("x", capability("x1", question("q1"))))
    result = score_assessment(small, {"q1": at(1)}, {"x": 1})
    # room Σ (1 − 1) = 0: no division by zero, nothing is below the target
    assert result.theme("x").percent_to_target == 1.0
    assert result.percent_to_target == 1.0
    assert result.recommendations == ()


def test_a_three_level_scale():
    labels = ("Begin", "Op weg", "Op orde")
    three = questionnaire(
        theme("x", capability("x1", question("q1", levels=3), question("q2", levels=3))),
        theme("y", capability("y1", question("q3", levels=3))),
        labels=labels,
    )
    result = score_assessment(three, {"q1": at(2), "q2": at(3), "q3": NVT}, {})
    x = result.theme("x")
    assert (x.score, x.attained_level, three.label(x.attained_level)) == (2.5, 2, "Op weg")
    assert x.target == 3.0  # no target given: the top of this scale
    assert x.gap == 0.5
    assert x.percent_to_target == pytest.approx(0.75)  # 1 − (1 + 0) / (2 × (3 − 1))
    assert result.score == 2.5  # y has no score and does not count as 0
    assert result.theme("y").score is None
    assert [(r.question_key, r.steps) for r in result.recommendations] == [
        ("q1", (Step(2, 3, step_text("q1", 2)),))
    ]


def test_a_questionnaire_with_seven_speerpunten():
    seven = questionnaire(
        *(
            theme(f"t{i}", capability(f"c{i}", question(f"q{i}")), weight=2 if i == 7 else 1)
            for i in range(1, 8)
        )
    )
    levels = {f"q{i}": at(level) for i, level in enumerate([1, 2, 3, 4, 5, 1, 2], start=1)}
    result = score_assessment(seven, levels, {})
    assert [t.score for t in result.themes] == [1, 2, 3, 4, 5, 1, 2]
    assert result.score == pytest.approx(2.5)  # (1 + 2 + 3 + 4 + 5 + 1 + 2×2) / (6 + 2) = 20/8
    assert result.attained_level == 1
    assert result.completeness == 1.0
    # gaps to the top level 5: 4 + 3 + 2 + 1 + 0 + 4 + 3 = 17; room 7 × 4 = 28
    assert result.percent_to_target == pytest.approx(11 / 28)
    # priorities: q7 3 × 2 = 6; q1 and q6 4 (speerpunt order breaks the tie); q2 3; q3 2; q4 1
    assert [(r.question_key, r.priority) for r in result.recommendations] == [
        ("q7", 6.0),
        ("q1", 4.0),
        ("q6", 4.0),
        ("q2", 3.0),
        ("q3", 2.0),
        ("q4", 1.0),
    ]


def test_a_speerpunt_without_a_target_aims_at_the_top_level():
    result = score_assessment(WORKED, WORKED_ANSWERS, {"a": 4.0})
    b = result.theme("b")
    assert b.target == 5.0
    assert b.gap == pytest.approx(4 / 3)  # 5 − 11/3
    assert b.percent_to_target == pytest.approx(0.5)  # 1 − (4 + 0) / (2 × 4)
    b1q1 = next(r for r in result.recommendations if r.question_key == "b1q1")
    assert [(s.from_level, s.to_level) for s in b1q1.steps] == [(1, 2), (2, 3), (3, 4), (4, 5)]
    assert b1q1.priority == 8.0  # 4 × 1 × 1 × 2


# -- benchmark ------------------------------------------------------------------------------------


def test_quartiles_of_five_values_are_the_middle_order_statistics():
    d = quartiles([5, 3, 1, 4, 2])
    assert (d.n, d.minimum, d.q1, d.median, d.q3, d.maximum) == (5, 1, 2, 3, 4, 5)


def test_quartiles_interpolate_between_values_the_inclusive_way():
    d = quartiles([5.5, 1.0, 4.0, 2.0])
    # sorted 1, 2, 4, 5.5; position p × (n − 1) = p × 3
    assert d.q1 == pytest.approx(1.75)  # position 0.75: 1 + 0.75 × (2 − 1)
    assert d.median == pytest.approx(3.0)  # position 1.5: 2 + 0.5 × (4 − 2)
    assert d.q3 == pytest.approx(4.375)  # position 2.25: 4 + 0.25 × (5.5 − 4)
    assert (d.n, d.minimum, d.maximum) == (4, 1.0, 5.5)


def test_one_value_is_every_figure_of_its_distribution():
    d = quartiles([3.25])
    assert (d.n, d.minimum, d.q1, d.median, d.q3, d.maximum) == (1, 3.25, 3.25, 3.25, 3.25, 3.25)


def test_no_values_give_an_empty_distribution():
    assert quartiles([]) == EMPTY
    assert (EMPTY.n, EMPTY.median, EMPTY.q1, EMPTY.q3, EMPTY.minimum, EMPTY.maximum) == (0,) + (None,) * 5


def test_a_score_falls_in_the_quarter_of_the_distribution_below_the_next_boundary():
    d = quartiles([1, 2, 3, 4, 5])  # q1 2, median 3, q3 4
    assert [d.quartile_of(v) for v in (0.5, 1.9, 2.0, 2.9, 3.0, 3.9, 4.0, 5.0)] == [1, 1, 2, 2, 3, 3, 4, 4]
    assert d.quartile_of(None) is None
    assert EMPTY.quartile_of(3.0) is None


BENCH = questionnaire(
    theme("a", capability("a1", question("a1q")), capability("a2", question("a2q"))),
    theme("b", capability("b1", question("b1q"))),
    theme("c", capability("c1", question("c1q"))),  # nobody answers it
)


def test_the_benchmark_leaves_a_unit_out_of_a_scope_where_it_has_no_score():
    results = [
        score_assessment(BENCH, answers, {})
        for answers in (
            {"a1q": at(2), "a2q": at(4), "b1q": at(3)},  # a 3, b 3, overall 3
            {"a1q": at(4), "b1q": NVT},  # a 4 (a2 open), b none, overall 4
            {"a1q": at(5), "a2q": at(1), "b1q": at(5)},  # a 3, b 5, overall 4
            {},  # nothing answered: in no distribution
        )
    ]
    bench = benchmark(results)
    assert bench.n == 4

    def figures(d):
        return (d.n, d.minimum, d.q1, d.median, d.q3, d.maximum)

    # a: 3, 3, 4 → positions 0.5, 1, 1.5
    assert figures(bench.themes["a"]) == (3, 3, 3, 3, 3.5, 4)
    # b: 3, 5 → positions 0.25, 0.5, 0.75
    assert figures(bench.themes["b"]) == (2, 3, 3.5, 4, 4.5, 5)
    assert bench.themes["c"] == EMPTY
    # a1: 2, 4, 5; a2: 1, 4
    assert figures(bench.capabilities["a1"]) == (3, 2, 3, 4, 4.5, 5)
    assert figures(bench.capabilities["a2"]) == (2, 1, 1.75, 2.5, 3.25, 4)
    assert bench.capabilities["c1"] == EMPTY
    # overall: 3, 4, 4
    assert figures(bench.overall) == (3, 3, 3.5, 4, 4, 4)


def test_a_benchmark_over_no_assessments_is_empty():
    bench = benchmark([])
    assert (bench.n, bench.overall, dict(bench.themes), dict(bench.capabilities)) == (0, EMPTY, {}, {})


# -- change and trend -----------------------------------------------------------------------------

VERSION_1 = questionnaire(
    theme("a", capability("a1", question("a.1", text="Is er een datastrategie?"), question("a.2"))),
    theme("b", capability("b1", question("b.1"))),
)
VERSION_2 = questionnaire(
    theme(
        "a",
        capability(
            "a1",
            question("a.1", text="Heeft de eenheid een vastgestelde datastrategie?"),  # reworded
            question("a.3"),  # new; a.2 is dropped
        ),
    ),
    theme("b", capability("b1", question("b.1"))),
    theme("c", capability("c1", question("c.1"))),  # a new speerpunt
)


def before_and_after() -> tuple[AssessmentResult, AssessmentResult]:
    before = score_assessment(VERSION_1, {"a.1": at(2), "a.2": at(4), "b.1": at(3)}, {})  # a 3, b 3
    after = score_assessment(VERSION_2, {"a.1": at(5), "a.3": at(3), "b.1": NVT, "c.1": at(5)}, {})
    return before, after  # after: a 4, b none, c 5


def test_the_change_per_speerpunt_since_the_earlier_round():
    changes = theme_changes(*before_and_after())
    assert changes == {
        "a": Change("a", 3.0, 4.0),
        "b": Change("b", 3.0, None),
        "c": Change("c", None, 5.0),
    }
    assert changes["a"].delta == 1.0
    assert changes["b"].delta is None  # no score now: no arrow, not a drop to 0
    assert changes["c"].delta is None


def test_a_reworded_question_keeps_its_history_and_a_new_one_has_none():
    changes = question_changes(*before_and_after())
    assert set(changes) == {"a.1", "b.1"}  # a.2 dropped, a.3 and c.1 new
    assert changes["a.1"] == Change("a.1", 2.0, 5.0)
    assert changes["a.1"].delta == 3.0
    assert changes["b.1"] == Change("b.1", 3.0, None)  # now n.v.t.


def test_the_trend_has_one_point_per_round_in_the_given_order():
    before, after = before_and_after()
    points = trend([("2024-1", before), ("2025-1", after)])
    assert [p.label for p in points] == ["2024-1", "2025-1"]
    assert [p.overall for p in points] == [3.0, 4.5]  # (3 + 3) / 2 and (4 + 5) / 2
    assert points[0].themes == {"a": 3.0, "b": 3.0}
    assert points[1].themes == {"a": 4.0, "b": None, "c": 5.0}
    assert trend([]) == []


# -- properties for any questionnaire -------------------------------------------------------------

PROPERTIES = settings(max_examples=200, deadline=None, derandomize=True, database=None)
WEIGHTS = (0.5, 1.0, 1.5, 2.0, 3.0)
# Weighted means of floats may be off by an ulp; the rules are about levels, not rounding.
NOISE = 1e-9


@dataclass(frozen=True)
class Scenario:
    questionnaire: QuestionnaireData
    answers: Mapping[str, AnswerData]
    targets: Mapping[str, float]

    def target(self, theme_key: str) -> float:
        return self.targets.get(theme_key, self.questionnaire.top_level)

    def with_answer(self, key: str, answer: AnswerData) -> Scenario:
        return Scenario(self.questionnaire, {**self.answers, key: answer}, self.targets)

    def score(self) -> AssessmentResult:
        return score_assessment(self.questionnaire, self.answers, self.targets)

    def level(self, key: str) -> int | None:
        answer = self.answers.get(key, EMPTY_ANSWER)
        return None if answer.not_applicable else answer.level

    def open_questions(self) -> list[str]:
        """Keys of the questions without any answer (not even n.v.t.)."""
        return [
            q.key
            for t in self.questionnaire.themes
            for q in t.questions
            if not self.answers.get(q.key, EMPTY_ANSWER).is_answered
        ]


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    top = draw(st.integers(2, 7))
    weight = st.sampled_from(WEIGHTS)
    # One draw per question keeps the run fast: it encodes the question's weight and its answer
    # (0 no answer in the mapping, 1 saved empty, 2 n.v.t., 3.. the levels 1..top).
    answer_codes = top + 3
    question_draw = st.integers(0, len(WEIGHTS) * answer_codes - 1)
    themes = []
    answers = {}
    targets = {}
    for t in range(draw(st.integers(1, 7))):
        capabilities = []
        for c in range(draw(st.integers(1, 3))):
            questions = []
            for q, code in enumerate(draw(st.lists(question_draw, min_size=1, max_size=4))):
                key = f"t{t}c{c}q{q}"
                weight_index, answer_code = divmod(code, answer_codes)
                questions.append(question(key, WEIGHTS[weight_index], levels=top))
                if answer_code:
                    answers[key] = {1: EMPTY_ANSWER, 2: NVT}.get(answer_code) or at(answer_code - 2)
            capabilities.append(capability(f"t{t}c{c}", *questions, weight=draw(weight)))
        themes.append(theme(f"t{t}", *capabilities, weight=draw(weight)))
        target = draw(st.integers(0, top))  # 0: no target for this speerpunt
        if target:
            targets[f"t{t}"] = float(target)
    labels = tuple(f"Niveau {level}" for level in range(1, top + 1))
    return Scenario(questionnaire(*themes, labels=labels), answers, targets)


def all_scores(result: AssessmentResult) -> dict[str, float | None]:
    scores: dict[str, float | None] = {"": result.score}
    for t in result.themes:
        scores[t.key] = t.score
        for c in t.capabilities:
            scores[c.key] = c.score
    return scores


@PROPERTIES
@given(scenarios())
def test_every_score_stays_on_the_scale_and_exists_exactly_when_something_has_a_level(scenario):
    result = scenario.score()
    lowest, top = scenario.questionnaire.lowest_level, scenario.questionnaire.top_level
    scopes = [(result.score, [q for t in scenario.questionnaire.themes for q in t.questions])]
    for t, theme_data in zip(result.themes, scenario.questionnaire.themes, strict=True):
        scopes.append((t.score, list(theme_data.questions)))
        for c, capability_data in zip(t.capabilities, theme_data.capabilities, strict=True):
            scopes.append((c.score, list(capability_data.questions)))
    for score, questions in scopes:
        has_level = any(scenario.level(q.key) is not None for q in questions)
        assert (score is not None) == has_level
        if score is not None:
            assert lowest - NOISE <= score <= top + NOISE


@PROPERTIES
@given(scenarios())
def test_the_attained_level_is_the_lowest_answered_level_and_never_above_the_score(scenario):
    result = scenario.score()
    scopes = [(result, [q for t in scenario.questionnaire.themes for q in t.questions])]
    for t, theme_data in zip(result.themes, scenario.questionnaire.themes, strict=True):
        scopes.append((t, list(theme_data.questions)))
        for c, capability_data in zip(t.capabilities, theme_data.capabilities, strict=True):
            scopes.append((c, list(capability_data.questions)))
    for scope, questions in scopes:
        levels = [level for q in questions if (level := scenario.level(q.key)) is not None]
        if not levels:
            assert scope.attained_level is None
            continue
        assert scope.attained_level == min(levels)
        assert scope.attained_level <= math.floor(min(levels))
        assert scope.attained_level <= math.floor(scope.score + NOISE)


def raised_level(scenario: Scenario, keys: tuple[str, ...], level: int, theme_key: str | None) -> int | None:
    """The attained level of a speerpunt (or, without a key, of the whole assessment) once the
    questions ``keys`` are answered at ``level``."""
    for key in keys:
        scenario = scenario.with_answer(key, at(level))
    result = scenario.score()
    scope = result.theme(theme_key) if theme_key else result
    return scope.attained_level if scope else None


@PROPERTIES
@given(scenarios())
def test_raising_the_questions_that_hold_a_level_down_raises_it_and_nothing_less_does(scenario):
    result = scenario.score()
    top = scenario.questionnaire.top_level
    scopes = [(result, [q for t in scenario.questionnaire.themes for q in t.questions])]
    for t, theme_data in zip(result.themes, scenario.questionnaire.themes, strict=True):
        scopes.append((t, list(theme_data.questions)))
    for scope, questions in scopes:
        keys = [q.key for q in questions]
        if scope.attained_level is None or scope.attained_level == top:
            assert scope.limited_by == ()
            continue
        assert scope.limited_by == tuple(k for k in keys if scenario.level(k) == scope.attained_level)

        scope_key = getattr(scope, "key", None)  # None: the whole assessment
        raised = raised_level(scenario, scope.limited_by, scope.attained_level + 1, scope_key)
        assert raised > scope.attained_level
        kept = raised_level(scenario, scope.limited_by[1:], scope.attained_level + 1, scope_key)
        assert kept == scope.attained_level


@PROPERTIES
@given(scenarios())
def test_answering_an_open_question_at_the_top_level_never_lowers_a_score(scenario):
    before = all_scores(scenario.score())
    top = scenario.questionnaire.top_level
    for key in scenario.open_questions():
        after = all_scores(scenario.with_answer(key, at(top)).score())
        for scope, old in before.items():
            if old is not None:
                new = after[scope]
                assert new is not None
                assert new >= old - NOISE, f"answering {key} at {top} lowered {scope or 'overall'}"


@PROPERTIES
@given(scenarios())
def test_marking_an_open_question_nvt_changes_no_figure_but_completeness(scenario):
    before = scenario.score()
    for key in scenario.open_questions():
        after = scenario.with_answer(key, NVT).score()
        assert all_scores(after) == all_scores(before)
        assert [t.attained_level for t in after.themes] == [t.attained_level for t in before.themes]
        assert [t.percent_to_target for t in after.themes] == [t.percent_to_target for t in before.themes]
        assert after.percent_to_target == before.percent_to_target
        assert after.recommendations == before.recommendations
        assert after.answered == before.answered + 1


@PROPERTIES
@given(scenarios())
def test_recommendations_are_exactly_the_answered_questions_below_target_most_important_first(scenario):
    result = scenario.score()
    below = {}
    for t in scenario.questionnaire.themes:
        for c in t.capabilities:
            for q in c.questions:
                level = scenario.level(q.key)
                target = scenario.target(t.key)
                if level is not None and level < target:
                    below[q.key] = (target - level) * q.weight * c.weight * t.weight
    assert (result.recommendations == ()) == (not below)
    assert {r.question_key: r.priority for r in result.recommendations} == pytest.approx(below)
    priorities = [r.priority for r in result.recommendations]
    assert priorities == sorted(priorities, reverse=True)
    for r in result.recommendations:
        assert [(s.from_level, s.to_level) for s in r.steps] == [
            (level, level + 1) for level in range(r.level, int(r.target))
        ]
    for first, second in zip(result.recommendations, result.recommendations[1:], strict=False):
        if first.priority == second.priority:
            assert first.order < second.order


@PROPERTIES
@given(scenarios())
def test_percentage_tot_doel_and_completeness_are_fractions(scenario):
    result = scenario.score()
    questions = [q for t in scenario.questionnaire.themes for q in t.questions]
    assert result.total == len(questions)
    assert result.answered == sum(scenario.answers.get(q.key, EMPTY_ANSWER).is_answered for q in questions)
    for scope in (result, *result.themes):
        assert 0.0 <= scope.completeness <= 1.0
        if scope.percent_to_target is not None:
            assert 0.0 <= scope.percent_to_target <= 1.0
    for t in result.themes:
        assert (t.percent_to_target is None) == (t.score is None)
        if t.percent_to_target == 1.0:
            assert not any(r.theme_key == t.key for r in result.recommendations)
    assert (result.percent_to_target is None) == (result.score is None)


@PROPERTIES
@given(scenarios())
def test_scoring_without_details_for_a_benchmark_gives_the_same_figures(scenario):
    full = scenario.score()
    quick = score_assessment(scenario.questionnaire, scenario.answers, scenario.targets, details=False)
    assert quick.themes == full.themes
    assert (quick.score, quick.attained_level, quick.percent_to_target) == (
        full.score,
        full.attained_level,
        full.percent_to_target,
    )
    assert (quick.answered, quick.total) == (full.answered, full.total)
    assert dict(quick.questions) == {}
    assert quick.recommendations == ()
