"""``assessment report unit|round|batch``: PDF reports from the command line."""

from __future__ import annotations

import os
import time
from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import force_locale
from sqlalchemy import select

from assessment.assessments.models import Assessment
from assessment.clitools import database_command, fail, write_file
from assessment.db import session
from assessment.formatting import decimal
from assessment.i18n import LANGUAGES

# The module, not its functions: the renderers are looked up on each call (tests stub them).
from assessment.reports import services
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
@database_command
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
@database_command
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
    "--jobs",
    type=click.IntRange(1, 64),
    default=None,
    help="Aantal processen tegelijk (standaard: één per processorkern).",
)
@LANGUAGE
@database_command
def report_batch(round_code: str, out_dir: str, jobs: int | None, language: str) -> None:
    """Eén eenheidsrapport per eenheid van de ronde, als <ronde>_<eenheid>.pdf in DIR."""
    round_ = round_or_fail(round_code)
    jobs = jobs or os.cpu_count() or 1
    total = len(services.assessments_in_round(round_))
    started = time.perf_counter()
    with (
        click.progressbar(
            length=total,
            label=f"Rapporten {round_.code}",
            show_pos=True,
            item_show_func=lambda item: item.unit_code if item else None,
        ) as bar,
        force_locale(language),
    ):
        items = services.render_batch(
            round_, Path(out_dir), jobs=jobs, on_done=lambda item: bar.update(1, item)
        )
    failed = [item for item in items if item.error]
    click.echo(
        f"{len(items) - len(failed)} van {total} rapporten geschreven in {out_dir} "
        f"({decimal(time.perf_counter() - started)} s, {jobs} {'proces' if jobs == 1 else 'processen'})."
    )
    if failed:
        for item in failed:
            click.echo(f"Mislukt: {item.unit_code}: {item.error}", err=True)
        fail(
            f"{len(failed)} {'rapport' if len(failed) == 1 else 'rapporten'} niet gemaakt; de andere staan klaar"
        )
