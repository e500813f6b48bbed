"""``assessment questionnaire check|load``: questionnaire files checked and stored."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from assessment.clitools import database_command, fail
from assessment.questionnaires.fileformat import QuestionnaireFileError, QuestionnaireSpec, read_questionnaire
from assessment.questionnaires.services import QuestionnaireError, store_questionnaire


@click.group("questionnaire", cls=AppGroup)
def questionnaire_group() -> None:
    """Vragenlijstbestanden controleren en laden."""


def _read_spec(file: str) -> QuestionnaireSpec:
    try:
        return read_questionnaire(file)
    except QuestionnaireFileError as exc:
        for message in exc.messages:
            click.echo(f"{exc.source}: {message}", err=True)
        count = len(exc.messages)
        fail(f"{file} is niet geldig ({count} {'fout' if count == 1 else 'fouten'})")


@questionnaire_group.command("check")
@click.argument("file", type=click.Path(dir_okay=False))
def questionnaire_check(file: str) -> None:
    """Controleer FILE zonder iets op te slaan."""
    spec = _read_spec(file)
    click.echo(f"{file}: geldig. {spec.summary()}")


@questionnaire_group.command("load")
@click.argument("file", type=click.Path(dir_okay=False))
@database_command
def questionnaire_load(file: str) -> None:
    """Sla FILE op als nieuwe versie (dezelfde inhoud nog eens laden doet niets)."""
    spec = _read_spec(file)
    try:
        questionnaire, created = store_questionnaire(spec)
    except QuestionnaireError as exc:
        fail(f"{file}: {exc}")
    if created:
        click.echo(f"{file}: {questionnaire.label} geladen. {spec.summary()}")
    else:
        click.echo(f"{file}: {questionnaire.label} was al geladen met dezelfde inhoud; niets gedaan.")
