"""CSV and XLSX of exactly what the dashboard shows, with the same (rounded) figures.

CSV in the language of the request: in Dutch ``;``-separated with decimal commas, in English
``,``-separated with decimal points, so that Excel opens it correctly in either locale; UTF-8 with
a byte order mark. XLSX keeps numbers as numbers. Headers and questionnaire texts follow the
language. Text that a spreadsheet would run as a formula (starting with =, +, -, @) gets a
leading apostrophe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from flask_babel import gettext as _
from sqlalchemy import select

from assessment import formatting, i18n, scoring
from assessment.assessments.models import Answer, Assessment
from assessment.compare.services import Dashboard, Row
from assessment.db import session
from assessment.questionnaires.models import Capability, Question, Theme

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """Text that no spreadsheet runs as a formula."""
    return "'" + value if value.startswith(FORMULA_START) else value


def rounded(value: float | None, places: int = 1) -> float | None:
    """The value as the pages show it (one decimal): exports carry the same figures."""
    return None if value is None else formatting.round_half_up(value, places)


def _unit_headers() -> list[str]:
    return [
        _("Code"),
        _("Eenheid"),
        _("Status"),
        _("Volledig (%)"),
        _("Totaalscore"),
        _("Behaald niveau"),
        _("Kwartiel"),
    ]


def _unit_cells(row: Row) -> list[object]:
    """The first columns of every export row, in the order of ``_unit_headers``."""
    return [
        row.unit_code,
        row.unit_name,
        row.status.label,
        int(formatting.round_half_up(row.completeness * 100, 0)),
        rounded(row.overall),
        row.attained_level,
        row.quartile,
    ]


def _row_cells(dashboard: Dashboard, row: Row) -> list[object]:
    cells = _unit_cells(row)
    for column, cell in zip(dashboard.columns, row.cells, strict=True):
        cells.append(rounded(cell.score))
        if dashboard.drilled_theme is None:
            theme = row.result.theme(column.key)
            cells += [rounded(theme.target) if theme else None, rounded(theme.gap) if theme else None]
        else:
            cells.append(_("ja") if cell.below_target else _("nee"))
    return cells


def _headers(dashboard: Dashboard) -> list[str]:
    headers = _unit_headers()
    for column in dashboard.columns:
        label = f"{column.number}. {column.title}"
        if dashboard.drilled_theme is None:
            headers += [
                _("%(column)s – score", column=label),
                _("%(column)s – doel", column=label),
                _("%(column)s – gap", column=label),
            ]
        else:
            headers += [_("%(column)s – score", column=label), _("%(column)s – onder doel", column=label)]
    return headers


def csv_bytes(dashboard: Dashboard) -> bytes:
    """The heat map rows as CSV (see the module docstring for the format)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=CSV_SEPARATORS.get(i18n.current(), ","), lineterminator="\r\n")
    writer.writerow(_headers(dashboard))
    for row in dashboard.rows:
        writer.writerow([_csv_value(v) for v in _row_cells(dashboard, row)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# A language whose decimal sign is a comma separates fields with ";", as Excel does there.
CSV_SEPARATORS = {"nl": ";", "en": ","}


def _csv_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return formatting.decimal(value, 1, grouping=False)
    if isinstance(value, int):
        return str(value)
    return safe_text(str(value))


def xlsx_bytes(dashboard: Dashboard) -> bytes:
    """Three sheets: scores per unit × speerpunt and capability, all answers, the benchmark."""
    # openpyxl loads on first use: importing it adds about 0.1 s to every start of the app.
    from openpyxl import Workbook

    workbook = Workbook()
    scores = workbook.active
    scores.title = _("Scores")
    _scores_sheet(scores, dashboard)
    _answers_sheet(workbook.create_sheet(_("Antwoorden")), dashboard)
    _benchmark_sheet(workbook.create_sheet(_("Benchmark")), dashboard)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write(sheet: object, rows: Iterator[list[object]] | list[list[object]], widths: dict[int, int]) -> None:
    from openpyxl.styles import Alignment, Font  # loaded by xlsx_bytes already, see there
    from openpyxl.utils import get_column_letter

    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values, start=1):
            cell = sheet.cell(row=r, column=c)  # type: ignore[attr-defined]
            if isinstance(value, str):
                cell.value = safe_text(value)
                cell.data_type = "s"  # a string, never a formula
            else:
                cell.value = value
            if isinstance(value, float):
                cell.number_format = "0.0"
            if r == 1:
                cell.font = Font(bold=True)
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = width  # type: ignore[attr-defined]
    sheet.freeze_panes = "C2"  # type: ignore[attr-defined]


def _scores_sheet(sheet: object, dashboard: Dashboard) -> None:
    data = dashboard.data
    headers = _unit_headers()
    for t, theme in enumerate(data.themes, start=1):
        headers += [f"{t}. {theme.title}", _("%(number)s. doel", number=t), _("%(number)s. gap", number=t)]
    for t, theme in enumerate(data.themes, start=1):
        headers += [f"{t}.{c}. {cap.title}" for c, cap in enumerate(theme.capabilities, start=1)]
    rows: list[list[object]] = [headers]
    for row in dashboard.rows:
        values = _unit_cells(row)
        for theme in data.themes:
            result = row.result.theme(theme.key)
            values += [
                rounded(result.score) if result else None,
                rounded(result.target) if result else None,
                rounded(result.gap) if result else None,
            ]
        for theme in data.themes:
            result = row.result.theme(theme.key)
            for cap in theme.capabilities:
                found = next((c for c in result.capabilities if c.key == cap.key), None) if result else None
                values.append(rounded(found.score) if found else None)
        rows.append(values)
    _write(sheet, rows, {1: 18, 2: 36})


def _answers_sheet(sheet: object, dashboard: Dashboard) -> None:
    unit_ids = [row.unit_id for row in dashboard.rows]
    headers = [
        _("Code"),
        _("Eenheid"),
        _("Vraag"),
        _("Sleutel"),
        _("Speerpunt"),
        _("Capability"),
        _("Vraagtekst"),
        _("Niveau"),
        _("n.v.t."),
        _("Toelichting"),
    ]
    rows: list[list[object]] = [headers]
    if unit_ids:
        names = {row.unit_id: (row.unit_code, row.unit_name) for row in dashboard.rows}
        order = {row.unit_id: i for i, row in enumerate(dashboard.rows)}
        query = (
            select(
                Assessment.unit_id,
                Theme.position,
                Theme.key,
                Capability.key,
                Question.key,
                Question.key,
                Answer.level,
                Answer.is_not_applicable,
                Answer.comment,
                Capability.position,
                Question.position,
            )
            .join(Answer, Answer.assessment_id == Assessment.id)
            .join(Question, Question.id == Answer.question_id)
            .join(Capability, Capability.id == Question.capability_id)
            .join(Theme, Theme.id == Capability.theme_id)
            .where(Assessment.round_id == dashboard.round.id, Assessment.unit_id.in_(unit_ids))
        )
        numbers = dashboard.data.question_numbers()
        # Titles and question texts in the language of the export, from the questionnaire as read.
        titles = {t.key: t.title for t in dashboard.data.themes}
        titles |= {c.key: c.title for t in dashboard.data.themes for c in t.capabilities}
        texts = {q.key: q.text for t in dashboard.data.themes for q in t.questions}
        records = sorted(session.execute(query).all(), key=lambda r: (order[r[0]], r[1], r[9], r[10]))
        for unit_id, _tp, theme_key, capability_key, key, _key, level, nvt, comment, _cp, _qp in records:
            code, name = names[unit_id]
            rows.append(
                [
                    code,
                    name,
                    numbers.get(key, ""),
                    key,
                    titles.get(theme_key, theme_key),
                    titles.get(capability_key, capability_key),
                    texts.get(key, key),
                    level,
                    _("ja") if nvt else "",
                    comment,
                ]
            )
    _write(sheet, rows, {1: 16, 2: 30, 5: 28, 6: 28, 7: 60, 10: 60})


def _benchmark_sheet(sheet: object, dashboard: Dashboard) -> None:
    headers = [_("Speerpunt / capability"), "n", _("Minimum"), "Q1", _("Mediaan"), "Q3", _("Maximum")]
    rows: list[list[object]] = [headers]
    results = [row.result for row in dashboard.rows]
    bench = scoring.benchmark(results)

    def line(label: str, d: scoring.Distribution) -> list[object]:
        return [
            label,
            d.n,
            rounded(d.minimum),
            rounded(d.q1),
            rounded(d.median),
            rounded(d.q3),
            rounded(d.maximum),
        ]

    rows.append(line(_("Totaal"), bench.overall))
    for t, theme in enumerate(dashboard.data.themes, start=1):
        rows.append(line(f"{t}. {theme.title}", bench.themes.get(theme.key, scoring.EMPTY)))
        for c, cap in enumerate(theme.capabilities, start=1):
            rows.append(line(f"   {t}.{c}. {cap.title}", bench.capabilities.get(cap.key, scoring.EMPTY)))
    _write(sheet, rows, {1: 50})
