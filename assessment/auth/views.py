from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from assessment.audit.services import record
from assessment.auth.forms import LoginForm, LogoutForm
from assessment.auth.models import User
from assessment.auth.services import authenticate
from assessment.db import session
from assessment.extensions import login_manager

bp = Blueprint("auth", __name__, template_folder="templates")

LOGIN_FAILED = "Het e-mailadres of het wachtwoord klopt niet."


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    if not user_id.isdigit():
        return None
    user = session.get(User, int(user_id))
    return user if user is not None and user.is_active else None


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site: never an absolute URL (open redirect)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    if current_user.is_authenticated:
        return redirect(url_for("assessments.home"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user = authenticate(form.email.data or "", form.password.data or "")
        if user is None:
            error = LOGIN_FAILED
            record("auth.login_failed", ("user", "-"), new={"email": (form.email.data or "")[:254]})
            session.commit()
        else:
            login_user(user)
            record("auth.login", user, actor=user)
            session.commit()
            return redirect(_safe_next(request.args.get("next")) or url_for("assessments.home"))
    status = 200 if error is None and not form.errors else 400
    return render_template("auth/login.html", form=form, error=error), status


@bp.route("/logout", methods=["GET", "POST"])
def logout() -> Any:
    form = LogoutForm()
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    if form.validate_on_submit():
        logout_user()
        flash("U bent uitgelogd.", "success")
        return redirect(url_for("auth.login"))
    # A GET asks first: logging out by a link on another site must not be possible.
    return render_template("auth/logout.html", form=form)
