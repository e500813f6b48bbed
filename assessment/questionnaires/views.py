"""Questionnaire versions in the browser (admins): the loaded versions with the rounds that use
them, an upload checked exactly as ``assessment questionnaire load`` checks a file (size limit,
safe YAML loader without aliases, the schema and the rules; nothing stored when it fails), and a
preview of a version with every question and its ladder."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from wtforms import SubmitField

from assessment import i18n
from assessment.auth.access import can_manage_questionnaires, requires
from assessment.db import session
from assessment.forms import BaseForm
from assessment.questionnaires.fileformat import QuestionnaireFileError, parse_questionnaire
from assessment.questionnaires.models import Questionnaire
from assessment.questionnaires.services import QuestionnaireError, store_questionnaire
from assessment.results import questionnaire as plain
from assessment.rounds.models import Round

bp = Blueprint("questionnaires", __name__, template_folder="templates")


class UploadForm(BaseForm):
    file = FileField(
        _l("Vragenlijstbestand (YAML)"),
        description=_l(
            "Hoogstens 2 MB, UTF-8. Het bestand wordt eerst gecontroleerd; bij een fout wordt niets opgeslagen."
        ),
        validators=[FileRequired(_l("Kies een bestand."))],
    )
    submit = SubmitField(_l("Controleren en laden"))


def _page(form: UploadForm, problems: list[str], status: int) -> Any:
    versions = list(
        session.scalars(select(Questionnaire).order_by(Questionnaire.key, Questionnaire.version.desc()))
    )
    used: dict[int, list[str]] = {}
    for questionnaire_id, code in session.execute(
        select(Round.questionnaire_id, Round.code).order_by(Round.code)
    ):
        used.setdefault(questionnaire_id, []).append(code)
    return render_template(
        "questionnaires/index.html",
        versions=versions,
        used=used,
        form=form,
        problems=problems,
        language=i18n.current(),
    ), status


@bp.route("/questionnaires", methods=["GET", "POST"])
@requires(can_manage_questionnaires)
def index() -> Any:
    form = UploadForm()
    problems: list[str] = []
    if form.validate_on_submit():
        upload = form.file.data
        name = (upload.filename or "vragenlijst.yaml")[-100:]
        try:
            spec = parse_questionnaire(upload.read(), source=name)
            questionnaire, created = store_questionnaire(spec)
        except QuestionnaireFileError as exc:
            problems = [f"{exc.source}: {message}" for message in exc.messages]
        except QuestionnaireError as exc:
            problems = [f"{name}: {exc}"]
        else:
            if created:
                flash(
                    _(
                        "%(version)s is geladen. Bekijk hem hieronder voordat u hem in een ronde gebruikt.",
                        version=questionnaire.label,
                    ),
                    "success",
                )
            else:
                flash(
                    _(
                        "%(version)s was al geladen met dezelfde inhoud; er is niets veranderd.",
                        version=questionnaire.label,
                    ),
                    "info",
                )
            return redirect(url_for(".preview", questionnaire_id=questionnaire.id))
    if problems:
        session.rollback()
    return _page(form, problems, 400 if problems or form.errors else 200)


@bp.route("/questionnaires/<id:questionnaire_id>")
@requires(can_manage_questionnaires)
def preview(questionnaire_id: int) -> Any:
    if session.get(Questionnaire, questionnaire_id) is None:
        abort(404)
    return render_template("questionnaires/preview.html", data=plain.load(questionnaire_id, i18n.current()))
