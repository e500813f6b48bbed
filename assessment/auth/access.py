"""Who may do what. Every view asks here; templates only hide what the server refuses anyway."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user, login_required

from assessment.auth.models import Role, User


def roles_required(*roles: Role) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Log in first; then 403 unless the user has one of ``roles``."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def can_view_unit(user: User, unit_id: int) -> bool:
    """Leads, coordinators and admins see every unit; a representative only his own."""
    return user.sees_all_units or unit_id in user.unit_ids


def can_fill_in_unit(user: User, unit_id: int) -> bool:
    """A representative fills in for his own units; an admin may do everything."""
    if user.role is Role.ADMIN:
        return True
    return user.role is Role.REPRESENTATIVE and unit_id in user.unit_ids


def can_decide(user: User) -> bool:
    """Coordinators and admins approve or return submitted assessments."""
    return user.role in (Role.COORDINATOR, Role.ADMIN)
