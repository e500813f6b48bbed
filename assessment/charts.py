"""Server-side SVG charts for pages and PDF reports: pure code, no Flask, no database.

Every chart is readable without colour: each series has its own line pattern and marker shape,
named in a legend, and every text is escaped. Charts carry a <title> and <desc>; the page or
report shows a table with the same numbers beside each chart (the text alternative).
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

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


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _dutch(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


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


def _legend(series: Sequence[Series], x: float, y: float, width: float) -> tuple[list[str], float]:
    """Legend items in rows that fit ``width``; returns the SVG parts and the height used."""
    parts: list[str] = []
    cx, cy = x, y
    for item in series:
        label_width = 34 + 7.2 * len(item.name)
        if cx > x and cx + label_width > x + width:
            cx, cy = x, cy + 22
        parts.append(
            f'<line x1="{_fmt(cx)}" y1="{_fmt(cy)}" x2="{_fmt(cx + 24)}" y2="{_fmt(cy)}" {_line_attrs(item.style)}/>'
        )
        parts.append(_marker(item.style.marker, cx + 12, cy, item.style))
        parts.append(
            f'<text x="{_fmt(cx + 30)}" y="{_fmt(cy + 4.5)}" font-size="13">{escape(item.name)}</text>'
        )
        cx += label_width + 12
    return parts, cy - y + 22


def radar(
    axes: Sequence[str],
    series: Sequence[Series],
    *,
    levels: Sequence[int],
    chart_id: str,
    title: str,
    description: str = "",
) -> Markup:
    """A radar (spider) chart: one axis per label, rings at each scale level.

    A series value of None (no score) leaves a gap in that series' outline instead of pretending
    a zero. With fewer than three axes the chart still draws (as a line or a point).
    """
    n = len(axes)
    top = max(levels) if levels else 1
    width, radius, cx = 640, 165, 320
    cy = radius + 62
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
            f'<text x="{_fmt(lx + 4)}" y="{_fmt(ly + 4)}" font-size="11" fill="#595959">{level}</text>'
        )
    # axes and their labels
    for i, label in enumerate(axes):
        x, y = point(i, top)
        parts.append(f'<line x1="{cx}" y1="{_fmt(cy)}" x2="{_fmt(x)}" y2="{_fmt(y)}" stroke="#cccccc"/>')
        lx, ly = point(i, top * 1.13)
        anchor = "middle" if abs(lx - cx) < 20 else ("start" if lx > cx else "end")
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
        else:
            for i in range(n if n >= 3 else n - 1):
                a, b = points[i], points[(i + 1) % n]
                if a is not None and b is not None:
                    parts.append(
                        f'<line x1="{_fmt(a[0])}" y1="{_fmt(a[1])}" x2="{_fmt(b[0])}" y2="{_fmt(b[1])}" '
                        f"{_line_attrs(item.style)}/>"
                    )
        for p in points:
            if p is not None:
                parts.append(_marker(item.style.marker, p[0], p[1], item.style))
    parts += legend_parts
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (every text above went through escape())


def describe_series(axes: Sequence[str], series: Sequence[Series]) -> str:
    """A sentence per series for the chart's <desc>: "Eenheid: Communicatie 3,2; Data –."."""
    sentences = []
    for item in series:
        values = "; ".join(
            f"{axis} {_dutch(v) if v is not None else '–'}"
            for axis, v in zip(axes, item.values, strict=False)
        )
        sentences.append(f"{item.name}: {values}.")
    return " ".join(sentences)
