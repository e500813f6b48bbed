"""The audit trail, to read: who did what, when, to which object; newest first, filtered,
paginated, and as CSV. Nothing here changes or removes an event."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from flask import Blueprint, render_template, request, send_file
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from assessment import formatting, i18n
from assessment.audit import services
from assessment.audit.forms import AuditFilterForm
from assessment.audit.models import AuditEvent
from assessment.auth.access import audit_types_for, can_read_audit, requires
from assessment.compare.exports import CSV_SEPARATORS, safe_text

bp = Blueprint("audit", __name__, template_folder="templates")

ACTIONS = {
    "assessment.answers": _l("antwoorden opgeslagen"),
    "assessment.submit": _l("ingediend"),
    "assessment.approve": _l("goedgekeurd"),
    "assessment.return": _l("teruggegeven"),
    "assessment.undo_decision": _l("besluit teruggedraaid"),
    "assessment.create": _l("concept gemaakt bij openen ronde"),
    "access.refused": _l("toegang geweigerd"),
    "request.csrf_refused": _l("formulier geweigerd (verlopen of ongeldig)"),
    "export.download": _l("gedownload"),
    "auth.login": _l("ingelogd"),
    "auth.login_failed": _l("inloggen mislukt"),
    "api_token.issue": _l("API-token gemaakt"),
    "api_token.revoke": _l("API-token ingetrokken"),
    "questionnaire.load": _l("vragenlijst geladen"),
    "report_job.start": _l("eenheidsrapporten gestart"),
    "round.create": _l("ronde gemaakt"),
    "round.open": _l("ronde geopend"),
    "round.close": _l("ronde gesloten"),
    "target.set": _l("doelen aangepast"),
    "unit.import": _l("eenheden ingelezen"),
    "unit.create": _l("eenheid gemaakt"),
    "unit.update": _l("eenheid gewijzigd"),
    "user.create": _l("account gemaakt"),
}
OBJECT_TYPES = {
    "assessments": _l("vragenlijst van een eenheid"),
    "rounds": _l("meetronde"),
    "targets": _l("doelen"),
    "users": _l("account"),
    "user": _l("account"),
    "api_tokens": _l("API-token"),
    "units": _l("eenheid"),
    "questionnaires": _l("vragenlijstversie"),
    "report_jobs": _l("eenheidsrapporten"),
    "page": _l("pagina"),
    "download": _l("bestand"),
}


def action_label(action: str) -> str:
    return str(ACTIONS.get(action, action))


def type_label(object_type: str) -> str:
    return str(OBJECT_TYPES.get(object_type, object_type))


def values(value: Any) -> str:
    """An old or new value as one line of text: ``status: submitted; reason: …``."""
    if value is None:
        return ""
    if isinstance(value, dict):
        return "; ".join(
            f"{key}: {values(item) if isinstance(item, dict | list) else item}" for key, item in value.items()
        )
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value


def _form() -> AuditFilterForm:
    allowed = audit_types_for(current_user)
    form = AuditFilterForm(formdata=request.args)
    form.soort.choices = [("", _("Alle soorten"))] + [
        (t, type_label(t)) for t in services.object_types(allowed)
    ]
    return form


@bp.route("/audit")
@requires(can_read_audit)
def index() -> Any:
    form = _form()
    valid = form.validate()
    page = request.args.get("pagina", "1")
    page_number = int(page) if page.isdigit() and 0 < len(page) < 7 else 1
    rows: list[AuditEvent] = []
    total = 0
    if valid:
        rows, total = services.events(form.chosen(), audit_types_for(current_user), page=page_number)
    pages = max(1, -(-total // services.PAGE_SIZE))
    query = {key: value for key, value in request.args.items() if key not in ("pagina", "lang") and value}
    return render_template(
        "audit/index.html",
        form=form,
        rows=rows,
        total=total,
        page=min(page_number, pages),
        pages=pages,
        query=query,
        action_label=action_label,
        type_label=type_label,
        values=values,
    ), (200 if valid else 400)


@bp.route("/audit/export.csv")
@requires(can_read_audit)
def export_csv() -> Any:
    form = _form()
    if not form.validate():
        return index()
    rows = services.all_events(form.chosen(), audit_types_for(current_user))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=CSV_SEPARATORS.get(i18n.current(), ","), lineterminator="\r\n")
    writer.writerow(
        [
            _("Wanneer"),
            _("Wie"),
            _("Handeling"),
            _("Soort"),
            _("Nummer of code"),
            _("Oud"),
            _("Nieuw"),
            _("Adres"),
        ]
    )
    for event in rows:
        writer.writerow(
            [
                formatting.datetime(event.created_at),
                safe_text(event.actor_email or _("systeem")),
                action_label(event.action),
                type_label(event.object_type),
                safe_text(event.object_id),
                safe_text(values(event.old)),
                safe_text(values(event.new)),
                safe_text(event.client_address or ""),
            ]
        )
    return send_file(
        io.BytesIO(("\ufeff" + out.getvalue()).encode("utf-8")),
        mimetype="text/csv; charset=utf-8",
        as_attachment=True,
        download_name="logboek.csv",
    )
