from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from assessment import charts, scoring
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
from assessment.db import session
from assessment.questionnaires.models import Theme
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


def question_numbers(assessment: Assessment, themes: list[Theme]) -> dict[int, str]:
    """The printed question numbers ("2.3"), by question id for the forms."""
    by_key = services.questionnaire_data(assessment.round.questionnaire).question_numbers()
    return {question.id: by_key[question.key] for theme in themes for question in theme.questions}


@bp.route("/")
@login_required
def home() -> Any:
    assessments = services.assessments_for(current_user)
    progress = services.progress_for(assessments)
    current = [a for a in assessments if a.round.status is RoundStatus.OPEN]
    earlier = [a for a in assessments if a.round.status is not RoundStatus.OPEN]
    return render_template("assessments/home.html", current=current, earlier=earlier, progress=progress)


@bp.route("/assessments/<int:assessment_id>")
@login_required
def overview(assessment_id: int) -> Any:
    assessment = _load(assessment_id)
    themes = services.load_themes(assessment.round.questionnaire_id)
    answers = services.answers_by_question(assessment)
    per_theme = services.theme_progress(themes, answers)
    return render_template(
        "assessments/overview.html",
        assessment=assessment,
        themes=themes,
        per_theme=per_theme,
        progress=services.total_progress(per_theme),
        may_edit=_may_edit(assessment),
        may_decide=can_decide(current_user) and assessment.status is AssessmentStatus.SUBMITTED,
        decide_form=DecideForm(data={"version": assessment.version}),
    )


@bp.route("/assessments/<int:assessment_id>/<theme_key>", methods=["GET", "POST"])
@login_required
def theme(assessment_id: int, theme_key: str) -> Any:
    assessment = _load(assessment_id)
    themes = services.load_themes(assessment.round.questionnaire_id)
    index = next((i for i, t in enumerate(themes) if t.key == theme_key), None)
    if index is None:
        abort(404)
    current = themes[index]
    questions = current.questions
    numbers = question_numbers(assessment, themes)
    answers = services.answers_by_question(assessment)
    may_edit = _may_edit(assessment)
    form = answers_form(questions, numbers, answers, version=assessment.version)
    problem, conflict = None, False

    if request.method == "POST":
        if not may_edit:
            if not can_fill_in_unit(current_user, assessment.unit_id):
                abort(403)
            problem = services.NotEditable(assessment.status).args[0]
        else:
            form = answers_form(
                questions, numbers, answers, version=assessment.version, formdata=request.form
            )
            if unknown_answer_fields(request.form, questions):
                problem = (
                    "Het formulier bevat een vraag die niet bij dit speerpunt hoort. Er is niets opgeslagen."
                )
            elif form.validate():
                try:
                    changed = services.save_answers(
                        assessment,
                        form.inputs(),
                        expected_version=form.version.data,
                        user=current_user,
                    )
                except services.StaleAssessment as exc:
                    session.rollback()
                    problem, conflict = str(exc), True
                    # The stored answers are shown beside the user's; a second save is a
                    # deliberate choice to keep the user's own.
                    assessment = _load(assessment_id)
                    answers = services.answers_by_question(assessment)
                    form.show_version(assessment.version)
                except services.AssessmentError as exc:
                    session.rollback()
                    problem = str(exc)
                else:
                    session.commit()
                    flash(_saved_message(changed), "success")
                    return redirect(_after_save(assessment, themes, index))
            else:
                problem = "Er is niets opgeslagen. Verbeter de fouten hieronder."
        status = 409 if conflict else 400
    else:
        status = 200

    per_theme = services.theme_progress(themes, answers)
    return render_template(
        "assessments/theme.html",
        assessment=assessment,
        themes=themes,
        theme=current,
        previous=themes[index - 1] if index > 0 else None,
        next=themes[index + 1] if index + 1 < len(themes) else None,
        form=form,
        answers=answers,
        numbers=numbers,
        scale={level.level: level for level in assessment.round.questionnaire.scale},
        per_theme=per_theme,
        progress=services.total_progress(per_theme),
        may_edit=may_edit,
        problem=problem,
        conflict=conflict,
    ), status


def _saved_message(changed: int) -> str:
    if changed == 0:
        return "Er was niets gewijzigd."
    return "1 antwoord opgeslagen." if changed == 1 else f"{changed} antwoorden opgeslagen."


def _after_save(assessment: Assessment, themes: list[Theme], index: int) -> str:
    action = request.form.get("action", "save")
    if action == "next" and index + 1 < len(themes):
        return url_for(".theme", assessment_id=assessment.id, theme_key=themes[index + 1].key)
    if action == "overview":
        return url_for(".overview", assessment_id=assessment.id)
    return url_for(".theme", assessment_id=assessment.id, theme_key=themes[index].key)


@bp.route("/assessments/<int:assessment_id>/submit", methods=["GET", "POST"])
@login_required
def submit(assessment_id: int) -> Any:
    assessment = _load(assessment_id)
    if not can_fill_in_unit(current_user, assessment.unit_id):
        abort(403)
    if not _may_edit(assessment):
        flash(services.NotEditable(assessment.status).args[0], "error")
        return redirect(url_for(".overview", assessment_id=assessment.id))
    themes = services.load_themes(assessment.round.questionnaire_id)
    answers = services.answers_by_question(assessment)
    form = SubmitForm(data={"version": assessment.version})
    problem = None
    if form.validate_on_submit():
        try:
            services.submit(assessment, expected_version=form.version.data, user=current_user)
        except services.AssessmentError as exc:
            session.rollback()
            problem = str(exc)
            assessment = _load(assessment_id)
            answers = services.answers_by_question(assessment)
            form.show_version(assessment.version)
        else:
            session.commit()
            flash("De vragenlijst is ingediend. Dank u wel.", "success")
            return redirect(url_for(".overview", assessment_id=assessment.id))
    unanswered = [
        (theme, question)
        for theme in themes
        for question in theme.questions
        if question.id not in answers or not answers[question.id].is_answered
    ]
    per_theme = services.theme_progress(themes, answers)
    return render_template(
        "assessments/submit.html",
        assessment=assessment,
        form=form,
        unanswered=unanswered,
        numbers=question_numbers(assessment, themes),
        progress=services.total_progress(per_theme),
        problem=problem,
    ), (409 if problem else 200)


@bp.route("/assessments/<int:assessment_id>/approve", methods=["POST"])
@login_required
def approve(assessment_id: int) -> Any:
    assessment = _load(assessment_id)
    if not can_decide(current_user):
        abort(403)
    form = DecideForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.approve(assessment, expected_version=form.version.data, user=current_user)
    except services.AssessmentError as exc:
        session.rollback()
        flash(str(exc), "error")
    else:
        session.commit()
        flash("De vragenlijst is goedgekeurd.", "success")
    return redirect(url_for(".overview", assessment_id=assessment_id))


@bp.route("/assessments/<int:assessment_id>/return", methods=["GET", "POST"])
@login_required
def return_(assessment_id: int) -> Any:
    assessment = _load(assessment_id)
    if not can_decide(current_user):
        abort(403)
    if assessment.status is not AssessmentStatus.SUBMITTED:
        flash("Alleen een ingediende vragenlijst kan worden teruggegeven.", "error")
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
            session.rollback()
            problem = str(exc)
        else:
            session.commit()
            flash("De vragenlijst is teruggegeven aan de eenheid.", "success")
            return redirect(url_for(".overview", assessment_id=assessment_id))
    status = 400 if form.errors or problem else 200
    return render_template(
        "assessments/return.html", assessment=assessment, form=form, problem=problem
    ), status


RECOMMENDATIONS_FIRST = 10


@bp.route("/assessments/<int:assessment_id>/results")
@login_required
def results(assessment_id: int) -> Any:
    assessment = _load(assessment_id)
    data = services.questionnaire_data(assessment.round.questionnaire)
    result = services.result_for(assessment)
    bench = services.round_benchmark(assessment.round)
    medians = services.shown_medians(bench.themes)
    previous = services.previous_assessment(assessment)
    changes = scoring.theme_changes(services.result_for(previous), result) if previous else {}

    show_all = request.args.get("alle") == "1"
    shown = result.recommendations if show_all else result.recommendations[:RECOMMENDATIONS_FIRST]
    grouped = [
        (theme, [r for r in shown if r.theme_key == theme.key])
        for theme in result.themes
        if any(r.theme_key == theme.key for r in shown)
    ]

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
        data=data,
        result=result,
        radar=radar,
        medians=medians,
        median_n=max((d.n for d in bench.themes.values()), default=0),
        previous=previous,
        changes=changes,
        grouped=grouped,
        show_all=show_all,
        hidden_count=len(result.recommendations) - len(shown),
        ranks={rec.question_key: rank for rank, rec in enumerate(result.recommendations, start=1)},
        numbers=data.question_numbers(),
        min_units=services.MIN_UNITS_FOR_MEDIAN,
    )
