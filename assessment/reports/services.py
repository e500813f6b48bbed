"""PDF maturity reports: plain data from the database and scoring, HTML from a template, PDF from
WeasyPrint (``assessment.reports.pdf``). The templates receive only dataclasses and dicts, never
ORM objects. User text (toelichtingen, names) is escaped by Jinja, so HTML in it is printed as
text.
"""

from __future__ import annotations

import datetime as dt
import logging
import multiprocessing
import time
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select

from assessment import charts, formatting, i18n, scoring
from assessment.assessments import services as assessment_services
from assessment.assessments.models import Assessment, AssessmentStatus
from assessment.db import session
from assessment.results import questionnaire as plain
from assessment.results import services as results
from assessment.rounds.models import Round
from assessment.units.models import Unit

if TYPE_CHECKING:
    from assessment.reports.pdf import StaticOnlyFetcher

logger = logging.getLogger(__name__)


# -- plain data for the templates ---------------------------------------------------------------


@dataclass(frozen=True)
class AppendixQuestion:
    number: str
    text: str
    level: int | None
    level_label: str | None
    descriptor: str | None
    not_applicable: bool
    comment: str

    @property
    def state(self) -> str:
        if self.not_applicable:
            return _("n.v.t.")
        if self.level is None:
            return _("niet beantwoord")
        return _("niveau %(level)s", level=self.level)


@dataclass(frozen=True)
class AppendixCapability:
    title: str
    questions: tuple[AppendixQuestion, ...]


@dataclass(frozen=True)
class ThemeSection:
    number: int
    result: scoring.ThemeResult
    median: float | None
    change: float | None
    bars: Markup
    recommendations: tuple[scoring.Recommendation, ...]
    appendix: tuple[AppendixCapability, ...]


@dataclass(frozen=True)
class UnitReport:
    title: str
    running: str  # the running header of every page
    unit_name: str
    unit_code: str
    round_code: str
    round_name: str
    status: str
    printed_on: str
    marking: str
    result: scoring.AssessmentResult
    scale: tuple[scoring.ScaleLevel, ...]
    radar: Markup
    medians_shown: bool
    median_n: int
    largest_gaps: tuple[scoring.ThemeResult, ...]
    top_recommendations: tuple[scoring.Recommendation, ...]
    previous_round: str | None
    sections: tuple[ThemeSection, ...]
    numbers: dict[str, str] = field(default_factory=dict)

    def label(self, level: int | None) -> str:
        return next((s.label for s in self.scale if s.level == level), "–")


def _maker() -> dict[str, str]:
    """The product and author named in the PDF's metadata and on its cover."""
    return {
        "product": _("DTS Volwassenheidsscan"),
        "author": _("Ministerie van Defensie – DTS Volwassenheidsscan"),
    }


def _printed_on() -> str:
    return formatting.date(dt.datetime.now(dt.UTC).astimezone(formatting.local_zone()))


def unit_report(assessment: Assessment) -> UnitReport:
    """Return everything the unit report shows, as plain data."""
    language = i18n.current()
    figures = results.round_figures(assessment.round, language)
    data = figures.questionnaire
    answers = results.stored_answers(assessment.id)
    result = results.assessment_result(assessment.id, assessment.unit_id, figures, answers)
    bench = figures.benchmark
    medians = results.shown_medians(bench.themes)
    capability_medians = results.shown_medians(bench.capabilities)
    previous = results.previous_assessment(assessment.unit_id, assessment.id, assessment.round, language)
    earlier = previous.scored if previous is not None else None
    changes = scoring.theme_changes(earlier.result, result) if earlier is not None else {}
    levels = [s.level for s in data.scale]
    numbers = data.numbers

    radar = charts.result_radar(
        result, unit_code=assessment.unit.code, unit_name=assessment.unit.name, medians=medians, levels=levels
    )

    appendix = _appendix(data, answers)
    sections = []
    for number, theme in enumerate(result.themes, start=1):
        bar_items = [charts.Bar(c.title, c.score, capability_medians.get(c.key)) for c in theme.capabilities]
        sections.append(
            ThemeSection(
                number=number,
                result=theme,
                median=medians.get(theme.key),
                change=changes[theme.key].delta if theme.key in changes else None,
                bars=charts.bars(
                    bar_items,
                    levels=levels,
                    target=theme.target,
                    chart_id=f"bars-{number}",
                    title=_("Score per capability van %(theme)s", theme=theme.title),
                    description="; ".join(f"{b.label}: {formatting.decimal(b.value)}" for b in bar_items),
                ),
                recommendations=tuple(r for r in result.recommendations if r.theme_key == theme.key),
                appendix=appendix.get(theme.key, ()),
            )
        )
    gaps = sorted((t for t in result.themes if t.gap), key=lambda t: -(t.gap or 0))
    return UnitReport(
        title=_(
            "Volwassenheidsrapport %(unit)s – %(round)s",
            unit=assessment.unit.name,
            round=assessment.round.code,
        ),
        running=_(
            "%(unit)s (%(code)s) – ronde %(round)s",
            unit=assessment.unit.name,
            code=assessment.unit.code,
            round=assessment.round.code,
        ),
        unit_name=assessment.unit.name,
        unit_code=assessment.unit.code,
        round_code=assessment.round.code,
        round_name=assessment.round.name,
        status=assessment.status.label,
        printed_on=_printed_on(),
        marking=current_app.config.get("REPORT_MARKING", ""),
        result=result,
        scale=data.scoring.scale,
        radar=radar,
        medians_shown=any(v is not None for v in medians.values()),
        median_n=max((d.n for d in bench.themes.values()), default=0),
        largest_gaps=tuple(gaps[:3]),
        top_recommendations=result.recommendations[:5],
        previous_round=previous.round_code if previous is not None else None,
        sections=tuple(sections),
        numbers=numbers,
    )


def _appendix(
    data: plain.Questionnaire, answers: dict[int, results.StoredAnswer]
) -> dict[str, tuple[AppendixCapability, ...]]:
    out: dict[str, tuple[AppendixCapability, ...]] = {}
    for theme in data.themes:
        capabilities = []
        for capability in theme.capabilities:
            questions = []
            for question in capability.questions:
                answer = answers.get(question.id)
                level = answer.level if answer is not None else None
                described = question.level(level)
                questions.append(
                    AppendixQuestion(
                        number=question.number,
                        text=question.text,
                        level=level,
                        level_label=data.scale_label(level) if level is not None else None,
                        descriptor=described.descriptor if described is not None else None,
                        not_applicable=bool(answer and answer.not_applicable),
                        comment=answer.comment if answer is not None else "",
                    )
                )
            capabilities.append(AppendixCapability(capability.title, tuple(questions)))
        out[theme.key] = tuple(capabilities)
    return out


def render_unit_report(assessment: Assessment, *, fetcher: StaticOnlyFetcher | None = None) -> bytes:
    from assessment.reports.pdf import render_pdf  # WeasyPrint loads on first use: commands start faster

    return render_pdf(unit_report_html(assessment), fetcher=fetcher)


def unit_report_html(assessment: Assessment) -> str:
    return render_template("reports/unit.html", report=unit_report(assessment), **_maker())


def report_filename(round_code: str, unit_code: str) -> str:
    """``<round>_<unit-code>.pdf``, safe as a file name on every system."""
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in f"{round_code}_{unit_code}")
    return f"{safe}.pdf"


# -- the round report ---------------------------------------------------------------------------


@dataclass(frozen=True)
class BelowTarget:
    unit_name: str
    unit_code: str
    score: float | None
    target: float
    gap: float


@dataclass(frozen=True)
class CommonRecommendation:
    theme_title: str
    question_number: str
    question_text: str
    units: int
    typical_step: str


@dataclass(frozen=True)
class RoundThemeFigures:
    number: int
    title: str
    distribution: scoring.Distribution
    furthest_below: tuple[BelowTarget, ...]


@dataclass(frozen=True)
class RoundReport:
    title: str
    running: str  # the running header of every page
    round_code: str
    round_name: str
    questionnaire: str
    printed_on: str
    marking: str
    units_total: int
    units_counted: int
    status_counts: tuple[tuple[str, int], ...]
    overall: scoring.Distribution
    themes: tuple[RoundThemeFigures, ...]
    heatmap: Markup
    heat_rows: tuple[tuple[str, str, tuple[float | None, ...], float | None], ...]
    theme_titles: tuple[str, ...]
    common: tuple[CommonRecommendation, ...]
    medians_shown: bool


def round_report(round_: Round) -> RoundReport:
    """Return the figures of a whole round, over its submitted and approved assessments."""
    figures = results.round_figures(round_, i18n.current())
    data = figures.questionnaire.scoring
    scored = figures.scored(results.COUNTED)
    answers = results.stored_answers_of([s.assessment_id for s in scored])
    counted = [
        (s, results.assessment_result(s.assessment_id, s.unit_id, figures, answers[s.assessment_id]))
        for s in scored
    ]
    bench = figures.benchmark
    statuses = Counter(s.status for s in figures.assessments)
    numbers = data.question_numbers()
    questions = {q.key: (theme, q) for theme in data.themes for q in theme.questions}
    ordered = sorted(counted, key=lambda pair: pair[0].unit_code)

    themes = []
    for number, theme in enumerate(data.themes, start=1):
        below = sorted(
            (
                BelowTarget(a.unit_name, a.unit_code, t.score, t.target, t.gap)
                for a, r in ordered
                if (t := r.theme(theme.key)) is not None and t.gap
            ),
            key=lambda b: (-b.gap, b.unit_code),
        )
        themes.append(
            RoundThemeFigures(
                number, theme.title, bench.themes.get(theme.key, scoring.EMPTY), tuple(below[:5])
            )
        )

    occurrences: Counter[str] = Counter()
    levels: dict[str, Counter[int]] = {}
    for _scored, result in counted:
        for rec in result.recommendations:
            occurrences[rec.question_key] += 1
            levels.setdefault(rec.question_key, Counter())[rec.level] += 1
    common = []
    for key, count in sorted(occurrences.items(), key=lambda kv: (-kv[1], numbers[kv[0]])):
        theme, question = questions[key]
        level = levels[key].most_common(1)[0][0]
        common.append(
            CommonRecommendation(
                theme.title, numbers[key], question.text, count, question.next_steps.get(level, "")
            )
        )

    titles = tuple(f"{i}. {t.title}" for i, t in enumerate(data.themes, start=1))
    heat_rows = tuple(
        (
            a.unit_name,
            a.unit_code,
            tuple(t.score for t in r.themes),
            r.score,
        )
        for a, r in ordered
    )
    heatmap = charts.heatmap(
        [str(number) for number in range(1, len(data.themes) + 1)],
        [
            charts.HeatRow(
                f"{a.unit_code}",
                [t.score for t in r.themes],
                [bool(t.gap) for t in r.themes],
            )
            for a, r in ordered
        ],
        levels=[s.level for s in data.scale],
        chart_id="heatmap",
        title=_("Score per eenheid en speerpunt, ronde %(round)s", round=round_.code),
        description=_("De tabel in de bijlage geeft dezelfde cijfers."),
    )
    total = sum(statuses.values())
    return RoundReport(
        title=_("Ronderapport %(code)s – %(name)s", code=round_.code, name=round_.name),
        running=_("Ronderapport %(code)s – %(name)s", code=round_.code, name=round_.name),
        round_code=round_.code,
        round_name=round_.name,
        questionnaire=figures.questionnaire.label,
        printed_on=_printed_on(),
        marking=current_app.config.get("REPORT_MARKING", ""),
        units_total=total,
        units_counted=len(counted),
        status_counts=tuple((status.label, statuses.get(status, 0)) for status in AssessmentStatus),
        overall=bench.overall,
        themes=tuple(themes),
        heatmap=heatmap,
        heat_rows=heat_rows,
        theme_titles=titles,
        common=tuple(common[:10]),
        medians_shown=len(counted) >= results.MIN_UNITS_FOR_MEDIAN,
    )


def round_report_html(round_: Round) -> str:
    return render_template("reports/round.html", report=round_report(round_), **_maker())


def render_round_report(round_: Round, *, fetcher: StaticOnlyFetcher | None = None) -> bytes:
    from assessment.reports.pdf import render_pdf

    return render_pdf(round_report_html(round_), fetcher=fetcher)


def assessments_in_round(round_: Round) -> Sequence[tuple[int, str]]:
    """(assessment id, unit code) for every unit in the round, by unit code."""
    return list(
        session.execute(
            select(Assessment.id, Unit.code)
            .join(Unit, Unit.id == Assessment.unit_id)
            .where(Assessment.round_id == round_.id)
            .order_by(Unit.code)
        ).all()
    )


# -- many unit reports at once --------------------------------------------------------------------


@dataclass(frozen=True)
class BatchItem:
    unit_code: str
    path: Path | None
    error: str | None
    seconds: float


def _render_to_file(assessment_id: int, out_dir: Path, round_code: str, unit_code: str) -> BatchItem:
    started = time.perf_counter()
    target = out_dir / report_filename(round_code, unit_code)
    try:
        assessment = assessment_services.get_assessment(assessment_id)
        if assessment is None:
            raise LookupError("de vragenlijst bestaat niet meer")  # CLI and log only
        pdf = render_unit_report(assessment)
        partial = target.with_suffix(".pdf.part")
        partial.write_bytes(pdf)
        partial.replace(target)  # never a half-written report under the real name
    except Exception as exc:  # one unit's failure must not stop the others
        logger.exception("PDF for %s failed", unit_code)
        session.rollback()
        return BatchItem(unit_code, None, f"{type(exc).__name__}: {exc}", time.perf_counter() - started)
    finally:
        session.remove()
    return BatchItem(unit_code, target, None, time.perf_counter() - started)


_worker_app: Any = None  # the Flask app a forked worker renders with


def _worker_init(app: Any) -> None:
    """Runs once in each worker process: keep the app the parent forked with."""
    global _worker_app  # one app per worker process
    # The pool's connections belong to the parent; start a fresh pool here without closing theirs
    # (SQLAlchemy's recipe for engines across a fork).
    app.extensions["database"].engine.dispose(close=False)
    _worker_app = app


def _worker_render(args: tuple[int, str, str, str, str]) -> BatchItem:
    assessment_id, out_dir, round_code, unit_code, language = args
    with _worker_app.app_context(), force_locale(language):
        return _render_to_file(assessment_id, Path(out_dir), round_code, unit_code)


def render_batch(
    round_: Round,
    out_dir: Path,
    *,
    jobs: int = 1,
    on_done: Any = None,
) -> list[BatchItem]:
    """Write one unit report per unit of the round to ``out_dir`` as ``<round>_<unit>.pdf``.

    With ``jobs`` > 1 the reports render in that many worker processes. A unit whose report
    fails is returned with its error; the others are still written. ``on_done(item)`` is called
    after each report (for a progress bar). The reports are in the current language (the CLI's
    ``--lang``), in the workers too.
    """
    language = i18n.current()
    out_dir.mkdir(parents=True, exist_ok=True)
    items = assessments_in_round(round_)
    done: list[BatchItem] = []
    if jobs <= 1:
        for assessment_id, unit_code in items:
            item = _render_to_file(assessment_id, out_dir, round_.code, unit_code)
            done.append(item)
            if on_done:
                on_done(item)
        return done

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    session.remove()
    app.extensions["database"].engine.dispose()  # no pooled connection crosses a fork
    # Forked workers inherit the app as it is (config, engine, templates): nothing is pickled and
    # no second app is built.
    with ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_worker_init,
        initargs=(app,),
    ) as pool:
        futures = [
            pool.submit(_worker_render, (assessment_id, str(out_dir), round_.code, unit_code, language))
            for assessment_id, unit_code in items
        ]
        for future in as_completed(futures):
            item = future.result()
            done.append(item)
            if on_done:
                on_done(item)
    done.sort(key=lambda item: item.unit_code)
    return done
