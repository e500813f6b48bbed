"""Filling in, submitting, deciding and the unit's results. Views load, check access, call a
service and render; the request commits once (``assessment.db``). The pages render from the
read side's plain data (``assessment.results``), never from the questionnaire's ORM tree."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, abort, flash, get_template_attribute, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from markupsafe import Markup, escape

from assessment import charts, i18n, scoring
from assessment.assessments import services
from assessment.assessments.forms import (
    DecideForm,
    ReturnForm,
    SubmitForm,
    answers_form,
    unknown_answer_fields,
)
from assessment.assessments.models import Assessment, AssessmentStatus
from assessment.auth.access import can_decide, can_fill_in_unit, can_view_unit
from assessment.auth.services import display_names
from assessment.results import questionnaire as plain
from assessment.results import services as results
from assessment.results.cache import results_cache
from assessment.rounds.models import RoundStatus

bp = Blueprint("assessments", __name__, template_folder="templates")


def _load(assessment_id: int) -> Assessment:
    """The assessment, if it exists and the user may see it; 404 otherwise (also for another
    unit's assessment, so that ids of other units reveal nothing)."""
    assessment = services.get_assessment(assessment_id)
    if assessment is None or not can_view_unit(current_user, assessment.unit_id):
        abort(404)
    return assessment


def _may_edit(assessment: Assessment) -> bool:
    return (
        assessment.status.is_editable
        and assessment.round.status is RoundStatus.OPEN
        and can_fill_in_unit(current_user, assessment.unit_id)
    )


def _questionnaire(assessment: Assessment) -> plain.Questionnaire:
    return plain.load(assessment.round.questionnaire_id, i18n.current())


_CHOICE_MARK = re.compile("\x00([^\x00]*)\x00")
_COMMENT_MARK = "\x01"


def question_fieldset(
    data: plain.Questionnaire, question: plain.Question, value: tuple[str, str] | None
) -> Markup:
    """One question's fieldset with the answer ``value`` (choice, toelichting) filled in.

    The question's HTML (text, descriptors, labels: about 70 escaped values) comes from the
    ``question_fieldset`` macro once per process, questionnaire version and language (``data``
    is in the request's language, so the macro's own texts are too), with markers where
    the answer goes; a request only fills those in. Used when there is no error to show.
    """

    def skeleton() -> str:
        macro = get_template_attribute("assessments/_question.html", "question_fieldset")
        # Markers, not user text: a choice value ("3", "nvt", "") and a control character.
        mark = lambda _choice, value: Markup(f"\x00{value}\x00")  # noqa: E731, S704
        return str(macro(question, ("", Markup(_COMMENT_MARK)), {}, checked=mark))  # noqa: S704

    html: str = results_cache().once(("fieldset", data.id, data.language, question.id), skeleton)
    choice, comment = value or ("", "")
    html = _CHOICE_MARK.sub(lambda m: " checked" if m.group(1) == choice else "", html)
    # The macro's own (escaped) output, with " checked" and the escaped toelichting put in.
    return Markup(html.replace(_COMMENT_MARK, str(escape(comment)), 1))  # noqa: S704


@bp.route("/")
@login_required
def home() -> Any:
    assessments = services.assessments_for(current_user)
    progress = results.progress_for(assessments)
    current = [a for a in assessments if a.round.status is RoundStatus.OPEN]
    earlier = [a for a in assessments if a.round.status is not RoundStatus.OPEN]
    return render_template(
        "assessments/home.html",
        current=current,
        earlier=earlier,
        progress=progress,
        # What waits for a coordinator comes first on his home page.
        work=services.worklist() if can_decide(current_user) else None,
    )


@bp.route("/assessments/<int:assessment_id>")
@login_required
def overview(assessment_id: int) -> Any:
    assessment = _load(assessment_id)
    data = _questionnaire(assessment)
    per_theme = results.theme_progress(data, results.stored_answers(assessment.id))
    return render_template(
        "assessments/overview.html",
        assessment=assessment,
        data=data,
        per_theme=per_theme,
        progress=results.total_progress(per_theme),
        may_edit=_may_edit(assessment),
        may_decide=can_decide(current_user) and assessment.status is AssessmentStatus.SUBMITTED,
        may_review=can_decide(current_user) and assessment.status is not AssessmentStatus.DRAFT,
        may_undo=_may_undo(assessment),
        undo_form=DecideForm(data={"version": assessment.version}),
        # Every answer is on this page: "omdat vraag 2.3 …" links to it here.
        question_links={key: f"#vraag-{number}" for key, number in data.numbers.items()},
    )


@bp.route("/assessments/<int:assessment_id>/<theme_key>", methods=["GET", "POST"])
@login_required
def theme_moved(assessment_id: int, theme_key: str) -> Any:
    """The speerpunt pages moved under /speerpunten/ (a theme key could collide with a page);
    bookmarks of the old address keep working, and a form still open in an old tab is sent on
    with its answers (308 keeps the method and the body). Anything else here is not a page: 404."""
    assessment = _load(assessment_id)
    if _questionnaire(assessment).theme(theme_key) is None:
        abort(404)
    code = 308 if request.method == "POST" else 301
    return redirect(url_for(".theme", assessment_id=assessment_id, theme_key=theme_key), code)


@bp.route("/assessments/<int:assessment_id>/speerpunten/<theme_key>", methods=["GET", "POST"])
@login_required
def theme(assessment_id: int, theme_key: str) -> Any:
    assessment = _load(assessment_id)
    data = _questionnaire(assessment)
    current = data.theme(theme_key)
    if current is None:
        abort(404)
    may_edit = _may_edit(assessment)
    form = None
    problem, conflict, status = None, False, 200
    version = assessment.version

    if request.method == "POST":
        status = 400
        if not may_edit:
            if not can_fill_in_unit(current_user, assessment.unit_id):
                abort(403)
            problem = services.NotEditable(assessment.status).args[0]
        else:
            form = answers_form(current.questions, formdata=request.form)
            if unknown_answer_fields(request.form, current.questions):
                problem = _(
                    "Het formulier bevat een vraag die niet bij dit speerpunt hoort. Er is niets opgeslagen."
                )
            elif form.validate():
                try:
                    changed = services.save_answers(
                        assessment,
                        form.inputs(),
                        expected_version=form.version.data,
                        user=current_user,
                        question_keys=data.question_keys_by_id,
                    )
                except services.StaleAssessment as exc:
                    # The stored answers are shown beside the user's; a second save is a
                    # deliberate choice to keep the user's own.
                    problem, conflict, status = str(exc), True, 409
                    version = assessment.version
                except services.AssessmentError as exc:
                    problem = str(exc)
                else:
                    flash(_saved_message(changed), "success")
                    return redirect(_after_save(assessment, data, current))
            else:
                problem = _("Er is niets opgeslagen. Verbeter de fouten hieronder.")
        if form is not None and not conflict and isinstance(form.version.data, int):
            # The page shown again keeps the version the user started from: a corrected save
            # after a colleague's must still meet the conflict check, not silently overwrite.
            version = form.version.data

    answers = results.stored_answers(assessment.id)
    if form is not None:
        values = form.values()
        errors = form.field_errors()
        summary = form.error_summary()
    else:
        values = {q.id: (a.choice, a.comment) for q in current.questions if (a := answers.get(q.id))}
        errors, summary = {}, []
    per_theme = results.theme_progress(data, answers)
    position = data.themes.index(current)
    return render_template(
        "assessments/theme.html",
        assessment=assessment,
        data=data,
        theme=current,
        previous=data.themes[position - 1] if position > 0 else None,
        next=data.themes[position + 1] if position + 1 < len(data.themes) else None,
        version=version,
        values=values,
        errors=errors,
        summary=summary,
        answers=answers,
        editors=display_names({a.updated_by_id for a in answers.values()}) if conflict else {},
        per_theme=per_theme,
        progress=results.total_progress(per_theme),
        may_edit=may_edit,
        problem=problem,
        conflict=conflict,
        # Without an error or a conflict to show, each question comes from its cached HTML.
        fieldset=question_fieldset if not errors and not conflict else None,
    ), status


def _saved_message(changed: int) -> str:
    if changed == 0:
        return _("Er was niets gewijzigd.")
    return ngettext("%(num)d antwoord opgeslagen.", "%(num)d antwoorden opgeslagen.", changed)


def _after_save(assessment: Assessment, data: plain.Questionnaire, current: plain.Theme) -> str:
    action = request.form.get("action", "save")
    position = data.themes.index(current)
    if action == "next" and position + 1 < len(data.themes):
        return url_for(".theme", assessment_id=assessment.id, theme_key=data.themes[position + 1].key)
    if action == "overview":
        return url_for(".overview", assessment_id=assessment.id)
    return url_for(".theme", assessment_id=assessment.id, theme_key=current.key)


@bp.route("/assessments/<int:assessment_id>/submit", methods=["GET", "POST"])
@login_required
def submit(assessment_id: int) -> Any:
    assessment = _load(assessment_id)
    if not can_fill_in_unit(current_user, assessment.unit_id):
        abort(403)
    if not _may_edit(assessment):
        flash(services.NotEditable(assessment.status).args[0], "error")
        return redirect(url_for(".overview", assessment_id=assessment.id))
    data = _questionnaire(assessment)
    form = SubmitForm(data={"version": assessment.version})
    problem = None
    if form.validate_on_submit():
        try:
            services.submit(assessment, expected_version=form.version.data, user=current_user)
        except services.AssessmentError as exc:
            problem = str(exc)
            form.show_version(assessment.version)
        else:
            flash(_("De vragenlijst is ingediend. Dank u wel."), "success")
            return redirect(url_for(".overview", assessment_id=assessment.id))
    answers = results.stored_answers(assessment.id)
    unanswered = [
        (theme, question)
        for theme in data.themes
        for question in theme.questions
        if question.id not in answers or not answers[question.id].is_answered
    ]
    return render_template(
        "assessments/submit.html",
        assessment=assessment,
        form=form,
        unanswered=unanswered,
        progress=results.total_progress(results.theme_progress(data, answers)),
        problem=problem,
    ), (409 if problem else 200)


@bp.route("/assessments/<int:assessment_id>/review")
@login_required
def review(assessment_id: int) -> Any:
    """Everything a coordinator needs to decide, on one page: the unit's results, then every
    answer with its level text and toelichting, by speerpunt; the decision at the bottom."""
    assessment = _load(assessment_id)
    if not can_decide(current_user):
        abort(403)
    language = i18n.current()
    figures = results.round_figures(assessment.round, language)
    data = figures.questionnaire
    answers = results.stored_answers(assessment.id)
    result = results.assessment_result(assessment.id, assessment.unit_id, figures, answers)
    per_theme = results.theme_progress(data, answers)
    return render_template(
        "assessments/review.html",
        assessment=assessment,
        data=data,
        result=result,
        answers=answers,
        progress=results.total_progress(per_theme),
        open_questions=sum(p.total - p.answered for p in per_theme.values()),
        may_decide=assessment.status is AssessmentStatus.SUBMITTED,
        may_undo=_may_undo(assessment),
        undo_form=DecideForm(data={"version": assessment.version}),
        # Every answer is on this page: "omdat vraag 2.3 …" links to it here.
        question_links={key: f"#vraag-{number}" for key, number in data.numbers.items()},
    )


def _may_undo(assessment: Assessment) -> bool:
    return (
        can_decide(current_user)
        and assessment.status in services.DECIDED
        and assessment.round.status is RoundStatus.OPEN
    )


@bp.route("/assessments/<int:assessment_id>/approve", methods=["GET", "POST"])
@login_required
def approve(assessment_id: int) -> Any:
    """Approving asks first: a GET shows what is approved, only the confirmed POST approves."""
    assessment = _load(assessment_id)
    if not can_decide(current_user):
        abort(403)
    if assessment.status is not AssessmentStatus.SUBMITTED:
        flash(_("Alleen een ingediende vragenlijst kan worden goedgekeurd."), "error")
        return redirect(url_for(".overview", assessment_id=assessment_id))
    form = DecideForm(data={"version": assessment.version})
    problem = None
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            services.approve(assessment, expected_version=form.version.data, user=current_user)
        except services.AssessmentError as exc:
            problem = str(exc)
            form.show_version(assessment.version)
        else:
            flash(_("De vragenlijst is goedgekeurd."), "success")
            return redirect(url_for(".home"))
    data = _questionnaire(assessment)
    per_theme = results.theme_progress(data, results.stored_answers(assessment.id))
    return render_template(
        "assessments/approve.html",
        assessment=assessment,
        form=form,
        progress=results.total_progress(per_theme),
        problem=problem,
    ), (409 if problem else 200)


@bp.route("/assessments/<int:assessment_id>/undo", methods=["POST"])
@login_required
def undo(assessment_id: int) -> Any:
    """Take back an approval or a return while the round is open (back to submitted)."""
    assessment = _load(assessment_id)
    if not can_decide(current_user):
        abort(403)
    form = DecideForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.undo_decision(assessment, expected_version=form.version.data, user=current_user)
    except services.AssessmentError as exc:
        flash(str(exc), "error")
    else:
        flash(_("Het besluit is teruggedraaid: de vragenlijst wacht weer op een besluit."), "success")
    return redirect(url_for(".review", assessment_id=assessment_id))


@bp.route("/assessments/<int:assessment_id>/return", methods=["GET", "POST"])
@login_required
def return_(assessment_id: int) -> Any:
    assessment = _load(assessment_id)
    if not can_decide(current_user):
        abort(403)
    if assessment.status is not AssessmentStatus.SUBMITTED:
        flash(_("Alleen een ingediende vragenlijst kan worden teruggegeven."), "error")
        return redirect(url_for(".overview", assessment_id=assessment_id))
    form = ReturnForm(data={"version": assessment.version})
    problem = None
    if form.validate_on_submit():
        try:
            services.return_for_changes(
                assessment,
                reason=form.reason.data or "",
                expected_version=form.version.data,
                user=current_user,
            )
        except services.AssessmentError as exc:
            problem = str(exc)
        else:
            flash(_("De vragenlijst is teruggegeven aan de eenheid."), "success")
            return redirect(url_for(".home"))
    status = 400 if form.errors or problem else 200
    return render_template(
        "assessments/return.html", assessment=assessment, form=form, problem=problem
    ), status


RECOMMENDATIONS_FIRST = 10


def question_links(assessment_id: int, data: plain.Questionnaire) -> dict[str, str]:
    """The address of every question on its speerpunt's page, by question key: where a reader
    goes from "omdat vraag 2.3 op niveau 1 staat" to the answer (read-only once submitted)."""
    links = {}
    for theme in data.themes:
        page = url_for(".theme", assessment_id=assessment_id, theme_key=theme.key)
        links.update({question.key: f"{page}#vraag-{question.number}" for question in theme.questions})
    return links


@bp.route("/assessments/<int:assessment_id>/results", endpoint="results")
@login_required
def results_page(assessment_id: int) -> Any:
    assessment = _load(assessment_id)
    language = i18n.current()
    figures = results.round_figures(assessment.round, language)
    data = figures.questionnaire
    result = results.assessment_result(assessment.id, assessment.unit_id, figures)
    bench = figures.benchmark
    medians = results.shown_medians(bench.themes)
    previous = results.previous_assessment(assessment.unit_id, assessment.id, assessment.round, language)
    earlier = previous.scored if previous is not None else None
    changes = scoring.theme_changes(earlier.result, result) if earlier is not None else {}

    show_all = request.args.get("alle") == "1"
    shown = result.recommendations if show_all else result.recommendations[:RECOMMENDATIONS_FIRST]

    radar = charts.result_radar(
        result,
        unit_code=assessment.unit.code,
        unit_name=assessment.unit.name,
        medians=medians,
        levels=[s.level for s in data.scale],
    )
    return render_template(
        "assessments/results.html",
        assessment=assessment,
        data=data.scoring,
        result=result,
        radar=radar,
        medians=medians,
        median_n=max((d.n for d in bench.themes.values()), default=0),
        previous=previous,
        changes=changes,
        shown=shown,
        show_all=show_all,
        hidden_count=len(result.recommendations) - len(shown),
        titles={theme.key: theme.title for theme in data.themes},
        numbers=data.numbers,
        question_links=question_links(assessment.id, data),
        min_units=results.MIN_UNITS_FOR_MEDIAN,
    )
