from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from assessment import i18n, jobs
from assessment.auth.access import (
    can_export_packages,
    can_make_report_jobs,
    can_read_all_units,
    can_set_targets,
    requires,
)
from assessment.db import session
from assessment.exchange.services import units_in_round
from assessment.questionnaires.models import Questionnaire
from assessment.rounds import services
from assessment.rounds.forms import ConfirmForm, defaults_form, new_round_form, targets_form
from assessment.rounds.models import Round, RoundStatus
from assessment.units.models import Unit
from assessment.units.services import get_unit

bp = Blueprint("rounds", __name__, template_folder="templates")


def _load(code: str) -> Round:
    round_ = services.get_round(code)
    if round_ is None:
        abort(404)
    return round_


@bp.route("/rounds")
@requires(can_read_all_units)
def index() -> Any:
    rounds = services.list_rounds()
    return render_template(
        "rounds/index.html",
        rounds=rounds,
        participation=services.participation([r.id for r in rounds]),
        may_run=can_set_targets(current_user),
        queue_up=jobs.queue(current_app).available() if can_make_report_jobs(current_user) else True,
    )


def _questionnaires() -> list[Questionnaire]:
    return list(
        session.scalars(select(Questionnaire).order_by(Questionnaire.key, Questionnaire.version.desc()))
    )


def _scope_choices() -> list[tuple[str, str]]:
    units = session.scalars(select(Unit).where(Unit.is_active).order_by(Unit.name))
    return [("", _("Alle actieve eenheden"))] + [
        (u.code, _("%(unit)s en alles eronder", unit=u.label)) for u in units
    ]


@bp.route("/rounds/new", methods=["GET", "POST"])
@requires(can_set_targets)
def new() -> Any:
    """A new round in two steps without JavaScript: first the questionnaire version (its
    speerpunten decide the target fields), then the rest."""
    versions = _questionnaires()
    chosen_id = request.values.get("questionnaire") or ""
    if not chosen_id and len(versions) == 1 and not request.args.get("kies"):
        chosen_id = str(versions[0].id)  # one version: nothing to choose
    questionnaire = next((q for q in versions if str(q.id) == chosen_id), None)
    if questionnaire is None:
        return render_template("rounds/new_choose.html", versions=versions, language=i18n.current()), (
            400 if chosen_id else 200
        )
    form = new_round_form(
        questionnaire.themes, questionnaire.scale, formdata=request.form if request.method == "POST" else None
    )
    form.scope.choices = _scope_choices()
    form.questionnaire.data = str(questionnaire.id)
    if request.method == "POST" and form.validate():
        scope = get_unit(form.scope.data) if form.scope.data else None
        try:
            round_ = services.create_round(
                code=form.code.data or "",
                name=form.name.data or "",
                questionnaire=questionnaire,
                opens_on=form.opens_on.data,
                closes_on=form.closes_on.data,
                targets=form.levels(),
                scope_unit=scope,
            )
        except services.RoundError as exc:
            form.code.errors = [*form.code.errors, str(exc)]
        else:
            flash(
                _(
                    "Meetronde %(code)s is gemaakt. Open hem als de eenheden kunnen beginnen.",
                    code=round_.code,
                ),
                "success",
            )
            return redirect(url_for(".detail", code=round_.code))
    status = 400 if form.errors else 200
    return render_template(
        "rounds/new.html", form=form, questionnaire=questionnaire, language=i18n.current()
    ), status


@bp.route("/rounds/<code>")
@requires(can_read_all_units)
def detail(code: str) -> Any:
    round_ = _load(code)
    may_run = can_set_targets(current_user)
    defaults = {t.theme_id: t.level for t in round_.default_targets}
    return render_template(
        "rounds/detail.html",
        round=round_,
        counts=services.participation([round_.id])[round_.id],
        taking_part=len(services.units_taking_part(round_)),
        may_run=may_run,
        confirm_form=ConfirmForm(),
        defaults_form=defaults_form(round_.questionnaire.themes, round_.questionnaire.scale, defaults)
        if may_run and round_.status is not RoundStatus.CLOSED
        else None,
        exchange_units=units_in_round(round_.id) if can_export_packages(current_user) else [],
        language=i18n.current(),
    )


@bp.route("/rounds/<code>/open", methods=["POST"])
@requires(can_set_targets)
def open_(code: str) -> Any:
    """Open a planned round, or reopen a closed one: units without an assessment get a draft."""
    round_ = _load(code)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if round_.status is RoundStatus.OPEN:
        flash(_("Meetronde %(code)s is al open.", code=round_.code), "info")
    else:
        made = services.open_round(round_)
        flash(
            ngettext(
                "Meetronde %(code)s is open: %(num)d eenheid kan beginnen.",
                "Meetronde %(code)s is open: %(num)d eenheden kunnen beginnen.",
                made,
                code=round_.code,
            ),
            "success",
        )
    return redirect(url_for(".detail", code=round_.code))


@bp.route("/rounds/<code>/close", methods=["GET", "POST"])
@requires(can_set_targets)
def close(code: str) -> Any:
    """Closing asks first, and says how many assessments are still a draft."""
    round_ = _load(code)
    if round_.status is not RoundStatus.OPEN:
        flash(_("Meetronde %(code)s is niet open.", code=round_.code), "info")
        return redirect(url_for(".detail", code=round_.code))
    form = ConfirmForm()
    if form.validate_on_submit():
        services.close_round(round_)
        flash(_("Meetronde %(code)s is gesloten. De antwoorden liggen vast.", code=round_.code), "success")
        return redirect(url_for(".detail", code=round_.code))
    counts = services.participation([round_.id])[round_.id]
    return render_template("rounds/close.html", round=round_, counts=counts, form=form)


@bp.route("/rounds/<code>/defaults", methods=["POST"])
@requires(can_set_targets)
def defaults(code: str) -> Any:
    round_ = _load(code)
    current = {t.theme_id: t.level for t in round_.default_targets}
    form = defaults_form(
        round_.questionnaire.themes, round_.questionnaire.scale, current, formdata=request.form
    )
    if not form.validate():
        flash(_("Er is niets opgeslagen. Kies voor elk speerpunt een niveau van de schaal."), "error")
        return redirect(url_for(".detail", code=round_.code))
    try:
        changed = services.set_default_targets(round_, form.levels())
    except services.RoundError as exc:
        flash(str(exc), "error")
    else:
        flash(
            ngettext(
                "Standaarddoelen opgeslagen (%(num)d gewijzigd).",
                "Standaarddoelen opgeslagen (%(num)d gewijzigd).",
                changed,
            )
            if changed
            else _("Er was niets gewijzigd."),
            "success",
        )
    return redirect(url_for(".detail", code=round_.code))


@bp.route("/rounds/<code>/targets")
@requires(can_read_all_units)
def targets(code: str) -> Any:
    round_ = _load(code)
    units, own, defaults = services.targets_table(round_)
    return render_template(
        "rounds/targets.html",
        round=round_,
        themes=round_.questionnaire.themes,
        language=i18n.current(),
        units=units,
        own=own,
        defaults=defaults,
        may_edit=can_set_targets(current_user) and round_.status is not RoundStatus.CLOSED,
    )


@bp.route("/rounds/<code>/targets/<unit_code>", methods=["GET", "POST"])
@requires(can_set_targets)
def unit_targets(code: str, unit_code: str) -> Any:
    round_ = _load(code)
    unit: Unit | None = get_unit(unit_code)
    if unit is None:
        abort(404)
    units, own, defaults = services.targets_table(round_)
    if unit.id not in {u.id for u in units}:
        abort(404)
    if round_.status is RoundStatus.CLOSED:
        flash(_("Ronde %(code)s is gesloten: de doelen liggen vast.", code=round_.code), "info")
        return redirect(url_for(".targets", code=round_.code))
    themes = round_.questionnaire.themes
    scale = round_.questionnaire.scale
    form = targets_form(themes, scale, own.get(unit.id, {}), defaults)
    problem = None
    if request.method == "POST":
        form = targets_form(themes, scale, own.get(unit.id, {}), defaults, formdata=request.form)
        if form.validate():
            try:
                changed = services.set_unit_targets(round_, unit, form.levels())
            except services.RoundError as exc:
                problem = str(exc)
            else:
                flash(
                    ngettext(
                        "Doelen van %(unit)s opgeslagen (%(num)d gewijzigd).",
                        "Doelen van %(unit)s opgeslagen (%(num)d gewijzigd).",
                        changed,
                        unit=unit.name,
                    )
                    if changed
                    else _("Er was niets gewijzigd."),
                    "success",
                )
                return redirect(url_for(".targets", code=round_.code))
        else:
            problem = _("Er is niets opgeslagen. Kies voor elk speerpunt een niveau van de schaal.")
    status = 400 if problem else 200
    return render_template(
        "rounds/unit_targets.html", round=round_, unit=unit, form=form, problem=problem
    ), status
