"""Server-side SVG charts for pages and PDF reports: pure code, no Flask, no database.

Every chart is readable without colour: each series has its own line pattern and marker shape,
named in a legend, and every text is escaped. Charts carry a <title> and <desc>; the page or
report shows a table with the same numbers beside each chart (the text alternative).
"""

from __future__ import annotations

import itertools
import math
import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from markupsafe import Markup, escape

from assessment.formatting import decimal
from assessment.scoring import AssessmentResult

FONT = "DejaVu Sans, Verdana, Arial, sans-serif"


@dataclass(frozen=True)
class SeriesStyle:
    colour: str
    dash: str | None  # stroke-dasharray; None for a solid line
    marker: str  # "circle", "square" or "triangle"
    fill: bool = False


UNIT = SeriesStyle("#01689b", None, "circle", fill=True)
TARGET = SeriesStyle("#a90061", "7 4", "square")
MEDIAN = SeriesStyle("#4d4d4d", "2 3", "triangle")
# For overlays of several units: colour-blind safe colours (Okabe-Ito), each with its own dash.
PALETTE = (
    SeriesStyle("#0072b2", None, "circle"),
    SeriesStyle("#d55e00", "8 3", "square"),
    SeriesStyle("#009e73", "2 3", "triangle"),
    SeriesStyle("#cc79a7", "10 3 2 3", "circle"),
    SeriesStyle("#e69f00", "4 4", "square"),
    SeriesStyle("#56b4e9", "1 5", "triangle"),
)


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]
    style: SeriesStyle
    # How the legend shows the series, as the chart draws it: "line" (a line with its marker),
    # "bar" (a filled block), "rule" (an upright dashed line) or "marker" (the marker alone).
    symbol: str = "line"


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _number(value: float) -> str:
    """A value as the text shows it, in the language of the page or report."""
    return decimal(value, 1)


def _marker(shape: str, x: float, y: float, style: SeriesStyle, size: float = 4.5) -> str:
    common = f'fill="{style.colour}" stroke="#fff" stroke-width="1"'
    if shape == "square":
        return f'<rect x="{_fmt(x - size)}" y="{_fmt(y - size)}" width="{_fmt(2 * size)}" height="{_fmt(2 * size)}" {common}/>'
    if shape == "triangle":
        points = f"{_fmt(x)},{_fmt(y - size - 1)} {_fmt(x - size - 1)},{_fmt(y + size)} {_fmt(x + size + 1)},{_fmt(y + size)}"
        return f'<polygon points="{points}" {common}/>'
    return f'<circle cx="{_fmt(x)}" cy="{_fmt(y)}" r="{_fmt(size)}" {common}/>'


def _line_attrs(style: SeriesStyle, width: float = 2.5) -> str:
    dash = f' stroke-dasharray="{style.dash}"' if style.dash else ""
    return f'stroke="{style.colour}" stroke-width="{width}"{dash} stroke-linejoin="round"'


Point = tuple[float, float] | None


def _points(
    points: Sequence[Point], style: SeriesStyle, *, pairs: Sequence[tuple[Point, Point]]
) -> list[str]:
    """A line for every pair of present points (a missing value breaks the line), then a marker
    on every present point."""
    parts = [
        f'<line x1="{_fmt(a[0])}" y1="{_fmt(a[1])}" x2="{_fmt(b[0])}" y2="{_fmt(b[1])}" {_line_attrs(style)}/>'
        for a, b in pairs
        if a is not None and b is not None
    ]
    parts += [_marker(style.marker, p[0], p[1], style) for p in points if p is not None]
    return parts


def _legend(series: Sequence[Series], x: float, y: float, width: float) -> tuple[list[str], float]:
    """Legend items in rows that fit ``width``; returns the SVG parts and the height used."""
    parts: list[str] = []
    cx, cy = x, y
    for item in series:
        label_width = 34 + 7.2 * len(item.name)
        if cx > x and cx + label_width > x + width:
            cx, cy = x, cy + 22
        parts.append(_legend_symbol(item, cx, cy))
        parts.append(
            f'<text x="{_fmt(cx + 30)}" y="{_fmt(cy + 4.5)}" font-size="13">{escape(item.name)}</text>'
        )
        cx += label_width + 12
    return parts, cy - y + 22


def _legend_symbol(item: Series, x: float, y: float) -> str:
    """The series' symbol in a 24-wide slot at (x, y), drawn as the chart draws the series."""
    style = item.style
    if item.symbol == "bar":
        return f'<rect x="{_fmt(x + 2)}" y="{_fmt(y - 7)}" width="20" height="14" fill="{style.colour}"/>'
    if item.symbol == "rule":
        return f'<line x1="{_fmt(x + 12)}" y1="{_fmt(y - 9)}" x2="{_fmt(x + 12)}" y2="{_fmt(y + 9)}" {_line_attrs(style, 2)}/>'
    marker = _marker(style.marker, x + 12, y, style)
    if item.symbol == "marker":
        return marker
    return f'<line x1="{_fmt(x)}" y1="{_fmt(y)}" x2="{_fmt(x + 24)}" y2="{_fmt(y)}" {_line_attrs(style)}/>{marker}'


def radar(
    axes: Sequence[str],
    series: Sequence[Series],
    *,
    levels: Sequence[int],
    chart_id: str,
    title: str,
    description: str = "",
    compact: bool = False,
) -> Markup:
    """A radar (spider) chart: one axis per label, rings at each scale level.

    A series value of None (no score) leaves a gap in that series' outline instead of pretending
    a zero. With fewer than three axes the chart still draws (as a line or a point).

    ``compact`` draws it for a narrow screen (see ``responsive``): the axes carry only their
    numbers, a key under the chart names them, and the legend has one series a line.
    """
    n = len(axes)
    top = max(levels) if levels else 1
    if compact:
        chart_id = f"{chart_id}-{COMPACT}"
        width, radius, cx = COMPACT_WIDTH, 118, COMPACT_WIDTH / 2
        cy = radius + 34
        # under the lowest axis number (at 1.13 radius), the key and then the legend
        lowest = max(
            (cy + radius * 1.13 * math.sin(-math.pi / 2 + 2 * math.pi * i / n) for i in range(n)), default=cy
        )
        key_parts, key_height = _key(axes, 10, lowest + 22, width - 20)
        legend_parts, legend_height = _legend_column(series, 10, lowest + 22 + key_height, width - 20)
        height = lowest + 22 + key_height + legend_height
    else:
        width, radius, cx = 640, 165, 320
        cy = radius + 62
        key_parts = []
        legend_parts, legend_height = _legend(series, 20, 2 * radius + 150, width - 40)
        height = 2 * radius + 150 + legend_height

    def point(index: int, value: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * index / max(n, 1)
        r = radius * max(0.0, value) / top
        return cx + r * math.cos(angle), cy + r * math.sin(angle)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart radar" viewBox="0 0 {width} {_fmt(height)}" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" font-family="{FONT}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    # rings and their level numbers
    for level in levels:
        ring = " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in (point(i, level) for i in range(n)))
        if n >= 3:
            parts.append(f'<polygon points="{ring}" fill="none" stroke="#cccccc" stroke-width="1"/>')
        else:
            parts.append(
                f'<circle cx="{cx}" cy="{_fmt(cy)}" r="{_fmt(radius * level / top)}" fill="none" stroke="#cccccc"/>'
            )
        lx, ly = point(0, level)
        parts.append(
            f'<text x="{_fmt(lx + 4)}" y="{_fmt(ly + 4)}" font-size="{COMPACT_FONT - 1 if compact else 11}" '
            f'fill="#595959">{level}</text>'
        )
    # axes and their labels
    for i, label in enumerate(axes):
        x, y = point(i, top)
        parts.append(f'<line x1="{cx}" y1="{_fmt(cy)}" x2="{_fmt(x)}" y2="{_fmt(y)}" stroke="#cccccc"/>')
        lx, ly = point(i, top * 1.13)
        anchor = "middle" if abs(lx - cx) < 20 else ("start" if lx > cx else "end")
        if compact:
            parts.append(
                f'<text x="{_fmt(lx)}" y="{_fmt(ly + 5)}" font-size="{COMPACT_FONT + 1}" font-weight="bold" '
                f'text-anchor="{anchor}">{escape(_axis_number(label, i))}</text>'
            )
            continue
        lines = textwrap.wrap(label, 24) or [""]
        dy0 = -7 * (len(lines) - 1) if ly < cy - 20 else (0 if ly > cy + 20 else -7 * (len(lines) - 1) / 2)
        spans = "".join(
            f'<tspan x="{_fmt(lx)}" dy="{_fmt(dy0 if j == 0 else 15)}">{escape(line)}</tspan>'
            for j, line in enumerate(lines)
        )
        parts.append(
            f'<text x="{_fmt(lx)}" y="{_fmt(ly + 4)}" font-size="12.5" text-anchor="{anchor}">{spans}</text>'
        )
    # the series, last drawn on top
    for item in series:
        values = list(item.values)
        points = [point(i, v) if v is not None else None for i, v in enumerate(values)]
        complete = all(p is not None for p in points) and n >= 3
        if complete:
            outline = " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in points)  # type: ignore[misc]
            fill = f'fill="{item.style.colour}" fill-opacity="0.15"' if item.style.fill else 'fill="none"'
            parts.append(f'<polygon points="{outline}" {fill} {_line_attrs(item.style)}/>')
            parts += _points(points, item.style, pairs=[])
        else:
            closing = [(points[-1], points[0])] if n >= 3 else []
            parts += _points(points, item.style, pairs=[*itertools.pairwise(points), *closing])
    parts += key_parts
    parts += legend_parts
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (every text above went through escape())


def result_radar(
    result: AssessmentResult,
    *,
    unit_name: str,
    medians: Mapping[str, float | None],
    levels: Sequence[int],
    chart_id: str = "radar",
    compact: bool = False,
) -> Markup:
    """The unit's radar: its score, its target and (where shown) the Defensie median per theme."""
    axes = [f"{i}. {theme.title}" for i, theme in enumerate(result.themes, start=1)]
    series = [
        Series(_("Score %(unit)s", unit=unit_name), [t.score for t in result.themes], UNIT),
        Series(_("Doel"), [t.target for t in result.themes], TARGET),
    ]
    if any(medians.get(t.key) is not None for t in result.themes):
        series.append(Series(_("Mediaan Defensie"), [medians.get(t.key) for t in result.themes], MEDIAN))
    return radar(
        axes,
        series,
        levels=levels,
        chart_id=chart_id,
        title=_("Score per speerpunt van %(unit)s", unit=unit_name),
        description=describe_series(axes, series),
        compact=compact,
    )


def describe_series(axes: Sequence[str], series: Sequence[Series]) -> str:
    """A sentence per series for the chart's <desc>: "Eenheid: Communicatie 3,2; Data –."."""
    sentences = []
    for item in series:
        values = "; ".join(
            f"{axis} {_number(v) if v is not None else '–'}"
            for axis, v in zip(axes, item.values, strict=False)
        )
        sentences.append(f"{item.name}: {values}.")
    return " ".join(sentences)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    median: float | None = None


def bars(
    items: Sequence[Bar],
    *,
    levels: Sequence[int],
    target: float | None,
    chart_id: str,
    title: str,
    description: str = "",
    value_name: str | None = None,
) -> Markup:
    """Horizontal bars on the scale, one per item, with the target as a dashed line and each
    item's median as a triangle. A missing value shows "–" instead of a bar of zero."""
    top = max(levels) if levels else 1
    label_width, plot_width, row = 250, 330, 34
    left = label_width + 10
    top_margin = 26
    height_plot = row * len(items)
    series = [Series(value_name or _("Score"), [], UNIT, symbol="bar")]
    if target is not None:
        series.append(Series(_("Doel"), [], TARGET, symbol="rule"))
    if any(item.median is not None for item in items):
        series.append(Series(_("Mediaan Defensie"), [], MEDIAN, symbol="marker"))
    legend_parts, legend_height = _legend(series, 10, top_margin + height_plot + 30, 620)
    height = top_margin + height_plot + 30 + legend_height

    def x_of(value: float) -> float:
        return left + plot_width * max(0.0, value) / top

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart bars" viewBox="0 0 640 {_fmt(height)}" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" font-family="{FONT}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    for level in [0, *levels]:
        x = x_of(level)
        parts.append(
            f'<line x1="{_fmt(x)}" y1="{top_margin - 6}" x2="{_fmt(x)}" y2="{_fmt(top_margin + height_plot)}" '
            'stroke="#dddddd"/>'
        )
        if level:
            parts.append(
                f'<text x="{_fmt(x)}" y="{top_margin - 10}" font-size="11" text-anchor="middle" fill="#595959">{level}</text>'
            )
    for i, item in enumerate(items):
        y = top_margin + i * row
        lines = textwrap.wrap(item.label, 36)[:2] or [""]
        first_dy = 17 if len(lines) == 1 else 11
        spans = "".join(
            f'<tspan x="{label_width}" dy="{first_dy if j == 0 else 13}">{escape(line)}</tspan>'
            for j, line in enumerate(lines)
        )
        parts.append(
            f'<text x="{label_width}" y="{_fmt(y)}" font-size="11.5" text-anchor="end">{spans}</text>'
        )
        if item.value is not None:
            parts.append(
                f'<rect x="{left}" y="{_fmt(y + 6)}" width="{_fmt(x_of(item.value) - left)}" height="{row - 14}" '
                f'fill="{UNIT.colour}"/>'
            )
        parts.append(
            _value_label(
                item.value, left, x_of, x_of(target) if target is not None else None, y + row / 2 + 4
            )
        )
        if item.median is not None:
            parts.append(_marker(MEDIAN.marker, x_of(item.median), y + row - 8, MEDIAN, size=4))
    if target is not None:
        x = x_of(target)
        parts.append(
            f'<line x1="{_fmt(x)}" y1="{top_margin - 4}" x2="{_fmt(x)}" y2="{_fmt(top_margin + height_plot)}" '
            f"{_line_attrs(TARGET, 2)}/>"
        )
    parts += legend_parts
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (every text above went through escape())


VALUE_FONT = 11.5
CHAR_WIDTH = 0.62  # of the font size: DejaVu Sans Bold's digits and comma, with room to spare


def _value_label(
    value: float | None, left: float, x_of: Callable[[float], float], target_x: float | None, y: float
) -> str:
    """A bar's value as text: after the bar's end, unless the target line would run through it;
    then inside the bar's end (white on the bar) or, for a bar too short for that, after the
    target line. No text ever crosses the target line."""
    text = _number(value) if value is not None else "–"
    width = CHAR_WIDTH * VALUE_FONT * len(text)
    end = x_of(value) if value is not None else left
    x, anchor, ink = end + 6, "start", "#1a1a1a"
    if target_x is not None and x - 3 <= target_x <= x + width + 3:
        if value is not None and end - left >= width + 10:
            x, anchor, ink = end - 5, "end", "#ffffff"
        else:
            x = target_x + 6
    return (
        f'<text x="{_fmt(x)}" y="{_fmt(y)}" font-size="{VALUE_FONT}" font-weight="bold" '
        f'text-anchor="{anchor}" fill="{ink}">{text}</text>'
    )


# Sequential, colour-blind safe and monotone in lightness (so it also reads in grey): light for
# low, dark for high. Text on the darker half is white.
HEAT = ("#f1eef6", "#d0d1e6", "#a6bddb", "#74a9cf", "#2b8cbe", "#045a8d", "#023858")


def heat_colour(value: float, lowest: float, top: float) -> tuple[str, str]:
    """(fill, text colour) for ``value`` on the scale ``lowest``..``top``."""
    share = 0.0 if top == lowest else (value - lowest) / (top - lowest)
    index = min(len(HEAT) - 1, max(0, round(share * (len(HEAT) - 1))))
    return HEAT[index], "#ffffff" if index >= 5 else "#1a1a1a"


@dataclass(frozen=True)
class HeatRow:
    label: str
    values: Sequence[float | None]
    below_target: Sequence[bool]


def heatmap(
    columns: Sequence[str],
    rows: Sequence[HeatRow],
    *,
    levels: Sequence[int],
    chart_id: str,
    title: str,
    description: str = "",
) -> Markup:
    """Units × speerpunten: each cell its score as text on a colour that also reads in grey;
    a cell marked below its target (the caller decides how far below) gets a heavy outline and a "▼" after the number."""
    lowest, top = (min(levels), max(levels)) if levels else (1, 1)
    label_width, cell_w, cell_h, head = 250, 76, 24, 46
    below_text = _("meer dan een half niveau onder het doel")
    legend_width = max(len(HEAT) * 34, 42 + 6.2 * len(below_text))  # the wider of its two lines
    width = math.ceil(label_width + max(cell_w * len(columns), legend_width) + 10)
    height = head + cell_h * len(rows) + 72
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart heatmap" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" font-family="{FONT}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    for c, column in enumerate(columns):
        x = label_width + c * cell_w + cell_w / 2
        lines = textwrap.wrap(column, 12)[:3] or [""]
        spans = "".join(
            f'<tspan x="{_fmt(x)}" dy="{0 if j == 0 else 12}">{escape(line)}</tspan>'
            for j, line in enumerate(lines)
        )
        parts.append(
            f'<text x="{_fmt(x)}" y="{_fmt(head - 8 - 12 * (len(lines) - 1))}" font-size="10.5" text-anchor="middle" '
            f'font-weight="bold">{spans}</text>'
        )
    for r, heat_row in enumerate(rows):
        y = head + r * cell_h
        parts.append(_row_label(heat_row.label, label_width - 6, y + cell_h / 2))
        for c, value in enumerate(heat_row.values):
            x = label_width + c * cell_w
            below = c < len(heat_row.below_target) and heat_row.below_target[c]
            if value is None:
                fill, ink, text = "#ffffff", "#595959", "–"
            else:
                fill, ink = heat_colour(value, lowest, top)
                text = _number(value) + (" ▼" if below else "")
            stroke = 'stroke="#a90061" stroke-width="2.5"' if below else 'stroke="#ffffff" stroke-width="1"'
            weight = "bold" if below else "normal"
            parts.append(
                f'<rect x="{_fmt(x + 1)}" y="{_fmt(y + 1)}" width="{cell_w - 2}" height="{cell_h - 2}" fill="{fill}" {stroke}/>'
            )
            parts.append(
                f'<text x="{_fmt(x + cell_w / 2)}" y="{_fmt(y + cell_h / 2 + 4)}" font-size="11.5" text-anchor="middle" '
                f'fill="{ink}" font-weight="{weight}">{text}</text>'
            )
    # scale legend
    ly = head + cell_h * len(rows) + 14
    step = (top - lowest) / (len(HEAT) - 1) if len(HEAT) > 1 else 0
    for i, colour in enumerate(HEAT):
        x = label_width + i * 34
        parts.append(
            f'<rect x="{x}" y="{ly}" width="32" height="14" fill="{colour}" stroke="#999999" stroke-width="0.5"/>'
        )
        parts.append(
            f'<text x="{x + 16}" y="{ly + 25}" font-size="9.5" text-anchor="middle">{_number(lowest + i * step)}</text>'
        )
    parts.append(
        f'<text x="{label_width - 6}" y="{ly + 11}" font-size="10.5" text-anchor="end">{escape(_("Score:"))}</text>'
    )
    # what the outline and the ▼ mean, on a line of its own: a sample cell, then the words
    ly += 34
    parts.append(
        f'<rect x="{label_width + 1}" y="{ly}" width="32" height="18" fill="#ffffff" stroke="#a90061" stroke-width="2.5"/>'
        f'<text x="{label_width + 17}" y="{ly + 13}" font-size="11.5" text-anchor="middle" font-weight="bold">▼</text>'
        f'<text x="{label_width + 42}" y="{ly + 13}" font-size="10.5">{escape(below_text)}</text>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (every text above went through escape())


def _row_label(label: str, x: float, middle: float, width: int = 36) -> str:
    """A row's name, right-aligned at ``x``: on two lines when it is long, never cut short
    without an ellipsis."""
    lines = textwrap.wrap(label, width) or [""]
    if len(lines) > 2:
        lines = [lines[0], textwrap.shorten(" ".join(lines[1:]), width, placeholder="…")]
    if len(lines) == 1:
        return f'<text x="{_fmt(x)}" y="{_fmt(middle + 4)}" font-size="11" text-anchor="end">{escape(lines[0])}</text>'
    spans = "".join(
        f'<tspan x="{_fmt(x)}" dy="{0 if j == 0 else 11}">{escape(line)}</tspan>'
        for j, line in enumerate(lines)
    )
    return f'<text x="{_fmt(x)}" y="{_fmt(middle - 1.5)}" font-size="10" text-anchor="end">{spans}</text>'


def lines(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    levels: Sequence[int],
    chart_id: str,
    title: str,
    description: str = "",
    compact: bool = False,
) -> Markup:
    """A line chart over rounds: x = ``labels`` (oldest first), y = the scale. A missing value
    breaks the line; every point carries its series' marker.

    ``compact`` draws it for a narrow screen (see ``responsive``): larger text, one series a line
    in the legend, and only as many round labels as fit side by side."""
    top = max(levels) if levels else 1
    if compact:
        chart_id = f"{chart_id}-{COMPACT}"
        width, left, right, plot_top, plot_height = COMPACT_WIDTH, 30, COMPACT_WIDTH - 36, 16, 170
        font = small = COMPACT_FONT - 1
        legend_parts, legend_height = _legend_column(series, 10, plot_top + plot_height + 46, width - 20)
    else:
        width, left, right, plot_top, plot_height = 640, 50, 620, 20, 220
        font, small = 11.5, 11
        legend_parts, legend_height = _legend(series, 10, plot_top + plot_height + 50, width - 20)
    height = plot_top + plot_height + (46 if compact else 50) + legend_height
    step = (right - left) / max(1, len(labels) - 1) if len(labels) > 1 else 0
    # Every n-th round label, so that no two overlap (a label is about 0.6 em a character).
    widest = max((len(label) for label in labels), default=0) * 0.6 * font + 8
    every = max(1, math.ceil(widest / step)) if step else 1

    def xy(index: int, value: float) -> tuple[float, float]:
        x = left + index * step if len(labels) > 1 else (left + right) / 2
        return x, plot_top + plot_height * (1 - max(0.0, value) / top)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart lines" viewBox="0 0 {width} {_fmt(height)}" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" font-family="{FONT}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    for level in levels:
        _x, y = xy(0, level)
        parts.append(f'<line x1="{left}" y1="{_fmt(y)}" x2="{right}" y2="{_fmt(y)}" stroke="#dddddd"/>')
        parts.append(
            f'<text x="{left - 8}" y="{_fmt(y + 4)}" font-size="{small}" text-anchor="end" fill="#595959">{level}</text>'
        )
    for i, label in enumerate(labels):
        if (len(labels) - 1 - i) % every:  # counted from the latest round, which is always named
            continue
        x, _y = xy(i, 0)
        parts.append(
            f'<text x="{_fmt(x)}" y="{plot_top + plot_height + 20}" font-size="{font}" text-anchor="middle">'
            f"{escape(label)}</text>"
        )
    for item in series:
        points = [xy(i, v) if v is not None else None for i, v in enumerate(item.values)]
        parts += _points(points, item.style, pairs=list(itertools.pairwise(points)))
    parts += legend_parts
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (every text above went through escape())


# -- narrow screens -------------------------------------------------------------------------------
# A drawing made for 640 wide shrinks to about half on a phone, and its text with it. So a page
# sends a chart twice: as drawn for print and wide screens, and drawn for 360 wide with text of at
# least 13 (11 px or more on a 300 px wide phone); its style sheet shows the one that fits.

COMPACT = "smal"
COMPACT_WIDTH = 360
COMPACT_FONT = 14


def responsive(wide: Markup, compact: Markup) -> Markup:
    """Both drawings of one chart, each in its own box (``chart-wide``, ``chart-compact``) for the
    page's style sheet to choose from; PDFs use the wide drawing alone."""
    return Markup('<div class="chart-wide">{}</div><div class="chart-compact">{}</div>').format(wide, compact)


def _axis_number(label: str, index: int) -> str:
    """The number an axis label starts with ("2" for "2. Digitaal fundament"), else its place."""
    head = label.split(" ", 1)[0].rstrip(".")
    return head if head.replace(".", "").isdigit() else str(index + 1)


def _wrapped(text: str, x: float, y: float, width: float, font: float) -> tuple[str, float]:
    """``text`` in lines that fit ``width`` (about 0.6 em a character), first baseline at y;
    returns the <text> element and the height it takes."""
    lines = textwrap.wrap(text, max(8, int(width / (0.6 * font)))) or [""]
    leading = round(font * 1.3, 1)
    spans = "".join(
        f'<tspan x="{_fmt(x)}" dy="{0 if j == 0 else _fmt(leading)}">{escape(line)}</tspan>'
        for j, line in enumerate(lines)
    )
    return f'<text x="{_fmt(x)}" y="{_fmt(y)}" font-size="{COMPACT_FONT}">{spans}</text>', leading * len(
        lines
    )


def _key(labels: Sequence[str], x: float, y: float, width: float) -> tuple[list[str], float]:
    """The full axis labels under a compact chart, one a paragraph; returns parts and height."""
    parts, used = [], 0.0
    for label in labels:
        text, height = _wrapped(label, x, y + used + COMPACT_FONT, width, COMPACT_FONT)
        parts.append(text)
        used += height + 4
    return parts, used + 10


def _legend_column(series: Sequence[Series], x: float, y: float, width: float) -> tuple[list[str], float]:
    """A legend with one series a line (its name wrapped beside its symbol); returns the SVG parts
    and the height used."""
    parts, used = [], 0.0
    for item in series:
        cy = y + used + 9
        parts.append(
            f'<line x1="{_fmt(x)}" y1="{_fmt(cy)}" x2="{_fmt(x + 24)}" y2="{_fmt(cy)}" {_line_attrs(item.style)}/>'
        )
        parts.append(_marker(item.style.marker, x + 12, cy, item.style))
        text, height = _wrapped(item.name, x + 32, cy + 5, width - 32, COMPACT_FONT)
        parts.append(text)
        used += max(height, 18) + 6
    return parts, used
