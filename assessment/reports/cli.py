"""``assessment report unit|round|batch``: PDF reports from the command line."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale
from sqlalchemy import select

from assessment import jobs as job_queue
from assessment.assessments.models import Assessment
from assessment.clitools import database_command, fail, write_file
from assessment.db import session
from assessment.formatting import decimal
from assessment.i18n import LANGUAGES

# The modules, not their functions: the renderers are looked up on each call (tests stub them).
from assessment.reports import jobs as report_jobs
from assessment.reports import services
from assessment.reports.models import ReportJob
from assessment.rounds.cli import round_or_fail
from assessment.units.services import get_unit

LANGUAGE = click.option(
    "--lang",
    "language",
    type=click.Choice(sorted(LANGUAGES)),
    default="nl",
    show_default=True,
    help="Taal van het rapport.",
)


@click.group("report", cls=AppGroup)
def report_group() -> None:
    """PDF-rapporten maken."""


@report_group.command("unit")
@click.option("--unit", "unit_code", required=True, metavar="CODE")
@click.option("--round", "round_code", required=True, metavar="CODE")
@click.option("-o", "--output", required=True, metavar="FILE", help="Het PDF-bestand.")
@LANGUAGE
@database_command(writes=False)
def report_unit(unit_code: str, round_code: str, output: str, language: str) -> None:
    """Eenheidsrapport van eenheid CODE in ronde CODE."""
    round_ = round_or_fail(round_code)
    unit = get_unit(unit_code)
    if unit is None:
        fail(f"--unit: eenheid '{unit_code}' bestaat niet")
    assessment = session.scalar(
        select(Assessment).where(Assessment.round_id == round_.id, Assessment.unit_id == unit.id)
    )
    if assessment is None:
        fail(f"eenheid {unit.code} doet niet mee aan ronde {round_.code}")
    with force_locale(language):
        write_file(output, services.render_unit_report(assessment))
    click.echo(f"{output}: rapport van {unit.name} ({unit.code}), ronde {round_.code}.")


@report_group.command("round")
@click.option("--round", "round_code", required=True, metavar="CODE")
@click.option("-o", "--output", required=True, metavar="FILE", help="Het PDF-bestand.")
@LANGUAGE
@database_command(writes=False)
def report_round(round_code: str, output: str, language: str) -> None:
    """Ronderapport: deelname, Defensiebrede scores, heatmap en meest voorkomende aanbevelingen."""
    round_ = round_or_fail(round_code)
    with force_locale(language):
        write_file(output, services.render_round_report(round_))
    click.echo(f"{output}: ronderapport {round_.code}.")


@report_group.command("batch")
@click.option("--round", "round_code", required=True, metavar="CODE")
@click.option("--out", "out_dir", required=True, metavar="DIR", help="Map voor de rapporten.")
@click.option(
    "--unit",
    "unit_code",
    default=None,
    metavar="CODE",
    help="Alleen deze eenheid en alles eronder (standaard: de hele ronde).",
)
@click.option(
    "--here",
    is_flag=True,
    help="Maak de rapporten in dit proces, zonder wachtrij en verwerker.",
)
@click.option(
    "--jobs",
    type=click.IntRange(1, 64),
    default=None,
    help="Met --here: aantal processen tegelijk (standaard: één per processorkern). Geeft --here.",
)
@LANGUAGE
@database_command(writes=False)
def report_batch(
    round_code: str, out_dir: str, unit_code: str | None, here: bool, jobs: int | None, language: str
) -> None:
    """Eén eenheidsrapport per eenheid van de ronde, als <ronde>_<eenheid>.pdf in DIR.

    Zonder --here gaan de rapporten via de wachtrij, net als op de website: een verwerker
    (assessment worker, op welke machine ook) maakt ze, dit commando wacht en schrijft ze weg.
    """
    round_ = round_or_fail(round_code)
    scope = None
    if unit_code is not None:
        scope = get_unit(unit_code)
        if scope is None:
            fail(f"--unit: eenheid '{unit_code}' bestaat niet")
    here = here or jobs is not None
    processes = (jobs or job_queue.default_workers()) if here else 0
    try:
        job, created = report_jobs.start_job(round_, scope, language, None)
    except report_jobs.JobError as exc:
        fail(str(exc))
    item_ids = report_jobs.waiting_item_ids(job)
    job_id, total = job.id, len(job.items)
    session.commit()
    if not created:
        click.echo(f"Deze rapporten worden al gemaakt (opdracht {job_id}); dit commando wacht daarop.")
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    started = time.perf_counter()
    with click.progressbar(length=total, label=f"Rapporten {round_.code}", show_pos=True) as bar:
        if here:
            job_queue.run_here(app, item_ids, processes=processes, on_done=lambda: bar.update(1))
        else:
            if created:
                try:
                    job_queue.queue(app).send(item_ids)
                except Exception as exc:  # the queue's driver errors differ; the advice does not
                    report_jobs.fail_items(item_ids, job_queue.QUEUE_DOWN_REASON)
                    session.commit()
                    fail(f"de wachtrij is niet bereikbaar ({type(exc).__name__}); gebruik --here")
            _wait(job_id, bar)
    written, failures = _write(job_id, round_.code, Path(out_dir))
    how = f"{processes} {'proces' if processes == 1 else 'processen'}" if here else "via de wachtrij"
    click.echo(
        f"{written} van {total} rapporten geschreven in {out_dir} "
        f"({decimal(time.perf_counter() - started)} s, {how})."
    )
    if failures:
        for failure in failures:
            click.echo(f"Mislukt: {failure.unit_code}: {failure.reason}", err=True)
        fail(
            f"{len(failures)} {'rapport' if len(failures) == 1 else 'rapporten'} niet gemaakt; "
            "de andere staan klaar"
        )


NO_WORKER_HINT = 30.0  # seconds without a start before the command says what may be wrong


def _wait(job_id: int, bar: Any) -> None:
    """Wait until the job is finished, moving the bar; a hint when nothing starts."""
    shown, waited, hinted = 0, 0.0, False
    while True:
        session.rollback()  # a new snapshot: the workers' commits become visible
        job = session.get(ReportJob, job_id)
        if job is None:
            fail(f"opdracht {job_id} is verwijderd")
        progress = report_jobs.progress(job)
        if progress.completed > shown:
            bar.update(progress.completed - shown)
            shown = progress.completed
        if progress.finished:
            return
        if not progress.started and waited > NO_WORKER_HINT and not hinted:
            click.echo(
                "\nNog niets begonnen: draait er een verwerker (assessment worker)? "
                "Of stop met Ctrl-C en gebruik --here.",
                err=True,
            )
            hinted = True
        time.sleep(0.5)
        waited += 0.5


def _write(job_id: int, round_code: str, out_dir: Path) -> tuple[int, tuple[report_jobs.Failure, ...]]:
    session.rollback()
    job = session.get(ReportJob, job_id)
    assert job is not None  # noqa: S101 (finished a moment ago)
    written = 0
    for unit_code, pdf in report_jobs.finished_pdfs(job):
        write_file(str(out_dir / services.report_filename(round_code, unit_code)), pdf)
        written += 1
    return written, report_jobs.progress(job).failures
