"""Filling in, submitting, deciding and the unit's results. Views load, check access, call a
service and render; the request commits once (``assessment.db``). The pages render from the
read side's plain data (``assessment.results``), never from the questionnaire's ORM tree."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    get_template_attribute,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_time, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup, escape
from werkzeug.datastructures import MultiDict

from assessment import charts, i18n, scoring
from assessment.assessments import services
from assessment.assessments.forms import (
    NO_ANSWER,
    AnswersForm,
    DecideForm,
    ReturnForm,
    SubmitForm,
    answers_form,
    unknown_answer_fields,
)
from assessment.assessments.models import Assessment, AssessmentStatus
from assessment.audit.requests import refused_object
from assessment.auth.access import can_decide, can_fill_in_unit, can_read_all_units, can_view_unit
from assessment.auth.services import display_names
from assessment.db import utcnow
from assessment.questionnaires.labels import respondent_label
from assessment.results import questionnaire as plain
from assessment.results import services as results
from assessment.results.cache import results_cache
from assessment.rounds.models import RoundStatus

bp = Blueprint("assessments", __name__, template_folder="templates")


def _load(assessment_id: int) -> Assessment:
    """The assessment, if it exists and the user may see it; 404 otherwise (also for another
    unit's assessment, so that ids of other units reveal nothing)."""
    assessment = services.get_assessment(assessment_id)
    if assessment is None:
        abort(404)
    if not can_view_unit(current_user, assessment.unit_id):
        refused_object("assessments", assessment.id)
        abort(404)
    return assessment


def _may_edit(assessment: Assessment) -> bool:
    return (
        assessment.status.is_editable
        and assessment.round.status is RoundStatus.OPEN
        and can_fill_in_unit(current_user, assessment.unit_id)
    )


bp.add_app_template_global(respondent_label)


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
        # "Ga verder" (or "Controleer en dien in") on the card of each assessment he may fill in;
        # who reads every unit sees a table instead of cards.
        next_steps=results.open_questions_of(
            a for a in current if not can_read_all_units(current_user) and _may_edit(a)
        ),
        # What waits for a coordinator comes first on his home page.
        work=services.worklist() if can_decide(current_user) else None,
    )


@bp.route("/assessments/<id:assessment_id>")
@login_required
def overview(assessment_id: int) -> Any:
    assessment = _load(assessment_id)
    data = _questionnaire(assessment)
    answers = results.stored_answers(assessment.id)
    per_theme = results.theme_progress(data, answers)
    # ?wie=staf-s6: the questions for one colleague, to print or hand on (a form, no script).
    respondent = request.args.get("wie", "")
    if respondent not in data.respondents:
        respondent = ""
    return render_template(
        "assessments/overview.html",
        assessment=assessment,
        data=data,
        respondent=respondent,
        for_respondent=[
            (theme, question)
            for theme in data.themes
            for question in theme.questions
            if respondent and question.respondent == respondent
        ],
        answered=results.answered_ids(answers),
        per_theme=per_theme,
        progress=results.total_progress(per_theme),
        next_open=results.next_open_question(data, results.answered_ids(answers)),
        may_edit=_may_edit(assessment),
        may_decide=_may_decide(assessment),
        may_review=can_decide(current_user) and assessment.status is not AssessmentStatus.DRAFT,
        may_undo=_may_undo(assessment),
        undo_form=DecideForm(data={"version": assessment.version}),
        # Every answer is on this page: "omdat vraag 2.3 …" links to it here.
        question_links={key: f"#vraag-{number}" for key, number in data.numbers.items()},
    )


@bp.route("/assessments/<id:assessment_id>/<theme_key>", methods=["GET", "POST"])
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


def _load_theme(assessment_id: int, theme_key: str) -> tuple[Assessment, plain.Questionnaire, plain.Theme]:
    assessment = _load(assessment_id)
    data = _questionnaire(assessment)
    current = data.theme(theme_key)
    if current is None:
        abort(404)
    return assessment, data, current


@dataclass
class _Saving:
    """What became of a posted speerpunt form: stored (``changed`` answers) or refused (``problem``)."""

    form: AnswersForm | None
    changed: int | None = None
    problem: str | None = None
    conflict: bool = False
    status: int = 200


def _save(
    assessment: Assessment, data: plain.Questionnaire, current: plain.Theme, formdata: MultiDict[str, str]
) -> _Saving:
    """Check, validate and store one speerpunt's posted answers: the form and the page's script
    (autosave) both come through here, so they are refused for the same reasons."""
    if not _may_edit(assessment):
        if not can_fill_in_unit(current_user, assessment.unit_id):
            abort(403)
        return _Saving(None, problem=services.NotEditable(assessment.status).args[0], status=400)
    form = answers_form(current.questions, formdata=formdata)
    if unknown_answer_fields(formdata, current.questions):
        problem = _("Het formulier bevat een vraag die niet bij dit speerpunt hoort. Er is niets opgeslagen.")
        return _Saving(form, problem=problem, status=400)
    if not form.validate():
        return _Saving(form, problem=_("Er is niets opgeslagen. Verbeter de fouten hieronder."), status=400)
    try:
        changed = services.save_answers(
            assessment,
            form.inputs(),
            expected_version=form.version.data,
            user=current_user,
            question_keys=data.question_keys_by_id,
        )
    except services.StaleAssessment as exc:
        return _Saving(form, problem=str(exc), conflict=True, status=409)
    except services.AssessmentError as exc:
        return _Saving(form, problem=str(exc), status=400)
    return _Saving(form, changed=changed)


def _cleared(current: plain.Theme) -> tuple[MultiDict[str, str], plain.Question | None]:
    """The posted form, with the answer taken away of the question whose "Wis antwoord" button
    was pressed (without JavaScript a radio button cannot be unchecked)."""
    formdata: MultiDict[str, str] = request.form
    wanted = request.form.get("clear", "")
    question = next((q for q in current.questions if str(q.id) == wanted), None)
    if question is not None:
        formdata = request.form.copy()
        formdata[f"level_{question.id}"] = NO_ANSWER
    return formdata, question


def _return_to(current: plain.Theme) -> str | None:
    """The question the user came to change from the check page (``?terug=2.3``), if it is one
    of this speerpunt's: "Opslaan en terug naar controleren" returns to its answer."""
    number = request.values.get("terug", "")
    return number if any(q.number == number for q in current.questions) else None


@bp.route("/assessments/<id:assessment_id>/speerpunten/<theme_key>", methods=["GET", "POST"])
@login_required
def theme(assessment_id: int, theme_key: str) -> Any:
    assessment, data, current = _load_theme(assessment_id, theme_key)
    may_edit = _may_edit(assessment)
    form = None
    problem, conflict, status = None, False, 200
    version = assessment.version
    back = _return_to(current)

    if request.method == "POST":
        formdata, cleared = _cleared(current)
        saving = _save(assessment, data, current, formdata)
        if saving.changed is not None:
            if cleared is not None:
                flash(_("Het antwoord op vraag %(number)s is gewist.", number=cleared.number), "success")
            else:
                flash(_saved_message(saving.changed), "success")
            return redirect(_after_save(assessment, data, current, back, cleared))
        form, problem, conflict, status = saving.form, saving.problem, saving.conflict, saving.status
        if conflict:
            # The stored answers are shown beside the user's; a second save is a deliberate
            # choice to keep the user's own.
            version = assessment.version
        elif form is not None and isinstance(form.version.data, int):
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
    answered = results.answered_ids(answers)
    position = data.themes.index(current)
    first_open = next((q for q in current.questions if q.id not in answered), None)
    return render_template(
        "assessments/theme.html",
        assessment=assessment,
        data=data,
        theme=current,
        previous=data.themes[position - 1] if position > 0 else None,
        next=data.themes[position + 1] if position + 1 < len(data.themes) else None,
        # "Opslaan en volgende" leads to the next speerpunt with open questions, if there is one.
        following=results.next_open_question(data, answered, after=current),
        first_open=first_open,
        back=back,
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


@bp.route("/assessments/<id:assessment_id>/speerpunten/<theme_key>/autosave", methods=["POST"])
@login_required
def autosave(assessment_id: int, theme_key: str) -> Any:
    """The speerpunt's form, saved by the page's script while the user fills it in (the page
    works without it): the same access check, CSRF token, version and validation as the form's
    own save. JSON: the new version and "Opgeslagen om 14:32"; on a conflict the same choice as
    the form shows (409); otherwise the reason nothing was saved."""
    assessment, data, current = _load_theme(assessment_id, theme_key)
    saving = _save(assessment, data, current, request.form)
    if saving.changed is not None:
        answers = results.stored_answers(assessment.id)
        per_theme = results.theme_progress(data, answers)
        way = get_template_attribute("assessments/_way.html", "theme_state")
        bar = get_template_attribute("_macros.html", "progress_bar")
        return _json(
            {
                "state": "saved",
                "version": assessment.version,
                "message": _("Opgeslagen om %(time)s", time=format_time(utcnow(), "short")),
                "theme": str(way(per_theme[current.key])),
                "progress": str(
                    bar(results.total_progress(per_theme), _("vragen beantwoord in de hele vragenlijst"))
                ),
            }
        )
    if saving.conflict and saving.form is not None:
        return _json(_conflict(assessment, current, saving.problem or "", saving.form), 409)
    reasons = [message for _field, message in saving.form.error_summary()] if saving.form else []
    reason = " ".join(reasons) or saving.problem or ""
    return _json(
        {"state": "refused", "message": _("Niet opgeslagen. %(reason)s", reason=reason)}, saving.status
    )


def _conflict(
    assessment: Assessment, current: plain.Theme, problem: str, form: AnswersForm
) -> dict[str, Any]:
    """The choice the form offers after a refused save, for the page's script: the box at the top
    and, under each question whose stored answer differs from the user's, what is stored."""
    answers = results.stored_answers(assessment.id)
    editors = display_names({a.updated_by_id for a in answers.values()})
    note = get_template_attribute("assessments/_question.html", "conflict_note")
    box = get_template_attribute("assessments/_way.html", "conflict_summary")
    values = form.values()
    notes = {}
    for question in current.questions:
        choice, comment = values.get(question.id, ("", ""))
        html = str(note(answers.get(question.id), choice, comment, editors)).strip()
        if html:
            notes[f"vraag-{question.number}"] = html
    return {
        "state": "conflict",
        "version": assessment.version,
        "message": _("Niet opgeslagen: iemand anders was u voor. Kies bovenaan wat u wilt doen."),
        "summary": str(box(problem, assessment, current)),
        "notes": notes,
    }


def _json(body: dict[str, Any], status: int = 200) -> Any:
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response, status


def _saved_message(changed: int) -> str:
    if changed == 0:
        # Nothing new since the last save (the page's script may have saved it already).
        return _("Uw antwoorden zijn opgeslagen.")
    return ngettext("%(num)d antwoord opgeslagen.", "%(num)d antwoorden opgeslagen.", changed)


def _after_save(
    assessment: Assessment,
    data: plain.Questionnaire,
    current: plain.Theme,
    back: str | None,
    cleared: plain.Question | None,
) -> str:
    action = request.form.get("action", "save")
    if cleared is not None:
        action = "save"
    here = url_for(".theme", assessment_id=assessment.id, theme_key=current.key, terug=back)
    if action == "next":
        answered = results.answered_ids(results.stored_answers(assessment.id))
        following = results.next_open_question(data, answered, after=current)
        return _question_url(assessment, following) if following else _check_url(assessment)
    if action == "check":
        return _check_url(assessment, f"antwoord-{back}" if back else f"speerpunt-{current.number}")
    if action == "overview":
        return url_for(".overview", assessment_id=assessment.id)
    if cleared is not None:
        return f"{here}#vraag-{cleared.number}"
    return here


def _question_url(assessment: Assessment, where: results.OpenQuestion) -> str:
    url = url_for(".theme", assessment_id=assessment.id, theme_key=where.theme.key)
    return f"{url}#vraag-{where.question.number}"


def _check_url(assessment: Assessment, anchor: str | None = None) -> str:
    url = url_for(".submit", assessment_id=assessment.id)
    return f"{url}#{anchor}" if anchor else url


@bp.route("/assessments/<id:assessment_id>/submit", methods=["GET", "POST"])
@login_required
def submit(assessment_id: int) -> Any:
    """Check your answers: every answer with its level text and toelichting, by speerpunt, each
    with a link to change it; the open questions first; at the bottom the confirmed submit."""
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
    elif request.method == "POST":
        problem = form.version_problem()
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
        data=data,
        answers=answers,
        form=form,
        unanswered=unanswered,
        progress=results.total_progress(results.theme_progress(data, answers)),
        problem=problem,
    ), (400 if form.errors else 409 if problem else 200)


@bp.route("/assessments/<id:assessment_id>/review")
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
        may_decide=_may_decide(assessment),
        # Submitted, but the round is planned or closed: why there is nothing to decide.
        round_not_open=None if assessment.round.is_open else services.RoundNotOpen(assessment.round).args[0],
        may_undo=_may_undo(assessment),
        undo_form=DecideForm(data={"version": assessment.version}),
        # Every answer is on this page: "omdat vraag 2.3 …" links to it here.
        question_links={key: f"#vraag-{number}" for key, number in data.numbers.items()},
    )


def _may_decide(assessment: Assessment) -> bool:
    """Approve or return: a submitted assessment, in an open round, by a coordinator or admin."""
    return (
        can_decide(current_user)
        and assessment.status is AssessmentStatus.SUBMITTED
        and assessment.round.is_open
    )


def _may_undo(assessment: Assessment) -> bool:
    return (
        can_decide(current_user)
        and assessment.status in services.DECIDED
        and assessment.round.status is RoundStatus.OPEN
    )


@bp.route("/assessments/<id:assessment_id>/approve", methods=["GET", "POST"])
@login_required
def approve(assessment_id: int) -> Any:
    """Approving asks first: a GET shows what is approved, only the confirmed POST approves."""
    assessment = _load(assessment_id)
    if not can_decide(current_user):
        abort(403)
    if assessment.status is not AssessmentStatus.SUBMITTED:
        flash(_("Alleen een ingediende vragenlijst kan worden goedgekeurd."), "error")
        return redirect(url_for(".overview", assessment_id=assessment_id))
    if not assessment.round.is_open:
        flash(services.RoundNotOpen(assessment.round).args[0], "error")
        return redirect(url_for(".review", assessment_id=assessment_id))
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


@bp.route("/assessments/<id:assessment_id>/undo", methods=["POST"])
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


@bp.route("/assessments/<id:assessment_id>/return", methods=["GET", "POST"])
@login_required
def return_(assessment_id: int) -> Any:
    assessment = _load(assessment_id)
    if not can_decide(current_user):
        abort(403)
    if assessment.status is not AssessmentStatus.SUBMITTED:
        flash(_("Alleen een ingediende vragenlijst kan worden teruggegeven."), "error")
        return redirect(url_for(".overview", assessment_id=assessment_id))
    if not assessment.round.is_open:
        flash(services.RoundNotOpen(assessment.round).args[0], "error")
        return redirect(url_for(".review", assessment_id=assessment_id))
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
    elif request.method == "POST":
        problem = form.version_problem()
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


@bp.route("/assessments/<id:assessment_id>/results", endpoint="results")
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
    # Per question since the earlier round: matched by key, so across questionnaire versions
    # only the questions whose key was kept.
    question_changes = (
        results.question_changes_since(previous, assessment.unit_id, result) if previous is not None else []
    )

    show_all = request.args.get("alle") == "1"
    shown = result.recommendations if show_all else result.recommendations[:RECOMMENDATIONS_FIRST]

    radar = charts.result_radar(
        result,
        unit_name=assessment.unit.name,
        medians=medians,
        levels=[s.level for s in data.scale],
    )
    # A phone gets a drawing made for its width, so that the labels stay legible.
    radar = charts.responsive(
        radar,
        charts.result_radar(
            result,
            unit_name=assessment.unit.name,
            medians=medians,
            levels=[s.level for s in data.scale],
            compact=True,
        ),
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
        question_changes=question_changes,
        questions=data.questions_by_key,
        sources={theme.key: data.sources(theme.key) for theme in data.themes},
        shown=shown,
        show_all=show_all,
        hidden_count=len(result.recommendations) - len(shown),
        titles={theme.key: theme.title for theme in data.themes},
        numbers=data.numbers,
        question_links=question_links(assessment.id, data),
        min_units=results.MIN_UNITS_FOR_MEDIAN,
    )
