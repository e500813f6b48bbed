from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, g, jsonify, redirect, render_template, request, url_for
from flask import session as flask_session
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from assessment import i18n
from assessment.audit.services import record
from assessment.auth import sessions
from assessment.auth.access import can_manage_tokens, requires
from assessment.auth.forms import (
    ChangePasswordForm,
    IssueTokenForm,
    LanguageForm,
    LoginForm,
    LogoutForm,
    NewPasswordForm,
    RevokeTokenForm,
)
from assessment.auth.models import ApiToken, User
from assessment.auth.services import (
    BadExpiry,
    UserError,
    WrongPassword,
    accept_invitation,
    authenticate,
    change_password,
    invitation_for,
    issue_token,
    list_tokens,
    revoke_token,
    user_for_token,
)
from assessment.db import keep_changes_on_error, session, utcnow
from assessment.extensions import login_manager
from assessment.throttle import guess_failed

bp = Blueprint("auth", __name__, template_folder="templates")


@login_manager.user_loader
def load_user(secret: str) -> User | None:
    """What the cookie holds is the secret of a server-side session record, not a user id."""
    return sessions.user_for_session(secret)


def _bearer_token(request: Any) -> str | None:
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    return secret.strip() if scheme.lower() == "bearer" and secret.strip() else None


@login_manager.request_loader
def load_user_from_token(request: Any) -> User | None:
    """The JSON API also accepts ``Authorization: Bearer <token>``; the pages do not."""
    if not request.path.startswith("/api/"):
        return None
    secret = _bearer_token(request)
    if not secret:
        return None
    user = user_for_token(secret)
    if user is None:
        guess_failed()
    return user


@bp.before_app_request
def _token_before_session() -> None:
    """An API request with a token is the token's user (or nobody), whatever cookie comes along.

    Flask-Login asks the request loader only when the cookie brings no user, so the token is read
    first; the session is neither read nor changed.
    """
    if request.path.startswith("/api/") and _bearer_token(request):
        login_manager._update_request_context_with_user(load_user_from_token(request))


@login_manager.unauthorized_handler
def unauthorized() -> Any:
    if request.path.startswith("/api/"):
        return jsonify(
            status=401, message=_("Log in, of stuur een geldig API-token mee (Authorization: Bearer ...).")
        ), 401
    if g.get("session_ended"):
        flash(_("U was te lang niet actief of te lang ingelogd. Log opnieuw in."), "info")
    else:
        flash(str(login_manager.login_message), login_manager.login_message_category)
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


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
    form = LoginForm(data={"email": (request.args.get("email") or "")[:254]})
    error = None
    if form.validate_on_submit():
        user = authenticate(form.email.data or "", form.password.data or "")
        if user is None:
            guess_failed()
            error = _("Het e-mailadres of het wachtwoord klopt niet.")
            record("auth.login_failed", ("user", "-"), new={"email": (form.email.data or "")[:254]})
            keep_changes_on_error()  # the failed attempt stays in the audit trail
        else:
            sessions.log_in(user)
            record("auth.login", user, actor=user)
            chosen = i18n.requested(flask_session.get("language"))
            if chosen:  # a language chosen on the login page is kept with the account
                user.language = chosen
            return redirect(_safe_next(request.args.get("next")) or url_for("assessments.home"))
    status = 200 if error is None and not form.errors else 400
    return render_template("auth/login.html", form=form, error=error), status


@bp.route("/taal", methods=["POST"])
def language() -> Any:
    """The language switch in the header: remembered with the account of a logged-in user and in
    the session of a visitor, then back to the page it was pressed on."""
    form = LanguageForm()
    chosen = i18n.requested(request.form.get("language"))
    if not form.validate_on_submit() or chosen is None:
        abort(400)
    flask_session["language"] = chosen
    if current_user.is_authenticated:
        current_user.language = chosen
    return redirect(_safe_next(request.form.get("next")) or url_for("assessments.home"), code=303)


@bp.route("/account/wachtwoord", methods=["GET", "POST"])
@login_required
def password() -> Any:
    """Every user changes his own password here, after giving the current one."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            change_password(
                current_user,
                current=form.current.data or "",
                new=form.password.data or "",
                keep_session=sessions.current_secret(),
            )
        except UserError as exc:
            if isinstance(exc, WrongPassword):
                guess_failed()
            field = form.current if isinstance(exc, WrongPassword) else form.password
            field.errors = [*field.errors, str(exc)]
        else:
            flash(_("Uw wachtwoord is gewijzigd."), "success")
            return redirect(url_for("assessments.home"))
    status = 400 if form.errors else 200
    return render_template("auth/password.html", form=form), status


@bp.route("/wachtwoord-instellen/<secret>", methods=["GET", "POST"])
def set_password(secret: str) -> Any:
    """The one-time link of an invitation or a reset: the user chooses his own password."""
    invitation = invitation_for(secret)
    if invitation is None:
        return render_template("auth/link_invalid.html"), 404
    if current_user.is_authenticated and current_user.id != invitation.user_id:
        sessions.log_out()  # the link is for someone else than who is logged in here
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            user = accept_invitation(invitation, form.password.data or "")
        except UserError as exc:
            form.password.errors = [*form.password.errors, str(exc)]
        else:
            flash(_("Uw wachtwoord is ingesteld. Log in met uw e-mailadres en dit wachtwoord."), "success")
            return redirect(url_for(".login", email=user.email))
    status = 400 if form.errors else 200
    return render_template("auth/set_password.html", form=form, user=invitation.user), status


@bp.route("/logout", methods=["GET", "POST"])
def logout() -> Any:
    form = LogoutForm()
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    if form.validate_on_submit():
        user = current_user._get_current_object()
        record("auth.logout", user, actor=user)
        sessions.log_out()
        flash(_("U bent uitgelogd."), "success")
        return redirect(url_for("auth.login"))
    # A GET asks first: logging out by a link on another site must not be possible.
    return render_template("auth/logout.html", form=form)


@bp.route("/api-tokens", methods=["GET", "POST"])
@requires(can_manage_tokens)
def tokens() -> Any:
    users = list(session.scalars(select(User).where(User.is_active).order_by(User.email)))
    form = IssueTokenForm()
    form.user_id.choices = [(u.id, f"{u.email} ({u.role.label})") for u in users]
    secret = None
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            owner = session.get(User, form.user_id.data)
            try:
                if owner is None:
                    raise UserError(_("dit account bestaat niet"))
                _token, secret = issue_token(
                    owner,
                    form.name.data or "",
                    valid_through=form.valid_through.data,
                    created_by=current_user,
                )
            except UserError as exc:
                field = form.valid_through if isinstance(exc, BadExpiry) else form.name
                field.errors = [*field.errors, str(exc)]
                status = 400
            else:
                form = IssueTokenForm(formdata=None)
                form.user_id.choices = [(u.id, f"{u.email} ({u.role.label})") for u in users]
        else:
            status = 400
    return render_template(
        "auth/tokens.html",
        form=form,
        tokens=list_tokens(),
        secret=secret,
        revoke_form=RevokeTokenForm(),
        now=utcnow(),
    ), status


@bp.route("/api-tokens/<id:token_id>/revoke", methods=["POST"])
@requires(can_manage_tokens)
def revoke(token_id: int) -> Any:
    token = session.get(ApiToken, token_id)
    if token is None:
        abort(404)
    if RevokeTokenForm().validate_on_submit():
        revoke_token(token, revoked_by=current_user)
        flash(
            _("Token ‘%(name)s’ van %(email)s is ingetrokken.", name=token.name, email=token.user.email),
            "success",
        )
    return redirect(url_for(".tokens"))
