"""Exchange packages in the browser: coordinators and admins download a round's package (all its
units or one); admins upload one, see the plan, and confirm; admins keep the trusted keys."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from typing import Any

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from assessment.auth.access import can_export_packages, can_import_packages, requires
from assessment.db import session
from assessment.exchange.forms import ImportForm, TrustForm
from assessment.exchange.keys import KeyFileError, installation_key, key_path
from assessment.exchange.package import PackageError, public_key_text, read_package, write_package
from assessment.exchange.services import (
    ExchangeError,
    app_version,
    export_round,
    import_package,
    trust_key,
    trusted_keys,
)

bp = Blueprint("exchange", __name__, template_folder="templates")


def _key() -> Any:
    try:
        return installation_key(key_path(current_app.config, current_app.instance_path))
    except KeyFileError:
        abort(500)


def _page(trust: TrustForm, upload: ImportForm, status: int = 200, problem: str = "") -> Any:
    return render_template(
        "exchange/index.html",
        own_key=public_key_text(_key()),
        keys=trusted_keys(),
        trust=trust,
        upload=upload,
        problem=problem,
    ), status


@bp.route("/exchange")
@requires(can_import_packages)
def index() -> Any:
    return _page(TrustForm(), ImportForm())


@bp.route("/exchange/keys", methods=["POST"])
@requires(can_import_packages)
def trust() -> Any:
    form = TrustForm()
    if form.validate_on_submit():
        try:
            trust_key(form.name.data or "", form.public_key.data or "", user=current_user)
        except ExchangeError as exc:
            form.public_key.errors = [*form.public_key.errors, str(exc)]
        else:
            flash(_("De sleutel van %(name)s wordt nu vertrouwd.", name=form.name.data.strip()), "success")
            return redirect(url_for(".index"))
    return _page(form, ImportForm(), 400)


@bp.route("/exchange/import", methods=["POST"])
@requires(can_import_packages)
def upload() -> Any:
    """First the plan (nothing stored); the same package comes back with the confirm button."""
    form = ImportForm()
    if not form.validate_on_submit():
        return _page(TrustForm(), form, 400)
    confirmed = bool(form.confirm.data and form.package.data)
    try:
        if confirmed:
            data = base64.b64decode(form.package.data or "", validate=True)
        elif form.file.data:
            data = form.file.data.read()
        else:
            form.file.errors = [_("Kies een bestand.")]
            return _page(TrustForm(), form, 400)
        package = read_package(data)
        plan = import_package(
            package,
            prefer_package=form.prefer.data == "package",
            unverified=bool(form.unverified.data),
            dry_run=not confirmed,
            user=current_user,
        )
    except (PackageError, ExchangeError, binascii.Error) as exc:
        session.rollback()
        return _page(TrustForm(), form, 400, problem=str(exc))
    if confirmed:
        flash(
            _("Het pakket is ingelezen.") if plan.changes_anything else _("Het pakket veranderde niets."),
            "success",
        )
        return redirect(url_for(".index"))
    form.package.data = base64.b64encode(data).decode("ascii")
    return render_template("exchange/plan.html", plan=plan, form=form)


@bp.route("/exchange/rounds/<code>/package")
@requires(can_export_packages)
def download(code: str) -> Any:
    units = [u for u in request.args.getlist("unit") if u]
    try:
        members, counts = export_round(code, units)
    except ExchangeError as exc:
        abort(404, description=str(exc))
    data = write_package(
        members,
        key=_key(),
        app_version=app_version(),
        created_at=dt.datetime.now(dt.UTC).isoformat(),
        counts=counts,
    )
    name = "-".join([code, *units]) + ".dtsx"
    response = Response(data, mimetype="application/zip")
    response.headers.set("Content-Disposition", "attachment", filename=name)
    return response
