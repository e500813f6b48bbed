"""Accounts, for admins (every account) and coordinators (unit representatives): list, create
with a one-time link, change role and units, deactivate, and a new link to set the password.
No password is ever shown: the user sets his own with the link."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from assessment import formatting, mail
from assessment.admin.forms import (
    AccountForm,
    EditUserForm,
    EndSessionsForm,
    NewUserForm,
    ResetForm,
    UserFilterForm,
)
from assessment.auth import services, sessions
from assessment.auth.access import can_manage_users, requires, roles_managed_by
from assessment.auth.models import Role, User, user_units
from assessment.db import session, utcnow
from assessment.units.models import Unit

bp = Blueprint("admin", __name__, template_folder="templates")


def _units() -> list[Unit]:
    return list(session.scalars(select(Unit).where(Unit.is_active).order_by(Unit.name)))


def _choices(form: AccountForm, units: list[Unit]) -> None:
    form.role.choices = [(r.value, r.label) for r in roles_managed_by(current_user)]
    form.units.choices = [(u.id, u.label) for u in units]


def _checked(form: AccountForm, units: list[Unit]) -> tuple[Role | None, list[Unit]]:
    """The role and units as posted, with a message at the field for what is not allowed."""
    allowed = {r.value: r for r in roles_managed_by(current_user)}
    role = allowed.get(form.role.data or "")
    if form.role.data and role is None:
        form.role.errors = [*form.role.errors, _("U mag deze rol niet geven.")]
    by_id = {u.id: u for u in units}
    chosen = [by_id[i] for i in form.units.data or [] if i in by_id]
    if len(chosen) != len(form.units.data or []):
        form.units.errors = [*form.units.errors, _("Kies alleen eenheden uit de lijst.")]
    if role is Role.REPRESENTATIVE and not chosen:
        form.units.errors = [*form.units.errors, _("Kies de eenheid of eenheden die hij vertegenwoordigt.")]
    if role is not None and role is not Role.REPRESENTATIVE:
        chosen = []  # only a representative represents units
    return role, chosen


def _managed(user_id: int) -> User:
    user = session.get(User, user_id, options=[selectinload(User.units)])
    if user is None:
        abort(404)
    if user.role not in roles_managed_by(current_user):
        abort(403)
    return user


def _link(user: User, secret: str, purpose: str) -> Any:
    """The page that shows the one-time link once; with SMTP configured it is mailed as well."""
    link = url_for("auth.set_password", secret=secret, _external=True)
    valid_until = formatting.datetime(utcnow() + services.INVITATION_VALID)
    mailed = None
    if mail.configured():
        mailed = mail.send_password_link(user.email, user.display_name, link, valid_until, purpose)
    return render_template(
        "admin/link.html", user=user, link=link, valid_until=valid_until, purpose=purpose, mailed=mailed
    )


@bp.route("/users")
@requires(can_manage_users)
def users() -> Any:
    roles = roles_managed_by(current_user)
    form = UserFilterForm(formdata=request.args)
    form.rol.choices = [("", _("Alle rollen"))] + [(r.value, r.label) for r in roles]
    form.eenheid.choices = [("", _("Alle eenheden"))] + [(u.code, u.label) for u in _units()]
    query = select(User).where(User.role.in_(roles)).options(selectinload(User.units)).order_by(User.email)
    if form.validate():
        if form.rol.data:
            query = query.where(User.role == Role(form.rol.data))
        if form.eenheid.data:
            query = query.where(
                User.id.in_(
                    select(user_units.c.user_id)
                    .join(Unit, Unit.id == user_units.c.unit_id)
                    .where(Unit.code == form.eenheid.data)
                )
            )
        if form.zoek.data:
            term = form.zoek.data.strip().lower()
            query = query.where(
                or_(
                    func.lower(User.email).contains(term, autoescape=True),
                    func.lower(User.display_name).contains(term, autoescape=True),
                )
            )
        found = list(session.scalars(query))
    else:
        found = []
    return render_template("admin/users.html", form=form, users=found), (200 if not form.errors else 400)


@bp.route("/users/new", methods=["GET", "POST"])
@requires(can_manage_users)
def new_user() -> Any:
    units = _units()
    form = NewUserForm()
    _choices(form, units)
    if form.validate_on_submit():
        role, chosen = _checked(form, units)
        if role is not None and not form.errors:
            try:
                user, secret = services.invite_user(
                    email=form.email.data or "",
                    display_name=form.name.data or "",
                    role=role,
                    unit_codes=[u.code for u in chosen],
                    created_by=current_user,
                )
            except services.UserError as exc:
                form.email.errors = [*form.email.errors, str(exc)]
            else:
                return _link(user, secret, "invite")
    return render_template("admin/user_new.html", form=form), (400 if form.errors else 200)


@bp.route("/users/<id:user_id>", methods=["GET", "POST"])
@requires(can_manage_users)
def edit_user(user_id: int) -> Any:
    user = _managed(user_id)
    units = _units() + [u for u in user.units if not u.is_active]
    form = EditUserForm(
        data={"role": user.role.value, "units": [u.id for u in user.units], "is_active": user.is_active}
    )
    _choices(form, units)
    if form.validate_on_submit():
        role, chosen = _checked(form, units)
        if user.id == current_user.id and (role is not user.role or not form.is_active.data):
            form.is_active.errors = [
                *form.is_active.errors,
                _("U kunt uw eigen rol niet wijzigen en uw eigen account niet uitzetten."),
            ]
        if role is not None and not form.errors:
            try:
                changed = services.update_user(
                    user,
                    role=role,
                    units=chosen,
                    is_active=bool(form.is_active.data),
                    changed_by=current_user,
                )
            except services.UserError as exc:
                form.units.errors = [*form.units.errors, str(exc)]
            else:
                flash(
                    _("Account %(email)s is gewijzigd.", email=user.email)
                    if changed
                    else _("Er was niets gewijzigd."),
                    "success",
                )
                return redirect(url_for(".users"))
    return render_template(
        "admin/user_edit.html",
        form=form,
        user=user,
        reset_form=ResetForm(),
        sessions=sessions.open_sessions(user),
        end_sessions_form=EndSessionsForm(),
    ), (400 if form.errors else 200)


@bp.route("/users/<id:user_id>/reset", methods=["POST"])
@requires(can_manage_users)
def reset_password(user_id: int) -> Any:
    user = _managed(user_id)
    if not ResetForm().validate_on_submit():
        abort(400)
    if not user.is_active:
        flash(_("Zet het account eerst weer aan."), "error")
        return redirect(url_for(".edit_user", user_id=user.id))
    return _link(user, services.issue_invitation(user, purpose="reset", created_by=current_user), "reset")


@bp.route("/users/<id:user_id>/sessions/end", methods=["POST"])
@requires(can_manage_users)
def end_sessions(user_id: int) -> Any:
    """Log out everywhere: every session of the user ends at once (a lost laptop, a leaked cookie)."""
    user = _managed(user_id)
    if not EndSessionsForm().validate_on_submit():
        abort(400)
    ended = sessions.log_out_everywhere(user, by=current_user)
    flash(
        ngettext(
            "%(num)s sessie van %(email)s is beëindigd.",
            "%(num)s sessies van %(email)s zijn beëindigd.",
            ended,
            email=user.email,
        ),
        "success",
    )
    return redirect(url_for(".edit_user", user_id=user.id))
