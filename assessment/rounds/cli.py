"""``assessment round create|open|close``: measurement rounds from the command line."""

from __future__ import annotations

import datetime as dt

import click
from flask.cli import AppGroup

from assessment.clitools import database_command, fail
from assessment.questionnaires.services import QuestionnaireError, get_questionnaire, parse_reference
from assessment.rounds.models import Round
from assessment.rounds.services import RoundError, close_round, create_round, get_round, open_round


@click.group("round", cls=AppGroup)
def round_group() -> None:
    """Meetrondes beheren."""


def round_or_fail(code: str) -> Round:
    """The round with ``code``; fail in one line when there is none (also used by ``report``)."""
    round_ = get_round(code)
    if round_ is None:
        fail(f"ronde '{code}' bestaat niet")
    return round_


def _date(value: str | None, option: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(f"{option}: '{value}' is geen datum (gebruik JJJJ-MM-DD, bijvoorbeeld 2026-03-01)")


@round_group.command("create")
@click.option("--code", required=True, help="Bijvoorbeeld 2026-1.")
@click.option("--name", required=True, help="Bijvoorbeeld 'Eerste meting 2026'.")
@click.option(
    "--questionnaire",
    "reference",
    required=True,
    metavar="KEY[@VERSION]",
    help="Zonder @VERSION: de hoogste geladen versie.",
)
@click.option("--opens-on", metavar="JJJJ-MM-DD")
@click.option("--closes-on", metavar="JJJJ-MM-DD")
@click.option(
    "--open",
    "open_now",
    is_flag=True,
    help="Open de ronde meteen: elke actieve eenheid krijgt een concept-vragenlijst.",
)
@database_command
def round_create(
    code: str,
    name: str,
    reference: str,
    opens_on: str | None,
    closes_on: str | None,
    open_now: bool,
) -> None:
    """Maak een nieuwe meetronde."""
    try:
        key, version = parse_reference(reference)
    except QuestionnaireError as exc:
        fail(f"--questionnaire: {exc}")
    questionnaire = get_questionnaire(key, version)
    if questionnaire is None:
        fail(
            f"--questionnaire: vragenlijst '{reference}' is niet geladen "
            "(laad hem met 'assessment questionnaire load FILE')"
        )
    try:
        round_ = create_round(
            code=code,
            name=name,
            questionnaire=questionnaire,
            opens_on=_date(opens_on, "--opens-on"),
            closes_on=_date(closes_on, "--closes-on"),
        )
        made = open_round(round_) if open_now else None
    except RoundError as exc:
        fail(f"--code {code}: {exc}")
    click.echo(f"Ronde {round_.code} gemaakt met {questionnaire.label}.")
    if made is not None:
        click.echo(f"Ronde {round_.code} is open: {made} concept-vragenlijst(en) gemaakt.")


@round_group.command("open")
@click.argument("code")
@database_command
def round_open(code: str) -> None:
    """Open ronde CODE: elke actieve eenheid krijgt een concept-vragenlijst."""
    try:
        made = open_round(round_or_fail(code))
    except RoundError as exc:
        fail(str(exc))
    click.echo(f"Ronde {code} is open: {made} concept-vragenlijst(en) gemaakt.")


@round_group.command("close")
@click.argument("code")
@database_command
def round_close(code: str) -> None:
    """Sluit ronde CODE: niemand kan nog antwoorden wijzigen."""
    try:
        close_round(round_or_fail(code))
    except RoundError as exc:
        fail(str(exc))
    click.echo(f"Ronde {code} is gesloten.")
