"""The charts as a reader of the PDF sees them: each legend symbol looks like what it stands for,
no value label is crossed by the target line, and no legend or row name runs off the chart.

Text widths are measured with the font the PDF uses (DejaVu Sans, through fontTools), not with
the charts' own estimate, so a wrong estimate in the charts shows up here."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from assessment import charts

SVG = "{http://www.w3.org/2000/svg}"


FONTS = Path("/usr/share/fonts/truetype/dejavu")  # Debian's fonts-dejavu-core, which WeasyPrint uses


@cache
def font(bold: bool) -> TTFont:
    path = FONTS / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")
    if not path.is_file():
        pytest.skip(f"{path} is not installed (Debian: fonts-dejavu-core): no font to measure with")
    return TTFont(path)


def text_width(text: str, size: float, bold: bool = False) -> float:
    face = font(bold)
    cmap, metrics = face.getBestCmap(), face["hmtx"].metrics
    units = face["head"].unitsPerEm
    return sum(metrics[cmap.get(ord(ch), ".notdef")][0] for ch in text) * size / units


def parse(svg: str) -> ET.Element:
    return ET.fromstring(str(svg))  # noqa: S314 (our own chart, not outside input)


def texts(root: ET.Element) -> list[ET.Element]:
    return list(root.iter(SVG + "text"))


def extent(element: ET.Element) -> tuple[float, float]:
    """(left, right) of a one-line <text> in chart units, from its anchor and measured width."""
    x = float(element.get("x", 0))
    text = "".join(element.itertext())
    width = text_width(text, float(element.get("font-size", 12)), element.get("font-weight") == "bold")
    anchor = element.get("text-anchor", "start")
    left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
    return left, left + width


@pytest.fixture
def texts_in_dutch(app):
    with app.test_request_context():
        yield


# -- the bar chart of a speerpunt ---------------------------------------------------------------


def bar_chart(values: list[float | None], target: float | None = 3, medians: bool = True) -> ET.Element:
    items = [charts.Bar(f"Onderdeel {i}", v, 3.2 if medians else None) for i, v in enumerate(values)]
    return parse(charts.bars(items, levels=[1, 2, 3, 4, 5], target=target, chart_id="b", title="t"))


def legend_symbol(root: ET.Element, name: str) -> list[ET.Element]:
    """The shapes drawn just left of the legend text ``name`` (its 24-wide slot)."""
    label = next(t for t in texts(root) if "".join(t.itertext()) == name)
    x, y = float(label.get("x")), float(label.get("y")) - 4.5
    shapes = []
    for shape in root:
        if shape.tag in (SVG + "text", SVG + "title", SVG + "desc"):
            continue
        xs = [float(v) for k, v in shape.attrib.items() if k in ("x", "x1", "x2", "cx")]
        ys = [float(v) for k, v in shape.attrib.items() if k in ("y", "y1", "y2", "cy")]
        if shape.tag == SVG + "polygon":
            points = [tuple(map(float, p.split(","))) for p in shape.get("points").split()]
            xs, ys = [p[0] for p in points], [p[1] for p in points]
        if xs and ys and all(x - 31 <= v <= x - 5 for v in xs) and all(abs(v - y) <= 12 for v in ys):
            shapes.append(shape)
    return shapes


def test_the_bar_legend_shows_a_block_for_the_score_an_upright_line_for_the_target_and_a_triangle(
    texts_in_dutch,
):
    root = bar_chart([2.0, 3.5])
    (score,) = legend_symbol(root, "Score")
    assert score.tag == SVG + "rect"
    (target,) = legend_symbol(root, "Doel")
    assert target.tag == SVG + "line"
    assert target.get("x1") == target.get("x2"), "the target line in the chart stands upright"
    assert target.get("stroke-dasharray"), "and it is dashed"
    (median,) = legend_symbol(root, "Mediaan Defensie")
    assert median.tag == SVG + "polygon" and len(median.get("points").split()) == 3


def test_the_radar_legend_still_shows_lines_with_their_markers(texts_in_dutch):
    series = [
        charts.Series("Eenheid", [2, 3, 4], charts.UNIT),
        charts.Series("Doel", [3, 3, 3], charts.TARGET),
    ]
    root = parse(charts.radar(["a", "b", "c"], series, levels=[1, 2, 3, 4, 5], chart_id="r", title="t"))
    shapes = legend_symbol(root, "Eenheid")
    assert {s.tag for s in shapes} == {SVG + "line", SVG + "circle"}


def value_labels(root: ET.Element) -> list[ET.Element]:
    return [t for t in texts(root) if re.fullmatch(r"\d,\d|–", "".join(t.itertext()))]


def target_x(root: ET.Element) -> float:
    (line,) = [
        line
        for line in root.iter(SVG + "line")
        if line.get("stroke") == charts.TARGET.colour
        and line.get("x1") == line.get("x2")
        and float(line.get("y2")) - float(line.get("y1")) > 30
    ]
    return float(line.get("x1"))


@pytest.mark.parametrize("target", [1, 2, 3, 4, 5])
def test_no_value_label_is_crossed_by_the_target_line(texts_in_dutch, target):
    values = [round(1 + i / 10, 1) for i in range(41)]  # 1,0 … 5,0
    root = bar_chart([*values, None], target=target)
    line = target_x(root)
    labels = value_labels(root)
    assert len(labels) == len(values) + 1
    for label in labels:
        left, right = extent(label)
        assert not (left - 1 <= line <= right + 1), f"{''.join(label.itertext())} at target {target}"


def test_a_label_inside_its_bar_is_white_and_one_outside_is_dark(texts_in_dutch):
    root = bar_chart([2.8, 2.0], target=3)
    inside, outside = value_labels(root)
    assert inside.get("fill") == "#ffffff" and inside.get("text-anchor") == "end"
    assert outside.get("fill") == "#1a1a1a"


# -- the heat map of the round report -------------------------------------------------------------

LONG_NAME = "Operationeel Ondersteuningscommando Land"


def heat(rows: list[str], columns: int = 5) -> ET.Element:
    return parse(
        charts.heatmap(
            [str(n) for n in range(1, columns + 1)],
            [charts.HeatRow(name, [2.5] * columns, [True] + [False] * (columns - 1)) for name in rows],
            levels=[1, 2, 3, 4, 5],
            chart_id="h",
            title="t",
        )
    )


@pytest.mark.parametrize("columns", [2, 5, 7])
def test_every_text_of_the_heat_map_and_its_legend_lies_inside_the_chart(texts_in_dutch, columns):
    root = heat(["Korps Mariniers", LONG_NAME, "Defensie Cyber Commando"], columns)
    width = float(root.get("viewBox").split()[2])
    for element in texts(root):
        spans = list(element.iter(SVG + "tspan")) or [element]
        for span in spans:
            for key in ("font-size", "font-weight", "text-anchor"):
                if span is not element and element.get(key):
                    span.set(key, element.get(key))
            left, right = extent(span)
            assert left >= 0 and right <= width, "".join(span.itertext())


def test_the_legend_explains_the_outline_with_a_sample_cell(texts_in_dutch):
    root = heat(["Korps Mariniers"])
    words = [t for t in texts(root) if "".join(t.itertext()) == "meer dan een half niveau onder het doel"]
    assert words, "the legend names what a marked cell means"
    sample = [
        r
        for r in root.iter(SVG + "rect")
        if r.get("stroke") == "#a90061" and float(r.get("y")) > float(words[0].get("y")) - 20
    ]
    assert sample, "beside it a cell drawn as the marked cells are"


def test_a_long_unit_name_is_shown_whole_on_two_lines(texts_in_dutch):
    root = heat([LONG_NAME])
    shown = [" ".join(t.text for t in element.iter(SVG + "tspan")) for element in texts(root)]
    assert LONG_NAME in shown
