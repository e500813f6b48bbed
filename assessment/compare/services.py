"""Comparing units: the leads' dashboard, its exports and the API read the same figures here.

Every number comes from the read side (``assessment.results``); this module only filters, sorts
and arranges them. A dashboard costs the same few queries whatever the number of units and rounds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from assessment import formatting, i18n, scoring
from assessment.assessments.models import AssessmentStatus
from assessment.db import session
from assessment.results import services as results
from assessment.rounds.models import Round
from assessment.units.models import Unit

DEFAULT_STATUSES = (AssessmentStatus.SUBMITTED, AssessmentStatus.APPROVED)
MIN_OVERLAY, MAX_OVERLAY = 2, 6
# A heat-map cell is marked when its score lies more than this many levels under the target: a
# mark on every cell a hair below target would mark almost all of them, and so mark nothing.
MARK_GAP = 0.5

# The fields of the dashboard's forms that can be wrong, by the id of the element to link to.
STATUS_FIELD, OVERLAY_FIELD = "status", "vergelijk"


@dataclass(frozen=True)
class Filters:
    """What the lead chose; lives in the URL so that a view can be bookmarked and shared."""

    unit: str | None = None  # code of the part of the tree, None = all of Defensie
    with_subunits: bool = True
    statuses: tuple[AssessmentStatus, ...] = DEFAULT_STATUSES
    theme: str | None = None  # drill down to this speerpunt's capabilities
    sort: str = "name"  # "name", "overall" or a column key
    descending: bool = False
    overlay: tuple[str, ...] = ()  # unit codes for the radar overlay
    trend_unit: str | None = None

    def query(self, **changes: object) -> dict[str, object]:
        """URL parameters for these filters with ``changes`` applied (for links)."""
        values = {
            "eenheid": self.unit,
            "sub": "1" if self.with_subunits else "0",
            "status": [s.value for s in self.statuses],
            "speerpunt": self.theme,
            "sorteer": self.sort,
            "richting": "af" if self.descending else "op",
            "vergelijk": list(self.overlay),
            "trend": self.trend_unit,
        }
        values.update(changes)
        return {k: v for k, v in values.items() if v not in (None, "", [])}


def parse_filters(args: object) -> tuple[Filters, list[str], dict[str, str]]:
    """Read the filters from request arguments (a MultiDict).

    Returns the filters, notices about what was ignored (hand-made addresses), and errors by
    form field: an empty status choice (the filter form always sends an empty ``status``, so a
    form with no status ticked sends only that) and an overlay of too few or too many units. An
    address without any ``status`` shows the default statuses.
    """
    get = args.get  # type: ignore[attr-defined]
    getlist = args.getlist  # type: ignore[attr-defined]
    problems = []
    errors = {}
    statuses = []
    given = getlist("status")
    for value in filter(None, given):
        try:
            statuses.append(AssessmentStatus(value))
        except ValueError:
            problems.append(_("Onbekende status '%(status)s' genegeerd.", status=value))
    chosen = tuple(dict.fromkeys(statuses))
    if given and not any(given):
        errors[STATUS_FIELD] = _("Kies minstens één status.")
    elif not chosen:
        chosen = DEFAULT_STATUSES
    overlay = tuple(dict.fromkeys(code.strip().upper() for code in getlist("vergelijk") if code.strip()))
    if overlay and not MIN_OVERLAY <= len(overlay) <= MAX_OVERLAY:
        errors[OVERLAY_FIELD] = _(
            "Kies %(low)s tot %(high)s eenheden om te vergelijken (u koos er %(chosen)s).",
            low=MIN_OVERLAY,
            high=MAX_OVERLAY,
            chosen=len(overlay),
        )
    return (
        Filters(
            unit=(get("eenheid") or "").strip().upper() or None,
            with_subunits=get("sub", "1") != "0",
            statuses=chosen,
            theme=(get("speerpunt") or "").strip() or None,
            sort=(get("sorteer") or "name").strip(),
            descending=get("richting") == "af",
            overlay=overlay,
            trend_unit=(get("trend") or "").strip().upper() or None,
        ),
        problems,
        errors,
    )


def units_in_scope(units: Sequence[Unit], root_code: str | None, with_subunits: bool) -> set[int] | None:
    """Unit ids in the chosen part of the tree; None means every unit."""
    if root_code is None:
        return None
    by_code = {u.code: u for u in units}
    root = by_code.get(root_code)
    if root is None:
        return set()
    if not with_subunits:
        return {root.id}
    children: dict[int | None, list[Unit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    found, todo = set(), [root]
    while todo:
        unit = todo.pop()
        if unit.id not in found:
            found.add(unit.id)
            todo.extend(children.get(unit.id, []))
    return found


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    number: str  # "2" for a speerpunt, "2.3" for a capability


@dataclass(frozen=True)
class Cell:
    score: float | None
    target: float | None
    below_target: bool  # any distance under the target (the exports say so)
    marked: bool  # far enough under the target to be marked on the heat map (see far_below_target)
    heat: int | None  # 0..6 on the colour scale; None without a score


def far_below_target(score: float | None, target: float | None) -> bool:
    """Whether a heat-map cell is marked: its score, rounded to one decimal as the page shows it,
    lies more than MARK_GAP (half a level) under the target. With target 3, a shown 2,4 is marked,
    a shown 2,5 is not; so the mark always agrees with the figure the reader sees."""
    if score is None or target is None:
        return False
    return target - formatting.round_half_up(score, 1) > MARK_GAP + 1e-9


@dataclass(frozen=True)
class Row:
    assessment_id: int
    unit_id: int
    unit_code: str
    unit_name: str
    status: AssessmentStatus
    completeness: float
    overall: float | None
    attained_level: int | None
    cells: tuple[Cell, ...]
    quartile: int | None
    result: scoring.AssessmentResult


@dataclass(frozen=True)
class Participation:
    assessment_id: int
    unit_code: str
    unit_name: str
    status: AssessmentStatus
    answered: int
    total: int

    @property
    def completeness(self) -> float:
        return self.answered / self.total if self.total else 0.0


@dataclass(frozen=True)
class Dashboard:
    round: Round
    filters: Filters
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    column_stats: tuple[scoring.Distribution, ...]
    overall_stats: scoring.Distribution
    drilled_theme: scoring.ThemeData | None
    data: scoring.QuestionnaireData
    participation: tuple[Participation, ...]
    units_for_choice: tuple[tuple[str, str], ...]  # (code, name) of every unit in the round
    benchmark: scoring.Benchmark  # Defensie-wide, submitted and approved
    rounds: tuple[Round, ...]  # every round, newest first (for the choice and the trend)
    figures: dict[int, results.RoundFigures]  # of every round, by round id
    problems: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)  # form field → what is wrong with it
    overlay_notes: list[str] = field(default_factory=list)  # shown beside the overlay

    def unit_name(self, code: str | None) -> str | None:
        """The name of a unit in this round, by its code (the code itself when unknown)."""
        if code is None:
            return None
        return dict(self.units_for_choice).get(code, code)


HEAT_STEPS = 6


def heat_step(value: float | None, lowest: int, top: int) -> int | None:
    if value is None:
        return None
    share = 0.0 if top == lowest else (value - lowest) / (top - lowest)
    return min(HEAT_STEPS, max(0, round(share * HEAT_STEPS)))


def all_rounds() -> list[Round]:
    """Every round, newest first, in one query."""
    return list(session.scalars(select(Round).order_by(Round.created_at.desc())))


def dashboard(
    round_: Round,
    filters: Filters,
    problems: list[str] | None = None,
    errors: dict[str, str] | None = None,
    *,
    rounds: Sequence[Round] = (),
) -> Dashboard:
    """Return the heat map, benchmark rows and participation for ``filters`` on ``round_``.

    ``rounds`` (every round, for the trend) are scored in the same few queries as ``round_``.
    """
    problems = list(problems or [])
    errors = dict(errors or {})
    rounds = tuple(rounds) or (round_,)
    figures = results.figures_for_rounds([round_, *(r for r in rounds if r.id != round_.id)], i18n.current())
    current = figures[round_.id]
    data = current.questionnaire.scoring
    units = list(session.scalars(select(Unit)))
    by_id = {u.id: u for u in units}
    scope = units_in_scope(units, filters.unit, filters.with_subunits)
    if filters.unit and scope == set():
        problems.append(_("Eenheid '%(unit)s' bestaat niet; u ziet heel Defensie.", unit=filters.unit))
        scope = None

    drilled = next((t for t in data.themes if t.key == filters.theme), None)
    if filters.theme and drilled is None:
        problems.append(_("Speerpunt '%(theme)s' bestaat niet in deze vragenlijst.", theme=filters.theme))
    if drilled is not None:
        theme_number = data.themes.index(drilled) + 1
        columns = tuple(
            Column(c.key, c.title, f"{theme_number}.{i}") for i, c in enumerate(drilled.capabilities, start=1)
        )
    else:
        columns = tuple(Column(t.key, t.title, str(i)) for i, t in enumerate(data.themes, start=1))

    scored = [s for s in current.scored(filters.statuses) if scope is None or s.unit_id in scope]
    lowest, top = data.lowest_level, data.top_level

    def values(result: scoring.AssessmentResult) -> list[tuple[float | None, float | None]]:
        """(score, target) per column: a speerpunt's own, or a capability's with its speerpunt's target."""
        if drilled is None:
            return [(t.score, t.target) if (t := result.theme(c.key)) else (None, None) for c in columns]
        theme = result.theme(drilled.key)
        out = []
        for column in columns:
            capability = next((c for c in theme.capabilities if c.key == column.key), None) if theme else None
            out.append((capability.score if capability else None, theme.target if theme else None))
        return out

    def cell(score: float | None, target: float | None) -> Cell:
        below = score is not None and target is not None and score < target
        return Cell(score, target, below, far_below_target(score, target), heat_step(score, lowest, top))

    overall_stats = scoring.quartiles([s.result.score for s in scored if s.result.score is not None])
    rows = []
    for s in scored:
        unit = by_id[s.unit_id]
        cells = tuple(cell(score, target) for score, target in values(s.result))
        rows.append(
            Row(
                assessment_id=s.assessment_id,
                unit_id=unit.id,
                unit_code=unit.code,
                unit_name=unit.name,
                status=s.status,
                completeness=s.result.completeness,
                overall=s.result.score,
                attained_level=s.result.attained_level,
                cells=cells,
                quartile=overall_stats.quartile_of(s.result.score),
                result=s.result,
            )
        )
    rows = sort_rows(rows, columns, filters.sort, filters.descending)
    column_stats = tuple(
        scoring.quartiles([r.cells[i].score for r in rows if r.cells[i].score is not None])
        for i in range(len(columns))
    )

    participation = tuple(
        sorted(
            (
                Participation(
                    s.assessment_id, s.unit_code, s.unit_name, s.status, s.result.answered, s.result.total
                )
                for s in current.assessments
                if scope is None or s.unit_id in scope
            ),
            key=lambda p: p.unit_code,
        )
    )
    return Dashboard(
        round=round_,
        filters=filters,
        columns=columns,
        rows=tuple(rows),
        column_stats=column_stats,
        overall_stats=overall_stats,
        drilled_theme=drilled,
        data=data,
        participation=participation,
        units_for_choice=tuple(sorted((s.unit_code, s.unit_name) for s in current.assessments)),
        benchmark=current.benchmark,
        rounds=rounds,
        figures=figures,
        problems=problems,
        errors=errors,
    )


def sort_rows(rows: list[Row], columns: Sequence[Column], key: str, descending: bool) -> list[Row]:
    """Sort by unit name, overall score or one column; units without a score always go last."""
    if key == "name":
        return sorted(rows, key=lambda r: r.unit_name.lower(), reverse=descending)
    index = next((i for i, c in enumerate(columns) if c.key == key), None)

    def value(row: Row) -> float | None:
        if key == "overall":
            return row.overall
        return row.cells[index].score if index is not None else None

    scored = [r for r in rows if value(r) is not None]
    unscored = sorted((r for r in rows if value(r) is None), key=lambda r: r.unit_name.lower())
    # Two stable sorts: equal scores stay in name order (A to Z) in both directions.
    scored.sort(key=lambda r: r.unit_name.lower())
    scored.sort(key=value, reverse=descending)  # type: ignore[arg-type]
    return scored + unscored


# -- overlay and trend ----------------------------------------------------------------------------


@dataclass(frozen=True)
class OverlayUnit:
    code: str
    name: str
    result: scoring.AssessmentResult | None  # None: the unit has no assessment in the chosen statuses


def overlay(dashboard: Dashboard) -> list[OverlayUnit]:
    """The units chosen for the radar overlay, in the order chosen."""
    if not MIN_OVERLAY <= len(dashboard.filters.overlay) <= MAX_OVERLAY:
        return []
    by_code = {row.unit_code: row for row in dashboard.rows}
    names = dict(dashboard.units_for_choice)
    unknown = [code for code in dashboard.filters.overlay if code not in names]
    if unknown:
        dashboard.overlay_notes.append(
            _("Niet in deze ronde, dus niet vergeleken: %(units)s.", units=", ".join(unknown))
        )
    return [
        OverlayUnit(code, names.get(code, code), by_code[code].result if code in by_code else None)
        for code in dashboard.filters.overlay
        if code in names
    ]


@dataclass(frozen=True)
class TrendRound:
    code: str
    name: str
    medians: dict[str, float | None]  # theme key → median (None below the minimum of units)
    overall_median: float | None
    unit_scores: dict[str, float | None] | None  # the chosen unit's theme scores, if it took part
    unit_overall: float | None


def trend(board: Dashboard, unit_code: str | None) -> list[TrendRound]:
    """Per round (oldest first): the Defensie median per speerpunt, and the chosen unit's scores.

    Speerpunten are matched by key across questionnaire versions. No query of its own: the
    dashboard scored every round already.
    """
    out = []
    for round_ in sorted(board.rounds, key=lambda r: r.created_at):
        figures = board.figures[round_.id]
        scored = figures.scored(results.COUNTED)
        bench = figures.benchmark
        mine = next((s.result for s in scored if unit_code is not None and s.unit_code == unit_code), None)
        out.append(
            TrendRound(
                code=round_.code,
                name=round_.name,
                medians=results.shown_medians(bench.themes),
                overall_median=results.shown_median(bench.overall),
                unit_scores={t.key: t.score for t in mine.themes} if mine else None,
                unit_overall=mine.score if mine else None,
            )
        )
    return out
