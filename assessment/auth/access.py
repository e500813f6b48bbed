"""Who may do what: the one module that knows the roles. Every view asks here (and templates
only hide what the server refuses anyway); no role list is written anywhere else."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user, login_required

from assessment.auth.models import Role, User

# Read every unit's results, compare units, read round reports and exports.
_READ_ALL = frozenset({Role.LEAD, Role.COORDINATOR, Role.ADMIN})
# Run rounds: targets, approving and returning assessments.
_MANAGE = frozenset({Role.COORDINATOR, Role.ADMIN})


def requires(check: Callable[[User], bool]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Log in first; then 403 unless ``check(current_user)`` holds."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not check(current_user):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def can_read_all_units(user: User) -> bool:
    """Leads, coordinators and admins read every unit's results, compare and export them."""
    return user.role in _READ_ALL


def can_view_unit(user: User, unit_id: int) -> bool:
    """Leads, coordinators and admins see every unit; a representative only his own."""
    return can_read_all_units(user) or unit_id in user.unit_ids


def can_fill_in_unit(user: User, unit_id: int) -> bool:
    """A representative fills in for his own units; an admin may do everything."""
    if user.role is Role.ADMIN:
        return True
    return user.role is Role.REPRESENTATIVE and unit_id in user.unit_ids


def can_decide(user: User) -> bool:
    """Coordinators and admins approve or return submitted assessments."""
    return user.role in _MANAGE


def can_set_targets(user: User) -> bool:
    """Coordinators and admins set a unit's own targets."""
    return user.role in _MANAGE


def can_read_audit(user: User) -> bool:
    """Admins read the whole audit trail; coordinators the part about rounds and assessments."""
    return user.role in _MANAGE


def audit_types_for(user: User) -> frozenset[str] | None:
    """The kinds of object whose events ``user`` may read; None means all."""
    return None if user.role is Role.ADMIN else frozenset({"assessments", "rounds", "targets", "report_jobs"})


def can_manage_users(user: User) -> bool:
    """Admins manage every account; coordinators the unit representatives."""
    return user.role in _MANAGE


def roles_managed_by(user: User) -> tuple[Role, ...]:
    """The roles whose accounts ``user`` may see, create and change."""
    if user.role is Role.ADMIN:
        return tuple(Role)
    return (Role.REPRESENTATIVE,) if user.role is Role.COORDINATOR else ()


def can_manage_questionnaires(user: User) -> bool:
    """Only an admin loads questionnaire versions."""
    return user.role is Role.ADMIN


def can_make_report_jobs(user: User) -> bool:
    """Coordinators and admins start report jobs; leads read them and download their ZIP."""
    return user.role in _MANAGE


def can_manage_tokens(user: User) -> bool:
    """Only an admin issues and revokes API tokens."""
    return user.role is Role.ADMIN


def can_export_packages(user: User) -> bool:
    """Coordinators and admins download a round's exchange package."""
    return user.role in _MANAGE


def can_import_packages(user: User) -> bool:
    """Only an admin imports packages and chooses which installations to trust."""
    return user.role is Role.ADMIN
