from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from assessment import i18n
from assessment.auth.access import can_read_all_units, can_set_targets, requires
from assessment.rounds import services
from assessment.rounds.forms import targets_form
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
    return render_template("rounds/index.html", rounds=services.list_rounds())


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
