"""Dutch notation: what every page, PDF, export and the API print."""

import datetime as dt

import pytest
from markupsafe import Markup

from assessment.formatting import css_string, date, decimal, joined, percentage, round_half_up


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (3.4, "3,4"),
        (2.25, "2,3"),
        (1.75, "1,8"),
        (2.2499, "2,2"),
        (3.0, "3,0"),
        (None, "–"),
        (1234.5, "1.234,5"),
    ],
)
def test_a_score_has_one_decimal_with_a_comma_and_halves_round_up(value, shown):
    assert decimal(value) == shown


def test_no_value_is_a_dash_never_a_zero():
    assert decimal(None) == "–"
    assert percentage(None) == "–"


def test_rounding_for_exports_and_the_api_gives_the_same_figure_as_the_page():
    for value in (2.25, 2.35, 0.05, 4.449, 1 / 3):
        assert decimal(round_half_up(value)) == decimal(value)


def test_percentages_have_no_decimals_by_default():
    assert percentage(0.725) == "73%"
    assert percentage(1.0) == "100%"


def test_dates_are_written_out_in_dutch():
    assert date(dt.date(2025, 7, 3)) == "3 juli 2025"
    assert date(dt.datetime(2026, 11, 29, 23, 0, tzinfo=dt.UTC)) == "29 november 2026"


def test_a_css_string_cannot_end_the_string_the_rule_or_the_style_element():
    text = str(css_string('Brigade"; } body { x: url(http://evil) } </style><script>'))
    assert text.startswith('"') and text.endswith('"')
    inner = text[1:-1]
    for dangerous in ('"', ";", "}", "{", "<", ">", ":"):
        assert dangerous not in inner
    assert css_string("13 Lichte Brigade – 2026-1") == '"13 Lichte Brigade \\002013  2026-1"'


def test_english_uses_a_decimal_point_and_english_month_names():
    assert decimal(1234.5, locale="en") == "1,234.5"
    assert decimal(2.25, locale="en") == "2.3"  # the same rounding rule in every language
    assert percentage(0.1234, 1, locale="en") == "12.3%"
    assert percentage(0.1234, 1) == "12,3%"
    assert date(dt.date(2025, 7, 3), locale="en") == "3 July 2025"


def test_a_list_of_question_numbers_reads_as_a_sentence_in_each_language():
    assert joined(["2.3"], locale="nl") == "2.3"
    assert joined(["2.3", "2.5", "3.1"], locale="nl") == "2.3, 2.5 en 3.1"
    assert joined(["2.3", "2.5", "3.1"], locale="en") == "2.3, 2.5, and 3.1"
    assert joined([], locale="nl") == ""


def test_links_in_a_list_stay_links_and_plain_text_beside_them_is_escaped():
    link = Markup('<a href="#vraag-2.3">2.3</a>')
    result = joined([link, "<b>2.5</b>"], locale="nl")
    assert isinstance(result, Markup)
    assert result == '<a href="#vraag-2.3">2.3</a> en &lt;b&gt;2.5&lt;/b&gt;'
