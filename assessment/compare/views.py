from __future__ import annotations

import io
from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _

from assessment import charts
from assessment.auth.access import can_read_all_units, requires
from assessment.codes import normalise_code
from assessment.compare import exports, services
from assessment.results import services as results

bp = Blueprint("compare", __name__, template_folder="templates")


def _dashboard(code: str) -> services.Dashboard:
    rounds = services.all_rounds()  # one query serves the choice of round and the trend
    round_ = next((r for r in rounds if r.code == normalise_code(code)), None)
    if round_ is None:
        abort(404)
    filters, problems, errors = services.parse_filters(request.args)
    return services.dashboard(round_, filters, problems, errors, rounds=rounds)


@bp.route("/compare")
@requires(can_read_all_units)
def index() -> Any:
    rounds = services.all_rounds()
    current = next((r for r in rounds if r.is_open), rounds[0] if rounds else None)
    if current is None:
        return render_template("compare/empty.html")
    return redirect(url_for(".dashboard", round_code=current.code))


@bp.route("/compare/<round_code>")
@requires(can_read_all_units)
def dashboard(round_code: str) -> Any:
    board = _dashboard(round_code)
    data = board.data
    levels = [s.level for s in data.scale]
    minimum = results.MIN_UNITS_FOR_MEDIAN
    shown = results.shown_medians(board.benchmark.themes)
    medians = [shown.get(t.key) for t in data.themes]

    overlay_units = services.overlay(board)
    overlay_chart = None
    if overlay_units:
        axes = [f"{i}. {t.title}" for i, t in enumerate(data.themes, start=1)]
        series = [
            charts.Series(
                u.name,
                [
                    (u.result.theme(t.key).score if u.result and u.result.theme(t.key) else None)
                    for t in data.themes
                ],
                charts.PALETTE[i % len(charts.PALETTE)],
            )
            for i, u in enumerate(overlay_units)
        ]
        if any(m is not None for m in medians):
            series.append(charts.Series(_("Mediaan Defensie"), medians, charts.MEDIAN))
        overlay_chart = charts.responsive(
            *(
                charts.radar(
                    axes,
                    series,
                    levels=levels,
                    chart_id="overlay",
                    title=_("Vergelijking van de gekozen eenheden per speerpunt"),
                    description=charts.describe_series(axes, series),
                    compact=compact,
                )
                for compact in (False, True)
            )
        )

    trend_rounds = services.trend(board, board.filters.trend_unit)
    trend_series = [
        charts.Series(
            _("Mediaan %(number)s. %(theme)s", number=i, theme=t.title),
            [r.medians.get(t.key) for r in trend_rounds],
            charts.PALETTE[(i - 1) % len(charts.PALETTE)],
        )
        for i, t in enumerate(data.themes, start=1)
    ]
    trend_chart = charts.responsive(
        *(
            charts.lines(
                [r.code for r in trend_rounds],
                trend_series,
                levels=levels,
                chart_id="trend",
                title=_("Mediaan van Defensie per speerpunt per ronde"),
                description=charts.describe_series([r.code for r in trend_rounds], trend_series),
                compact=compact,
            )
            for compact in (False, True)
        )
    )
    trend_unit = board.unit_name(board.filters.trend_unit)
    unit_chart = None
    if trend_unit and any(r.unit_overall is not None for r in trend_rounds):
        unit_series = [
            charts.Series(
                _("Totaalscore %(unit)s", unit=trend_unit),
                [r.unit_overall for r in trend_rounds],
                charts.UNIT,
            ),
            charts.Series(_("Mediaan Defensie"), [r.overall_median for r in trend_rounds], charts.MEDIAN),
        ]
        unit_chart = charts.responsive(
            *(
                charts.lines(
                    [r.code for r in trend_rounds],
                    unit_series,
                    levels=levels,
                    chart_id="trend-unit",
                    title=_("Totaalscore van %(unit)s tegen de mediaan van Defensie", unit=trend_unit),
                    description=charts.describe_series([r.code for r in trend_rounds], unit_series),
                    compact=compact,
                )
                for compact in (False, True)
            )
        )
    page = render_template(
        "compare/dashboard.html",
        board=board,
        rounds=board.rounds,
        data=data,
        statuses=services.AssessmentStatus,
        overlay_units=overlay_units,
        overlay_chart=overlay_chart,
        trend_rounds=trend_rounds,
        trend_chart=trend_chart,
        unit_chart=unit_chart,
        trend_unit=trend_unit,
        error_links=_error_links(board),
        min_units=minimum,
    )
    # A choice that cannot be shown is an error at its field, as a form's would be.
    return page, 400 if board.errors else 200


def _error_links(board: services.Dashboard) -> list[tuple[str, str]]:
    """(id of the field's first choice, message) for the error summary at the top of the page."""
    first_choice = {
        services.STATUS_FIELD: f"status-{next(iter(services.AssessmentStatus)).value}",
        services.OVERLAY_FIELD: f"vergelijk-{board.units_for_choice[0][0]}" if board.units_for_choice else "",
    }
    return [(first_choice[field], message) for field, message in board.errors.items()]


@bp.route("/compare/<round_code>/export.csv")
@requires(can_read_all_units)
def export_csv(round_code: str) -> Any:
    board = _dashboard(round_code)
    return send_file(
        io.BytesIO(exports.csv_bytes(board)),
        mimetype="text/csv; charset=utf-8",
        as_attachment=True,
        download_name=f"dts-scores_{board.round.code}.csv",
    )


@bp.route("/compare/<round_code>/export.xlsx")
@requires(can_read_all_units)
def export_xlsx(round_code: str) -> Any:
    board = _dashboard(round_code)
    return send_file(
        io.BytesIO(exports.xlsx_bytes(board)),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name=f"dts-scores_{board.round.code}.xlsx",
    )
