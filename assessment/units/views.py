"""Units in the browser: the tree (searchable), create, rename, move, deactivate and reactivate,
and the CSV import of the command line as an upload. Coordinators and admins."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from assessment import i18n
from assessment.auth.access import can_set_targets, requires
from assessment.db import session
from assessment.questionnaires.services import known_profiles
from assessment.units import services
from assessment.units.forms import EditUnitForm, ImportForm, NewUnitForm, UnitForm
from assessment.units.models import Unit

bp = Blueprint("units", __name__, template_folder="templates")


def _all() -> list[Unit]:
    return list(session.scalars(select(Unit).order_by(Unit.name)))


def _parents(form: UnitForm, units: list[Unit], exclude: Unit | None = None) -> dict[str, Unit]:
    by_code = {u.code: u for u in units if exclude is None or u.id != exclude.id}
    form.parent.choices = [("", _("Niets: bovenaan"))] + [(code, u.label) for code, u in by_code.items()]
    return by_code


def _path(unit: Unit, by_id: dict[int, Unit]) -> list[Unit]:
    path, seen = [], set()
    while unit.parent_id is not None and unit.parent_id in by_id and unit.parent_id not in seen:
        seen.add(unit.parent_id)
        unit = by_id[unit.parent_id]
        path.append(unit)
    return list(reversed(path))


@bp.route("/units")
@requires(can_set_targets)
def index() -> Any:
    units = _all()
    by_id = {u.id: u for u in units}
    term = (request.args.get("zoek") or "").strip()[:100]
    children: dict[int | None, list[Unit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id if unit.parent_id in by_id else None, []).append(unit)
    found = None
    if term:
        lowered = term.lower()
        found = [
            (u, _path(u, by_id)) for u in units if lowered in u.name.lower() or lowered in u.code.lower()
        ]
    return render_template("units/index.html", children=children, found=found, term=term)


@bp.route("/units/new", methods=["GET", "POST"])
@requires(can_set_targets)
def new() -> Any:
    units = _all()
    form = NewUnitForm(data={"parent": request.args.get("onder", "")})
    parents = _parents(form, units)
    if form.validate_on_submit():
        try:
            unit = services.create_unit(
                code=form.code.data or "",
                name=form.name.data or "",
                kind=form.kind.data or "",
                parent=parents.get(form.parent.data or ""),
            )
        except services.UnitError as exc:
            form.code.errors = [*form.code.errors, str(exc)]
        else:
            flash(_("Eenheid %(unit)s is gemaakt.", unit=unit.label), "success")
            return redirect(url_for(".index"))
    return render_template("units/new.html", form=form), (400 if form.errors else 200)


@bp.route("/units/<code>", methods=["GET", "POST"])
@requires(can_set_targets)
def edit(code: str) -> Any:
    unit = services.get_unit(code)
    if unit is None:
        abort(404)
    form = EditUnitForm(
        data={
            "name": unit.name,
            "kind": unit.kind,
            "parent": unit.parent.code if unit.parent else "",
            "is_active": unit.is_active,
            "profile": unit.profile or "",
        }
    )
    parents = _parents(form, _all(), exclude=unit)
    profiles = known_profiles(i18n.current())
    form.profile.choices = [("", _("Geen: alle vragen gelden")), *profiles]
    if unit.profile and unit.profile not in dict(profiles):
        form.profile.choices.append((unit.profile, unit.profile))  # from a questionnaire since removed
    if form.validate_on_submit():
        try:
            changed = services.update_unit(
                unit,
                name=form.name.data or "",
                kind=form.kind.data or "",
                parent=parents.get(form.parent.data or ""),
                is_active=bool(form.is_active.data),
            )
            changed = services.set_profile(unit, form.profile.data or None) or changed
        except services.UnitError as exc:
            form.parent.errors = [*form.parent.errors, str(exc)]
        else:
            flash(
                _("Eenheid %(unit)s is gewijzigd.", unit=unit.label)
                if changed
                else _("Er was niets gewijzigd."),
                "success",
            )
            return redirect(url_for(".index"))
    if form.errors:
        session.rollback()  # nothing of a refused change stays in the session
    return render_template("units/edit.html", form=form, unit=unit), (400 if form.errors else 200)


@bp.route("/units/import", methods=["GET", "POST"])
@requires(can_set_targets)
def import_() -> Any:
    form = ImportForm()
    problems: list[str] = []
    if form.validate_on_submit():
        upload = form.file.data
        name = (upload.filename or "eenheden.csv")[-100:]
        try:
            result = services.import_units(services.parse_unit_csv(upload.read(), source=name), source=name)
        except services.UnitImportError as exc:
            session.rollback()
            problems = exc.messages
        else:
            flash(
                _(
                    "%(file)s: %(created)s nieuw, %(updated)s bijgewerkt, %(unchanged)s ongewijzigd.",
                    file=name,
                    created=result.created,
                    updated=result.updated,
                    unchanged=result.unchanged,
                ),
                "success",
            )
            return redirect(url_for(".index"))
    status = 400 if form.errors or problems else 200
    return render_template("units/import.html", form=form, problems=problems), status
