from __future__ import annotations

import datetime as dt
import io
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from wtforms import SelectChoice

from assessment import i18n, jobs
from assessment.assessments import services as assessment_services
from assessment.audit.requests import refused_object
from assessment.auth.access import can_make_report_jobs, can_read_all_units, can_view_unit, requires
from assessment.db import session, utcnow
from assessment.reports import jobs as report_jobs
from assessment.reports import services
from assessment.reports.forms import ReportJobForm
from assessment.reports.models import ReportJob
from assessment.rounds.models import Round
from assessment.rounds.services import get_round
from assessment.units.services import get_unit

bp = Blueprint("reports", __name__, template_folder="templates")

SLOW_START = dt.timedelta(minutes=1)  # no report started after this: perhaps no worker runs


def _pdf(data: bytes, filename: str) -> Response:
    response = send_file(
        io.BytesIO(data), mimetype="application/pdf", as_attachment=True, download_name=filename
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/reports/assessments/<id:assessment_id>.pdf")
@login_required
def unit_report(assessment_id: int) -> Any:
    assessment = assessment_services.get_assessment(assessment_id)
    if assessment is None:
        abort(404)
    if not can_view_unit(current_user, assessment.unit_id):
        refused_object("assessments", assessment.id)
        abort(404)
    return _pdf(
        services.render_unit_report(assessment),
        services.report_filename(assessment.round.code, assessment.unit.code),
    )


def _round(code: str) -> Round:
    round_ = get_round(code)
    if round_ is None:
        abort(404)
    return round_


@bp.route("/reports/rounds/<code>.pdf")
@requires(can_read_all_units)
def round_report(code: str) -> Any:
    round_ = _round(code)
    return _pdf(
        services.render_round_report(round_), f"ronderapport_{services.report_filename(round_.code, 'alle')}"
    )


def _queue_down_page(round_: Round | None = None) -> Any:
    return render_template("reports/queue_down.html", round=round_), 503


@bp.route("/reports/rounds/<code>", methods=["GET", "POST"])
@requires(can_read_all_units)
def round_reports(code: str) -> Any:
    """The reports of a round: the round report (made at once) and every unit report in one ZIP
    (a report job on the queue), with the jobs made so far."""
    round_ = _round(code)
    may_start = can_make_report_jobs(current_user)
    if request.method == "POST" and not may_start:
        abort(403)
    queue = jobs.queue(current_app)
    queue_up = queue.available() if may_start else True
    choices = report_jobs.scope_choices(round_)
    total = len(report_jobs.assessments_in_scope(round_, None))
    form = ReportJobForm(language=i18n.current())
    form.scope.choices = [SelectChoice("", _("De hele ronde (%(n)s eenheden)", n=total))] + [
        SelectChoice(
            c.code,
            ngettext(
                "%(unit)s en alles eronder (%(num)d eenheid)",
                "%(unit)s en alles eronder (%(num)d eenheden)",
                c.units,
                unit=c.label,
            ),
        )
        for c in choices
    ]
    if request.method == "POST" and form.validate():
        if not queue_up:
            return _queue_down_page(round_)
        scope = get_unit(form.scope.data) if form.scope.data else None
        try:
            job, created = report_jobs.start_job(round_, scope, form.language.data, current_user)
        except report_jobs.JobError as exc:
            form.scope.errors = [*form.scope.errors, str(exc)]
        else:
            if created:
                queue.send_after_commit(report_jobs.waiting_item_ids(job))
                flash(
                    _("De rapporten worden gemaakt. U kunt deze pagina sluiten en later terugkomen."),
                    "success",
                )
            else:
                flash(
                    _(
                        "Deze rapporten worden al gemaakt. Hieronder ziet u hoe ver het is; er is geen tweede opdracht gestart."
                    ),
                    "info",
                )
            return redirect(url_for(".job", job_id=job.id))
    return render_template(
        "reports/round_reports.html",
        round=round_,
        form=form if may_start else None,
        queue_up=queue_up,
        total=total,
        jobs=[(job, report_jobs.progress(job)) for job in report_jobs.jobs_of_round(round_)],
        keep_days=current_app.config["REPORT_JOB_KEEP_DAYS"],
    ), (400 if form.errors else 200)


def _job(job_id: int) -> ReportJob:
    job = session.get(ReportJob, job_id)
    if job is None:
        abort(404)
    return job


@bp.route("/reports/jobs/<id:job_id>")
@requires(can_read_all_units)
def job(job_id: int) -> Any:
    job = _job(job_id)
    progress = report_jobs.progress(job)
    queue_up = jobs.queue(current_app).available()
    waited = utcnow() - job.created_at
    return render_template(
        "reports/job.html",
        job=job,
        progress=progress,
        queue_up=queue_up,
        slow_start=not progress.started and waited > SLOW_START,
        keep_until=(job.finished_at + dt.timedelta(days=current_app.config["REPORT_JOB_KEEP_DAYS"]))
        if job.finished_at
        else None,
    ), (200 if queue_up or progress.finished else 503)


@bp.route("/reports/jobs/<id:job_id>.json")
@requires(can_read_all_units)
def job_progress(job_id: int) -> Any:
    """The job's progress for the page's script (the page works without it)."""
    progress = report_jobs.progress(_job(job_id))
    response = jsonify(
        state=progress.state,
        total=progress.total,
        done=progress.done,
        failed=progress.failed,
        completed=progress.completed,
        message=_job_message(progress),
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _job_message(progress: report_jobs.Progress) -> str:
    if progress.state == "waiting":
        return _("In de wachtrij: het maken begint zodra een verwerker vrij is.")
    if progress.state == "running":
        return _(
            "Bezig: %(done)s van %(total)s rapporten klaar.", done=progress.completed, total=progress.total
        )
    return _("Klaar: %(done)s van %(total)s rapporten gemaakt.", done=progress.done, total=progress.total)


@bp.route("/reports/jobs/<id:job_id>.zip")
@requires(can_read_all_units)
def job_zip(job_id: int) -> Any:
    job = _job(job_id)
    if not report_jobs.progress(job).downloadable:
        abort(404)
    response = Response(stream_with_context(report_jobs.zip_chunks(job)), mimetype="application/zip")
    # A stream, which send_file does not take: werkzeug quotes the name as send_file would.
    response.headers.set("Content-Disposition", "attachment", filename=report_jobs.zip_filename(job))
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/reports/rounds/<code>/eenheidsrapporten.zip")
@requires(can_read_all_units)
def batch_zip(code: str) -> Any:
    """The old address of the ZIP, which was made inside the request: now the round's reports page."""
    return redirect(url_for(".round_reports", code=_round(code).code))
