"""PDF maturity reports: plain data from the database and scoring, HTML from a template, PDF from
WeasyPrint (``assessment.reports.pdf``). The templates receive only dataclasses and dicts, never
ORM objects. User text (toelichtingen, names) is escaped by Jinja, so HTML in it is printed as
text.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from flask import current_app, render_template
from flask_babel import gettext as _
from markupsafe import Markup

from assessment import charts, formatting, i18n, scoring
from assessment.assessments.models import Assessment, AssessmentStatus
from assessment.compare.services import far_below_target
from assessment.results import questionnaire as plain
from assessment.results import services as results
from assessment.rounds.models import Round

if TYPE_CHECKING:
    from assessment.reports.pdf import StaticOnlyFetcher

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
    bars: Markup | None  # None for a speerpunt without a score: nothing to draw
    recommendations: tuple[scoring.Recommendation, ...]
    appendix: tuple[AppendixCapability, ...]
    sources: tuple[str, ...] = ()  # the passages of the DTS letter its questions cite

    @property
    def is_open(self) -> bool:
        """No question of this speerpunt is answered yet: the report says so in one line."""
        return self.result.answered == 0


@dataclass(frozen=True)
class NamedTheme:
    number: int
    title: str
    score: float | None


@dataclass(frozen=True)
class WrittenSummary:
    """What the summary's opening sentences say, chosen from the figures; the template words it.

    ``highest`` and ``lowest`` hold every speerpunt with the highest (lowest) score as printed
    (one decimal), so that two speerpunten that both show 2,7 are named together."""

    highest: tuple[NamedTheme, ...]
    lowest: tuple[NamedTheme, ...]
    not_filled: tuple[NamedTheme, ...]  # no question answered yet
    best_steps: tuple[scoring.Recommendation, ...]  # the three steps with the most gain

    @property
    def all_equal(self) -> bool:
        """Every speerpunt with a score shows the same score (or only one has a score)."""
        return bool(self.highest) and self.highest == self.lowest

    @property
    def single(self) -> bool:
        """Only one speerpunt has a score."""
        return len(self.highest) == 1 and self.all_equal


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
    summary: WrittenSummary
    numbers: dict[str, str] = field(default_factory=dict)
    links: dict[str, str] = field(default_factory=dict)  # question key → its answer in the appendix
    ranks: dict[str, int] = field(default_factory=dict)  # question key → place in the recommendations
    theme_titles: dict[str, str] = field(default_factory=dict)  # "2. Digitaal fundament", by key
    terms: tuple[plain.Term, ...] = ()  # the questionnaire's glossary: an appendix "Begrippen"

    def label(self, level: int | None) -> str:
        return next((s.label for s in self.scale if s.level == level), "–")


def written_summary(result: scoring.AssessmentResult, steps: int = 3) -> WrittenSummary:
    """Return the speerpunten that score highest and lowest (as printed, to one decimal), those
    not filled in at all, and the ``steps`` recommendations with the most gain."""
    named = [NamedTheme(n, t.title, t.score) for n, t in enumerate(result.themes, start=1)]
    shown = {t.number: formatting.round_half_up(t.score) for t in named if t.score is not None}
    high, low = max(shown.values(), default=None), min(shown.values(), default=None)
    return WrittenSummary(
        highest=tuple(t for t in named if t.number in shown and shown[t.number] == high),
        lowest=tuple(t for t in named if t.number in shown and shown[t.number] == low),
        not_filled=tuple(t for t, scored in zip(named, result.themes, strict=True) if scored.answered == 0),
        best_steps=result.recommendations[:steps],
    )


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

    radar = charts.result_radar(result, unit_name=assessment.unit.name, medians=medians, levels=levels)

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
                    title=_("Score per onderdeel van %(theme)s", theme=theme.title),
                    description="; ".join(f"{b.label}: {formatting.decimal(b.value)}" for b in bar_items),
                )
                if theme.score is not None
                else None,
                recommendations=tuple(r for r in result.recommendations if r.theme_key == theme.key),
                appendix=appendix.get(theme.key, ()),
                sources=data.sources(theme.key),
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
        summary=written_summary(result),
        numbers=numbers,
        links={key: f"#vraag-{number}" for key, number in numbers.items()},
        ranks={r.question_key: rank for rank, r in enumerate(result.recommendations, start=1)},
        theme_titles={t.key: f"{n}. {t.title}" for n, t in enumerate(result.themes, start=1)},
        terms=data.terms,
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
                a.unit_name,
                [t.score for t in r.themes],
                [far_below_target(t.score, t.target) for t in r.themes],
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
