"""The written summary of a unit report picks its speerpunten from the figures as a reader would
check them against the table beside it: by the score as printed."""

from __future__ import annotations

from assessment import scoring
from assessment.reports.services import written_summary

SCALE = tuple(scoring.ScaleLevel(level, f"Niveau {level}") for level in range(1, 6))


def result(*themes: dict[str, int | str]) -> scoring.AssessmentResult:
    """Score a questionnaire of one speerpunt per dict (question key → level or "nvt"); every
    speerpunt has five questions and target 3."""
    data = scoring.QuestionnaireData(
        scale=SCALE,
        themes=tuple(
            scoring.ThemeData(
                key=f"t{t}",
                title=f"Speerpunt {t}",
                capabilities=(
                    scoring.CapabilityData(
                        key=f"t{t}c",
                        title="Onderdeel",
                        questions=tuple(scoring.QuestionData(f"t{t}q{q}", f"Vraag {q}") for q in range(1, 6)),
                    ),
                ),
            )
            for t in range(1, len(themes) + 1)
        ),
    )
    answers = {
        f"t{t}{key}": scoring.AnswerData(not_applicable=True) if level == "nvt" else scoring.AnswerData(level)
        for t, levels in enumerate(themes, start=1)
        for key, level in levels.items()
    }
    return scoring.score_assessment(data, answers, {f"t{t}": 3.0 for t in range(1, len(themes) + 1)})


def numbers(themes) -> list[int]:
    return [theme.number for theme in themes]


def test_highest_and_lowest_are_named_with_their_number_and_printed_score():
    summary = written_summary(result({"q1": 4, "q2": 3}, {"q1": 1}, {"q1": 2, "q2": 3}))
    assert [(t.number, t.title, t.score) for t in summary.highest] == [(1, "Speerpunt 1", 3.5)]
    assert numbers(summary.lowest) == [2]
    assert not summary.all_equal and not summary.single


def test_speerpunten_that_print_the_same_score_are_named_together():
    # (3 + 3 + 2 + 3) / 4 = 2,75 and (3 + 3 + 3 + 3 + 2) / 5 = 2,8 differ, but both print 2,8.
    summary = written_summary(
        result({"q1": 3, "q2": 3, "q3": 2, "q4": 3}, {"q1": 2}, {"q1": 3, "q2": 3, "q3": 3, "q4": 3, "q5": 2})
    )
    assert summary.highest[0].score != summary.highest[1].score
    assert numbers(summary.highest) == [1, 3]
    assert numbers(summary.lowest) == [2]


def test_one_speerpunt_with_a_score_is_the_only_one_named():
    summary = written_summary(result({"q1": 2}, {}, {"q1": "nvt"}))
    assert summary.single and summary.all_equal
    assert numbers(summary.highest) == numbers(summary.lowest) == [1]
    # Speerpunt 3 has an answer (n.v.t.), so it is not "nog niet ingevuld"; speerpunt 2 is.
    assert numbers(summary.not_filled) == [2]


def test_equal_scores_everywhere_are_said_once():
    summary = written_summary(result({"q1": 3}, {"q2": 3}))
    assert summary.all_equal and not summary.single


def test_nothing_answered_names_no_speerpunt_as_highest_and_every_one_as_open():
    summary = written_summary(result({}, {}))
    assert summary.highest == summary.lowest == ()
    assert not summary.all_equal
    assert numbers(summary.not_filled) == [1, 2]
    assert summary.best_steps == ()


def test_the_best_steps_are_the_first_three_recommendations():
    scored = result({"q1": 1, "q2": 2, "q3": 1, "q4": 2}, {"q1": 1})
    summary = written_summary(scored)
    assert summary.best_steps == scored.recommendations[:3]
    assert [r.question_key for r in summary.best_steps] == ["t1q1", "t1q3", "t2q1"]  # gap 2, in order
