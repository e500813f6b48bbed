"""The ``assessment`` command: set up, load and run the application.

Every command that takes a file or a code reports bad input in one line and exits non-zero;
no traceback reaches the user.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, NoReturn

import click
from flask import Flask, current_app
from flask.cli import AppGroup, FlaskGroup, with_appcontext
from sqlalchemy.exc import OperationalError, ProgrammingError

from assessment.auth.models import Role
from assessment.db import session
from assessment.formatting import decimal


class CliError(click.ClickException):
    """One line on stderr, exit code 1."""

    def show(self, file: Any = None) -> None:
        click.echo(f"Fout: {self.format_message()}", err=True)


def fail(message: str) -> NoReturn:
    raise CliError(message)


def database_command(command: Callable[..., Any]) -> Callable[..., Any]:
    """Commit when the command succeeds; roll back and say what to do when the database is not
    ready, so that a half-set-up machine gives advice, not a traceback."""

    @wraps(command)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        try:
            result = command(*args, **kwargs)
            session.commit()
            return result
        except (OperationalError, ProgrammingError) as exc:
            session.rollback()
            fail(
                "de database is niet bereikbaar of nog niet ingericht "
                f"({type(exc.orig).__name__}). Voer eerst 'assessment init' uit, of controleer "
                "DATABASE_URL."
            )
        except BaseException:
            session.rollback()
            raise

    return wrapped


def register_commands(app: Flask) -> None:
    app.cli.add_command(init_command)
    app.cli.add_command(questionnaire_group)
    app.cli.add_command(unit_group)
    app.cli.add_command(round_group)
    app.cli.add_command(user_group)
    app.cli.add_command(report_group)


def main() -> None:
    from assessment.app import create_app

    cli = FlaskGroup(
        create_app=create_app,
        add_version_option=False,
        load_dotenv=False,
        help="DTS Volwassenheidsscan: inrichten, laden en starten.",
    )
    cli.main(prog_name="assessment")


# -- init ---------------------------------------------------------------------------------------


@click.command("init")
@with_appcontext
@click.option("--demo", is_flag=True, help="Vul de database met demo-eenheden, -rondes en -accounts.")
def init_command(demo: bool) -> None:
    """Richt de database in (migraties) en laad de DTS-vragenlijst. Veilig om te herhalen."""
    from assessment import migrate
    from assessment.questionnaires.fileformat import (
        DEFAULT_QUESTIONNAIRE,
        QuestionnaireFileError,
        read_questionnaire,
    )
    from assessment.questionnaires.services import store_questionnaire

    started = time.perf_counter()
    database = current_app.extensions["database"]
    try:
        with database.engine.begin() as connection:
            migrate.upgrade(connection)
    except OperationalError as exc:
        fail(f"de database is niet bereikbaar ({exc.orig}). Controleer DATABASE_URL.")
    click.echo("Database bijgewerkt tot de nieuwste versie.")
    try:
        spec = read_questionnaire(DEFAULT_QUESTIONNAIRE)
    except QuestionnaireFileError as exc:
        fail("\n".join(f"{exc.source}: {m}" for m in exc.messages))
    questionnaire, created = store_questionnaire(spec)
    session.commit()
    click.echo(f"Vragenlijst {questionnaire.label} {'geladen' if created else 'was al geladen'}.")
    if demo:
        from assessment.demo import load_demo

        accounts = load_demo(questionnaire)
        session.commit()
        click.echo("Demo-gegevens staan klaar. Log in op http://127.0.0.1:5000/login met:")
        for email, role, units in accounts:
            suffix = f" ({', '.join(units)})" if units else ""
            click.echo(f"  {email:<26} {role.label}{suffix}")
        from assessment.demo import DEMO_PASSWORD

        click.echo(f"  wachtwoord voor alle accounts: {DEMO_PASSWORD}")
    click.echo(f"Klaar in {decimal(time.perf_counter() - started)} s.")


# -- questionnaire ------------------------------------------------------------------------------


@click.group("questionnaire", cls=AppGroup)
def questionnaire_group() -> None:
    """Vragenlijstbestanden controleren en laden."""


def _read_spec(file: str) -> Any:
    from assessment.questionnaires.fileformat import QuestionnaireFileError, read_questionnaire

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
    from assessment.questionnaires.services import QuestionnaireError, store_questionnaire

    spec = _read_spec(file)
    try:
        questionnaire, created = store_questionnaire(spec)
    except QuestionnaireError as exc:
        fail(f"{file}: {exc}")
    if created:
        click.echo(f"{file}: {questionnaire.label} geladen. {spec.summary()}")
    else:
        click.echo(f"{file}: {questionnaire.label} was al geladen met dezelfde inhoud; niets gedaan.")


# -- unit ---------------------------------------------------------------------------------------


@click.group("unit", cls=AppGroup)
def unit_group() -> None:
    """Eenheden beheren."""


@unit_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@database_command
def unit_import(file: str) -> None:
    """Lees eenheden uit FILE (CSV: code;name;kind;parent_code). Veilig om te herhalen."""
    from assessment.units.services import UnitImportError, import_units, parse_unit_csv

    path = Path(file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        fail(f"{file}: kan het bestand niet lezen ({exc.strerror})")
    try:
        result = import_units(parse_unit_csv(data, source=file), source=file)
    except UnitImportError as exc:
        session.rollback()
        for message in exc.messages:
            click.echo(message, err=True)
        fail(f"{file}: niets opgeslagen ({len(exc.messages)} fout(en))")
    click.echo(
        f"{file}: {result.created} nieuw, {result.updated} bijgewerkt, {result.unchanged} ongewijzigd."
    )


# -- round --------------------------------------------------------------------------------------


@click.group("round", cls=AppGroup)
def round_group() -> None:
    """Meetrondes beheren."""


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
    from assessment.questionnaires.services import (
        QuestionnaireError,
        get_questionnaire,
        parse_reference,
    )
    from assessment.rounds.services import RoundError, create_round, open_round

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


def _round_or_fail(code: str) -> Any:
    from assessment.rounds.services import get_round

    round_ = get_round(code)
    if round_ is None:
        fail(f"ronde '{code}' bestaat niet")
    return round_


@round_group.command("open")
@click.argument("code")
@database_command
def round_open(code: str) -> None:
    """Open ronde CODE: elke actieve eenheid krijgt een concept-vragenlijst."""
    from assessment.rounds.services import RoundError, open_round

    try:
        made = open_round(_round_or_fail(code))
    except RoundError as exc:
        fail(str(exc))
    click.echo(f"Ronde {code} is open: {made} concept-vragenlijst(en) gemaakt.")


@round_group.command("close")
@click.argument("code")
@database_command
def round_close(code: str) -> None:
    """Sluit ronde CODE: niemand kan nog antwoorden wijzigen."""
    from assessment.rounds.services import close_round

    close_round(_round_or_fail(code))
    click.echo(f"Ronde {code} is gesloten.")


# -- user ---------------------------------------------------------------------------------------


@click.group("user", cls=AppGroup)
def user_group() -> None:
    """Accounts beheren."""


@user_group.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True, help="De naam die anderen zien.")
# Checked in the command, not by click.Choice: a wrong role gets one line and exit 1, like all bad input.
@click.option("--role", required=True, metavar="|".join(r.value for r in Role))
@click.option(
    "--unit",
    "units",
    multiple=True,
    metavar="CODE",
    help="Eenheid die een vertegenwoordiger vertegenwoordigt; mag vaker.",
)
@click.option("--password-stdin", is_flag=True, help="Lees het wachtwoord van standaardinvoer.")
@database_command
def user_create(email: str, name: str, role: str, units: tuple[str, ...], password_stdin: bool) -> None:
    """Maak een account. Zonder --password-stdin vraagt het commando om het wachtwoord."""
    from assessment.auth.services import UserError, create_user

    try:
        chosen_role = Role(role.strip().lower())
    except ValueError:
        fail(f"--role: '{role}' is geen rol; kies uit {', '.join(r.value for r in Role)}")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Wachtwoord", hide_input=True, confirmation_prompt="Nog eens")
    try:
        user = create_user(
            email=email, display_name=name, role=chosen_role, password=password, unit_codes=units
        )
    except UserError as exc:
        fail(str(exc))
    click.echo(f"Account {user.email} ({user.role.label}) gemaakt.")


# -- report -------------------------------------------------------------------------------------


@click.group("report", cls=AppGroup)
def report_group() -> None:
    """PDF-rapporten maken."""


def _write(path: str, data: bytes) -> None:
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".part")
        partial.write_bytes(data)
        partial.replace(target)
    except OSError as exc:
        fail(f"{path}: kan niet schrijven ({exc.strerror})")


@report_group.command("unit")
@click.option("--unit", "unit_code", required=True, metavar="CODE")
@click.option("--round", "round_code", required=True, metavar="CODE")
@click.option("-o", "--output", required=True, metavar="FILE", help="Het PDF-bestand.")
@database_command
def report_unit(unit_code: str, round_code: str, output: str) -> None:
    """Eenheidsrapport van eenheid CODE in ronde CODE."""
    from sqlalchemy import select

    from assessment.assessments.models import Assessment
    from assessment.reports.services import render_unit_report
    from assessment.units.services import get_unit

    round_ = _round_or_fail(round_code)
    unit = get_unit(unit_code)
    if unit is None:
        fail(f"--unit: eenheid '{unit_code}' bestaat niet")
    assessment = session.scalar(
        select(Assessment).where(Assessment.round_id == round_.id, Assessment.unit_id == unit.id)
    )
    if assessment is None:
        fail(f"eenheid {unit.code} doet niet mee aan ronde {round_.code}")
    _write(output, render_unit_report(assessment))
    click.echo(f"{output}: rapport van {unit.name} ({unit.code}), ronde {round_.code}.")


@report_group.command("round")
@click.option("--round", "round_code", required=True, metavar="CODE")
@click.option("-o", "--output", required=True, metavar="FILE", help="Het PDF-bestand.")
@database_command
def report_round(round_code: str, output: str) -> None:
    """Ronderapport: deelname, Defensiebrede scores, heatmap en meest voorkomende aanbevelingen."""
    from assessment.reports.services import render_round_report

    round_ = _round_or_fail(round_code)
    _write(output, render_round_report(round_))
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
@database_command
def report_batch(round_code: str, out_dir: str, jobs: int | None) -> None:
    """Eén eenheidsrapport per eenheid van de ronde, als <ronde>_<eenheid>.pdf in DIR."""
    import os

    from assessment.reports.services import assessments_in_round, render_batch

    round_ = _round_or_fail(round_code)
    jobs = jobs or os.cpu_count() or 1
    total = len(assessments_in_round(round_))
    started = time.perf_counter()
    with click.progressbar(
        length=total,
        label=f"Rapporten {round_.code}",
        show_pos=True,
        item_show_func=lambda item: item.unit_code if item else None,
    ) as bar:
        items = render_batch(round_, Path(out_dir), jobs=jobs, on_done=lambda item: bar.update(1, item))
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
