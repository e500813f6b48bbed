"""Charts on a narrow screen: a page sends each chart twice, drawn for 640 wide (print, wide
screens) and for 360 wide (phones). The narrow drawing keeps every text at least 13 high, so on a
phone of 390 CSS pixels (358 for the chart) no text is smaller than 11 px."""

from __future__ import annotations

import itertools
import re

import pytest

from assessment import charts
from assessment.charts import MEDIAN, PALETTE, Series

AXES = [
    "1. Communicatie en digitale samenwerking",
    "2. Digitaal fundament",
    "3. Data, kunstmatige intelligentie en autonomie",
    "4. Elektromagnetisch spectrum, cyber en redundantie",
    "5. Digitaal aanpassingsvermogen",
]
UNITS = [
    Series("11 Luchtmobiele Brigade", [2.9, 2.8, 3.0, 2.4, 3.2], PALETTE[0]),
    Series("Defensie Ondersteuningscommando", [2.0, None, 1.5, 3.0, 2.0], PALETTE[1]),
    Series("Mediaan Defensie", [3.0, 2.7, 3.4, 2.7, 3.1], MEDIAN),
]
LEVELS = [1, 2, 3, 4, 5]
PHONE_CHART_WIDTH = 358  # 390 CSS pixels less the page's margins


def radar(compact: bool) -> str:
    return str(
        charts.radar(AXES, UNITS, levels=LEVELS, chart_id="overlay", title="Vergelijking", compact=compact)
    )


def trend(labels: list[str], compact: bool) -> str:
    series = [Series("Mediaan 1. Communicatie en digitale samenwerking", [2.5] * len(labels), PALETTE[0])]
    return str(charts.lines(labels, series, levels=LEVELS, chart_id="trend", title="Trend", compact=compact))


def view_width(svg: str) -> float:
    return float(re.search(r'viewBox="0 0 ([\d.]+) ', svg).group(1))


def font_sizes(svg: str) -> list[float]:
    return [float(size) for size in re.findall(r'<text[^>]*font-size="([\d.]+)"', svg)]


def texts(svg: str) -> list[str]:
    """Every text as drawn, a <tspan> line joined to the next."""
    return [
        " ".join(re.sub(r"<[^>]+>", " ", element).split())
        for element in re.findall(r"<text[^>]*>(.*?)</text>", svg, re.S)
    ]


@pytest.mark.parametrize("svg", [radar(compact=True), trend(["2025-1", "2025-2", "2026-1"], compact=True)])
def test_no_text_of_a_narrow_drawing_is_smaller_than_11_px_on_a_phone(svg):
    scale = PHONE_CHART_WIDTH / view_width(svg)
    assert min(font_sizes(svg)) * scale >= 11


def test_the_wide_drawing_would_be_too_small_on_a_phone_which_is_why_there_is_a_narrow_one():
    svg = radar(compact=False)
    assert min(font_sizes(svg)) * PHONE_CHART_WIDTH / view_width(svg) < 11


def test_a_narrow_radar_numbers_its_axes_and_names_them_in_a_key_below():
    svg = radar(compact=True)
    drawn = texts(svg)
    for number, label in enumerate(AXES, start=1):
        assert str(number) in drawn  # at the end of its axis
        assert label in drawn  # in the key, however it is wrapped
    for series in UNITS:
        assert series.name in drawn  # the legend, one series a line


def test_every_line_of_text_in_a_narrow_radar_fits_its_width():
    svg = radar(compact=True)
    width = view_width(svg)
    for x, size, body in re.findall(
        r'<text x="([\d.]+)"[^>]*font-size="([\d.]+)"[^>]*>(.*?)</text>', svg, re.S
    ):
        anchor_end = 'text-anchor="end"' in body
        for line in re.findall(r">([^<>]+)<", f">{body}<"):
            if not anchor_end:  # an estimate of 0.6 em a character, as the chart wraps by
                assert float(x) + 0.6 * float(size) * len(line) <= width, line


def test_the_two_drawings_of_a_chart_have_ids_of_their_own():
    both = str(
        charts.responsive(
            charts.radar(AXES, UNITS, levels=LEVELS, chart_id="overlay", title="V"),
            charts.radar(AXES, UNITS, levels=LEVELS, chart_id="overlay", title="V", compact=True),
        )
    )
    ids = re.findall(r'\sid="([^"]+)"', both)
    assert len(ids) == len(set(ids)) == 4
    for labelled_by in re.findall(r'aria-labelledby="([^"]+)"', both):
        assert all(part in ids for part in labelled_by.split())
    assert re.search(r'<div class="chart-wide"><svg[^>]*viewBox="0 0 640 ', both)
    assert re.search(r'<div class="chart-compact"><svg[^>]*viewBox="0 0 360 ', both)


def test_a_narrow_trend_over_many_rounds_shows_only_round_labels_that_do_not_overlap():
    labels = [f"{year}-{half}" for year in range(2020, 2027) for half in (1, 2)]  # 14 rounds
    svg = trend(labels, compact=True)
    placed = [
        (float(x), float(size), text)
        for x, size, text in re.findall(
            r'<text x="([\d.]+)"[^>]*font-size="([\d.]+)"[^>]*>(20\d\d-\d)</text>', svg
        )
    ]
    assert labels[-1] in [text for *_, text in placed]  # the latest round is always named
    assert len(placed) < len(labels)
    for (x1, size, text), (x2, *_) in itertools.pairwise(placed):
        assert x2 - x1 >= 0.6 * size * len(text), (text, x1, x2)
    assert trend(labels[:3], compact=False).count(">2020-") == 2  # the wide one names every round
