"""Which heat-map cells the dashboard marks: only a score more than half a level under its
target, judged on the figure the reader sees (one decimal, halves up)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessment.compare.services import MARK_GAP, far_below_target
from assessment.formatting import round_half_up


@pytest.mark.parametrize(
    ("score", "target", "marked"),
    [
        (2.4, 3, True),  # shown 2,4: 0,6 under 3
        (2.5, 3, False),  # shown 2,5: exactly half a level under, not more
        (2.45, 3, False),  # shown 2,5 (halves up), so not marked, though 0,55 under
        (2.449, 3, True),  # shown 2,4
        (2.9, 3, False),  # below target, but by a hair: the export still says "onder doel"
        (3.4, 4, True),  # a unit's own target of 4
        (1.0, 1, False),
        (3.5, 3, False),
        (None, 3, False),  # no score, no mark
        (2.0, None, False),
    ],
)
def test_a_cell_is_marked_only_more_than_half_a_level_under_its_target(score, target, marked):
    assert far_below_target(score, target) is marked


scores = st.floats(min_value=1, max_value=5, allow_nan=False)
targets = st.integers(min_value=1, max_value=5)


@given(score=scores, target=targets)
def test_the_mark_agrees_with_the_shown_score(score, target):
    shown = round_half_up(score, 1)
    assert far_below_target(score, target) == (round(target - shown, 1) > MARK_GAP)


@given(score=scores, lower=scores, target=targets)
def test_a_lower_score_against_the_same_target_is_marked_when_a_higher_one_is(score, lower, target):
    if lower <= score and far_below_target(score, target):
        assert far_below_target(lower, target)
